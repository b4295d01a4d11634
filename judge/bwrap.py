"""The bubblewrap command line of one sandboxed process, and what its child runs between fork and exec.

What the program sees: `/usr` (read-only, without `/usr/local`), the loader cache and toolchain symlinks, a minimal
`/dev` (null, zero, full, random, urandom, nodes of its own where the judge can make them (judge.devices), the fd
links and an 8 MiB `/dev/shm`: no ttys, no ptmx, nothing that blocks), its own `/proc`,
a size-capped private `/tmp`, `/work` (its current directory: a bind of a scratch
directory, or a fresh private tmpfs), and `/judge` (read-only: the harness, the source and what the compiler
built). Nothing else of the host: no network, no other processes, no environment but PATH, HOME, LANG and TMPDIR
(and what a harness adds: Python's hash seed).

File descriptors: 1/2 are pipes to the judge, 3 the results channel; a supervised run reads its test inputs on
fd 4 and has /dev/null as stdin (a one-shot run gets a stdin pipe instead). bwrap itself writes its JSON status on
fd 5 and reads the seccomp filter on fd 6; neither reaches the program.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import resource
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from judge.cgroups import RunCgroup
    from judge.sandbox_limits import Limits

RESULTS_FD = 3  # the child's results channel
INPUT_FD = 4  # test input frames (supervised runs only; their stdin is /dev/null)
STATUS_FD = 5  # bwrap writes {"child-pid": N} and, once the program has run and ended, {"exit-code": N}
SECCOMP_FD = 6  # bwrap reads the seccomp filter from here
SANDBOX_WORKDIR = "/work"
STACK_BYTES = 8 << 20  # RLIMIT_STACK's soft limit, the common default: the main thread's stack (make_preexec)
CORE_LIMIT = 1  # RLIMIT_CORE: no core dump of any kind, nor the host's core dump helper (make_preexec)
OOM_SCORE_ADJ = b"1000"  # the most: the OOM killer takes the program's processes first (make_preexec)
PROGRAM_DIR = "/judge"
WORK_TMPFS_MB = 16
DEV_SHM_MB = 8
# personality(2): the program's address space is laid out the same way on every run (make_preexec).
ADDR_NO_RANDOMIZE = 0x0040000
_QUERY_PERSONALITY = 0xFFFFFFFF
_personality = ctypes.CDLL(None, use_errno=True).personality
_personality.argtypes, _personality.restype = [ctypes.c_ulong], ctypes.c_int
# Read-only binds every run gets when the host has them (no secrets: toolchain symlinks and loader cache).
DEFAULT_RO_BINDS = ("/etc/alternatives", "/etc/ld.so.cache")
# Character devices that never block: everything a compiler or runtime opens under /dev.
_DEVICES = ("null", "zero", "full", "random", "urandom")
# The environment bwrap itself runs with: the namespace's pid 1 is bwrap, so /proc/1/environ shows this.
BWRAP_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


@dataclass(frozen=True)
class Mounts:
    """Where the program's files come from. `work`: bound read-write at /work (None: a fresh private tmpfs of
    WORK_TMPFS_MB); `program`: bound read-only at /judge; `ro_binds`: host paths bound read-only at the same path;
    `devices`: where the process's own device nodes are (judge.devices), bound at /dev in place of the host's."""

    work: Path | None
    program: Path | None = None
    ro_binds: tuple[str, ...] = ()
    devices: Path | None = None  # this process's own device nodes (judge.devices); None: the host's


def child_env(env: Mapping[str, str] | None) -> dict[str, str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": SANDBOX_WORKDIR, "LANG": "C.UTF-8", "TMPDIR": "/tmp"}  # noqa: S108 - sandbox view
    base.update(env or {})
    return base


def bwrap_argv(
    bwrap_bin: str,
    argv: Sequence[str],
    *,
    mounts: Mounts,
    limits: Limits,
    env: Mapping[str, str] | None,
    seccomp: bool,
) -> list[str]:
    cmd = [
        bwrap_bin,
        "--unshare-all",
        "--unshare-user",
        "--die-with-parent",
        "--new-session",
        "--json-status-fd", str(STATUS_FD),
        "--ro-bind", "/usr", "/usr",
        # /usr/local holds host-specific tools and config; the sandbox needs none of it.
        "--perms", "0555", "--size", "4096", "--tmpfs", "/usr/local",
        "--remount-ro", "/usr/local",
        "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/sbin", "/sbin",
    ]  # fmt: skip
    for path in (*DEFAULT_RO_BINDS, *mounts.ro_binds):
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    cmd += ["--proc", "/proc", "--tmpfs", "/dev"]
    for device in _DEVICES:
        source = f"{mounts.devices}/{device}" if mounts.devices is not None else f"/dev/{device}"
        cmd += ["--dev-bind", source, f"/dev/{device}"]
    cmd += [
        "--symlink", "/proc/self/fd", "/dev/fd",
        "--symlink", "/proc/self/fd/0", "/dev/stdin",
        "--symlink", "/proc/self/fd/1", "/dev/stdout",
        "--symlink", "/proc/self/fd/2", "/dev/stderr",
        "--size", str(DEV_SHM_MB << 20), "--tmpfs", "/dev/shm",  # noqa: S108 - sandbox-private tmpfs
        "--remount-ro", "/dev",
        "--size", str(limits.tmpfs_mb << 20), "--tmpfs", "/tmp",  # noqa: S108 - the sandbox's own private tmpfs
    ]  # fmt: skip
    if mounts.work is not None:
        cmd += ["--bind", str(mounts.work), SANDBOX_WORKDIR]
    else:
        cmd += ["--size", str(WORK_TMPFS_MB << 20), "--tmpfs", SANDBOX_WORKDIR]
    if mounts.program is not None:
        cmd += ["--ro-bind", str(mounts.program), PROGRAM_DIR]
    cmd += ["--chdir", SANDBOX_WORKDIR, "--clearenv"]
    for key, value in child_env(env).items():
        cmd += ["--setenv", key, value]
    if seccomp:
        cmd += ["--seccomp", str(SECCOMP_FD)]
    cmd += ["--remount-ro", "/", "--disable-userns", "--", *argv]
    return cmd


@dataclass(frozen=True)
class ChildFds:
    """Parent-side descriptors that become the child's fds 3 to 6 (-1: none)."""

    results: int
    input: int = -1
    status: int = -1
    seccomp: int = -1


def make_preexec(
    limits: Limits, cgroup: RunCgroup | None, fds: ChildFds, *, uid: int, gid: int, drop: bool, nproc: int
) -> Callable[[], None]:
    """What the child runs between fork and exec: limits as root, then the drop to the sandbox uid."""
    cpu = limits.cpu_rlimit
    mem = limits.memory_mb << 20
    use_as = limits.address_space_limit
    nproc_hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    stack_hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
    stack = STACK_BYTES if stack_hard == resource.RLIM_INFINITY else min(STACK_BYTES, stack_hard)
    if nproc_hard != resource.RLIM_INFINITY:
        nproc = min(nproc, nproc_hard)
    wanted = [
        (fds.results, RESULTS_FD),
        (fds.input, INPUT_FD),
        (fds.status, STATUS_FD),
        (fds.seccomp, SECCOMP_FD),
    ]
    # The program's own channels: stdin (a pipe in a one-shot run), stdout, stderr, results and the input pipe.
    handed = (0, 1, 2, RESULTS_FD, *((INPUT_FD,) if fds.input >= 0 else ()))

    def preexec() -> None:
        os.setsid()  # own process group: the judge kills it whole
        if cgroup is not None:
            cgroup.join_self()
        # Park every fd above the low numbers first, so no dup2 can clobber another.
        parked = [(fcntl.fcntl(src, fcntl.F_DUPFD_CLOEXEC, 100), dst) for src, dst in wanted if src >= 0]
        for src, dst in parked:
            os.dup2(src, dst)  # dup2 clears close-on-exec: the fd reaches bwrap
        last = max(dst for _, dst in parked)
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd > last or (fd > RESULTS_FD and fd not in {dst for _, dst in parked}):
                with contextlib.suppress(OSError):
                    os.set_inheritable(fd, False)
        # The first processes the kernel's OOM killer takes wherever no run's group bounds the memory (the host's,
        # or a container's: without cgroup v1 groups a program's children are bounded by nothing), before the
        # judge's own; inherited, a program spreading its memory over many small processes left the judge, the
        # largest, to die first. Anyone may raise their own; the program can lower it to the judge's floor at most,
        # and not at all where the judge has CAP_SYS_RESOURCE (whose write makes 1000 the floor). Before the open
        # files limit: a judge holding that many descriptors (a busy service) would have no number left to open it
        # with, and the write was skipped.
        # The same addresses on every run: CPython hashes an object without __hash__ by its address, and C++ code
        # hashes and orders pointers (`unordered_set<Node*>`), so with the kernel's address space randomisation the
        # order of a set of objects, and whatever a solution built from it, changed from one run to the next (as a
        # set of strings' did before Python's hash seed was fixed): a rerun, a regrade or a dispute could judge the
        # same code otherwise. Inherited through bwrap's exec (not setuid here) by the program. Nothing is lost: the
        # program is the attacker, not a process to protect from one, and the kernel's own layout is unaffected.
        # Best effort: a container's seccomp profile may refuse it (Docker's default does), and then layouts vary.
        current = _personality(_QUERY_PERSONALITY)
        if current != -1:
            _personality(current | ADDR_NO_RANDOMIZE)
        with contextlib.suppress(OSError):
            adjust = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
            try:
                os.write(adjust, OOM_SCORE_ADJ)
            finally:
                os.close(adjust)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if use_as:
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_bytes, limits.file_size_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        # 1, not 0: with a pipe core_pattern (systemd-coredump, apport) the kernel ignores a limit of 0 and runs the
        # host's helper, as root and outside every cgroup, for each crash; it refuses only a limit of 1 (and a file
        # dump needs a page). The seccomp filter keeps the program from lowering it (judge.seccomp).
        resource.setrlimit(resource.RLIMIT_CORE, (CORE_LIMIT, CORE_LIMIT))
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        # Fixed, never inherited from whatever started the judge (8 MiB of locked memory here; unlimited under some
        # service managers and container runtimes): mlock() of a host file's pages that another process had cached
        # pins them unevictable without charging the run (8 MiB of libjvm.so a process, 100 processes a run); no
        # runtime or compiler locks memory. No real-time scheduling (which a cpu group contains only where the kernel
        # has real-time group scheduling) and no nice value below 0.
        for fixed in (resource.RLIMIT_MEMLOCK, resource.RLIMIT_RTPRIO, resource.RLIMIT_NICE):
            resource.setrlimit(fixed, (0, 0))
        # The stack's soft limit too (STACK_BYTES): inherited, how deep a C++ or Python recursion could go before it
        # crashed, and at "unlimited" the kernel's whole address layout (its legacy bottom-up mmap), followed whatever
        # started the judge, so a verdict could differ from one judge host to another. The hard limit stays (g++
        # raises its own soft limit for deep templates; a program may too, its memory bounded all the same).
        resource.setrlimit(resource.RLIMIT_STACK, (stack, stack_hard))
        if drop:
            # Hand the judge's pipes and sockets to the sandbox uid, so reopening /proc/self/fd/N works (Java's
            # harness does); only those: an owner may chmod what it owns. A supervised run's stdin is the host's
            # /dev/null, and a one-shot run's fd 4 whatever the judge's own process held there: both were handed
            # over, and a program could chmod the host's /dev/null for every process on the host (2026-12-04).
            for fd in handed:
                with contextlib.suppress(OSError):
                    if stat.S_ISFIFO(mode := os.fstat(fd).st_mode) or stat.S_ISSOCK(mode):
                        os.fchown(fd, uid, gid)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)

    return preexec
