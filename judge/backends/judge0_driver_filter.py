"""The seccomp filter the Judge0 in-box driver (judge.backends.judge0_driver) puts on itself and so on every process
of the run, and the driver's code that installs it.

Why: on Judge0 the driver measures a test's CPU time from the box's `/proc` (judge0_driver_measure), where a process
that has ended is still counted: as a zombie until its parent reaps it, then in its parent's `cutime` (or the box's
init's, for an orphan). One way out of that: a parent that ignores `SIGCHLD` (or sets `SA_NOCLDWAIT` on it) has its
children reaped by the kernel, which adds their CPU time to nobody's, so they left `/proc` with all of it. Two such
children computing 0.6 s each beside a harness that waited for them were charged 0.6 s of wall time, `accepted` under
a 1 s limit that the local sandbox, whose cgroup counts every process, judged `time_limit`; and a child that lived
less than the driver's 50 ms sampling was never seen at all. Nothing in the box's `/proc` keeps that time.

So no process of the run can make the kernel reap its children: `rt_sigaction(SIGCHLD, act, ...)` with an
`act` (a change, not a query) returns 0 without changing anything. Its argument is a pointer no filter can read, so
a handler for SIGCHLD is not installed either; the call must still succeed, because runtimes reset every disposition
at start-up and abort when one fails (Node's `PlatformInit`, `CHECK_EQ(0, sigaction(...))`). Children then stay
zombies until their parent waits for them or ends, and their time stays in the box's `/proc`. Node's child processes,
which libuv notices by a SIGCHLD handler, are never seen to end (a program spawning one waits for ever: its
`time_limit`); no solution to an interview question starts processes.

Nor can any process set another's resource limits (`prlimit64` with a pid other than 0 and a new limit: EPERM;
reading them, and `setrlimit` of one's own, pass). The driver shares the box's uid, which is all `prlimit` asks of
its caller, dumpable or not: a harness that set the driver's descriptor limit to 0 left it unable to open /proc,
which it read as no CPU time, and every later test was charged its wall time alone, however many CPUs it kept busy.

Nor can any process make a pid namespace (`clone` or `unshare` with `CLONE_NEWPID`: EPERM; `clone3`, whose flags are
behind a pointer, is ENOSYS, on which glibc falls back to `clone`; `setns`: EPERM). Root in the box, or any uid in a
user namespace of its own, could: when a namespace's init ends, the kernel kills every process left in it and reaps
them itself (it ignores SIGCHLD for that init), their CPU time added to no process's. Two workers of 0.3 s each in
one, killed once they had written their answers, read as 0.58 s a moment before and 0 s after.

Every other ABI is refused whole (ENOSYS): a 64-bit process can make i386 system calls with `int 0x80`
(`sigaction`, `signal` and `rt_sigaction` by other numbers), and x86-64's x32 numbering is another. Built for x86-64
and arm64 (Judge0's image is x86-64); installed after `PR_SET_NO_NEW_PRIVS`, which any process may set.

And on an x86-64 box the driver then installs the local sandbox's own filter (judge.seccomp, the very program bwrap
installs locally, compiled on the API host and shipped in the driver's source): a Judge0 box runs under isolate,
which has no seccomp filter, so until 2026-12-08 a program there could make every call the local sandbox denies or
skips: `fsync` and `fdatasync` on a `/usr` file in a loop (a cache flush of the Judge0 host's disk each), `sync`,
`fadvise64(DONTNEED)` on the shared runtimes, `splice`, locks and watches on the host's shared files, io_setup,
io_uring, BPF programs (its own seccomp filters and socket filters), hugetlb, O_DIRECT, KSM, inet and netlink
sockets, `RLIMIT_CORE`, and the rest. One list, one program: what the local filter decides, a Judge0 run gets,
`fsync` returning 0 without reaching the kernel included. The kernel runs both filters on every call and takes the
stricter answer; between two refusals, the sandbox's (installed last): the i386 and x32 calls are EPERM, as locally,
while `clone3` stays ENOSYS (the sandbox's filter allows it). The child filter goes on first, because the sandbox's
refuses any later one. On an arm64 box the sandbox's filter is left off, as the local sandbox runs without it there;
an API host that is not x86-64 cannot build it (judge.seccomp), and its driver refuses to run on an x86-64 box
(ENOSYS). A driver that cannot install either starts no harness: no report, the backend's `internal_error`.
"""

from __future__ import annotations

import errno
import signal
import struct

from judge.bpf import (
    AUDIT_ARCH_AARCH64,
    AUDIT_ARCH_X86_64,
    JEQ_K,
    JGE_K,
    JSET_K,
    LD_W_ABS,
    OFFSET_ARCH,
    OFFSET_NR,
    RET_ALLOW,
    RET_ERRNO,
    RET_K,
    X32_SYSCALL_BIT,
    arg_offset,
)
from judge.bwrap import CORE_LIMIT
from judge.seccomp import build_x86_64_filter

# The local sandbox's filter (judge.seccomp), compiled here for x86-64 whatever the API host's machine: the driver
# installs it after its own, on x86-64 boxes.
SANDBOX_FILTER = build_x86_64_filter()

# (rt_sigaction, prlimit64, clone, unshare, clone3, setns) by ABI.
_CALLS = {
    AUDIT_ARCH_X86_64: (13, 302, 56, 272, 435, 308),
    AUDIT_ARCH_AARCH64: (134, 261, 220, 97, 435, 268),
}
SIGCHLD = int(signal.SIGCHLD)  # 17 on both
# In the low word of clone's and unshare's flags (their first argument on both ABIs).
CLONE_NEWPID = 0x20000000


def _dispatch(arch: int) -> list[tuple[int | str, int | str, int | str, int]]:
    # With the call's number loaded: to the checks of the calls the filter looks into, else allowed.
    sigaction, prlimit, clone, unshare, clone3, setns = _CALLS[arch]
    return [
        (JEQ_K, "sigaction", 0, sigaction),
        (JEQ_K, "prlimit", 0, prlimit),
        (JEQ_K, "namespace", 0, clone),
        (JEQ_K, "namespace", 0, unshare),
        # clone3's flags are behind a pointer: ENOSYS, on which glibc falls back to clone.
        (JEQ_K, "refuse", 0, clone3),
        (JEQ_K, "deny", "allow", setns),
    ]


def build_child_filter() -> bytes:
    """The filter (a `struct sock_filter` array) the driver installs, for x86-64 and arm64."""
    # (code, jump if true, jump if false, k): a jump is a label (str) or 0, the next instruction; a label stands alone
    # (its name in place of the code).
    prog: list[tuple[int | str, int | str, int | str, int]] = [
        (LD_W_ABS, 0, 0, OFFSET_ARCH),
        (JEQ_K, 0, "arm64", AUDIT_ARCH_X86_64),
        (LD_W_ABS, 0, 0, OFFSET_NR),
        (JGE_K, "refuse", 0, X32_SYSCALL_BIT),  # x32 numbering
        *_dispatch(AUDIT_ARCH_X86_64),
        ("arm64", 0, 0, 0),
        (JEQ_K, 0, "refuse", AUDIT_ARCH_AARCH64),  # any other ABI (i386 by int 0x80) is refused
        (LD_W_ABS, 0, 0, OFFSET_NR),
        *_dispatch(AUDIT_ARCH_AARCH64),
        # rt_sigaction(signal, act, old, size): SIGCHLD with an `act` (a pointer: NULL asks, and is allowed).
        ("sigaction", 0, 0, 0),
        (LD_W_ABS, 0, 0, arg_offset(0)),
        (JEQ_K, 0, "allow", SIGCHLD),
        (LD_W_ABS, 0, 0, arg_offset(1)),
        (JEQ_K, 0, "keep", 0),
        (LD_W_ABS, 0, 0, arg_offset(1, high=True)),
        (JEQ_K, "allow", "keep", 0),
        # prlimit64(pid, resource, new, old): another process's (pid not 0) with a `new` limit is refused.
        ("prlimit", 0, 0, 0),
        (LD_W_ABS, 0, 0, arg_offset(0)),
        (JEQ_K, "allow", 0, 0),
        (LD_W_ABS, 0, 0, arg_offset(2)),
        (JEQ_K, 0, "deny", 0),
        (LD_W_ABS, 0, 0, arg_offset(2, high=True)),
        (JEQ_K, "allow", "deny", 0),
        # clone(flags, ...) and unshare(flags): a new pid namespace is refused (flags are an unsigned long; the bit is
        # in the low word).
        ("namespace", 0, 0, 0),
        (LD_W_ABS, 0, 0, arg_offset(0)),
        (JSET_K, "deny", "allow", CLONE_NEWPID),
        ("keep", 0, 0, 0),
        (RET_K, 0, 0, RET_ERRNO | 0),  # 0 ("done"), nothing changed
        ("allow", 0, 0, 0),
        (RET_K, 0, 0, RET_ALLOW),
        ("deny", 0, 0, 0),
        (RET_K, 0, 0, RET_ERRNO | errno.EPERM),
        ("refuse", 0, 0, 0),
        (RET_K, 0, 0, RET_ERRNO | errno.ENOSYS),
    ]
    labels: dict[str, int] = {}
    code: list[tuple[int, int | str, int | str, int]] = []
    for op, jt, jf, k in prog:
        if isinstance(op, str):
            labels[op] = len(code)
        else:
            code.append((op, jt, jf, k))

    def jump(target: int | str, at: int) -> int:  # BPF jumps count the instructions skipped after this one
        skipped = 0 if target == 0 else labels[str(target)] - (at + 1)
        assert 0 <= skipped <= 255
        return skipped

    return b"".join(
        struct.pack("<HBBI", op, jump(jt, i), jump(jf, i), k) for i, (op, jt, jf, k) in enumerate(code)
    )


# The driver's part (Python 3.8 source; it uses the driver's `ctypes`, `os`, `resource`, `signal` and `sys`): run
# once, before the driver starts any process, on the driver itself, so that every process of the run inherits both
# filters (through fork and exec; no process can remove one). The driver never changes SIGCHLD's action itself; it
# first puts it back to the default, whatever the box was started with (ignored, its own harnesses would be reaped by
# the kernel). The child filter goes on first: the sandbox's refuses every later filter (PR_SET_SECCOMP). Its
# RLIMIT_CORE is set before either (the sandbox's filter keeps it where it is then, as bwrap's --core does locally):
# the local sandbox's 1, or the box's own hard limit if lower.
INSTALL = (
    r"""
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
CHILD_FILTER = bytes.fromhex("<FILTER>")
SANDBOX_FILTER = bytes.fromhex("<SANDBOX>")


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _set_filter(libc, code):
    buf = ctypes.create_string_buffer(code, len(code))
    prog = SockFprog(len(code) // 8, ctypes.addressof(buf))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) != 0:
        return ctypes.get_errno()
    return 0


def install_child_filter(code=CHILD_FILTER, sandbox=SANDBOX_FILTER, core=<CORE>):
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    core = core if hard == resource.RLIM_INFINITY else min(core, hard)
    resource.setrlimit(resource.RLIMIT_CORE, (core, core))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return ctypes.get_errno()
    refused = _set_filter(libc, code)
    if refused or os.uname().machine != "x86_64":  # the local sandbox has no filter on other machines either
        return refused
    # A driver shipped without the sandbox's filter (an empty one) runs nothing: no run without it.
    return _set_filter(libc, sandbox) if sandbox else 38  # ENOSYS

""".replace("<FILTER>", build_child_filter().hex())
    .replace("<SANDBOX>", SANDBOX_FILTER.hex())
    .replace("<CORE>", str(CORE_LIMIT))
)
