"""Hostile programs against what every sandbox on a host shares with it and the host itself: the page cache of the
host's files, its filesystems' writeback, its asynchronous I/O budget. Each is kernel state outside every run's
cgroup, which one program could spend for every other run and service on the host (judge.seccomp)."""

from __future__ import annotations

import ast
import ctypes
import mmap
import os
import tempfile
from pathlib import Path

import pytest

from judge.cgroups import READ_BPS, read_devices
from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits
from tests.judge.conftest import first_line, run_source

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
            said = first_line(proc.results)
            assert said.startswith(b"up"), said
            assert _io_setup_works(), said
            assert proc.proc.poll() is None  # still holding what it took
        finally:
            proc.finish()


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


# Huge pages (hugetlb) come from the host's pool (vm.nr_hugepages, set aside on database and JVM hosts; surplus pages,
# vm.nr_overcommit_hugepages, from its free memory), and a cgroup v1 memory group charges none of them: a program
# could take the whole pool, beside the memory its run allows, for as long as it runs. Its ways in: an anonymous
# mapping (mmap with MAP_HUGETLB), a memfd (MFD_HUGETLB), a SysV segment (shmget with SHM_HUGETLB; the sandbox's IPC
# namespace is its own but the pool is the host's), or a file on a hugetlbfs mount (none is visible). This host has no
# pool, so the kernel fails the mappings with ENOMEM and makes the memfd (empty); it refuses SHM_HUGETLB itself (EPERM)
# only while the sandbox's uid is outside vm.hugetlb_shm_group. The filter must refuse all three flags (EPERM), also
# with junk in the argument's upper half, on every host. The ordinary calls, and transparent huge pages
# (madvise(MADV_HUGEPAGE): charged to the memory group like any page), keep working.
HUGETLB_PROBE = (
    "import ctypes, errno, os\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.syscall.restype = ctypes.c_long\n"
    "libc.mmap.restype = ctypes.c_void_p\n"
    "libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]\n"
    "libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]\n"
    "libc.shmat.restype = ctypes.c_void_p\n"
    "libc.shmdt.argtypes = [ctypes.c_void_p]\n"
    "SIZE, RW, PRIVATE, SHARED, ANON, HUGETLB, HUGE_2MB = 2 << 20, 3, 0x02, 0x01, 0x20, 0x40000, 21 << 26\n"
    "MFD_CLOEXEC, MFD_HUGETLB, SHM_HUGETLB, IPC_CREAT, IPC_RMID, HIGH = 1, 4, 0o4000, 0o1000, 0, 1 << 32\n"
    "def outcome(ret, failed):\n"
    "    return errno.errorcode[ctypes.get_errno()] if failed else 'ok'\n"
    "def mmap(flags):\n"
    "    ctypes.set_errno(0)\n"
    "    address = libc.mmap(None, SIZE, RW, flags, -1, 0)\n"
    "    return outcome(address, address in (None, ctypes.c_void_p(-1).value))\n"
    "def raw(*call):\n"
    "    ctypes.set_errno(0)\n"
    "    ret = libc.syscall(*call)\n"
    "    return outcome(ret, ret < 0)\n"
    "refused = {\n"
    "    'mmap_private': mmap(PRIVATE | ANON | HUGETLB),\n"
    "    'mmap_shared_2mb': mmap(SHARED | ANON | HUGETLB | HUGE_2MB),\n"
    "    'mmap_raw_high': raw(9, 0, SIZE, RW, ctypes.c_long(HIGH | PRIVATE | ANON | HUGETLB), -1, 0),\n"
    "    'memfd': raw(319, b'h', MFD_HUGETLB),\n"
    "    'memfd_cloexec': raw(319, b'h', MFD_HUGETLB | MFD_CLOEXEC),\n"
    "    'memfd_high': raw(319, b'h', ctypes.c_long(HIGH | MFD_HUGETLB)),\n"
    "    'shmget': raw(29, 0, SIZE, IPC_CREAT | 0o600 | SHM_HUGETLB),\n"
    "    'shmget_high': raw(29, 0, SIZE, ctypes.c_long(HIGH | IPC_CREAT | 0o600 | SHM_HUGETLB)),\n"
    "}\n"
    "print('refused', refused)\n"
    "address = libc.mmap(None, SIZE, RW, PRIVATE | ANON, -1, 0)\n"
    "ctypes.memset(address, 1, SIZE)\n"
    "fd = libc.memfd_create(b'plain', MFD_CLOEXEC)\n"
    "os.ftruncate(fd, SIZE); os.write(fd, b'x')\n"
    "segment = libc.shmget(0, SIZE, IPC_CREAT | 0o600)\n"
    "attached = libc.shmat(segment, None, 0)\n"
    "ctypes.memset(attached, 2, SIZE)\n"
    "shm = (segment >= 0, libc.shmdt(attached), libc.shmctl(segment, IPC_RMID, None))\n"
    "print('allowed', {'mmap': mmap(PRIVATE | ANON), 'madvise_hugepage': libc.madvise(address, SIZE, 14),\n"
    "                  'memfd': fd >= 0, 'shm': shm})\n"
    "print('hugetlbfs', [line for line in open('/proc/self/mountinfo') if ' hugetlbfs ' in line])\n"
)


def test_a_program_cannot_take_the_hosts_huge_pages(sandbox, scratch):
    result = run_source(sandbox, scratch, "python", HUGETLB_PROBE, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 3, lines
    refused = ast.literal_eval(lines[0].removeprefix("refused "))
    assert refused == dict.fromkeys(refused, "EPERM") and len(refused) == 8, refused
    allowed = ast.literal_eval(lines[1].removeprefix("allowed "))
    assert allowed == {"mmap": "ok", "madvise_hugepage": 0, "memfd": True, "shm": (True, 0, 0)}, allowed
    assert lines[2] == "hugetlbfs []"
