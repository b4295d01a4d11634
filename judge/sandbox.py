"""Runs untrusted programs under bubblewrap with rlimits, cgroups, deadlines and capped output.

`Sandbox.run()` runs one program to completion (compilers, tests of the sandbox itself); `Sandbox.start()` starts
one and hands back the live process for the test supervisor (judge.supervisor) to drive.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import os
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from judge.bwrap import (
    BWRAP_ENV,
    DEFAULT_RO_BINDS,
    LAUNCH_PATH,
    PARKED_FD_MIN,
    PROGRAM_DIR,
    SANDBOX_WORKDIR,
    WORK_TMPFS_MB,
    ChildFds,
    Mounts,
    bwrap_argv,
    child_env,
    hand_over_channels,
    launch_argv,
    launch_tools,
)
from judge.cgroups import CgroupParents, ReadDrain, RunCgroup, detect_parents, read_devices, sweep_stale
from judge.collector import Collector
from judge.devices import DeviceNodes, device_nodes, reclaim_dev_null
from judge.errors import JudgeInternalError, SandboxUnavailableError
from judge.processes import count_processes, enable_subreaper, reap_bwrap_zombies
from judge.sandbox_channels import CHANNEL_BYTES, hold_output, one_way_socket, output_file, pipe
from judge.sandbox_limits import Limits
from judge.sandbox_process import SandboxProcess
from judge.scratch import scratch_space
from judge.seccomp import build_filter
from judge.settings import JudgeSettings, get_settings
from judge.uids import lease_uid

log = logging.getLogger(__name__)


@dataclass
class SandboxResult:
    """What a sandboxed run did. Output fields are capped excerpts."""

    exit_code: int | None  # None when killed by signal
    signal: int | None
    stdout: bytes
    stderr: bytes
    results: bytes  # everything the program wrote to the results channel: file descriptor 3
    wall_s: float
    timed_out: bool  # wall deadline hit
    cpu_exceeded: bool  # SIGXCPU / RLIMIT_CPU
    memory_exceeded: bool  # cgroup OOM kill or detected allocation failure signal
    output_exceeded: bool
    cpu_s: float = 0.0
    started: bool | None = None  # bwrap started the program (False: it failed before; None: unknown)

    @property
    def stopped(self) -> bool:
        """Whether a limit of the judge's ended the run (its wall deadline, its CPU time, its memory, its output),
        rather than the program itself: what it then said is cut short, and running it again gets no further."""
        return self.timed_out or self.cpu_exceeded or self.memory_exceeded or self.output_exceeded


_worker_sandbox: Sandbox | None = None


def worker_sandbox() -> Sandbox:
    """This process's Sandbox (built from get_settings() and self-checked once). Use it inside pool jobs."""
    global _worker_sandbox
    if _worker_sandbox is None:
        sandbox = Sandbox(get_settings())
        sandbox.self_check()
        _worker_sandbox = sandbox
    return _worker_sandbox


# Room above RLIMIT_AS for what the cgroup also charges (page tables, kernel stacks, pipe buffers). Without it an
# AS-limited program can reach the cgroup limit first and, with no swap, thrash on evicted code pages instead of
# getting a clean MemoryError / bad_alloc.
_AS_CGROUP_HEADROOM_MB = 64


def _cgroup_memory_bytes(limits: Limits) -> int:
    """The run's memory cgroup limit. A supervised run's is stated whole (tmpfs pages, charged to the group, are
    inside it); otherwise its memory budget plus its tmpfs mounts."""
    if limits.cgroup_mb is not None:
        return limits.cgroup_mb << 20
    mb = limits.memory_mb + limits.tmpfs_mb + WORK_TMPFS_MB
    if limits.address_space_limit:
        mb += _AS_CGROUP_HEADROOM_MB
    return mb << 20


class Sandbox:
    """Runs argv inside bubblewrap as an unprivileged uid. Blocking; meant for a dedicated worker process."""

    def __init__(self, settings: JudgeSettings) -> None:
        self.settings = settings
        self.maximum = Limits.maximum(settings)
        self._checked = False
        self._unsafe = False
        self._is_root = os.geteuid() == 0
        self._seccomp = build_filter() if settings.seccomp else None
        self._cgroups = detect_parents() if self._is_root else CgroupParents(None, None)
        if self._cgroups.available:
            sweep_stale(self._cgroups)
        # Root: a uid of our own from the configured range, held under a host-wide lock for this Sandbox's
        # lifetime (no other judge process on the host runs code as it). Otherwise: our own uid.
        self._lease = lease_uid(settings.sandbox_uid, settings.sandbox_uid_count) if self._is_root else None
        self.uid = self._lease.uid if self._lease is not None else os.getuid()
        self.gid = settings.sandbox_gid if self._is_root else os.getgid()
        if self._is_root:
            reclaim_dev_null(settings)
        # Device nodes of each process's own (root only): the host's, bound into every sandbox, kept the times a
        # program stamped on them for every later run to read (judge.devices).
        self._devices = device_nodes()
        self._tools = launch_tools()
        enable_subreaper()

    def close(self) -> None:
        """Give the sandbox uid back (also happens when this object is garbage-collected or the process ends)."""
        if self._lease is not None:
            self._lease.release()

    @property
    def cgroups_available(self) -> bool:
        return self._cgroups.available

    @property
    def unsafe(self) -> bool:
        return self._unsafe

    def self_check(self) -> None:
        """Verify bwrap and user namespaces work; else refuse untrusted code (unless unsafe_local_dev)."""
        problem = self._probe()
        if problem is None:
            self._checked, self._unsafe = True, False
            if self._is_root and not any((self._cgroups.memory, self._cgroups.pids, self._cgroups.cpuacct)):
                log.warning(
                    "no cgroup v1 memory, pids or cpuacct hierarchy (a host with cgroup v2 alone?): runs are bounded "
                    "by rlimits only, with no run-wide memory budget and no per-run CPU weight (docs/judge.md, "
                    "'Known gaps')"
                )
            if self._cgroups.available and self._cgroups.pressure is None:
                log.warning(
                    "no cgroup v2 group with io.pressure can be made for runs: a program kept waiting for the disk "
                    "(its runtime's files evicted from the page cache) is charged that time against its limit "
                    "(docs/deployment.md)"
                )
            return
        if self.settings.unsafe_local_dev:
            log.warning(
                "!!! UNSAFE LOCAL DEV: sandbox unavailable (%s); candidate code runs WITHOUT isolation. "
                "Never use this setting with untrusted code. !!!",
                problem,
            )
            self._checked, self._unsafe = True, True
            return
        raise SandboxUnavailableError(f"sandbox unavailable: {problem}; refusing to run untrusted code")

    def _probe(self) -> str | None:
        bwrap = shutil.which(self.settings.bwrap_bin)
        if bwrap is None:
            return f"bubblewrap not found at {self.settings.bwrap_bin}"
        if self._tools is None:
            return f"bash, env, prlimit or setpriv (util-linux) not found in {LAUNCH_PATH}"
        try:
            with open("/proc/sys/user/max_user_namespaces") as f:
                if int(f.read().strip() or 0) == 0:
                    return "user namespaces are disabled (user.max_user_namespaces = 0)"
        except (OSError, ValueError):
            pass
        with self.scratch_dir() as tmp:
            self._hand_over(tmp)
            try:
                proc = self._spawn(
                    ["/bin/true"], Mounts(work=tmp), Limits(wall_s=10.0, cpu_s=5.0), None, frames=False
                )
                result = self._collect(proc, b"")
            except JudgeInternalError as exc:
                return str(exc)
        if result.exit_code != 0:
            detail = result.stderr.decode(errors="replace").strip()[:300]
            return f"bwrap probe exited with {result.exit_code} / signal {result.signal}: {detail}"
        return None

    @contextlib.contextmanager
    def scratch_dir(self) -> Iterator[Path]:
        """A fresh scratch directory for one request's runs, on this process's capped scratch tmpfs when root."""
        with scratch_space(self.settings.scratch_tmpfs_mb).make() as path:
            yield path

    def run(
        self,
        argv: list[str],
        *,
        scratch: Path | None,
        limits: Limits,
        stdin: bytes = b"",
        ro_binds: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        program_dir: Path | None = None,
        sealed: bool = False,
        drain: ReadDrain | None = None,
    ) -> SandboxResult:
        """Run argv (sandbox paths: `scratch` is /work, read-write; `program_dir` is /judge, read-only) to
        completion, deadline or output cap, and report what happened. `sealed`: its stdout, stderr and results
        channel are sockets, which no path reopens (for a compiler, whose input the candidate names: see _spawn).
        `drain`: the run's allowance for waiting on its queued disk reads (judge.cgroups.ReadDrain)."""
        mounts = self._mounts(scratch, program_dir, ro_binds)
        proc = self._spawn(
            argv, mounts, limits.clamp(self.maximum), env, frames=False, sealed=sealed, drain=drain
        )
        return self._collect(proc, stdin)

    def start(
        self,
        argv: list[str],
        *,
        limits: Limits,
        program_dir: Path | None,
        ro_binds: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        drain: ReadDrain | None = None,
    ) -> SandboxProcess:
        """Start argv with a fresh private /work and `program_dir` read-only at /judge; the caller drives it and
        must call `finish()` on what comes back. Wall and CPU limits are the caller's (per test). `drain`: as `run`."""
        mounts = self._mounts(None, program_dir, ro_binds)
        return self._spawn(
            argv, mounts, limits.clamp(self.maximum, keep_time=True), env, frames=True, drain=drain
        )

    def _mounts(self, scratch: Path | None, program_dir: Path | None, ro_binds: Sequence[str]) -> Mounts:
        if not self._checked:
            self.self_check()
        for path in (scratch, program_dir):
            if path is not None:
                if not Path(path).is_dir():
                    raise JudgeInternalError("scratch directory does not exist")
                self._hand_over(Path(path))
        return Mounts(
            work=Path(scratch) if scratch is not None else None,
            program=Path(program_dir) if program_dir is not None else None,
            ro_binds=tuple(ro_binds),
        )

    def _hand_over(self, scratch: Path) -> None:
        """Give the sandbox uid ownership of the scratch tree (the judge writes sources into it as root).

        Only entries the judge wrote (owned by root) change hands, never through a symlink, and never a file
        with several links: a hard link planted by an earlier run must not make us chown a file elsewhere.
        """
        if not self._is_root:
            return
        for root, dirs, files in os.walk(scratch):
            for name in (*dirs, *files):
                path = os.path.join(root, name)
                try:
                    st = os.lstat(path)
                    if st.st_uid == 0 and (stat.S_ISDIR(st.st_mode) or st.st_nlink == 1):
                        os.lchown(path, self.uid, self.gid)
                except FileNotFoundError:
                    continue
        os.chown(scratch, self.uid, self.gid)
        os.chmod(scratch, 0o700)

    def _spawn(
        self,
        argv: list[str],
        mounts: Mounts,
        limits: Limits,
        env: Mapping[str, str] | None,
        *,
        frames: bool,
        sealed: bool = False,
        drain: ReadDrain | None = None,
    ) -> SandboxProcess:
        """Start argv. `frames`: the input pipe is fd 4 and stdin is /dev/null (supervised runs); otherwise the
        input pipe is stdin. `sealed`: what it writes goes through sockets instead of pipes."""
        reap_bwrap_zombies()
        sandboxed = not self._unsafe
        devices = self._devices.make() if sandboxed else None
        try:
            return self._start(
                argv, mounts, limits, env, frames=frames, sealed=sealed, devices=devices, drain=drain
            )
        except BaseException:
            # Whatever step failed before the process owned them (a pipe, a socket, the seccomp memfd, Popen): its
            # device nodes go now, as finish() removes them once it has ended.
            DeviceNodes.remove(devices)
            raise

    def _start(
        self,
        argv: list[str],
        mounts: Mounts,
        limits: Limits,
        env: Mapping[str, str] | None,
        *,
        frames: bool,
        sealed: bool,
        devices: Path | None,
        drain: ReadDrain | None,
    ) -> SandboxProcess:
        sandboxed = not self._unsafe
        if devices is not None:
            mounts = dataclasses.replace(mounts, devices=devices)
        if sandboxed:
            cmd = bwrap_argv(
                self.settings.bwrap_bin,
                argv,
                mounts=mounts,
                limits=limits,
                env=env,
                seccomp=self._seccomp is not None,
            )
            spawn_env, cwd, temp_dir = dict(BWRAP_ENV), None, None
        else:
            cmd, cwd, spawn_env = self._unsafe_command(argv, mounts, env)
            temp_dir = cwd if mounts.work is None else None
        cgroup: RunCgroup | None = None
        if self._cgroups.available:
            try:
                cgroup = RunCgroup(
                    self._cgroups,
                    memory_bytes=_cgroup_memory_bytes(limits),
                    pids_max=limits.processes,
                    disks=read_devices(
                        ("/usr", *DEFAULT_RO_BINDS, *mounts.ro_binds, mounts.program, mounts.work)
                    ),
                    drain=drain,
                )
            except OSError as exc:
                log.warning("per-run cgroup unavailable (%s); relying on rlimits", exc.strerror)
        (in_r, in_w), (st_r, st_w) = os.pipe2(os.O_CLOEXEC), os.pipe2(os.O_CLOEXEC)
        # What the program writes (stdout, stderr, results): pipes, which a program may reopen by path (Java's
        # harness opens /proc/self/fd/3); sealed (the compiler), files no path opens and a socket: the compiler read
        # `#include "/dev/stdout"` (or /proc/self/fd/3, /proc/1/fd/2, ...) from a reopened pipe that never ends,
        # and held its judge slot until the wall deadline.
        output = output_file if sealed else pipe
        (out_r, out_w), (err_r, err_w) = output(), output()
        res_r, res_w = one_way_socket() if sealed else pipe()
        if frames and not sealed:
            hold_output(limits.output_bytes, out_r, err_r)
            hold_output(CHANNEL_BYTES, res_r, in_w)
        seccomp_fd = -1
        if sandboxed and self._seccomp is not None:
            seccomp_fd = os.memfd_create("shadows-seccomp", os.MFD_CLOEXEC)
            os.write(seccomp_fd, self._seccomp)
            os.lseek(seccomp_fd, 0, os.SEEK_SET)
        child_ends = (in_r, out_w, err_w, res_w, st_w, seccomp_fd)
        # RLIMIT_NPROC counts every process of the real uid. Dropped to our leased uid that is just this run;
        # without root (dev machines) it is the developer's own uid, so allow for what already runs under it.
        nproc = limits.processes if self._is_root else limits.processes + count_processes(os.getuid())
        # A supervised run's stdin: its own /dev/null when it has one, not the host's (whose times it could set).
        null = -1
        if frames and devices is not None:
            with contextlib.suppress(OSError):
                null = os.open(devices / "null", os.O_RDWR | os.O_CLOEXEC)
        parked: list[int] = []
        try:
            if self._tools is None:
                raise OSError("the sandbox's launch programs (bash, env, prlimit, setpriv) are missing")
            if self._is_root:
                hand_over_channels(self.uid, self.gid, (in_r, out_w, err_w, res_w))
            # Copies clear of 3 to 6, which the launch chain moves there (judge.bwrap.launch_argv).
            wanted = (res_w, in_r if frames else -1, st_w if sandboxed else -1, seccomp_fd)
            for fd in wanted:
                parked.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, PARKED_FD_MIN) if fd >= 0 else -1)
            launch = launch_argv(
                self._tools,
                cmd,
                limits,
                cgroup,
                ChildFds(*parked),
                env=spawn_env,
                uid=self.uid,
                gid=self.gid,
                drop=self._is_root,
                nproc=nproc,
            )
            # No preexec function, user or group: subprocess then starts the chain with vfork, whose cost does not
            # grow with this process's memory as a fork's does; close_fds closes every fd but 0-2 and the parked.
            # No environment: the chain's `env -i` gives what it execs `spawn_env` and nothing else.
            proc = subprocess.Popen(  # noqa: S603 - argv is ours; candidate code only runs inside bwrap
                launch,
                stdin=(null if null >= 0 else subprocess.DEVNULL) if frames else in_r,
                stdout=out_w,
                stderr=err_w,
                cwd=cwd,
                env={},
                close_fds=True,
                pass_fds=[fd for fd in parked if fd >= 0],
                start_new_session=True,  # own process group: the judge kills it whole
            )
        except (OSError, subprocess.SubprocessError) as exc:
            for fd in (in_w, out_r, err_r, res_r, st_r):
                os.close(fd)
            if cgroup is not None:
                cgroup.remove()
            if temp_dir is not None:
                shutil.rmtree(temp_dir, ignore_errors=True)
            raise JudgeInternalError(f"sandbox failed to start: {type(exc).__name__}: {exc}") from exc
        finally:
            for fd in (*child_ends, null, *parked):
                if fd >= 0:
                    os.close(fd)
        if not sandboxed:
            os.close(st_r)
            st_r = -1
        return SandboxProcess(
            proc,
            stdin=in_w,
            stdout=out_r,
            stderr=err_r,
            results=res_r,
            status=st_r,
            cgroup=cgroup,
            limits=limits,
            uid=self.uid,
            sandboxed=sandboxed,
            temp_dir=temp_dir,
            devices=devices,
        )

    def _unsafe_command(
        self, argv: list[str], mounts: Mounts, env: Mapping[str, str] | None
    ) -> tuple[list[str], Path, dict[str, str]]:
        """Without bwrap: sandbox paths mapped to host paths (a private /work made on the spot)."""
        work = mounts.work or Path(tempfile.mkdtemp(prefix="shadows-unsafe-work-"))
        mapping = {SANDBOX_WORKDIR + "/": f"{work}/"}
        if mounts.program is not None:
            mapping[PROGRAM_DIR + "/"] = f"{mounts.program}/"
        host_argv = []
        for arg in argv:
            for prefix, host in mapping.items():
                arg = arg.replace(prefix, host)
            host_argv.append(arg)
        spawn_env = child_env(env)
        spawn_env["HOME"] = str(work)
        return host_argv, work, spawn_env

    def _collect(self, proc: SandboxProcess, stdin: bytes) -> SandboxResult:
        start = proc.started_at
        try:
            outcome = Collector(proc, stdin).collect(start + proc.limits.wall_s)
        finally:
            end = proc.finish()
        wall = time.monotonic() - start
        exit_code, sig = end.exit_code, end.signal
        if outcome.timed_out or outcome.output_exceeded or outcome.cpu_exceeded:
            exit_code, sig = None, 9
        # The run's processes together (the cgroup's CPU time, else the rusage of everything reaped): over the limit
        # is over it, whichever process the limit stopped (a compiler driver reports its cc1plus killed by SIGXCPU
        # as an "internal compiler error" and exits 4) or when none was stopped at all.
        cpu_exceeded = end.cpu_exceeded or outcome.cpu_exceeded or end.cpu_s >= proc.limits.cpu_s
        return SandboxResult(
            exit_code=exit_code,
            signal=sig,
            stdout=bytes(outcome.stdout),
            stderr=bytes(outcome.stderr),
            results=bytes(outcome.results),
            wall_s=wall,
            timed_out=outcome.timed_out,
            cpu_exceeded=cpu_exceeded,
            memory_exceeded=end.memory_exceeded,
            output_exceeded=outcome.output_exceeded,
            cpu_s=end.cpu_s,
            started=end.started,
        )
