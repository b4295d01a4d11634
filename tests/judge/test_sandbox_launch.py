"""How a sandboxed process is started (judge.bwrap.launch_argv): everything set between fork and exec reaches the
program, a step that fails stops the program from running, and starting one does not copy the judge's memory."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from judge import bwrap as bwrap_module
from judge import sandbox as sandbox_module
from judge.bwrap import (
    BWRAP_ENV,
    CORE_LIMIT,
    LAUNCH_PATH,
    OOM_SCORE_ADJ,
    SANDBOX_WORKDIR,
    STACK_BYTES,
    child_env,
)
from judge.cgroups import RunCgroup
from judge.errors import JudgeInternalError, SandboxUnavailableError
from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits
from judge.settings import JudgeSettings
from tests.judge.conftest import run_source

pytestmark = pytest.mark.sandbox

_REPORT = """
import os, resource
names = ('CPU', 'AS', 'FSIZE', 'NOFILE', 'CORE', 'NPROC', 'MEMLOCK', 'RTPRIO', 'NICE', 'STACK')
for name in names:
    print(name, *resource.getrlimit(getattr(resource, 'RLIMIT_' + name)))
print('ids', *os.getresuid(), *os.getresgid())
print('groups', *os.getgroups())
print('personality', int(open('/proc/self/personality').read(), 16))
print('oom', open('/proc/self/oom_score_adj').read().strip())
print('sid', os.getsid(0) == os.getpgid(0))
fds = sorted(int(fd) for fd in os.listdir('/proc/self/fd') if os.path.exists(f'/proc/self/fd/{fd}'))
print('fds', *fds)
print('owners', *(os.fstat(fd).st_uid for fd in (0, 1, 2, 3)))
status = dict(line.split(':', 1) for line in open('/proc/self/status'))
print('privileges', *(status[k].strip() for k in ('CapInh', 'CapPrm', 'CapEff', 'CapAmb', 'NoNewPrivs')))
for name, pid in (('environ', 'self'), ('bwrap_environ', '1')):
    print(name, *sorted(open(f'/proc/{pid}/environ', 'rb').read().decode().split(chr(0))[:-1]))
"""


def test_a_program_starts_with_every_limit_identity_and_only_its_own_fds(
    sandbox: Sandbox, scratch: Path
) -> None:
    # A descriptor of the judge's that a child would inherit: it must not reach the program.
    leak = os.open("/dev/null", os.O_RDONLY)
    os.set_inheritable(leak, True)
    limits = Limits(cpu_s=3, memory_mb=200, file_size_bytes=5_000_001, open_files=50, processes=40)
    try:
        result = run_source(sandbox, scratch, "python", _REPORT, limits=limits, stdin=b"input")
    finally:
        os.close(leak)
    assert result.exit_code == 0 and result.started is True, result.stderr.decode(errors="replace")
    seen = {line.split()[0]: line.split()[1:] for line in result.stdout.decode().splitlines()}
    stack_hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
    expected = {
        "CPU": [3, 4],
        "AS": [200 << 20, 200 << 20],
        "FSIZE": [5_000_001, 5_000_001],  # to the byte
        "NOFILE": [50, 50],
        "CORE": [CORE_LIMIT, CORE_LIMIT],
        "NPROC": [40, 40],
        "MEMLOCK": [0, 0],
        "RTPRIO": [0, 0],
        "NICE": [0, 0],
        "STACK": [min(STACK_BYTES, stack_hard) if stack_hard >= 0 else STACK_BYTES, stack_hard],
    }
    for name, values in expected.items():
        assert [int(v) for v in seen[name]] == values, name
    assert [int(v) for v in seen["ids"]] == [sandbox.uid] * 3 + [sandbox.gid] * 3
    assert seen["groups"] == []  # no supplementary group of root's
    assert int(seen["personality"][0]) & 0x0040000  # ADDR_NO_RANDOMIZE
    assert seen["oom"] == [OOM_SCORE_ADJ]
    assert seen["sid"] == ["True"]
    assert seen["fds"] == ["0", "1", "2", "3"]
    # Its stdin, stdout, stderr and results pipes were handed to its uid (reopening /proc/self/fd/N works).
    assert seen["owners"] == [str(sandbox.uid)] * 4
    assert seen["privileges"] == ["0000000000000000"] * 4 + ["1"]
    # Its own environment, and bwrap's (its pid 1's, readable by it): exactly what the judge gave each, nothing of
    # the judge's or of the launch chain's (bash's exec exported the judge's working directory as PWD, and SHLVL).
    own = {**child_env(None), "PWD": SANDBOX_WORKDIR}  # bwrap's --chdir sets PWD
    assert seen["environ"] == sorted(f"{k}={v}" for k, v in own.items())
    assert seen["bwrap_environ"] == sorted(f"{k}={v}" for k, v in BWRAP_ENV.items())


def test_a_run_whose_cgroup_cannot_be_joined_never_starts_the_program(
    sandbox: Sandbox, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not sandbox.cgroups_available:
        pytest.fail("cgroup v1 is expected on this host (root on a hybrid-v1 machine)")

    class UnjoinableCgroup(RunCgroup):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self.tasks_files = [*self.tasks_files, str(scratch / "missing" / "tasks")]

    monkeypatch.setattr(sandbox_module, "RunCgroup", UnjoinableCgroup)
    (scratch / "ran").unlink(missing_ok=True)
    result = sandbox.run(
        ["/usr/bin/python3", "-c", "open('/work/ran', 'w').write('yes')"], scratch=scratch, limits=Limits()
    )
    # bwrap never said the program ended: the judge's failure, not the program's.
    assert result.started is False
    assert result.exit_code == 125
    assert not (scratch / "ran").exists()


@pytest.mark.parametrize(
    ("uid", "gid"),
    [(2**32 - 1, None), (None, 2**32 - 1), (0, None)],
    ids=["uid-minus-one", "gid-minus-one", "uid-root"],
)
def test_a_sandbox_id_that_would_not_drop_root_never_starts_the_program(
    sandbox: Sandbox, scratch: Path, monkeypatch: pytest.MonkeyPatch, uid: int | None, gid: int | None
) -> None:
    # setresuid and setresgid read 2**32 - 1 as "leave it unchanged": setpriv given it kept root's, and the program
    # ran as root (os.setuid, before the launch chain, refused it). Only a misconfigured range can lease such an id
    # (JudgeSettings refuses one now); the launch refuses it whatever the settings said.
    monkeypatch.setattr(sandbox, "uid", sandbox.uid if uid is None else uid)
    monkeypatch.setattr(sandbox, "gid", sandbox.gid if gid is None else gid)
    (scratch / "ran").unlink(missing_ok=True)
    with pytest.raises(JudgeInternalError):
        sandbox.run(
            ["/usr/bin/python3", "-c", "import os; open('/work/ran', 'w').write(str(os.getresuid()))"],
            scratch=scratch,
            limits=Limits(),
        )
    assert not (scratch / "ran").exists()


def test_sandbox_ids_that_would_not_drop_root_are_refused_by_the_settings() -> None:
    for bad in (
        {"sandbox_uid": 0},
        {"sandbox_gid": 0},
        {"sandbox_gid": 2**32 - 1},
        {"sandbox_uid": 2**32 - 1},
        {"sandbox_uid": 2**32 - 10, "sandbox_uid_count": 10},
    ):
        with pytest.raises(ValidationError):
            JudgeSettings(**bad)
    assert JudgeSettings(sandbox_uid=2**32 - 11, sandbox_uid_count=10).sandbox_uid == 2**32 - 11


def test_a_run_whose_rlimit_cannot_be_set_never_starts_the_program(
    sandbox: Sandbox, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More open files than the kernel allows any process (fs.nr_open): prlimit cannot set it, and ends the chain.
    nr_open = int(Path("/proc/sys/fs/nr_open").read_text())
    monkeypatch.setattr(sandbox, "maximum", replace(sandbox.maximum, open_files=nr_open + 1))
    (scratch / "ran").unlink(missing_ok=True)
    result = sandbox.run(
        ["/usr/bin/python3", "-c", "open('/work/ran', 'w').write('yes')"],
        scratch=scratch,
        limits=Limits(open_files=nr_open + 1),
    )
    assert result.started is False and result.exit_code != 0
    assert not (scratch / "ran").exists()


@pytest.mark.parametrize("missing", ["bash", "env", "prlimit", "setpriv"])
def test_a_host_without_a_launch_program_refuses_to_run_code(
    judge_settings: JudgeSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    # Where the chain's programs are looked up holds every one of them but `missing`.
    for name in {"bash", "env", "prlimit", "setpriv", "setarch", "true"} - {missing}:
        found = shutil.which(name, path=LAUNCH_PATH)
        if found is not None:  # setarch and true are optional: without them layouts vary (launch_tools)
            (tmp_path / name).symlink_to(found)
    monkeypatch.setattr(bwrap_module, "LAUNCH_PATH", str(tmp_path))
    box = Sandbox(judge_settings)
    try:
        with pytest.raises(SandboxUnavailableError, match="not found"):
            box.self_check()
        with pytest.raises(SandboxUnavailableError):
            box.run(["/usr/bin/touch", str(tmp_path / "ran")], scratch=tmp_path, limits=Limits())
    finally:
        box.close()
    assert not (tmp_path / "ran").exists()


def test_starting_a_sandboxed_process_does_not_copy_the_judges_memory(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fork copies the parent's page tables (and a Python hook between fork and exec touches its pages): with 1 GiB
    # more in the judge, each start took 150-280 ms longer on a loaded 2-core host (bench/sandbox_start.py measures
    # it). CPython's subprocess starts a child with vfork, which shares them, only when it has nothing of Python's
    # to run in the child: no preexec_fn, and none of the ids, groups or umask it would set there. Checked by what the
    # sandbox asks subprocess for, never by timing.
    asked: list[dict[str, object]] = []
    popen = subprocess.Popen

    def recording(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        asked.append(kwargs)
        return popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", recording)
    proc = sandbox.start(["/bin/true"], limits=Limits(), program_dir=None)
    proc.finish()
    assert len(asked) == 1
    assert subprocess._USE_VFORK  # type: ignore[attr-defined]
    for name in ("preexec_fn", "user", "group", "extra_groups", "umask", "process_group"):
        assert asked[0].get(name) in (None, -1), (name, asked[0].get(name))
