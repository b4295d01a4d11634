"""On Judge0, children the kernel reaps take no CPU time out of the test that ran them (judge0_driver_filter).

A parent that ignores SIGCHLD, or sets SA_NOCLDWAIT on it, has its children reaped by the kernel, which adds their CPU
time to no process's: they left the box's /proc, where the in-box driver measures a test, with all of it. Two such
children computing 0.6 s each beside a harness waiting for them were charged about 0.6 s of wall time, `accepted`
under a 1 s limit, in every language (Java and JavaScript through a helper process that does it); the local
sandbox, whose cgroup counts every process, judges them `time_limit`. The driver now puts a seccomp filter on itself,
inherited by every process of the run, under which such a change of SIGCHLD's action does nothing, so the children
stay in /proc (as zombies, then in their reaper's time) and are charged; nor can a process set the driver's limits.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from judge.bank import TestCase as Case
from judge.schemas import Verdict
from tests.judge.judge0_runs import assert_judge0_verdicts

# Ignores SIGCHLD, starts two children that compute `SECONDS` of CPU each side by side, and waits for both through a
# pipe (never by wait(), which the kernel's reaping would leave nothing to).
HELPER = """
import os, signal, time

signal.signal(signal.SIGCHLD, signal.SIG_IGN)
r, w = os.pipe()
for _ in range(2):
    if os.fork() == 0:
        while time.process_time() < SECONDS:
            pass
        os.write(w, b"x")
        os._exit(0)
os.close(w)
while os.read(r, 1):
    pass
"""
PYTHON = "/usr/local/python-3.8.1/bin/python3"  # the image's (the fake's shim runs a script file only)

# work(a, n): a == 0 returns at once; a == 1 has two children computing 0.6 s each, reaped by the kernel.
SOURCES = {
    "python": "def work(a, n):\n    if a == 0:\n        return 0\n"
    + "".join("    " + line + "\n" for line in HELPER.replace("SECONDS", "0.6").strip().splitlines())
    + "    return a\n",
    "cpp": r"""
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
class Solution {
public:
    int work(int a, long long n) {
        if (a == 0) return 0;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sa.sa_flags = SA_NOCLDWAIT;  // the kernel reaps the children, SIGCHLD or not
        sigaction(SIGCHLD, &sa, nullptr);
        int p[2];
        if (pipe(p) != 0) return -1;
        for (int i = 0; i < 2; i++) {
            if (fork() == 0) {
                timespec ts;
                do { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); } while (ts.tv_sec == 0 && ts.tv_nsec < 600000000);
                if (write(p[1], "x", 1) != 1) _exit(1);
                _exit(0);
            }
        }
        close(p[1]);
        char c;
        while (read(p[0], &c, 1) > 0) {}
        return a;
    }
};
""",
    "java": """
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;

class Solution {
    public int work(int a, long n) {
        if (a == 0) return 0;
        try {
            Files.write(Paths.get("helper.py"), HELPER.getBytes(StandardCharsets.UTF_8));
            Process p = new ProcessBuilder("PYTHON", "helper.py").redirectErrorStream(true).start();
            InputStream in = p.getInputStream();
            while (in.read() >= 0) {}
            p.waitFor();
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(e);
        }
        return a;
    }
}
""",
    "javascript": """
const fs = require('fs');
const cp = require('child_process');

function work(a, n) {
  if (a === 0) return 0;
  fs.writeFileSync('helper.py', HELPER);
  // Read to the end without waiting for the helper's exit (libuv notices it by a SIGCHLD handler).
  const child = cp.spawn('PYTHON', ['helper.py'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const fd = child.stdout._handle.fd;
  const buf = Buffer.alloc(64);
  for (;;) {
    let got;
    try { got = fs.readSync(fd, buf, 0, 64, null); } catch (e) { if (e.code === 'EAGAIN') continue; throw e; }
    if (got === 0) break;
  }
  return a;
}
""",
}
for _language in ("java", "javascript"):
    SOURCES[_language] = (
        SOURCES[_language]
        .replace("HELPER", json.dumps(HELPER.replace("SECONDS", "0.6")))
        .replace("PYTHON", PYTHON)
    )


@pytest.mark.parametrize("language", ["python", "cpp", "java", "javascript"])
async def test_cpu_of_children_the_kernel_reaps_counts_against_the_time_limit_on_judge0(language):
    # 1.2 s of CPU in about 0.6 s of wall time on an idle host, against a 1 s limit: time_limit, as on the local
    # sandbox (before: accepted there, the children's CPU gone from the box's /proc with them). On a loaded host the
    # wall time alone passes the limit; the driver's own measure is checked without it below.
    cases = [Case(id="alone", args=[0, 0], expected=0), Case(id="reaped", args=[1, 0], expected=1)]
    await assert_judge0_verdicts(
        language, SOURCES[language], cases, {"alone": Verdict.ACCEPTED, "reaped": Verdict.TIME_LIMIT}
    )


# Machine code of `signal(SIGCHLD, SIG_IGN)` as an i386 system call (`int 0x80`, number 48), callable from a 64-bit
# process: push rbx; mov eax, 48; mov ebx, 17; mov ecx, 1; int 0x80; pop rbx; ret. A filter that reads x86-64's
# numbers only would let it through.
I386_SIGNAL = "53b830000000bb11000000b901000000cd805bc3"

PROBE = r"""
import ctypes, mmap, os, resource, signal, sys, time

def i386_ignore_sigchld():
    code = bytes.fromhex(I386_SIGNAL)
    m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    m.write(code)
    return ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(m)))()

def in_child(fn):
    pid = os.fork()
    if pid == 0:
        os._exit(fn() & 0xFF)
    return os.waitpid(pid, 0)[1]

# Does this kernel run i386 calls at all (not every one does)? Asked in a child, before the filter.
i386 = os.WIFEXITED(in_child(i386_ignore_sigchld))
assert install_child_filter() == 0
# Both ways of having the kernel reap children, under the filter: SIG_IGN (x86-64) and the i386 call.
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
refused = i386_ignore_sigchld() if i386 else -38
r, w = os.pipe()
for _ in range(2):
    if os.fork() == 0:
        while time.process_time() < 0.3:
            pass
        os.write(w, b"x")
        os._exit(0)
os.close(w)
while os.read(r, 1):
    pass
# Another process's limits (the driver's, say, whose descriptors it needs to read /proc) can be read, not set.
resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE)
try:
    resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE, (0, 0))
    lowered = "lowered"
except PermissionError:
    lowered = "refused"
resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))  # its own, as before
print(run_cpu(), refused, lowered)
"""


def test_the_drivers_filter_keeps_children_the_kernel_would_reap_in_the_boxs_proc(tmp_path: Path):
    # The driver's own measure (every process of the box but the driver's), in a box of its own: two children of
    # 0.3 s each, their parent ignoring SIGCHLD, read as 0 s before the filter; 0.6 s with it. The i386 way to the
    # same (int 0x80 from a 64-bit process) is refused (EPERM: both filters refuse it, and the sandbox's, installed
    # last, gives the errno). And no process can lower another's limits: the harness set the driver's descriptors to
    # 0, and the driver, failing to open /proc, charged every later test its wall time alone (its CPU read as 0),
    # however many CPUs the test's processes kept busy.
    from judge.backends.judge0_driver_filter import INSTALL
    from judge.backends.judge0_driver_measure import MEASURE

    probe = tmp_path / "probe.py"
    source = "import ctypes, os, resource, signal, sys, time\n" + MEASURE + INSTALL
    probe.write_text(source + PROBE.replace("I386_SIGNAL", repr(I386_SIGNAL)))
    ran = subprocess.run(
        ["bwrap", "--dev-bind", "/", "/", "--proc", "/proc", "--unshare-pid", "--die-with-parent", "--",
         sys.executable, str(probe)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    cpu, refused, lowered = ran.stdout.split()
    assert float(cpu) >= 0.55 and int(refused) == -1 and lowered == "refused", ran.stdout


@pytest.mark.parametrize(
    ("which", "replacement"),
    [("child", "2000000004000000"), ("sandbox", "")],  # one load of the ABI, no return; no program at all
)
def test_a_driver_that_cannot_install_its_filter_starts_nothing_and_reports_nothing(
    tmp_path: Path, which: str, replacement: str
):
    # A kernel that refuses a filter (here: a program the kernel rejects, not ending in a return) leaves the driver
    # unable to charge its tests honestly, and one without the sandbox's filter (an API host that is not x86-64
    # cannot build it) would let the run make every call the local sandbox refuses: either driver ends before its
    # report begins, which the backend takes as no report at all (internal_error), never as the candidate's verdict.
    from judge.backends.judge0_driver import DRIVER
    from judge.backends.judge0_driver_filter import SANDBOX_FILTER, build_child_filter
    from judge.backends.judge0_events import events

    assert SANDBOX_FILTER is not None  # this host is x86-64, as the sandbox tests' are
    program = (build_child_filter() if which == "child" else SANDBOX_FILTER).hex()
    assert DRIVER.count(program) == 1
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.replace(program, replacement))
    conf = {"marker": "SHADOWS-TEST", "argv": ["/bin/false"], "order": [0], "core_bytes": 1}
    ran = subprocess.run(
        [sys.executable, "-I", "-S", str(driver)],
        input=json.dumps({"conf": conf, "tests": [[1, 2]]}).encode(),
        capture_output=True,
        timeout=60,
    )
    assert ran.returncode != 0 and b"seccomp filter could not be installed" in ran.stderr, ran.stderr
    assert events(ran.stdout, "SHADOWS-TEST", 1) is None, ran.stdout


def test_the_drivers_measure_never_reads_a_proc_it_cannot_open_as_no_cpu_time():
    # A driver out of descriptors read every process's CPU time as 0 (and every test was charged its wall time
    # alone); now that is an error, which ends the driver (the box's status for the test in flight). Run in a process
    # of its own, with its descriptors limited to the three it has.
    from judge.backends.judge0_driver_measure import MEASURE

    code = (
        "import errno, os, resource, time\n" + MEASURE + "\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (3, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\n"
        "try:\n    print('read', run_cpu())\nexcept OSError as e:\n    print('raised', errno.errorcode[e.errno])\n"
    )
    ran = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, timeout=60)
    assert ran.stdout.split() == ["raised", "EMFILE"], (ran.stdout, ran.stderr)


# Two workers of 0.2 s each in a pid namespace of their own (made with unshare, else the same processes without one),
# killed with its init once they have written their answers: the kernel reaps a dead namespace's processes itself,
# adding their CPU time to no process's. Then the other ways to a namespace or to SIGCHLD's action, as raw calls:
# clone with CLONE_NEWPID, clone3 (flags behind a pointer), setns, and rt_sigaction(SIGCHLD, SIG_IGN) with a high word
# in the signal's argument (the kernel reads an int), read back by a query.
NAMESPACE_PROBE = r"""
import ctypes, os, signal, time

libc = ctypes.CDLL(None, use_errno=True)
L = ctypes.c_long


def call(nr, *args):
    got = libc.syscall(L(nr), *[L(a) for a in args])
    return -ctypes.get_errno() if got == -1 else got


assert install_child_filter() == 0
before = run_cpu()
r, w = os.pipe()
attacker = os.fork()
if attacker == 0:
    unshared = libc.unshare(0x20000000)  # CLONE_NEWPID: the next child would be the namespace's init
    init = os.fork()
    if init == 0:
        for _ in range(2):
            if os.fork() == 0:
                while time.process_time() < 0.2:
                    pass
                os.write(w, b"x")
                time.sleep(60)
        time.sleep(60)
    os.close(w)
    got = 0
    while got < 2:
        got += len(os.read(r, 1))
    os.kill(init, signal.SIGKILL)
    os.waitpid(init, 0)
    os._exit(0 if unshared == 0 else ctypes.get_errno())
os.close(w)
unshare = os.WEXITSTATUS(os.waitpid(attacker, 0)[1])
time.sleep(0.1)  # the orphans, if any, were killed and reaped
charged = run_cpu() - before
clone = call(56, 0x20000000 | signal.SIGCHLD, 0, 0, 0, 0)
if clone == 0:
    os._exit(0)
ign = ctypes.create_string_buffer(32)
ctypes.c_ulong.from_buffer(ign).value = 1  # SIG_IGN
high = call(13, (1 << 32) | signal.SIGCHLD, ctypes.addressof(ign), 0, 8)
now = ctypes.create_string_buffer(32)
call(13, signal.SIGCHLD, 0, ctypes.addressof(now), 8)
print(charged, unshare, clone, call(435, 0, 0), call(308, -1, 0), high, ctypes.c_ulong.from_buffer(now).value)
"""


def test_the_drivers_filter_refuses_pid_namespaces_whose_end_the_kernel_reaps_uncharged(tmp_path: Path):
    # Before: unshare(CLONE_NEWPID) succeeded (root in the box, or any uid in a user namespace of its own) and the
    # workers' 0.4 s read as 0 s once their namespace ended. Now each way to one is refused, the workers outlive their
    # parent in the box's namespace and are charged, and SIGCHLD stays at its default however its number is passed.
    from judge.backends.judge0_driver_filter import INSTALL
    from judge.backends.judge0_driver_measure import MEASURE

    probe = tmp_path / "probe.py"
    probe.write_text("import ctypes, os, resource, signal, sys, time\n" + MEASURE + INSTALL + NAMESPACE_PROBE)
    ran = subprocess.run(
        ["bwrap", "--dev-bind", "/", "/", "--proc", "/proc", "--unshare-pid", "--die-with-parent", "--",
         sys.executable, str(probe)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    charged, *calls = ran.stdout.split()
    # unshare's errno (EPERM), clone's (-EPERM), clone3's (-ENOSYS), setns's (-EPERM), the faked rt_sigaction (0) and
    # SIGCHLD's action read back (SIG_DFL).
    assert float(charged) >= 0.35 and [int(c) for c in calls] == [1, -1, -38, -1, 0, 0], (
        ran.stdout,
        ran.stderr,
    )
