"""The bubblewrap command line of one sandboxed process, and the chain of programs that starts it.

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
import errno
import logging
import os
import resource
import shutil
import stat
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from judge.settings import MAX_SANDBOX_ID

if TYPE_CHECKING:
    from judge.cgroups import RunCgroup
    from judge.sandbox_limits import Limits

log = logging.getLogger(__name__)

RESULTS_FD = 3  # the child's results channel
INPUT_FD = 4  # test input frames (supervised runs only; their stdin is /dev/null)
STATUS_FD = 5  # bwrap writes {"child-pid": N} and, once the program has run and ended, {"exit-code": N}
SECCOMP_FD = 6  # bwrap reads the seccomp filter from here
SANDBOX_WORKDIR = "/work"
STACK_BYTES = 8 << 20  # RLIMIT_STACK's soft limit, the common default: the main thread's stack (launch_argv)
CORE_LIMIT = 1  # RLIMIT_CORE: no core dump of any kind, nor the host's core dump helper (launch_argv)
OOM_SCORE_ADJ = "1000"  # the most: the OOM killer takes the program's processes first (launch_argv)
PROGRAM_DIR = "/judge"
WORK_TMPFS_MB = 16
DEV_SHM_MB = 8
# Read-only binds every run gets when the host has them (no secrets: toolchain symlinks and loader cache).
DEFAULT_RO_BINDS = ("/etc/alternatives", "/etc/ld.so.cache")
# Character devices that never block: everything a compiler or runtime opens under /dev.
_DEVICES = ("null", "zero", "full", "random", "urandom")
# The environment bwrap itself runs with: the namespace's pid 1 is bwrap, so /proc/1/environ shows this, exactly
# (the launch chain's `env -i` sets it: launch_argv).
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


@dataclass(frozen=True)
class LaunchTools:
    """The programs the launch chain execs (launch_argv): bash, coreutils' env, util-linux's prlimit and setpriv, and
    setarch when the host lets a process set its own ADDR_NO_RANDOMIZE personality (None: it does not, and layouts
    vary)."""

    bash: str
    env: str
    prlimit: str
    setpriv: str
    setarch: str | None


# Where the launch chain's programs are looked up (launch_argv): the host's own, never the judge's PATH.
LAUNCH_PATH = "/usr/bin:/bin"
# The fds the parent hands the launch chain start here, clear of 3 to 6 where the chain puts them.
PARKED_FD_MIN = 10


def launch_tools() -> LaunchTools | None:
    """The launch chain's programs (None when one is missing: the sandbox is then unavailable). setarch only when
    `setarch -R` works here (a container's seccomp profile may refuse the personality): asked once, 1-2 ms."""
    found = {
        name: shutil.which(name, path=LAUNCH_PATH)
        for name in ("bash", "env", "prlimit", "setpriv", "setarch", "true")
    }
    bash, env, prlimit, setpriv, setarch, true = found.values()
    if bash is None or env is None or prlimit is None or setpriv is None:
        return None
    if setarch is not None and true is not None:
        try:
            refused = (
                subprocess.run(  # noqa: S603 - fixed argv of host programs
                    [setarch, "-R", "--", true],
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    check=False,
                    timeout=10,
                ).returncode
                != 0
            )
        except (OSError, subprocess.SubprocessError):
            refused = True
        if refused:
            log.warning(
                "setarch -R is refused here: sandboxed programs' address layouts vary from run to run"
            )
            setarch = None
    return LaunchTools(bash=bash, env=env, prlimit=prlimit, setpriv=setpriv, setarch=setarch)


def hand_over_channels(uid: int, gid: int, fds: Sequence[int]) -> None:
    """Hand the judge's pipes and sockets among the program's channels to the sandbox uid, so reopening
    /proc/self/fd/N works (Java's harness does); only those: an owner may chmod what it owns. A supervised run's stdin
    (its own /dev/null, or the host's) is a device and stays root's: a program could chmod the host's /dev/null for
    every process on the host (2026-12-04)."""
    for fd in fds:
        with contextlib.suppress(OSError):
            if fd >= 0 and (stat.S_ISFIFO(mode := os.fstat(fd).st_mode) or stat.S_ISSOCK(mode)):
                os.fchown(fd, uid, gid)


# What the child runs first, as root and in its own session, with nothing open but 0-2 and the parked fds (the
# parent's close_fds): join the run's groups, raise its OOM score, put the parked fds at 3 to 6, then exec the rest
# of the chain, whose first step (`env -i`) sets its environment whole: bash's exec exports PWD (the judge's own
# working directory) and SHLVL, which bwrap's pid 1 showed the program in /proc/1/environ. Fixed text: every value
# arrives as a positional parameter, never as code. Exit 125 (bwrap never ran, so its status has no exit code: the
# judge's failure, judge.sandbox_process) when a group cannot be joined.
# The OOM score: the first processes the kernel's OOM killer takes wherever no run's group bounds the memory (the
# host's, or a container's: without cgroup v1 groups a program's children are bounded by nothing), before the
# judge's own; inherited, a program spreading its memory over many small processes left the judge, the largest, to
# die first. Anyone may raise their own; the program can lower it to the judge's floor at most, and not at all where
# the judge has CAP_SYS_RESOURCE (whose write makes 1000 the floor). Best effort, as the write may be refused.
_LAUNCH_SCRIPT = r"""
r=$1 i=$2 s=$3 c=$4 n=$5
shift 5
while [ "$n" -gt 0 ]; do printf 0 >"$1" || exit 125; shift; n=$((n - 1)); done
{ printf %s "$1" >/proc/self/oom_score_adj; } 2>/dev/null
shift
[ "$r" = - ] || exec 3>&"$r" {r}>&- || exit 125
[ "$i" = - ] || exec 4>&"$i" {i}>&- || exit 125
[ "$s" = - ] || exec 5>&"$s" {s}>&- || exit 125
[ "$c" = - ] || exec 6>&"$c" {c}>&- || exit 125
exec "$@"
"""


def launch_argv(
    tools: LaunchTools,
    cmd: Sequence[str],
    limits: Limits,
    cgroup: RunCgroup | None,
    parked: ChildFds,
    *,
    env: Mapping[str, str],
    uid: int,
    gid: int,
    drop: bool,
    nproc: int,
) -> list[str]:
    """The argv that starts `cmd` (bwrap's, or an unsandboxed program's) with everything the child needs between
    fork and exec, done by programs it execs in turn rather than by Python in a forked copy of the judge: with no
    preexec function (and no `user`/`group`), subprocess starts it with vfork, whose cost does not grow with the
    judge's memory and the host's load (the fork and the Python hook it replaced took a 36 MiB pool worker 5-7 ms at a
    load of 6-9 on 2 cores, 22-25 ms at 15, and a 536 MiB judge 120-165 ms: docs/judge.md, Benchmark).

    bash (as root, its own session: `start_new_session`): the run's cgroups (cgroup.RunCgroup.tasks_files: "0", the
    writer alone, which skips the host-wide lock), oom_score_adj, and `parked` (the parent's copies, at 10 and up)
    moved to fds 3 to 6; subprocess's close_fds has closed every other fd above 2. env -i: `env` and nothing else
    (BWRAP_ENV for bwrap) from here on. prlimit (as root): every rlimit.
    setpriv (when `drop`): no supplementary groups, then `gid`, then `uid`. setarch -R (when the host allows it): the
    same address layout on every run, inherited through bwrap's exec. Each fails closed: a step that fails ends the
    chain before bwrap, so the program never runs with less than all of it (the OOM score and the personality
    excepted, best effort as before). The pipes and sockets the program gets are handed to `uid` by the parent
    (judge.sandbox), before the spawn. A uid or gid that would not drop root (0, or 2**32 - 1, which setresuid reads
    as "unchanged" where os.setuid refused it) raises OSError: no chain is started with it."""
    if drop and not (0 < uid <= MAX_SANDBOX_ID and 0 < gid <= MAX_SANDBOX_ID):
        raise OSError(errno.EPERM, f"uid {uid} and gid {gid} do not drop root's privileges")
    cpu = limits.cpu_rlimit
    mem = limits.memory_mb << 20
    stack_hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
    stack = STACK_BYTES if stack_hard == resource.RLIM_INFINITY else min(STACK_BYTES, stack_hard)
    nproc_hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    if nproc_hard != resource.RLIM_INFINITY:
        nproc = min(nproc, nproc_hard)
    tasks = cgroup.tasks_files if cgroup is not None else []
    fds = [
        str(fd) if fd >= 0 else "-" for fd in (parked.results, parked.input, parked.status, parked.seccomp)
    ]
    argv = [
        tools.bash,
        "--norc",
        "--noprofile",
        "-c",
        _LAUNCH_SCRIPT,
        "shadows-launch",
        *fds,
        str(len(tasks)),
    ]
    argv += [*tasks, OOM_SCORE_ADJ]
    argv += [tools.env, "-i", "--", *(f"{key}={value}" for key, value in env.items())]
    # 1, not 0, for RLIMIT_CORE: with a pipe core_pattern (systemd-coredump, apport) the kernel ignores a limit of 0
    # and runs the host's helper, as root and outside every cgroup, for each crash; it refuses only a limit of 1 (and
    # a file dump needs a page). The seccomp filter keeps the program from lowering it (judge.seccomp).
    # MEMLOCK, RTPRIO and NICE fixed at 0, never inherited from whatever started the judge (8 MiB of locked memory
    # here; unlimited under some service managers and container runtimes): mlock() of a host file's pages that
    # another process had cached pins them unevictable without charging the run (8 MiB of libjvm.so a process, 100
    # processes a run); no runtime or compiler locks memory. No real-time scheduling (which a cpu group contains
    # only where the kernel has real-time group scheduling) and no nice value below 0.
    # The stack's soft limit too (STACK_BYTES): inherited, how deep a C++ or Python recursion could go before it
    # crashed, and at "unlimited" the kernel's whole address layout (its legacy bottom-up mmap), followed whatever
    # started the judge, so a verdict could differ from one judge host to another. The hard limit stays (g++ raises
    # its own soft limit for deep templates; a program may too, its memory bounded all the same).
    argv += [
        tools.prlimit,
        f"--cpu={cpu}:{cpu + 1}",
        *((f"--as={mem}:{mem}",) if limits.address_space_limit else ()),
        f"--fsize={limits.file_size_bytes}:{limits.file_size_bytes}",
        f"--nofile={limits.open_files}:{limits.open_files}",
        f"--core={CORE_LIMIT}:{CORE_LIMIT}",
        f"--nproc={nproc}:{nproc}",
        "--memlock=0:0",
        "--rtprio=0:0",
        "--nice=0:0",
        f"--stack={stack}:{'unlimited' if stack_hard == resource.RLIM_INFINITY else stack_hard}",
        "--",
    ]
    if drop:
        argv += [tools.setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]
    # The same addresses on every run: CPython hashes an object without __hash__ by its address, and C++ code hashes
    # and orders pointers (`unordered_set<Node*>`), so with the kernel's address space randomisation the order of a
    # set of objects, and whatever a solution built from it, changed from one run to the next (as a set of strings'
    # did before Python's hash seed was fixed): a rerun, a regrade or a dispute could judge the same code otherwise.
    # Inherited through bwrap's exec (not setuid here) by the program. Nothing is lost: the program is the attacker,
    # not a process to protect from one, and the kernel's own layout is unaffected. Best effort: a container's
    # seccomp profile may refuse it (Docker's default does), and then layouts vary (judge.sandbox probes it once).
    if tools.setarch is not None:
        argv += [tools.setarch, "-R", "--"]
    return [*argv, *cmd]
