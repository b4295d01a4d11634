"""Per-run cgroup v1 memory, pids, cpuacct, cpu and blkio groups for sandboxed code, and a cgroup v2 group whose
pressure the judge reads (each optional; absent -> rlimits only).

The cpu group gives each run one equal CPU weight, however many threads and processes it starts: without it, where
the kernel does not group each session's tasks on its own (autogroup applies only in the root cpu cgroup, so not
in a container's or a systemd service's), the scheduler is fair per thread, and one run's 90 spinning processes
left a concurrent run 2% of the CPU: its honest tests passed twice their limit in wall time, `time_limit`.

The blkio group bounds the run's reads from the disks under the files it can read (READ_BPS, READ_IOPS). The page
cache is the host's, and a run's memory group holds only the pages it read itself: a program reading through /usr in
a loop, its group evicting its own pages to make room for the next, made the host's disk read 583 MiB in 2 s from a
run allowed 96 MiB, for as long as it ran, charged to no run (the database and every other run on the host waiting
behind it). A disk the kernel does not show as a block device (an overlay or network filesystem) is not bounded.

The v2 group (in the unified hierarchy: /sys/fs/cgroup/unified on a hybrid host) holds no controller. It is there for
its `io.pressure`: the kernel's count (PSI) of the time the run's tasks spent stalled on the disk, which the meter
does not charge to the program (judge.meter). It is a threaded group, so that the child joins it by writing "0" to
`cgroup.threads`, as it joins the v1 groups through `tasks`: moving a whole process (v2's `cgroup.procs`) takes a
host-wide lock, 7 ms a run on this kind of host against 0.2 ms (see `join_self`)."""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import signal
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from judge.kernel_counters import parse_io_stall_us
from judge.processes import pid_alive

log = logging.getLogger(__name__)

CGROUP_ROOT = Path("/sys/fs/cgroup")
# The run's TCP buffers (`memory.kmem.tcp.limit_in_bytes`). In cgroup v1 a group's TCP socket memory (and, once that
# is on, its other inet sockets' receive queues) is charged to a counter of its own, outside `memory.limit_in_bytes`,
# and only once that counter has a limit: without one, 12 loopback connections whose bytes nobody read held 125 MiB
# of a run whose group allowed 96 MiB, charged to nothing, and the host's `tcp_mem` (past which every TCP socket on
# the host, the judge's own among them, is under memory pressure) was the only bound. At the limit a sender waits
# (or gets EAGAIN) until its peer reads. (Unix sockets' buffers are charged to the memory group itself.) The sandbox
# now refuses inet sockets (some of what they make the kernel keep is charged to no group: judge.seccomp); this limit
# stays, a second line for any socket memory the group's TCP counter takes.
TCP_BUFFERS_MB = 16
# The run's disk reads, on each disk under what it can read (`blkio.throttle.read_bps_device`, `read_iops_device`).
# What runtimes read cold, once per host until it is evicted (measured 2026-12-03): a JVM start 46 MiB in 82 reads,
# javac 95 MiB in 182, node 67 MiB in 113, g++ 52 MiB in 580 (python3 almost nothing): at most about 0.75 s at these
# rates, within every start-up allowance; warm, nothing is read.
READ_BPS = 128 << 20
READ_IOPS = 2000
# A blkio group is removed only once the reads it has let the program queue could have gone to the disk at its rate
# (RunCgroup.note_reads): removing a group dispatches its queued reads at once, at the disk's full speed. At most
# this long the removals of one run's groups together (ReadDrain), which judge.limits.job_budget_s counts.
DRAIN_MAX_S = 20.0
_THROTTLE_SLICE_S = 0.1  # blk-throttle measures a group's rate over slices of this length
_counter = itertools.count()


@dataclass
class ReadDrain:
    """How long the judge may still wait, in all, for the disk to serve reads that one run's processes queued past
    their rate (RunCgroup.remove), shared by every process of the run, its compiles included.

    Each removal waited up to 30 s on its own (2026-12-07): a program that queued its memory group's worth of
    single-page reads (60,000 `readahead()` calls in 0.4 s) and ended its process made the judge wait that long once
    a test, outside the job's budget, so that the pool ended the job as overrunning: `internal_error`, "not the
    candidate's", for the candidate's own doing. Now a run waits at most DRAIN_MAX_S in all, which the budget
    counts; a process whose queue needs more than is left (the rest goes to the disk at once as its group goes) ends
    the run: `overrun`, and the runner starts no other process (judge.runner)."""

    left_s: float = DRAIN_MAX_S
    overrun: bool = False

    def take(self, wait_s: float) -> float:
        """How long to wait of `wait_s`, taken from what is left."""
        allowed = max(0.0, min(wait_s, self.left_s))
        self.left_s -= allowed
        if wait_s > allowed + _THROTTLE_SLICE_S:
            self.overrun = True
        return allowed


def _own_v1_path(controller: str) -> str | None:
    """This process's cgroup path for a v1 controller, from /proc/self/cgroup."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return path
    return None


@dataclass(frozen=True)
class CgroupParents:
    """Writable v1 parent directories under which per-run groups are made; either may be None."""

    memory: Path | None
    pids: Path | None
    cpuacct: Path | None = None
    # None as well where cpu is mounted with cpuacct (the cpuacct group is then the cpu group).
    cpu: Path | None = None
    blkio: Path | None = None
    # A cgroup v2 directory under which threaded run groups can be made, for their pressure (see the module's doc).
    pressure: Path | None = None

    @property
    def available(self) -> bool:
        return any(p is not None for p in self.all)

    @property
    def all(self) -> tuple[Path, ...]:
        dirs = (self.memory, self.pids, self.cpuacct, self.cpu, self.blkio, self.pressure)
        return tuple(p for p in dirs if p is not None)


def detect_parents() -> CgroupParents:
    """Find writable v1 memory and pids hierarchies (root only; hybrid or pure v1 hosts)."""

    def probe(controller: str, marker: str) -> Path | None:
        own = _own_v1_path(controller)
        if own is None:
            return None
        parent = CGROUP_ROOT / controller / own.lstrip("/")
        if not (parent / marker).exists():
            return None
        return parent if _can_make_group(parent) else None

    cpuacct = probe("cpuacct", "cpuacct.usage")
    cpu = probe("cpu", "cpu.shares")
    if cpu is not None and cpuacct is not None and cpu.resolve() == cpuacct.resolve():
        cpu = None  # one hierarchy with both controllers ("cpu,cpuacct"): the cpuacct group does both
    return CgroupParents(
        memory=probe("memory", "memory.limit_in_bytes"),
        # The root of a pids hierarchy has no pids.max (only its children do): a judge in the root group can still
        # make run groups under it, so the marker is the hierarchy's own file.
        pids=probe("pids", "cgroup.procs"),
        cpuacct=cpuacct,
        cpu=cpu,
        blkio=probe("blkio", "blkio.throttle.read_bps_device"),
        pressure=pressure_parent(),
    )


def _unified_root() -> Path | None:
    """Where the cgroup v2 hierarchy is mounted: beside the v1 ones (hybrid), or at the root (v2 only)."""
    for root in (CGROUP_ROOT / "unified", CGROUP_ROOT):
        if (root / "cgroup.controllers").exists():
            return root
    return None


@functools.cache
def pressure_parent() -> Path | None:
    """This process's cgroup v2 directory, if a threaded group whose `io.pressure` the kernel keeps can be made under
    it (root; the kernel's PSI on, the default; the directory able to be a threaded domain). Probed once a process."""
    root = _unified_root()
    if root is None:
        return None
    own = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            if line.startswith("0::"):
                own = line[3:]
    if own is None:
        return None
    parent = root / own.lstrip("/")

    def threaded_with_pressure(group: Path) -> None:
        (group / "cgroup.type").write_text("threaded")
        parse_io_stall_us((group / "io.pressure").read_bytes())

    return parent if _can_make_group(parent, threaded_with_pressure) else None


def _can_make_group(parent: Path, check: Callable[[Path], None] | None = None) -> bool:
    """Whether a group can be made under `parent` (and, given `check`, set up as it would be: raising OSError or
    ValueError when it cannot); the probe group is removed again."""
    test = parent / f"shadows-probe-{os.getpid()}-{next(_counter)}"
    try:
        test.mkdir()
    except OSError:
        return False
    try:
        if check is not None:
            check(test)
    except (OSError, ValueError):
        return False
    finally:
        with contextlib.suppress(OSError):
            test.rmdir()
    return True


def read_devices(paths: Iterable[str | Path | None]) -> tuple[str, ...]:
    """The whole disks ("major:minor", as blkio names them) under the filesystems of `paths`; a filesystem on no block
    device (tmpfs, overlay, a network filesystem) has none. A partition's reads are throttled on its disk."""
    found: list[str] = []
    for path in paths:
        if path is None:
            continue
        try:
            disk = _whole_disk(os.stat(path).st_dev)
        except OSError:
            continue
        if disk is not None and disk not in found:
            found.append(disk)
    return tuple(found)


@functools.lru_cache(maxsize=64)
def _whole_disk(dev: int) -> str | None:
    major, minor = os.major(dev), os.minor(dev)
    if major == 0:  # anonymous: tmpfs, proc, overlay
        return None
    node = Path(f"/sys/dev/block/{major}:{minor}")
    try:
        if (node / "partition").exists():
            return (node.resolve().parent / "dev").read_text().strip()
        return f"{major}:{minor}" if node.exists() else None
    except OSError:
        return None


class RunCgroup:
    """One run's groups: made before the run, joined by the child before exec, removed after."""

    def __init__(
        self,
        parents: CgroupParents,
        *,
        memory_bytes: int,
        pids_max: int,
        disks: Sequence[str] = (),
        drain: ReadDrain | None = None,
    ) -> None:
        name = f"shadows-judge-{os.getpid()}-{next(_counter)}"
        self._drain = drain if drain is not None else ReadDrain()  # the run's, or this group's own
        self.dirs: list[Path] = []
        self._fds: dict[Path, int] = {}  # control files read again and again, by `_pread`
        self.memory_dir: Path | None = None
        self.pids_dir: Path | None = None
        self.cpuacct_dir: Path | None = None
        self.pressure_dir: Path | None = None
        self.blkio_dir: Path | None = None
        self._reads_seen = (0, 0)  # the blkio group's reads (bytes, count) at the last `note_reads`
        self._drained_at = 0.0  # by when (monotonic) the disk has served every read seen, at the group's rate
        try:
            if parents.memory is not None:
                self.memory_dir = parents.memory / name
                self.memory_dir.mkdir()
                self.dirs.append(self.memory_dir)
                (self.memory_dir / "memory.limit_in_bytes").write_text(str(memory_bytes))
                memsw = self.memory_dir / "memory.memsw.limit_in_bytes"
                if memsw.exists():  # forbid escaping the limit into swap
                    memsw.write_text(str(memory_bytes))
                tcp = self.memory_dir / "memory.kmem.tcp.limit_in_bytes"
                if tcp.exists():  # cgroup v1: TCP buffers are charged only once this has a limit
                    tcp.write_text(str(TCP_BUFFERS_MB << 20))
            if parents.pids is not None:
                self.pids_dir = parents.pids / name
                self.pids_dir.mkdir()
                self.dirs.append(self.pids_dir)
                (self.pids_dir / "pids.max").write_text(str(pids_max))
            if parents.cpuacct is not None:
                self.cpuacct_dir = parents.cpuacct / name
                self.cpuacct_dir.mkdir()
                self.dirs.append(self.cpuacct_dir)
            if parents.cpu is not None:  # default weight: each run weighs what the judge's own group does
                (parents.cpu / name).mkdir()
                self.dirs.append(parents.cpu / name)
            if parents.blkio is not None and disks:
                blkio = parents.blkio / name
                blkio.mkdir()
                self.dirs.append(blkio)
                self.blkio_dir = blkio
                for disk in disks:  # one device a write
                    (blkio / "blkio.throttle.read_bps_device").write_text(f"{disk} {READ_BPS}")
                    (blkio / "blkio.throttle.read_iops_device").write_text(f"{disk} {READ_IOPS}")
            if parents.pressure is not None:
                self.pressure_dir = parents.pressure / name
                self.pressure_dir.mkdir()
                self.dirs.append(self.pressure_dir)
                (self.pressure_dir / "cgroup.type").write_text("threaded")
        except OSError:
            self.remove()
            raise
        # Built now so the forked child only has to open and write them.
        self.tasks_files = [
            str(d / ("cgroup.threads" if d == self.pressure_dir else "tasks")) for d in self.dirs
        ]

    def join_self(self) -> None:
        """Move the calling thread into the groups, from a single-threaded process, so the thread is the whole
        process (its threads and children to come follow it). The sandbox's launch does the same from bash, with
        `tasks_files` (judge.bwrap.launch_argv); this is for a child started with a preexec function (tests).

        It writes "0" (the writer itself) to `tasks` (v1) and `cgroup.threads` (v2): the kernel then skips the
        host-wide lock that moving a whole thread group takes, whose first taker after a quiet moment waits for an
        RCU grace period (~5 ms per group on this kind of host; writing a pid to `cgroup.procs` cost a run 11 ms
        before it started, and 7 ms in v2)."""
        for path in self.tasks_files:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, b"0")
            finally:
                os.close(fd)

    def oom_killed(self) -> bool:
        """Whether the kernel OOM-killed a process of this group."""
        return self.oom_kills() > 0

    def oom_kills(self) -> int:
        """How many processes of this group the kernel has OOM-killed (the group's memory limit is the run's:
        whichever process it killed, the run as a whole was over it). A `pread` on a descriptor kept open."""
        if self.memory_dir is None:
            return 0
        text = self._pread(self.memory_dir / "memory.oom_control")
        if text is None:
            return 0
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                with contextlib.suppress(ValueError):
                    return int(value)
        return 0

    def cpu_seconds(self) -> float | None:
        """CPU time used by every process of the run (None without a cpuacct group), on the later of the kernel's
        two clocks for it.

        `cpuacct.usage` is the scheduler's exact runtime. `RLIMIT_CPU` is checked against another clock: each
        process's user and system time, charged a whole tick to whatever runs when the timer ticks; on a busy host
        it runs ahead of the exact one (a compiler stopped by its `RLIMIT_CPU` of 1 s had used 0.86-0.99 s by
        `cpuacct.usage`, and looked like one that failed on its own). The group's `usage_user` + `usage_sys` sum
        the same ticks for all its processes, so they reach the limit no later than any one process's rlimit does:
        a run that the kernel stopped for CPU is over its CPU limit here too, however busy the host was."""
        if self.cpuacct_dir is None:
            return None
        try:
            exact = int(self._pread(self.cpuacct_dir / "cpuacct.usage") or "")
        except ValueError:
            return None
        ticked = 0
        with contextlib.suppress(ValueError):
            ticked = int(self._pread(self.cpuacct_dir / "cpuacct.usage_user") or "") + int(
                self._pread(self.cpuacct_dir / "cpuacct.usage_sys") or ""
            )
        return max(exact, ticked) / 1e9

    def _pread(self, path: Path) -> str | None:
        """A control file's text, through a descriptor kept open until `remove` (these are read every 50 ms while a
        run lasts); None when it cannot be read."""
        try:
            fd = self._fds.get(path)
            if fd is None:
                fd = self._fds[path] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            return os.pread(fd, 4096, 0).decode("ascii", "replace")
        except OSError:
            return None

    def note_reads(self, now: float | None = None) -> None:
        """Take in the reads the run has asked of its disks so far (the blkio group's counts, kept as reads are
        submitted, not as the throttle lets them go): by when the disk will have served them all, at the group's
        rate, from when they were first seen (`now`, or a later time if what was seen before is not served yet).

        The group queues the reads it holds back, and removing it dispatches its queue at once, at the disk's full
        speed: `readahead()` of 2 MiB pieces of a file queued 192 MiB in 0.1 s, which a process ending at once sent to
        the disk as its group was removed (168 MiB within 0.2 s, 2026-12-06), where the group had let them go at
        128 MiB/s; every process a run starts (one a test) could do it again. Seen often (the supervisor's samples,
        the one-shot runs' ticks), the estimate follows the reads as they come; seen late, it waits longer."""
        if self.blkio_dir is None:
            return
        now = time.monotonic() if now is None else now
        read_bytes = self._blkio_count("blkio.throttle.io_service_bytes")
        reads = self._blkio_count("blkio.throttle.io_serviced")
        seen_bytes, seen_reads = self._reads_seen
        if read_bytes <= seen_bytes and reads <= seen_reads:
            return
        self._reads_seen = (max(read_bytes, seen_bytes), max(reads, seen_reads))
        served_in = max((read_bytes - seen_bytes) / READ_BPS, (reads - seen_reads) / READ_IOPS, 0.0)
        self._drained_at = max(self._drained_at, now) + served_in

    def _blkio_count(self, name: str) -> int:
        """The group's reads in one of its throttle counters (`MAJ:MIN Read N` lines; every disk's), 0 unreadable."""
        assert self.blkio_dir is not None
        total = 0
        for line in (self._pread(self.blkio_dir / name) or "").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] == "Read":
                with contextlib.suppress(ValueError):
                    total += int(parts[2])
        return total

    def _wait_for_queued_reads(self) -> None:
        """Before the blkio group goes: wait until the disk could have served every read it let the program queue, at
        its rate (`note_reads`). An honest run's reads were served as they came (no wait); a program that queued
        its group's worth of reads and ended waits here, its slot held, as its reads would have, within what is left
        of its run's ReadDrain."""
        self.note_reads()
        wait = self._drained_at + _THROTTLE_SLICE_S - time.monotonic()
        # Within a slice of the throttle's own time, nothing is left to hold back.
        if wait > _THROTTLE_SLICE_S:
            allowed = self._drain.take(wait)
            if self._drain.overrun:
                log.warning("a run's queued disk reads need %.1f s at its rate; waited %.1f s", wait, allowed)
            time.sleep(allowed)

    def memory_failures(self) -> int:
        """How many times an allocation hit the limit (page reclaim or OOM followed)."""
        if self.memory_dir is None:
            return 0
        try:
            return int((self.memory_dir / "memory.failcnt").read_text())
        except (OSError, ValueError):
            return 0

    def pids(self) -> set[int]:
        found: set[int] = set()
        for d in self.dirs:
            found.update(_members(d))
        return found

    def kill_all(self) -> None:
        """SIGKILL everything still in the groups (repeat: a forking process may add members meanwhile)."""
        pause = 0.0002  # killed processes usually leave within a few hundred microseconds
        for _ in range(60):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(pause)
            pause = min(0.002, pause * 2)

    def remove(self) -> None:
        """Remove the groups; they must be empty, so wait briefly for killed members to be gone. The blkio group
        goes only once the reads it holds back could have been served at its rate (`note_reads`)."""
        if self.blkio_dir is not None and self.blkio_dir in self.dirs:
            self._wait_for_queued_reads()
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        for d in self.dirs:
            for attempt in range(200):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if attempt == 199:
                        log.warning("could not remove cgroup %s; left behind", d)
                        break
                    for pid in _members(d):
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                    time.sleep(0.005)
        self.dirs = []


def sweep_stale(parents: CgroupParents) -> int:
    """Remove run groups left by judge processes that died mid-run (e.g. a worker killed on cancellation)."""
    removed = 0
    for parent in parents.all:
        for group in parent.glob("shadows-judge-*"):
            try:
                owner = int(group.name.split("-")[2])
            except (IndexError, ValueError):
                continue
            if pid_alive(owner):
                continue
            for pid in _members(group):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            for _ in range(100):
                try:
                    group.rmdir()
                    removed += 1
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.005)
    return removed


def _members(group: Path) -> list[int]:
    """The processes in a group (v1, or a v2 domain group); in a threaded v2 group, which does not list them, its
    threads (a signal sent to any thread's id goes to its whole process)."""
    for listing in ("cgroup.procs", "cgroup.threads"):
        with contextlib.suppress(OSError, ValueError):
            return [int(p) for p in (group / listing).read_text().split()]
    return []
