"""Runs one untrusted program under bubblewrap with rlimits, cgroups, a wall deadline and capped output."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import math
import os
import resource
import shutil
import signal
import stat
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from judge.cgroups import CgroupParents, RunCgroup, detect_parents, sweep_stale
from judge.collector import Collector
from judge.errors import JudgeInternalError, SandboxUnavailableError
from judge.processes import count_processes, enable_subreaper, reap_bwrap_zombies, reap_sandbox_orphans
from judge.scratch import scratch_space
from judge.seccomp import build_filter
from judge.settings import JudgeSettings, get_settings
from judge.uids import lease_uid

log = logging.getLogger(__name__)

RESULTS_FD = 3  # the child's results channel
SECCOMP_FD = 4  # bwrap reads the seccomp filter from here
SANDBOX_WORKDIR = "/work"
# Read-only binds every run gets when the host has them (no secrets: toolchain symlinks and loader cache).
_DEFAULT_RO_BINDS = ("/etc/alternatives", "/etc/ld.so.cache")
# The environment bwrap itself runs with: the namespace's pid 1 is bwrap, so /proc/1/environ shows this.
_BWRAP_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
_DEV_SHM_MB = 8


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed run. A request may lower them, never raise them past the maximum."""

    wall_s: float = 5.0  # whole process, wall clock; kills the process group
    cpu_s: float = 4.0  # RLIMIT_CPU
    memory_mb: int = 256  # cgroup v1 memory when available; else RLIMIT_AS when address_space_limit
    address_space_limit: bool = True  # RLIMIT_AS (Python, C++); False for Java/Node (use their heap flags)
    output_bytes: int = 1 << 20  # stdout+stderr cap enforced while reading; exceeded -> kill
    file_size_bytes: int = 16 << 20
    processes: int = 64
    open_files: int = 64
    tmpfs_mb: int = 64

    def clamp(self, maximum: Limits) -> Limits:
        """These limits, each lowered to `maximum`'s where it is higher (and kept at a sane floor)."""
        return replace(
            self,
            wall_s=max(0.1, min(self.wall_s, maximum.wall_s)),
            cpu_s=max(0.1, min(self.cpu_s, maximum.cpu_s)),
            memory_mb=max(8, min(self.memory_mb, maximum.memory_mb)),
            address_space_limit=self.address_space_limit or maximum.address_space_limit,
            output_bytes=max(1024, min(self.output_bytes, maximum.output_bytes)),
            file_size_bytes=max(0, min(self.file_size_bytes, maximum.file_size_bytes)),
            processes=max(4, min(self.processes, maximum.processes)),
            open_files=max(8, min(self.open_files, maximum.open_files)),
            tmpfs_mb=max(1, min(self.tmpfs_mb, maximum.tmpfs_mb)),
        )

    @classmethod
    def maximum(cls, settings: JudgeSettings) -> Limits:
        """The ceiling configured for this deployment."""
        default = cls()
        return cls(
            wall_s=settings.max_wall_s,
            cpu_s=settings.max_cpu_s,
            memory_mb=settings.max_memory_mb,
            address_space_limit=False,
            output_bytes=settings.max_output_bytes,
            file_size_bytes=max(default.file_size_bytes, 64 << 20),
            processes=max(default.processes, 256),
            open_files=max(default.open_files, 256),
            tmpfs_mb=max(default.tmpfs_mb, 256),
        )


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
    """The run's memory cgroup limit: its memory budget plus its /tmp tmpfs (tmpfs pages are charged to it)."""
    mb = limits.memory_mb + limits.tmpfs_mb
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
        enable_subreaper()

    def close(self) -> None:
        """Give the sandbox uid back (also happens when this object is garbage-collected or the process ends)."""
        if self._lease is not None:
            self._lease.release()

    @property
    def cgroups_available(self) -> bool:
        return self._cgroups.available

    def self_check(self) -> None:
        """Verify bwrap and user namespaces work; else refuse untrusted code (unless unsafe_local_dev)."""
        problem = self._probe()
        if problem is None:
            self._checked, self._unsafe = True, False
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
        try:
            with open("/proc/sys/user/max_user_namespaces") as f:
                if int(f.read().strip() or 0) == 0:
                    return "user namespaces are disabled (user.max_user_namespaces = 0)"
        except (OSError, ValueError):
            pass
        with self.scratch_dir() as tmp:
            self._hand_over(tmp)
            try:
                result = self._run_bwrap(
                    ["/bin/true"], scratch=tmp, limits=Limits(wall_s=10.0, cpu_s=5.0), stdin=b""
                )
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
        scratch: Path,
        limits: Limits,
        stdin: bytes = b"",
        ro_binds: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> SandboxResult:
        """Run argv (sandbox paths; scratch is /work) to completion or deadline and report what happened."""
        if not self._checked:
            self.self_check()
        limits = limits.clamp(self.maximum)
        scratch = Path(scratch)
        if not scratch.is_dir():
            raise JudgeInternalError("scratch directory does not exist")
        self._hand_over(scratch)
        if self._unsafe:
            return self._run_unsafe(argv, scratch=scratch, limits=limits, stdin=stdin, env=env)
        return self._run_bwrap(argv, scratch=scratch, limits=limits, stdin=stdin, ro_binds=ro_binds, env=env)

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

    def _bwrap_argv(
        self,
        argv: list[str],
        *,
        scratch: Path,
        limits: Limits,
        ro_binds: Sequence[str],
        env: Mapping[str, str] | None,
    ) -> list[str]:
        cmd = [
            self.settings.bwrap_bin,
            "--unshare-all",
            "--unshare-user",
            "--die-with-parent",
            "--new-session",
            "--ro-bind", "/usr", "/usr",
            # /usr/local holds host-specific tools and config; the sandbox needs none of it.
            "--perms", "0555", "--size", "4096", "--tmpfs", "/usr/local",
            "--remount-ro", "/usr/local",
            "--symlink", "usr/lib", "/lib",
            "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/bin", "/bin",
            "--symlink", "usr/sbin", "/sbin",
        ]  # fmt: skip
        for path in (*_DEFAULT_RO_BINDS, *ro_binds):
            if os.path.exists(path):
                cmd += ["--ro-bind", path, path]
        cmd += [
            "--proc", "/proc",
            "--dev", "/dev",
            # bwrap's /dev is an uncapped writable tmpfs: a small /dev/shm of its own, the rest read-only.
            "--size", str(_DEV_SHM_MB << 20), "--tmpfs", "/dev/shm",  # noqa: S108 - sandbox-private tmpfs
            "--remount-ro", "/dev",
            "--size", str(limits.tmpfs_mb << 20), "--tmpfs", "/tmp",  # noqa: S108 - the sandbox's own private tmpfs
            "--bind", str(scratch), SANDBOX_WORKDIR,
            "--chdir", SANDBOX_WORKDIR,
            "--clearenv",
        ]  # fmt: skip
        for key, value in self._child_env(env).items():
            cmd += ["--setenv", key, value]
        if self._seccomp is not None:
            cmd += ["--seccomp", str(SECCOMP_FD)]
        cmd += ["--remount-ro", "/", "--disable-userns", "--", *argv]
        return cmd

    @staticmethod
    def _child_env(env: Mapping[str, str] | None) -> dict[str, str]:
        base = {"PATH": "/usr/bin:/bin", "HOME": SANDBOX_WORKDIR, "LANG": "C.UTF-8", "TMPDIR": "/tmp"}  # noqa: S108 - sandbox view
        base.update(env or {})
        return base

    def _preexec(
        self, limits: Limits, cgroup: RunCgroup | None, results_w: int, seccomp_fd: int, drop: bool
    ) -> Callable[[], None]:
        """What the child runs between fork and exec: limits as root, then the drop to the sandbox uid."""
        cpu = max(1, math.ceil(limits.cpu_s))
        mem = limits.memory_mb << 20
        uid, gid = self.uid, self.gid
        use_as = limits.address_space_limit
        # RLIMIT_NPROC counts every process of the real uid. Dropped to a per-slot uid that is just this run;
        # without root (dev machines) it is the developer's own uid, so allow for what already runs under it.
        nproc = limits.processes if drop else limits.processes + count_processes(os.getuid())
        nproc_hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
        if nproc_hard != resource.RLIM_INFINITY:
            nproc = min(nproc, nproc_hard)

        def preexec() -> None:
            os.setsid()  # own process group: the wall deadline kills it whole
            if cgroup is not None:
                cgroup.join_self()
            # Park both fds above the low numbers first, so neither dup2 can clobber the other.
            parked_results = fcntl.fcntl(results_w, fcntl.F_DUPFD_CLOEXEC, 100)
            parked_seccomp = fcntl.fcntl(seccomp_fd, fcntl.F_DUPFD_CLOEXEC, 100) if seccomp_fd >= 0 else -1
            os.dup2(parked_results, RESULTS_FD)  # dup2 clears close-on-exec: fd 3 reaches the program
            if parked_seccomp >= 0:
                os.dup2(parked_seccomp, SECCOMP_FD)  # read by bwrap itself
            last = SECCOMP_FD if seccomp_fd >= 0 else RESULTS_FD
            for name in os.listdir("/proc/self/fd"):
                fd = int(name)
                if fd > last:
                    with contextlib.suppress(OSError):
                        os.set_inheritable(fd, False)
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            if use_as:
                resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
            resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_bytes, limits.file_size_bytes))
            resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
            if drop:
                # Hand the pipes to the sandbox uid, so reopening /dev/stdout or /proc/self/fd/3 works (Java).
                for fd in range(RESULTS_FD + 1):
                    with contextlib.suppress(OSError):
                        os.fchown(fd, uid, gid)
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)

        return preexec

    def _run_bwrap(
        self,
        argv: list[str],
        *,
        scratch: Path,
        limits: Limits,
        stdin: bytes,
        ro_binds: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> SandboxResult:
        cmd = self._bwrap_argv(argv, scratch=scratch, limits=limits, ro_binds=ro_binds, env=env)
        return self._execute(cmd, cwd=None, limits=limits, stdin=stdin, spawn_env=_BWRAP_ENV, sandboxed=True)

    def _run_unsafe(
        self,
        argv: list[str],
        *,
        scratch: Path,
        limits: Limits,
        stdin: bytes,
        env: Mapping[str, str] | None,
    ) -> SandboxResult:
        prefix = SANDBOX_WORKDIR + "/"
        host_argv = [str(scratch / a[len(prefix) :]) if a.startswith(prefix) else a for a in argv]
        child_env = self._child_env(env)
        child_env["HOME"] = str(scratch)
        return self._execute(
            host_argv, cwd=scratch, limits=limits, stdin=stdin, spawn_env=child_env, sandboxed=False
        )

    def _execute(
        self,
        cmd: list[str],
        *,
        cwd: Path | None,
        limits: Limits,
        stdin: bytes,
        spawn_env: Mapping[str, str],
        sandboxed: bool,
    ) -> SandboxResult:
        reap_bwrap_zombies()
        cgroup: RunCgroup | None = None
        if self._cgroups.available:
            try:
                cgroup = RunCgroup(
                    self._cgroups, memory_bytes=_cgroup_memory_bytes(limits), pids_max=limits.processes
                )
            except OSError as exc:
                log.warning("per-run cgroup unavailable (%s); relying on rlimits", exc.strerror)
        results_r, results_w = os.pipe()
        seccomp_fd = -1
        if sandboxed and self._seccomp is not None:
            seccomp_fd = os.memfd_create("shadows-seccomp", os.MFD_CLOEXEC)
            os.write(seccomp_fd, self._seccomp)
            os.lseek(seccomp_fd, 0, os.SEEK_SET)
        start = time.monotonic()
        oom, cgroup_cpu_s = False, None
        try:
            try:
                proc = subprocess.Popen(  # noqa: S603 - argv is ours; candidate code only runs inside bwrap
                    cmd,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=cwd,
                    env=dict(spawn_env),
                    close_fds=False,  # preexec marks every fd above 3 close-on-exec instead
                    preexec_fn=self._preexec(limits, cgroup, results_w, seccomp_fd, drop=self._is_root),
                )
            except (OSError, subprocess.SubprocessError) as exc:
                raise JudgeInternalError(f"sandbox failed to start: {type(exc).__name__}: {exc}") from exc
            finally:
                os.close(results_w)
                if seccomp_fd >= 0:
                    os.close(seccomp_fd)
            with contextlib.closing(Collector(proc, results_r, limits, stdin, cgroup)) as collector:
                outcome = collector.collect(start + limits.wall_s)
        finally:
            with contextlib.suppress(OSError):
                os.close(results_r)
            if cgroup is not None:
                cgroup.kill_all()
            reap_sandbox_orphans(self.uid)
            reap_bwrap_zombies()
            if cgroup is not None:
                oom, cgroup_cpu_s = cgroup.oom_killed(), cgroup.cpu_seconds()
                cgroup.remove()
        wall = time.monotonic() - start
        status = outcome.returncode
        exit_code: int | None
        sig: int | None
        if status < 0:
            exit_code, sig = None, -status
        elif sandboxed and status > 128 and status - 128 < signal.NSIG:
            # bwrap reports a child killed by signal N as exit status 128+N.
            exit_code, sig = None, status - 128
        else:
            exit_code, sig = status, None
        if outcome.timed_out or outcome.output_exceeded:
            exit_code, sig = None, signal.SIGKILL
        cpu_s = cgroup_cpu_s if cgroup_cpu_s is not None else outcome.cpu_s
        cpu_exceeded = sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu_s >= math.ceil(limits.cpu_s))
        return SandboxResult(
            exit_code=exit_code,
            signal=sig,
            stdout=bytes(outcome.stdout),
            stderr=bytes(outcome.stderr),
            results=bytes(outcome.results),
            wall_s=wall,
            timed_out=outcome.timed_out,
            cpu_exceeded=cpu_exceeded,
            memory_exceeded=oom,
            output_exceeded=outcome.output_exceeded,
            cpu_s=cpu_s,
        )
