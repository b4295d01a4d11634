"""Shared judge fixtures: settings with a private sandbox uid range, a self-checked Sandbox, scratch dirs,
loopback listeners and process-table checks for strays."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio

from judge.bank import Question, load_question
from judge.sandbox import Sandbox, SandboxResult
from judge.sandbox_limits import Limits
from judge.service import Judge
from judge.settings import JudgeSettings

UID_SPAN = 32
_UID_LOCKS = Path(tempfile.gettempdir()) / "shadows-judge-test-uid-ranges"


def _claim_uid_range() -> tuple[int, object]:
    """A uid range private to this pytest process (held by a file lock for its lifetime). The judge itself never
    lets two sandboxes share a uid (judge.uids); the private range is for the tests' own bookkeeping: a process
    running as a uid of this range is one of ours, so `strays()` never mistakes another test run's for a leak."""
    _UID_LOCKS.mkdir(exist_ok=True)
    for n in range(400):
        handle = open(_UID_LOCKS / f"{n}.lock", "w")  # noqa: SIM115 - held open until the process exits
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        return 70000 + n * UID_SPAN, handle
    raise RuntimeError("no free sandbox uid range for this test process")


SANDBOX_UID_BASE, _UID_LOCK = _claim_uid_range()

JAVA_RO_BINDS = ("/etc/java-17-openjdk",)
JAVA_FLAGS = [
    "-Xss64m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:ReservedCodeCacheSize=64m",
    "-XX:CompressedClassSpaceSize=64m",
]


@pytest.fixture(scope="session")
def judge_settings() -> JudgeSettings:
    return JudgeSettings(
        sandbox_uid=SANDBOX_UID_BASE,
        sandbox_uid_count=UID_SPAN,
        slots=2,
        queue_size=8,
        unsafe_local_dev=False,
    )


# The hostile suites' judge (test_hostile_integrity, test_hostile_forgery, test_hostile_cross_run): programs answer
# `questions/two-sum` through one single-slot judge a module, so that every run of a module goes through one worker
# (and one sandbox uid) after the last. A module defining a fixture of the same name uses its own.
@pytest.fixture(scope="module")
def question() -> Question:
    return load_question(Path(__file__).resolve().parents[2] / "questions" / "two-sum")


@pytest.fixture(scope="module")
def suite_settings(judge_settings: JudgeSettings) -> JudgeSettings:
    return judge_settings.model_copy(update={"slots": 1, "queue_size": 4})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def judge(suite_settings: JudgeSettings) -> AsyncIterator[Judge]:
    async with Judge(suite_settings) as j:
        yield j


@pytest.fixture(scope="session")
def sandbox(judge_settings: JudgeSettings) -> Sandbox:
    """The real bubblewrap sandbox. Fails (does not skip) when it is unavailable: CI must have it."""
    box = Sandbox(judge_settings)
    box.self_check()
    return box


@pytest.fixture
def scratch(sandbox: Sandbox) -> Iterator[Path]:
    with sandbox.scratch_dir() as path:
        yield path


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    uid: int
    state: str
    comm: str


_STATUS_FIELDS = frozenset({"Name", "State", "PPid", "Uid"})


def process_table() -> list[Proc]:
    """Every process on the host, read from /proc (one file a process: `status` holds all four fields, and a
    loaded host has hundreds of processes to read each time a test looks for strays)."""
    procs: list[Proc] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="utf-8", errors="replace") as f:
                status = f.read()
        except OSError:
            continue
        fields: dict[str, str] = {}
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key in _STATUS_FIELDS:
                fields[key] = value.strip()
        if len(fields) < len(_STATUS_FIELDS):
            continue  # gone while it was read
        procs.append(
            Proc(
                pid=int(entry),
                ppid=int(fields["PPid"]),
                uid=int(fields["Uid"].split()[0]),  # the real uid
                state=fields["State"][:1],
                comm=fields["Name"],
            )
        )
    return procs


def descendants(root: int, table: list[Proc]) -> list[Proc]:
    children: dict[int, list[Proc]] = {}
    for p in table:
        children.setdefault(p.ppid, []).append(p)
    found: list[Proc] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child.pid)
    return found


def _is_pool_worker(pid: int) -> bool:
    """A judge pool worker (`python -m judge.pool --worker N`), a subreaper that must reap what its jobs leave."""
    try:
        return b"judge.pool" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def strays(settings: JudgeSettings, *, allowed: frozenset[int] = frozenset()) -> list[Proc]:
    """Sandboxed processes still alive, and zombies or bwrap processes left under this test process. A zombie counts
    when the judge must reap it: its parent is this process (the subreaper), a bwrap or a sandboxed process. Other
    services the suite runs under this process (its PostgreSQL cluster, servers) reap their own children."""
    table = process_table()
    by_pid = {p.pid: p for p in table}
    lo, hi = settings.sandbox_uid, settings.sandbox_uid + UID_SPAN

    def judge_reaps(zombie: Proc) -> bool:
        parent = by_pid.get(zombie.ppid)
        return zombie.ppid == os.getpid() or (
            parent is not None
            and (parent.comm == "bwrap" or lo <= parent.uid < hi or _is_pool_worker(parent.pid))
        )

    found = {p.pid: p for p in table if lo <= p.uid < hi}
    for p in descendants(os.getpid(), table):
        if p.pid in allowed:
            continue
        if (p.state == "Z" and judge_reaps(p)) or p.comm == "bwrap" or lo <= p.uid < hi:
            found[p.pid] = p
    return [p for pid, p in sorted(found.items()) if pid not in allowed]


def wait_no_strays(
    settings: JudgeSettings, *, allowed: frozenset[int] = frozenset(), timeout: float = 60.0
) -> list[Proc]:
    """Strays remaining after giving the kernel `timeout` seconds to finish tearing namespaces down (returns as soon
    as none is left: the bound is only reached by a real leftover, or by a loaded box that is slow to tear down)."""
    deadline = time.monotonic() + timeout
    while True:
        left = strays(settings, allowed=allowed)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def reap_own_zombies() -> None:
    """Reap zombies parented to this process, one pid at a time (never `waitpid(-1)`: a fixture's subprocess may be
    waited on elsewhere). `waitid(WNOWAIT)` names an exited child without reaping it: a system call a zombie, not a
    read of every process on the host (10-20 ms of CPU on a loaded one, and this runs before every judge test)."""
    named: set[int] = set()
    while True:
        try:
            zombie = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return  # no children at all
        if zombie is None or zombie.si_pid in named:
            return
        named.add(zombie.si_pid)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(zombie.si_pid, os.WNOHANG)


@pytest.fixture(autouse=True)
def _reap_adopted_zombies() -> None:
    """Before every judge test, reap zombies already parented to this process. A judge test makes the pytest process a
    subreaper, so orphans of unrelated tests run earlier in the same xdist worker (servers' grandchildren, helper
    scripts) are re-parented here and wait as zombies that nobody else will reap."""
    reap_own_zombies()


@pytest.fixture
def no_strays(judge_settings: JudgeSettings) -> Iterator[None]:
    """Asserts the test left no sandboxed process, zombie or bwrap behind.

    Before the test, what earlier tests left under this process gets a moment to settle: an adopted orphan may exit
    (and be reaped here) or a pool worker may reap its last job's children just after replying. Processes alive under
    this process before the test are bystanders: if one of them exits during the test, it is not this test's leftover.
    """
    deadline = time.monotonic() + 60.0  # returns once settled: a loaded box is slow to tear namespaces down
    while True:
        reap_own_zombies()
        before = strays(judge_settings)
        if not before or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert before == [], f"strays before the test: {before}"
    bystanders = frozenset(p.pid for p in descendants(os.getpid(), process_table()))
    yield
    left = wait_no_strays(judge_settings, allowed=bystanders)
    assert left == [], f"processes left behind: {left}"


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it accepts."""

    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)
    # Times the accept loop found no connection waiting (a 0.1 s accept timed out), under `_idle`.
    idle_rounds: int = 0
    _idle: threading.Condition = field(default_factory=threading.Condition)

    def drained(self, timeout: float = 10.0) -> list[tuple[str, int]]:
        """The connections accepted once every connection made before this call has been accepted: the kernel
        completes a loopback handshake at connect() and queues it, so two accept rounds that begin after this call
        and find nothing mean nothing was queued. Call it once whatever might connect is gone (no process of the
        run is left), instead of sleeping on the chance that it still phones home."""
        with self._idle:
            target = self.idle_rounds + 2
            self._idle.wait_for(lambda: self.idle_rounds >= target, timeout=timeout)
        return list(self.connections)


@pytest.fixture
def loopback_listener() -> Iterator[Listener]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    listener = Listener(port=server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, addr = server.accept()
            except TimeoutError:
                with listener._idle:
                    listener.idle_rounds += 1
                    listener._idle.notify_all()
                continue
            except OSError:
                return
            listener.connections.append(addr)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


@pytest.fixture
def host_canary(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A file outside any scratch dir holding a secret value; the test checks it is unread and unchanged."""
    value = f"canary-{os.urandom(8).hex()}"
    path = tmp_path / "host-secret.env"
    path.write_text(f"OPENAI_API_KEY={value}\n")
    path.chmod(0o644)  # readable to anyone on the host: only the sandbox's mount namespace protects it
    with contextlib.suppress(OSError):
        tmp_path.chmod(0o755)
    yield path, value
    assert path.read_text() == f"OPENAI_API_KEY={value}\n", "the host canary file was modified"


def run_source(
    sandbox: Sandbox,
    scratch: Path,
    language: str,
    source: str,
    *,
    limits: Limits | None = None,
    stdin: bytes = b"",
) -> SandboxResult:
    """Write `source` as a standalone program in `language`, build it if needed, run it in the sandbox."""
    limits = limits or Limits()
    settings = sandbox.settings
    if language == "python":
        (scratch / "main.py").write_text(source)
        argv = [settings.python_bin, "/work/main.py"]
        return sandbox.run(argv, scratch=scratch, limits=limits, stdin=stdin)
    if language == "javascript":
        (scratch / "main.js").write_text(source)
        node_limits = Limits(**{**limits.__dict__, "address_space_limit": False})
        heap = f"--max-old-space-size={max(16, limits.memory_mb // 2)}"
        return sandbox.run(
            [settings.node_bin, heap, "/work/main.js"], scratch=scratch, limits=node_limits, stdin=stdin
        )
    if language == "cpp":
        (scratch / "main.cpp").write_text(source)
        build = sandbox.run(
            [settings.cxx_bin, "-O1", "-std=c++17", "-pthread", "-o", "/work/main", "/work/main.cpp"],
            scratch=scratch,
            limits=Limits(wall_s=20, cpu_s=20, memory_mb=1024, address_space_limit=False),
        )
        assert build.exit_code == 0, build.stderr.decode(errors="replace")
        return sandbox.run(["/work/main"], scratch=scratch, limits=limits, stdin=stdin)
    if language == "java":
        (scratch / "Main.java").write_text(source)
        build = sandbox.run(
            [
                settings.javac_bin,
                "-J-XX:+UseSerialGC",
                "-J-XX:TieredStopAtLevel=1",
                "-d",
                "/work",
                "Main.java",
            ],
            scratch=scratch,
            limits=Limits(wall_s=30, cpu_s=30, memory_mb=1024, address_space_limit=False),
            ro_binds=JAVA_RO_BINDS,
        )
        assert build.exit_code == 0, build.stderr.decode(errors="replace")
        java_limits = Limits(**{**limits.__dict__, "address_space_limit": False})
        heap = f"-Xmx{max(16, limits.memory_mb // 2)}m"
        return sandbox.run(
            [settings.java_bin, heap, *JAVA_FLAGS, "-cp", "/work", "Main"],
            scratch=scratch,
            limits=java_limits,
            stdin=stdin,
            ro_binds=JAVA_RO_BINDS,
        )
    raise ValueError(language)


def read_available(fd: int) -> bytes:
    """What a non-blocking pipe holds now (b"" when empty)."""
    try:
        return os.read(fd, 4096)
    except BlockingIOError:
        return b""


def first_line(results_fd: int, timeout_s: float = 60) -> bytes:
    """What a started program has said on its results pipe up to its first newline, or by `timeout_s`."""
    said, deadline = b"", time.monotonic() + timeout_s
    while b"\n" not in said and time.monotonic() < deadline:
        said += read_available(results_fd)
        time.sleep(0.01)
    return said
