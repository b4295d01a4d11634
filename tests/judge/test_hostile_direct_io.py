"""A program must not leave the judge waiting on it after it is killed: reads from the host's disk that bypass the page
cache (O_DIRECT) wait for their data uninterruptibly, and the run's disk rate (judge.cgroups.READ_BPS) makes that wait
as long as the program likes."""

from __future__ import annotations

import ast
import time

import pytest

from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits
from tests.judge.conftest import first_line, run_source

pytestmark = pytest.mark.sandbox

# The largest file every sandbox can read (the JDK's modules, about 123 MiB); a host file, on the host's disk.
SHARED = "/usr/lib/jvm/java-17-openjdk-amd64/lib/modules"

# A read with O_DIRECT goes to the disk (no page cache), through the run's read limit, and the kernel waits for every
# part of it uninterruptibly (iomap's direct I/O: TASK_UNINTERRUPTIBLE until the last bio completes): SIGKILL reaches
# the reader only once all of it has arrived. One preadv reads as much as the file holds into one small buffer (every
# iovec the same 1 MiB), and every thread can have one in flight: four readers of 96 MiB each, killed the moment they
# had started, kept the judge waiting 2-3 s for them (1.78 s for four of 64 MiB, 7.2 s for eight of 120 MiB, when the
# judge gave up after 5 s and left them and their cgroups behind, 2026-12-03). At 100 threads of a run and 128 MiB/s,
# about 100 s of processes outliving their run, after every test whose process the judge ended, each left reading in
# a group of its own at the run's rate: a Submit's processes could keep the host's disk busy many times over. No
# runtime or compiler opens a file with O_DIRECT (strace of g++, javac, java, node and python3, 2026-12-03).
DIRECT_READERS = (
    "import ctypes, errno, mmap, os, sys\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "class iovec(ctypes.Structure):\n"
    "    _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]\n"
    "MIB = 96\n"
    "r, w = os.pipe()\n"
    "for _ in range(4):\n"
    "    if os.fork() == 0:\n"
    "        buf = mmap.mmap(-1, 1 << 20)\n"
    "        address = ctypes.addressof(ctypes.c_char.from_buffer(buf))\n"
    "        iov = (iovec * MIB)(*[iovec(address, 1 << 20)] * MIB)\n"
    "        try:\n"
    "            fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECT)\n"
    "        except OSError as e:\n"
    "            os.write(w, errno.errorcode[e.errno].encode() + b' ')\n"
    "            os._exit(0)\n"
    "        os.write(w, b'reading ')\n"
    "        libc.preadv(fd, iov, MIB, ctypes.c_long(0))\n"
    "        os._exit(0)\n"
    "said = b''\n"
    "while said.count(b' ') < 4:\n"
    "    said += os.read(r, 64)\n"
    "os.write(3, said + b'\\n')\n"
    "os.read(r, 1)  # until killed\n"
)


def test_a_program_killed_during_its_reads_from_the_disk_ends_at_once(sandbox: Sandbox) -> None:
    with sandbox.scratch_dir() as prog:
        (prog / "readers.py").write_text(DIRECT_READERS)
        proc = sandbox.start(
            [sandbox.settings.python_bin, "-S", "/judge/readers.py", SHARED],
            limits=Limits(wall_s=30, cpu_s=10),
            program_dir=prog,
        )
        try:
            said = first_line(proc.results)
        finally:
            killed = time.monotonic()
            proc.finish()
            took = time.monotonic() - killed
    assert took < 1.0, (took, said)
    assert said.split() == [b"EPERM"] * 4, said


# Every way to a descriptor with O_DIRECT: open, openat (what libc's open calls), openat2 (its flags in a struct no
# filter can read: refused whole; no runtime calls it), and fcntl(F_SETFL) on a descriptor already open. Opening
# and reading as usual, and fcntl's other flags, stay.
OPENERS = (
    "import ctypes, errno, fcntl, os, sys, struct\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.syscall.restype = ctypes.c_long\n"
    "path = sys.argv[1].encode()\n"
    "def outcome(call):\n"
    "    ctypes.set_errno(0)\n"
    "    try:\n"
    "        ret = call()\n"
    "    except OSError as e:\n"
    "        return errno.errorcode[e.errno]\n"
    "    return errno.errorcode[ctypes.get_errno()] if ret < 0 else 'ok'\n"
    "how = ctypes.create_string_buffer(struct.pack('=QQQ', os.O_RDONLY, 0, 0), 24)  # struct open_how\n"
    "fd = os.open(path, os.O_RDONLY)\n"
    "refused = {\n"
    "    'os.open': outcome(lambda: os.open(path, os.O_RDONLY | os.O_DIRECT)),\n"
    "    'open': outcome(lambda: libc.syscall(2, path, os.O_RDONLY | os.O_DIRECT, 0)),\n"
    "    'openat': outcome(lambda: libc.syscall(257, -100, path, os.O_RDONLY | os.O_DIRECT | os.O_CLOEXEC, 0)),\n"
    "    'openat2': outcome(lambda: libc.syscall(437, -100, path, how, 24)),\n"
    "    'F_SETFL': outcome(lambda: fcntl.fcntl(fd, fcntl.F_SETFL, os.O_DIRECT)),\n"
    "}\n"
    "print('refused', refused)\n"
    "fcntl.fcntl(fd, fcntl.F_SETFL, os.O_NONBLOCK)\n"
    "print('allowed', len(os.read(fd, 4096)), fcntl.fcntl(fd, fcntl.F_GETFL) & (os.O_NONBLOCK | os.O_DIRECT))\n"
)


def test_no_descriptor_reads_past_the_page_cache(sandbox, scratch):
    source = f"import sys\nsys.argv[1:] = [{SHARED!r}]\n" + OPENERS
    result = run_source(sandbox, scratch, "python", source, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 2, lines
    refused = ast.literal_eval(lines[0].removeprefix("refused "))
    assert refused == dict.fromkeys(refused, "EPERM") and len(refused) == 5, refused
    assert lines[1] == f"allowed 4096 {__import__('os').O_NONBLOCK}", lines[1]
