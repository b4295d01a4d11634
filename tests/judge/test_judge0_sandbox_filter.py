"""A Judge0 run makes no call the local sandbox's seccomp filter denies or skips (judge0_driver_filter).

A Judge0 box runs under isolate, which has no seccomp filter, and until 2026-12-08 the driver's own filter looked at
SIGCHLD, other processes' limits and pid namespaces alone: a program there could `fsync` a `/usr` file in a loop (a
cache flush of the Judge0 host's disk each), `sync`, evict the shared runtimes from the page cache, splice, lock and
watch the host's shared files, load BPF programs, take huge pages, read with O_DIRECT, open inet sockets, and so on.
The driver now installs the local sandbox's very filter after its own, so the same probe, run locally and through
FakeJudge0 (the driver run for real, in a box with no filter of its own), gets the same answers.
"""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from judge.bank import TestCase as Case
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.seccomp import DENIED_ERRNOS, DENIED_X86_64, SKIPPED_X86_64
from tests.judge.judge0_runs import assert_judge0_verdicts
from tests.judge.test_honest_limits import SIGNATURE

pytestmark = pytest.mark.sandbox

# work(a, n) returns a bitmask of the calls of group `a` that did not answer as the local filter does: 0 when all
# did. Every argument is -1 where the kernel would otherwise act (a bad descriptor, pointer or flag), so a call the
# filter lets through fails harmlessly, with another errno. Python 3.8 syntax (Judge0's image).
PROBE = """
import ctypes, os

libc = ctypes.CDLL(None, use_errno=True)
L = ctypes.c_long
SKIPPED = SKIPPED_NUMBERS
DENIED = DENIED_NUMBERS


def call(nr, *args):
    args = list(args) + [-1] * (6 - len(args))
    got = libc.syscall(L(nr), *[L(a) for a in args])
    return -ctypes.get_errno() if got == -1 else got


def arguments():
    new = (ctypes.c_ulong * 2)(0, 0)
    filt = ctypes.create_string_buffer(16)
    path = b"/usr/bin/env"
    return [
        call(41, 2, 1, 0),  # socket(AF_INET, SOCK_STREAM)
        call(53, 16, 3, 0, -1),  # socketpair(AF_NETLINK, SOCK_RAW)
        call(72, -1, 36, 0),  # fcntl(F_OFD_GETLK)
        call(72, -1, 4, 0o40000),  # fcntl(F_SETFL, O_DIRECT)
        call(157, 22, 2, ctypes.addressof(filt)),  # prctl(PR_SET_SECCOMP)
        call(317, 1, 0, ctypes.addressof(filt)),  # seccomp(SECCOMP_SET_MODE_FILTER)
        call(28, 0, 0, 12),  # madvise(MADV_MERGEABLE)
        call(9, 0, 4096, 3, 0x22 | 0x40000, -1, 0),  # mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB)
        call(319, ctypes.addressof(ctypes.create_string_buffer(b"x")), 4),  # memfd_create(MFD_HUGETLB)
        call(257, -100, ctypes.addressof(ctypes.create_string_buffer(path)), 0o40000),  # openat(O_DIRECT)
        call(302, 0, 4, ctypes.addressof(new), 0),  # prlimit64(RLIMIT_CORE, new): lowering, which the kernel allows
        call(54, -1, 1, 26, 0, 0),  # setsockopt(SOL_SOCKET, SO_ATTACH_FILTER)
    ]


def work(a, n):
    if a == 0:  # fsync and fdatasync on a closed descriptor: 0, never run (the kernel says EBADF)
        fd = os.open("/usr/bin/env", os.O_RDONLY)
        os.close(fd)
        got = [call(nr, fd) for nr in SKIPPED]
        got.append(call(26, 4096, 4096, 4))  # msync(MS_SYNC) of an unmapped page: the kernel says ENOMEM
        want = 0
    elif a == 1:  # each denied call's errno: EPERM but for DENIED_ERRNOS (sendfile EINVAL)
        got = [call(nr) + code for nr, code in DENIED]
        want = 0
    else:
        got = arguments()
        want = -1
    return sum(1 << i for i, g in enumerate(got) if g != want)
"""
SOURCE = PROBE.replace("SKIPPED_NUMBERS", repr(sorted(SKIPPED_X86_64.values()))).replace(
    "DENIED_NUMBERS",
    repr(sorted((nr, DENIED_ERRNOS.get(name, errno.EPERM)) for name, nr in DENIED_X86_64.items())),
)
CASES = [
    Case(id="skipped", args=[0, 0], expected=0),
    Case(id="denied", args=[1, 0], expected=0),
    Case(id="arguments", args=[2, 0], expected=0),
]


async def test_a_judge0_run_makes_no_call_the_local_sandbox_denies_or_skips(sandbox, judge_settings):
    # Locally first: the probe's expectations are the local filter's answers, not a guess at them.
    request = RunRequest(
        language="python",
        source=SOURCE,
        signature=SIGNATURE,
        tests=CASES,
        mode="run",
        limits=RunLimits(time_limit_s=1.0),
    )
    local = run_request(request, sandbox, judge_settings)
    assert {t.id: t.verdict for t in local.tests} == dict.fromkeys(
        ["skipped", "denied", "arguments"], Verdict.ACCEPTED
    ), [(t.id, t.actual, t.message) for t in local.tests]
    # Through Judge0 (before: fsync and fdatasync EBADF, every denied call run, every argument check passed).
    await assert_judge0_verdicts(
        "python", SOURCE, CASES, dict.fromkeys(["skipped", "denied", "arguments"], Verdict.ACCEPTED)
    )


def test_a_judge0_driver_built_on_an_arm64_api_host_ships_the_x86_64_sandbox_filter():
    # build_filter answers for the machine it runs on (None on arm64: the local sandbox has none there); the driver
    # ships the x86-64 filter whatever the API host's machine (before: none, and every run on an x86-64 box refused).
    script = (
        "import platform\n"
        "platform.machine = lambda: 'aarch64'\n"
        "from judge.seccomp import build_filter, build_x86_64_filter\n"
        "from judge.backends.judge0_driver_filter import INSTALL\n"
        "built = build_x86_64_filter()\n"
        "shipped = 'SANDBOX_FILTER = bytes.fromhex(\"' + built.hex() + '\")' in INSTALL\n"
        "print(build_filter() is None, len(built) > 0, shipped)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.split() == ["True", "True", "True"], done.stderr[-2000:]
