"""Hostile programs against what every sandbox on a host shares with it and the host itself: the page cache of the
host's files, its filesystems' writeback, its asynchronous I/O budget. Each is kernel state outside every run's
cgroup, which one program could spend for every other run and service on the host (judge.seccomp)."""

from __future__ import annotations

import ctypes
import mmap
import os
import tempfile
import time
from pathlib import Path

import pytest

from judge.cgroups import READ_BPS, read_devices
from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits
from tests.judge.conftest import run_source

pytestmark = pytest.mark.sandbox


# Every sandbox runs from the same host files (/usr, the loader cache, the build caches), whose pages are one page
# cache for the whole host. A program that evicts them makes every later start of a runtime or compiler, in every run
# on the host, and the host's own services, read them from disk again: time charged to those runs (a cold JVM start
# took 0.26 s against 0.07 s warm on this machine's fast disk; more on a network disk), never to the program. The
# evictor tries every way a reader of a file has: posix_fadvise(DONTNEED) on it, madvise(MADV_PAGEOUT or MADV_COLD)
# on a mapping of it.
EVICTOR = (
    "import mmap, os\n"
    "fd = os.open(SHARED, os.O_RDONLY)\n"
    "tried = []\n"
    "m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)\n"
    "touched = sum(m[i] for i in range(0, len(m), mmap.PAGESIZE))  # in its page tables: what PAGEOUT walks\n"
    "for name, advice in (('MADV_PAGEOUT', 21), ('MADV_COLD', 20)):\n"
    "    try:\n"
    "        m.madvise(advice); tried.append(name)\n"
    "    except OSError as e:\n"
    "        tried.append(name + ':' + e.strerror)\n"
    "m.close()\n"
    "try:\n"
    "    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); tried.append('fadvise')\n"
    "except OSError as e:\n"
    "    tried.append('fadvise:' + e.strerror)\n"
    "print(' '.join(tried))\n"
)


def _cached_pages(path: Path) -> tuple[int, int]:
    """(pages of `path` in the page cache, its pages), by mincore on a mapping of it (its owner, root, may ask)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, *[ctypes.c_int] * 3, ctypes.c_long]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    size = path.stat().st_size
    vec = ctypes.create_string_buffer((size + mmap.PAGESIZE - 1) // mmap.PAGESIZE)
    with open(path, "rb") as f:
        address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, f.fileno(), 0)
        assert address not in (None, ctypes.c_void_p(-1).value), os.strerror(ctypes.get_errno())
        try:
            assert libc.mincore(address, size, vec) == 0, os.strerror(ctypes.get_errno())
        finally:
            libc.munmap(address, size)
    return sum(b & 1 for b in vec.raw), len(vec.raw)


def test_a_program_cannot_evict_the_hosts_shared_files_from_the_page_cache(sandbox, scratch):
    shared = next(Path("/usr/lib").glob("python3*/pydoc_data/topics.py"))  # read by nothing else on the host
    shared.read_bytes()  # all of it in the page cache
    before = _cached_pages(shared)
    assert before[0] == before[1] > 16
    source = f"SHARED = {str(shared)!r}\n" + EVICTOR
    result = run_source(sandbox, scratch, "python", source, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert _cached_pages(shared) == before, result.stdout


# sync() writes back every filesystem of the host, whichever mount namespace calls it, and syncfs() the one under a
# descriptor (the host's root, through /usr): data any process on the host has written and not yet flushed, the
# database's among them, forced out at once and waited for, disk time charged to no run. No runtime or compiler calls
# either; a program's own files are on tmpfs, which has nothing to write back.
SYNCER = (
    "import ctypes, os\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "fd = os.open('/usr', os.O_RDONLY)\n"
    "libc.sync()\n"
    "print('sync', os.strerror(ctypes.get_errno()), 'syncfs', libc.syncfs(fd), os.strerror(ctypes.get_errno()))\n"
)


def _dirty_mib() -> float:
    """The host's data written and not yet on disk (/proc/meminfo's Dirty), in MiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("Dirty:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no Dirty line in /proc/meminfo")


def test_a_program_cannot_make_the_host_write_back_its_filesystems(sandbox, scratch):
    # /var/tmp: on disk, where the test process's own temporary directory may be a tmpfs (nothing to write back)
    with tempfile.NamedTemporaryFile(dir="/var/tmp", prefix="shadows-dirty-") as host_file:
        host_file.write(os.urandom(32 << 20))
        host_file.flush()
        assert _dirty_mib() >= 30
        result = run_source(sandbox, scratch, "python", SYNCER, limits=Limits(wall_s=20, cpu_s=5))
        assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
        assert _dirty_mib() >= 24, result.stdout


# The kernel's asynchronous I/O contexts come from one budget for the whole host (fs.aio-max-nr, 65,536 events by
# default), not per user or per cgroup: one io_setup() of 65,536 events, about 4 MiB of a run's memory, took all of
# it, and every other process on the host (databases use them) got EAGAIN until the run ended. No runtime uses them.
AIO_HOARDER = (
    "import ctypes, os, time\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "held = 0\n"
    "for size in (65536, 4096, 256, 16, 1):\n"
    "    while libc.syscall(206, size, ctypes.byref(ctypes.c_ulong(0))) == 0:  # io_setup\n"
    "        held += size\n"
    "os.write(3, ('up %d %s\\n' % (held, os.strerror(ctypes.get_errno()))).encode())\n"
    "time.sleep(20)\n"
)


def _io_setup_works() -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    context = ctypes.c_ulong(0)
    if libc.syscall(206, 1, ctypes.byref(context)) != 0:
        return False
    libc.syscall(207, context)  # io_destroy
    return True


def test_a_program_cannot_take_the_hosts_asynchronous_io_contexts(sandbox: Sandbox, no_strays: None) -> None:
    assert _io_setup_works()
    with sandbox.scratch_dir() as prog:
        (prog / "hoarder.py").write_text(AIO_HOARDER)
        proc = sandbox.start(
            [sandbox.settings.python_bin, "-S", "/judge/hoarder.py"],
            limits=Limits(wall_s=30, cpu_s=20),
            program_dir=prog,
        )
        try:
            said, deadline = b"", time.monotonic() + 10
            while b"\n" not in said and time.monotonic() < deadline:
                said += _read_available(proc.results)
                time.sleep(0.01)
            assert said.startswith(b"up"), said
            assert _io_setup_works(), said
            assert proc.proc.poll() is None  # still holding what it took
        finally:
            proc.finish()


def _read_available(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except BlockingIOError:
        return b""


# The page cache is the host's, and a run's memory group holds only the pages it read itself: a program reading
# through the host's files in a loop, its group evicting its own pages to make room for the next, kept the host's
# disk reading for as long as it ran (583 MiB in 2 s from a run allowed 96 MiB, 2026-12-03), charged to no run.
# Here the file is one nobody has read (written, flushed and dropped from the cache), bound read-only like the
# host's files, and the program reads it once: at the disk's speed before, at the run's rate now.
READER = (
    "import os, sys, time\n"
    "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
    "started = time.monotonic()\n"
    "while os.read(fd, 1 << 20):\n"
    "    pass\n"
    "print(time.monotonic() - started)\n"
)


def _sectors_read(disk: str) -> int:
    return int(Path(f"/sys/dev/block/{disk}/stat").read_text().split()[2])


def test_a_programs_reads_from_the_hosts_disk_are_bounded_by_its_run(sandbox: Sandbox) -> None:
    size = 96 << 20
    with tempfile.TemporaryDirectory(dir="/var/tmp", prefix="shadows-cold-") as cold:  # on disk, like /usr
        os.chmod(cold, 0o755)
        path = Path(cold) / "cold.bin"
        with open(path, "wb") as f:
            f.write(os.urandom(size))
            f.flush()
            os.fsync(f.fileno())
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)  # on disk only: the next read is cold
        path.chmod(0o644)
        (disk,) = read_devices([cold])
        before = _sectors_read(disk)
        with sandbox.scratch_dir() as scratch:
            (scratch / "reader.py").write_text(READER)
            result = sandbox.run(
                [sandbox.settings.python_bin, "/work/reader.py", str(path)],
                scratch=scratch,
                limits=Limits(wall_s=20, cpu_s=10),
                ro_binds=[cold],
            )
        read_mib = (_sectors_read(disk) - before) * 512 >> 20
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert read_mib >= 80, "the file was read from the disk"
    assert float(result.stdout) >= size / (READ_BPS * 1.25), (float(result.stdout), read_mib)
