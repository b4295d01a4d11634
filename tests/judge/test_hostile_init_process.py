"""The sandbox's pid 1 (bubblewrap's reaper) is within the program's reach, and no more than the program.

It runs as the sandbox uid and is dumpable, and this kernel has no Yama: a program opens its memory through
/proc/1/mem (refusing ptrace does not refuse that), writes code after the system call it waits in, and wakes it with
an orphan's end. What that code can do is what the program can: bubblewrap installs the seccomp filter before it
forks its init, the sandbox makes no user namespace, and pid 1 holds no capability. Should a bubblewrap run its init
unfiltered, every refusal of judge.seccomp would be one orphan away; this keeps it so (docs/judge.md, Sandbox).
"""

from __future__ import annotations

import platform

import pytest

from judge.bank import Question
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge

pytestmark = [pytest.mark.sandbox, pytest.mark.asyncio(loop_scope="module")]

# x86-64 machine code run as pid 1: inotify_init1(0) and socket(AF_INET, SOCK_STREAM, 0), both refused by the filter,
# and clone(CLONE_NEWUSER), refused by the sandbox; after each, a line on fd 2 ("pid1 inotify: Y" made, "N" refused);
# then pause() for ever.
SHELLCODE = (
    "b82601000031ff0f05488d3590000000e858000000b829000000bf02000000be0100000031d20f05488d3581000000e8390000"
    "00b838000000bf1100001031f631d24531d24531c00f054885c07415488d356a000000e812000000b8220000000f05ebf7b8e7"
    "00000031ff0f05b3594885c07902b34e4883ec10f30f6f06f30f7f0424885c240e4889e6ba10000000bf02000000b801000000"
    "0f054883c410c37069643120696e6f746966793a20200a7069643120696e65743a20202020200a7069643120757365726e733a"
    "2020200a"
)

# A two-sum solution that, in its first test, tries the three calls itself, then has pid 1 try them (by each path to
# its memory: /proc/1, its one thread, and a path through /proc/self), and answers every test correctly.
HIJACK = f"""
import ctypes, os, time

CODE = bytes.fromhex({SHELLCODE!r})
libc = ctypes.CDLL(None, use_errno=True)
tried = []


def own_calls():
    made = libc.syscall(294, 0) >= 0
    made_inet = libc.syscall(41, 2, 1, 0) >= 0
    child = libc.syscall(56, 0x10000011, 0, 0, 0, 0)
    if child == 0:
        os._exit(0)
    print("own", "Y" if made else "N", "Y" if made_inet else "N", "Y" if child > 0 else "N")


def hijack():
    for where in ("/proc/1", "/proc/1/task/1", "/proc/self/../1"):
        try:
            pc = int(open(where + "/syscall").read().split()[-1], 16)
            fd = os.open(where + "/mem", os.O_RDWR)
            try:
                os.pwrite(fd, CODE, pc)
            finally:
                os.close(fd)
        except (OSError, ValueError, IndexError) as e:
            print(where, "refused", type(e).__name__)
            continue
        print(where, "written")
        child = os.fork()  # pid 1 waits in wait4(): an orphan's end wakes it, into the code after that call
        if child == 0:
            if os.fork() == 0:
                time.sleep(0.05)
            os._exit(0)
        os.waitpid(child, 0)
        time.sleep(0.5)
        return


def two_sum(nums, target):
    if not tried:
        tried.append(1)
        own_calls()
        hijack()
    seen = {{}}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
"""


@pytest.mark.skipif(
    platform.machine() != "x86_64", reason="the seccomp filter and the machine code are x86-64's"
)
async def test_the_sandboxs_init_process_is_refused_what_the_program_is(
    judge: Judge, question: Question
) -> None:
    request = RunRequest.for_question(
        question, language="python", source=HIJACK, limits=RunLimits(time_limit_s=2.0, memory_mb=128)
    )
    report = await judge.run(request)
    first = report.tests[0]
    said = (first.stdout or "").splitlines()
    detail = (said, first.stderr, report.verdict)
    assert said[0] == "own N N N", detail
    # Whatever reaches pid 1 (today /proc/1/mem does) runs under the same refusals: no call made for the program.
    assert all(line.endswith((" refused OSError", " written")) for line in said[1:]), detail
    written = any(line.endswith(" written") for line in said[1:])
    ran = [line.split()[1:] for line in (first.stderr or "").splitlines() if line.startswith("pid1 ")]
    assert ran == ([["inotify:", "N"], ["inet:", "N"], ["userns:", "N"]] if written else []), detail
    # ... and the run goes on undisturbed: every test answered, in its one process.
    assert report.verdict == Verdict.ACCEPTED, detail
    assert report.processes == 1, detail
