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


# memfd_secret() gives a program memory that the kernel takes out of its own direct map of physical memory, one page
# at a time: every page splits the huge page (1 GiB or 2 MiB) of the map that held it, for the whole host and for
# good (the kernel does not merge them back). One sandboxed program holding 8 MiB of it (its RLIMIT_MEMLOCK) turned
# 7 GiB of this machine's 1 GiB mappings into 2 MiB ones and 248 MiB into 4 KiB pages (/proc/meminfo's DirectMap*,
# 2026-12-03): a lasting TLB cost for the kernel and every process on the host, charged to no run. No runtime or
# compiler uses it. The probe only asks for the descriptor (no page is mapped, so it splits nothing) and must be
# refused.
SECRET_MEMORY = (
    "import ctypes, errno, os\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.syscall.restype = ctypes.c_long\n"
    "ctypes.set_errno(0)\n"
    "fd = libc.syscall(447, 0)  # memfd_secret(0)\n"
    "print('memfd_secret', 'ok' if fd >= 0 else errno.errorcode[ctypes.get_errno()])\n"
)


def test_a_program_cannot_take_memory_out_of_the_kernels_direct_map(sandbox, scratch):
    result = run_source(sandbox, scratch, "python", SECRET_MEMORY, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert result.stdout.decode().split() == ["memfd_secret", "EPERM"]


# Socket buffers a run's memory group never holds. Bytes queued on a netlink socket are kernel memory charged to no
# cgroup (only TCP and UDP have a counter of their own in cgroup v1, and Unix sockets are charged like any memory),
# up to the socket's receive buffer: 2 * net.core.rmem_max, 8 MiB on this host. Twenty netlink route sockets of one
# sandboxed program, each asked for its link's attributes until full, held 160 MiB of unreclaimable kernel memory
# while its group (96 MiB allowed) was charged 4.8 MiB (2026-12-03): at 64 descriptors a process and 100 processes
# a run, far more than the host has. A TCP connection that nobody has accepted yet is charged to no group either
# (the kernel gives it its group at accept()), and what the other end sends sits in its queue: one listener and
# 4,000 connections, each sending 64 KiB and closing, held 261 MiB of the host-wide TCP memory (`tcp_mem`, whose
# pressure threshold here is 1.5 GiB, past which every TCP socket on the host, the API's and the database's among
# them, is starved) from a run whose TCP counter read 3 MiB. And a UDP socket asking for transmit timestamps
# (SO_TIMESTAMPING, or per message in sendmsg's control data) gets a copy of every datagram it sends on its error
# queue, charged to no group, up to its receive buffer: ten such sockets held 81 MiB from a run whose TCP counter,
# where UDP's own buffers go, read 1.8 MiB (ICMP and local errors queue there too). The sandbox's network namespace
# has nothing but a loopback device, so all inet sockets are refused, and netlink's. Unix sockets, which its group
# holds, stay.
SOCKET_MEMORY = (
    "import errno, socket as S, struct\n"
    "def attempt(name, make):\n"
    "    try:\n"
    "        held = make()\n"
    "    except OSError as e:\n"
    "        return print(name, errno.errorcode[e.errno])\n"
    "    print(name, 'held', held)\n"
    "def netlink():\n"
    "    s = S.socket(S.AF_NETLINK, S.SOCK_RAW, 0)\n"
    "    s.setsockopt(S.SOL_SOCKET, S.SO_RCVBUF, 1 << 20); s.bind((0, 0)); s.setblocking(False)\n"
    "    ifinfo = struct.pack('=BxHiII', 0, 0, 1, 0, 0)  # RTM_GETLINK for lo, answered and never read\n"
    "    for seq in range(1500):\n"
    "        s.send(struct.pack('=IHHII', 16 + len(ifinfo), 18, 1, seq, 0) + ifinfo)\n"
    "    return sum(int(line.split()[4]) for line in open('/proc/net/netlink').read().splitlines()[1:])\n"
    "def unaccepted(family, host):\n"
    "    server = S.socket(family, S.SOCK_STREAM); server.bind((host, 0)); server.listen(64)\n"
    "    for _ in range(32):\n"
    "        c = S.create_connection(server.getsockname()[:2]); c.sendall(b'x' * 32768); c.close()\n"
    "    table = '/proc/net/tcp' if family == S.AF_INET else '/proc/net/tcp6'\n"
    "    return sum(int(line.split()[4].split(':')[1], 16) for line in open(table).read().splitlines()[1:])\n"
    "attempt('netlink', netlink)\n"
    "attempt('netlink_dgram', lambda: S.socket(S.AF_NETLINK, S.SOCK_DGRAM, 0).close())\n"
    "attempt('tcp', lambda: unaccepted(S.AF_INET, '127.0.0.1'))\n"
    "attempt('tcp6', lambda: unaccepted(S.AF_INET6, '::1'))\n"
    "attempt('tcp_proto', lambda: S.socket(S.AF_INET, S.SOCK_STREAM | S.SOCK_NONBLOCK, S.IPPROTO_TCP).close())\n"
    "def timestamped(family, host):\n"
    "    r = S.socket(family, S.SOCK_DGRAM); r.bind((host, 0))  # never read\n"
    "    s = S.socket(family, S.SOCK_DGRAM); s.setblocking(False)\n"
    "    s.setsockopt(S.SOL_SOCKET, S.SO_RCVBUF, 1 << 22)\n"
    "    s.setsockopt(S.SOL_SOCKET, 37, 0x2 | 0x10)  # SO_TIMESTAMPING: TX_SOFTWARE | SOFTWARE\n"
    "    for _ in range(32):\n"
    "        s.sendto(b'x' * 32768, r.getsockname()[:2])\n"
    "    table = '/proc/net/udp' if family == S.AF_INET else '/proc/net/udp6'\n"
    "    return sum(int(line.split()[4].split(':')[1], 16) for line in open(table).read().splitlines()[1:])\n"
    "attempt('udp_timestamps', lambda: timestamped(S.AF_INET, '127.0.0.1'))\n"
    "attempt('udp6_timestamps', lambda: timestamped(S.AF_INET6, '::1'))\n"
    "a, b = S.socketpair(); a.send(b'x')\n"
    "d, e = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM); d.send(b'y')\n"
    "unix = S.socket(S.AF_UNIX, S.SOCK_STREAM); unix.bind('/tmp/server'); unix.listen(1)\n"
    "client = S.socket(S.AF_UNIX, S.SOCK_STREAM); client.connect('/tmp/server'); client.send(b'z')\n"
    "print('kept', b.recv(1).decode(), e.recv(1).decode(), unix.accept()[0].recv(1).decode())\n"
)


def test_a_programs_sockets_cannot_hold_kernel_memory_outside_its_run(sandbox, scratch):
    result = run_source(sandbox, scratch, "python", SOCKET_MEMORY, limits=Limits(wall_s=20, cpu_s=10))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert result.stdout.decode().splitlines() == [
        "netlink EPERM",
        "netlink_dgram EPERM",
        "tcp EPERM",
        "tcp6 EPERM",
        "tcp_proto EPERM",
        "udp_timestamps EPERM",
        "udp6_timestamps EPERM",
        "kept x y z",
    ], result.stdout.decode()


# Locked memory. mlock() of a mapping of a host file whose pages another process already brought into the page cache
# pins them there (unevictable) without charging the run: they belong to whoever read them first. One sandboxed
# program locked 8 MiB of the cached libjvm.so (its RLIMIT_MEMLOCK, inherited from whatever started the judge: 8 MiB
# here, unlimited where a service manager or container runtime says so) and the host's Mlocked grew by 8 MiB while its
# run was charged 5 MiB in all (2026-12-03): up to that limit per process, 100 processes a run, of the host's memory
# that it can no longer reclaim. No runtime or compiler locks memory. So RLIMIT_MEMLOCK is 0, and the other limits
# the judge used to leave as it found them are fixed too: RLIMIT_RTPRIO and RLIMIT_NICE 0 (no real-time scheduling,
# which the run's cpu group would not contain where the kernel has no real-time group scheduling, and no nice value
# below 0), whatever the judge's own are.
LOCKER = (
    "import ctypes, mmap, os, resource\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.mlock.argtypes = [ctypes.c_void_p, ctypes.c_size_t]\n"
    "libc.mmap.restype = ctypes.c_void_p\n"
    "libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, *[ctypes.c_int] * 3, ctypes.c_long]\n"
    "fd = os.open(SHARED, os.O_RDONLY)\n"
    "address = libc.mmap(None, 1 << 19, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)\n"
    "ctypes.set_errno(0)\n"
    "print('mlock', libc.mlock(address, 1 << 19), os.strerror(ctypes.get_errno()))\n"
    "for name in ('RLIMIT_MEMLOCK', 'RLIMIT_RTPRIO', 'RLIMIT_NICE'):\n"
    "    print(name, *resource.getrlimit(getattr(resource, name)))\n"
)


def test_a_program_cannot_pin_cached_host_files_nor_inherit_the_judges_limits(sandbox, scratch):
    shared = next(Path("/usr/lib").glob("python3*/pydoc_data/topics.py"))
    assert shared.stat().st_size >= 1 << 19
    shared.read_bytes()  # in the page cache, charged to this process's group, not the run's
    source = f"SHARED = {str(shared)!r}\n" + LOCKER
    result = run_source(sandbox, scratch, "python", source, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert result.stdout.decode().splitlines() == [
        "mlock -1 Operation not permitted",
        "RLIMIT_MEMLOCK 0 0",
        "RLIMIT_RTPRIO 0 0",
        "RLIMIT_NICE 0 0",
    ], result.stdout.decode()


# Page cache pinned through pipes. splice() (and sendfile() into a pipe, which splices) puts a reference to the page
# cache's folio that holds the data in the pipe, not a copy: the whole folio, up to 2 MiB on filesystems with large
# folios, stays in the host's memory for as long as the pipe holds it, however little of it was spliced, charged to
# whoever read it first. 62 pipe slots of one sandboxed program, each holding one byte of the JDK's cached `modules`
# file at 2 MiB spacing, kept 8,294 of its pages (32 MiB) in the page cache through the host's own
# posix_fadvise(DONTNEED) (2026-12-03): about 512 KiB a slot, and a run's processes have tens of thousands of slots
# (64 descriptors and 16 slots a pipe, 100 processes), enough to pin the host's whole cache of the files every sandbox
# can read. A pipe's or Unix socket's data spliced onward keeps the same references. No runtime or compiler splices;
# copying with read() and write() stays.
SPLICER = (
    "import ctypes, errno, os\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.syscall.restype = ctypes.c_long\n"
    "fd = os.open(SHARED, os.O_RDONLY)\n"
    "r, w = os.pipe()\n"
    "r2, w2 = os.pipe()\n"
    "def attempt(name, call):\n"
    "    try:\n"
    "        print(name, 'moved', call())\n"
    "    except OSError as e:\n"
    "        print(name, errno.errorcode[e.errno])\n"
    "def vmsplice():\n"
    "    data = ctypes.create_string_buffer(b'v' * 4096)\n"
    "    iov = (ctypes.c_void_p * 2)(ctypes.cast(data, ctypes.c_void_p), 4096)\n"
    "    ctypes.set_errno(0)\n"
    "    moved = libc.syscall(278, w, iov, 1, 0)\n"
    "    if moved < 0:\n"
    "        raise OSError(ctypes.get_errno(), 'vmsplice')\n"
    "    return moved\n"
    "attempt('splice', lambda: os.splice(fd, w, 1, offset_src=0))\n"
    "attempt('sendfile', lambda: os.sendfile(w, fd, 4096, 1))\n"
    "os.write(w, b'x')\n"
    "def tee():\n"
    "    ctypes.set_errno(0)\n"
    "    moved = libc.syscall(276, r, w2, 1, 0)\n"
    "    if moved < 0:\n"
    "        raise OSError(ctypes.get_errno(), 'tee')\n"
    "    return moved\n"
    "attempt('tee', tee)\n"
    "attempt('vmsplice', vmsplice)\n"
    "print('read', len(os.read(fd, 4096)), os.write(w2, b'y'))\n"
    "import shutil\n"
    "data = os.urandom(200_000)\n"
    "with open('/tmp/source', 'wb') as f:\n"
    "    f.write(data)\n"
    "shutil.copyfile('/tmp/source', '/tmp/copy')\n"
    "with open('/tmp/copy', 'rb') as f:\n"
    "    print('copyfile', f.read() == data)\n"
)
# An honest copy between a program's own files: Node's fs.copyFile (libuv: copy_file_range, or sendfile where that is
# missing, falling back to read and write on its EINVAL, never on EPERM).
COPIER = (
    "const fs = require('fs');\n"
    "const data = require('crypto').randomBytes(200000);\n"
    "fs.writeFileSync('/tmp/source', data);\n"
    "fs.copyFileSync('/tmp/source', '/tmp/copy');\n"
    "console.log('copyFileSync', fs.readFileSync('/tmp/copy').equals(data));\n"
)


def test_a_program_cannot_pin_the_hosts_page_cache_in_pipes(sandbox, scratch):
    shared = next(Path("/usr/lib").glob("python3*/pydoc_data/topics.py"))
    source = f"SHARED = {str(shared)!r}\n" + SPLICER
    result = run_source(sandbox, scratch, "python", source, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert result.stdout.decode().splitlines() == [
        "splice EPERM",
        "sendfile EINVAL",  # the errno on which copiers fall back to read and write (EPERM failed them)
        "tee EPERM",
        "vmsplice EPERM",
        "read 4096 1",
        "copyfile True",
    ], result.stdout.decode()


def test_a_javascript_copy_between_its_own_files_succeeds_under_the_filter(sandbox, scratch):
    result = run_source(sandbox, scratch, "javascript", COPIER, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert result.stdout.decode().splitlines() == ["copyFileSync true"], result.stdout.decode()


# BPF programs a program can load without bpf(): a classic filter on a socket (SO_ATTACH_FILTER, and the reuseport and
# eBPF variants) or on itself (seccomp, through prctl or seccomp()). The kernel translates each to eBPF, charged to
# the run's memory group, and compiles it to machine code (this kernel: CONFIG_BPF_JIT_ALWAYS_ON) in executable memory
# charged to no group, keeping a socket filter's original instructions beside it (charged to none either). The
# compiled code also comes out of one budget for the whole host, net.core.bpf_jit_limit (504 MiB here), past which the
# kernel refuses every unprivileged BPF program on the host, bubblewrap's seccomp filter for every other sandbox among
# them: every run on the host an internal_error until the program's run ends. Four processes of one sandboxed program,
# 56 Unix sockets each with a filter of 3,000 instructions, held 14 MiB of compiled code (and by their size 5 MiB of
# copies of their instructions) outside their run's group, whose own charge was 36 MiB (2026-12-03): in proportion, a
# run allowed 282 MiB holds about 150 MiB more outside it, and four or five such runs at once (about 110 MiB of
# compiled code each) take the host's whole budget. No runtime or compiler attaches a filter; bubblewrap installs the
# sandbox's own before the program starts.
BPF_LOADER = (
    "import ctypes, errno, os, socket, struct\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.syscall.restype = ctypes.c_long\n"
    "insns = struct.pack('=HBBI', 0x01, 0, 0, 1) + struct.pack('=HBBI', 0x06, 0, 0, 0x7FFF0000)  # x = 1; allow\n"
    "code = ctypes.create_string_buffer(insns, len(insns))\n"
    "fprog = struct.pack('=HxxxxxxQ', 2, ctypes.addressof(code))  # struct sock_fprog\n"
    "held = ctypes.create_string_buffer(fprog, len(fprog))\n"
    "a, b = socket.socketpair()\n"
    "def outcome(call):\n"
    "    ctypes.set_errno(0)\n"
    "    try:\n"
    "        ret = call()\n"
    "    except OSError as e:\n"
    "        return errno.errorcode[e.errno]\n"
    "    return errno.errorcode[ctypes.get_errno()] if ret is not None and ret < 0 else 'ok'\n"
    "refused = {\n"
    "    'SO_ATTACH_FILTER': outcome(lambda: a.setsockopt(socket.SOL_SOCKET, 26, fprog)),\n"
    "    'SO_ATTACH_BPF': outcome(lambda: a.setsockopt(socket.SOL_SOCKET, 50, 0)),\n"
    "    'SO_ATTACH_REUSEPORT_CBPF': outcome(lambda: a.setsockopt(socket.SOL_SOCKET, 51, fprog)),\n"
    "    'SO_ATTACH_REUSEPORT_EBPF': outcome(lambda: a.setsockopt(socket.SOL_SOCKET, 52, 0)),\n"
    "    'prctl_seccomp': outcome(lambda: libc.prctl(22, 2, held, 0, 0)),  # PR_SET_SECCOMP, MODE_FILTER\n"
    "    'seccomp_filter': outcome(lambda: libc.syscall(317, 1, 0, held)),  # SECCOMP_SET_MODE_FILTER\n"
    "}\n"
    "print('refused', refused)\n"
    "allow = ctypes.c_uint(0x7FFF0000)\n"
    "a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)\n"
    "print('allowed', libc.prctl(21, 0, 0, 0, 0), libc.syscall(317, 2, 0, ctypes.byref(allow)),\n"
    "      a.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) > 0, b.send(b'x'), a.recv(1))\n"
)


def test_a_program_cannot_load_bpf_programs_into_the_kernel(sandbox, scratch):
    result = run_source(sandbox, scratch, "python", BPF_LOADER, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 2, lines
    refused = ast.literal_eval(lines[0].removeprefix("refused "))
    assert refused == dict.fromkeys(refused, "EPERM") and len(refused) == 6, refused
    # PR_GET_SECCOMP says 2 (the sandbox's own filter); asking which actions exist, and other options, still work.
    assert lines[1] == "allowed 2 0 True 1 b'x'", lines[1]


# When memory runs out where no run's group bounds it (the host's, or the judge's container's: a judge without cgroup
# v1 memory groups, as in deploy/k8s, bounds Java and JavaScript only by their heap flags, and a program's forked
# children not at all), the kernel's OOM killer kills the process with the most memory for its oom_score_adj. A
# sandboxed program inherited the judge's (0 here; whatever the container runtime or service manager gave the judge),
# so a program spreading its memory over many small processes left the judge's own processes, the largest, to be
# killed first: the service and every run in flight with it. The program's processes start at 1000, the most, and
# can never go below the judge's own floor (only a judge with CAP_SYS_RESOURCE, which this container's root lacks,
# can make 1000 the floor itself).
OOM_SCORE = (
    "import os\n"
    "print(open('/proc/self/oom_score_adj').read().strip(), open('/proc/self/oom_score').read().strip())\n"
    "fd = os.open('/proc/self/oom_score_adj', os.O_WRONLY)\n"
    "try:\n"
    "    os.write(fd, b'-1000')\n"
    "except OSError as e:\n"
    "    print('lower', e.strerror)\n"
)


def test_a_programs_processes_are_the_first_the_oom_killer_takes(sandbox, scratch):
    assert int(Path("/proc/self/oom_score_adj").read_text()) > -1000  # the judge's floor, above what it tries
    result = run_source(sandbox, scratch, "python", OOM_SCORE, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    lines = result.stdout.decode().splitlines()
    adjusted, score = lines[0].split()
    assert adjusted == "1000", lines
    assert int(score) > int(Path("/proc/self/oom_score").read_text()), lines  # this process's is lower
    assert lines[1:] == ["lower Permission denied"], lines


def test_a_judge_holding_more_descriptors_than_a_run_may_open_still_starts_it_first_for_the_oom_killer(
    sandbox, scratch
):
    """The score was written after the run's open-files limit was set: a judge whose low descriptor numbers were all
    taken (a busy service, or this suite's worker) had none left to open the file with, and the program kept the
    judge's score (seen on a CI run)."""
    held = [os.open("/dev/null", os.O_RDONLY) for _ in range(Limits().open_files * 4)]
    try:
        result = run_source(sandbox, scratch, "python", OOM_SCORE, limits=Limits(wall_s=10, cpu_s=5))
    finally:
        for fd in held:
            os.close(fd)
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert result.stdout.decode().splitlines()[0].split()[0] == "1000", result.stdout.decode()


# Kernel same-page merging (KSM). A program may offer its memory to the host's ksmd (madvise(MADV_MERGEABLE), or the
# whole process with prctl(PR_SET_MEMORY_MERGE)); where the host runs KSM (/sys/kernel/mm/ksm/run, off on this
# machine, on by choice on some hosts), ksmd merges every page it finds identical in any two processes of the host,
# and a write to a merged page takes a copy-on-write fault that a plain page does not: a program that fills pages
# with what it guesses another holds learns, by timing its writes, whether any process on the host holds them, and
# two programs of two runs that agree on pages signal each other without sharing anything else (a Submit's process,
# which holds hidden inputs, to a Run beside it). ksmd's scanning is the host's CPU, charged to no run. No runtime
# or compiler asks for it; here a sandboxed program could (ksm_stat: ksm_mergeable and ksm_merge_any yes).
KSM_PROBE = (
    "import ctypes, errno, mmap, os\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]\n"
    "m = mmap.mmap(-1, 1 << 20)\n"
    "address = ctypes.addressof(ctypes.c_char.from_buffer(m))\n"
    "def outcome(ret):\n"
    "    return 'ok' if ret == 0 else errno.errorcode[ctypes.get_errno()]\n"
    "refused = {'MADV_MERGEABLE': outcome(libc.madvise(address, 1 << 20, 12)),\n"
    "           'PR_SET_MEMORY_MERGE': outcome(libc.prctl(67, 1, 0, 0, 0))}\n"
    "print('refused', refused)\n"
    "print('allowed', outcome(libc.madvise(address, 1 << 20, 13)), outcome(libc.madvise(address, 1 << 20, 4)))\n"
)


def test_a_program_cannot_offer_its_memory_for_merging_with_other_processes(sandbox, scratch):
    result = run_source(sandbox, scratch, "python", KSM_PROBE, limits=Limits(wall_s=10, cpu_s=5))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert result.stdout.decode().splitlines() == [
        "refused {'MADV_MERGEABLE': 'EPERM', 'PR_SET_MEMORY_MERGE': 'EPERM'}",
        "allowed ok ok",  # MADV_UNMERGEABLE, MADV_DONTNEED
    ], result.stdout.decode()


# fsync() and fdatasync() on ext4 send the disk a cache flush each time, even for a clean file opened read-only (its
# journal long committed): a program calling them on a /usr file in a loop made about 9,000 flushes a second of the
# host's disk (2026-12-08), each writing out what every process on the host had written to the disk's cache, charged
# to no run. The filter makes both return 0 without running them (a sandbox's writable files are tmpfs, where they do
# nothing anyway): a call on a closed descriptor "succeeds", the disk sees no flush, a program's own file still works.
# msync(MS_SYNC) of a shared mapping of a /usr file reaches ext4's fsync: skipped too; MS_ASYNC still runs.
FLUSHER = (
    "import os\n"
    "calls = 0\n"
    "for path in ('/usr/bin/python3', '/usr'):\n"
    "    fd = os.open(path, os.O_RDONLY)\n"
    "    for _ in range(200):\n"
    "        os.fsync(fd); os.fdatasync(fd); calls += 2\n"
    "    os.close(fd)\n"
    "outcomes = []\n"
    "for call in (os.fsync, os.fdatasync):\n"
    "    try:\n"
    "        call(fd)  # closed above: the kernel would say EBADF\n"
    "        outcomes.append('ok')\n"
    "    except OSError as e:\n"
    "        outcomes.append(e.strerror)\n"
    "import ctypes, errno\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.mmap.restype = ctypes.c_void_p\n"
    "libc.mmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long)\n"
    "libc.msync.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)\n"
    "libc.munmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t)\n"
    "fd = os.open('/usr/bin/python3', os.O_RDONLY)\n"
    "at = libc.mmap(None, 4096, 1, 1, fd, 0)  # PROT_READ, MAP_SHARED\n"
    "for _ in range(200):\n"
    "    calls += libc.msync(at, 4096, 4) == 0  # MS_SYNC\n"
    "libc.munmap(at, 4096)\n"
    "for flags in (4, 1):  # MS_SYNC skipped; MS_ASYNC runs: ENOMEM for an unmapped address, as libunwind expects\n"
    "    gone = libc.msync(at, 4096, flags)\n"
    "    outcomes.append(errno.errorcode[ctypes.get_errno()] if gone else 'ok')\n"
    "with open('/tmp/own', 'w') as f:\n"
    "    f.write('kept'); f.flush(); os.fsync(f.fileno())\n"
    "print(calls, *outcomes, open('/tmp/own').read())\n"
)


def _flushes(disk: str) -> int | None:
    """The disk's completed flush requests (the 16th field of its stat, Linux 5.5 and later), None when not shown."""
    fields = Path(f"/sys/dev/block/{disk}/stat").read_text().split()
    return int(fields[15]) if len(fields) >= 17 else None


def test_a_program_cannot_flush_the_hosts_disk_cache(sandbox, scratch):
    (disk,) = read_devices(["/usr"]) or (None,)
    before = _flushes(disk) if disk is not None else None
    result = run_source(sandbox, scratch, "python", FLUSHER, limits=Limits(wall_s=20, cpu_s=10))
    after = _flushes(disk) if disk is not None else None
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert result.stdout.decode().split() == ["1000", "ok", "ok", "ok", "ENOMEM", "kept"], (
        result.stdout.decode()
    )
    if before is not None and after is not None:
        # Other work on the host may flush meanwhile: far fewer than one a call is what counts.
        assert after - before < 200, (before, after)
