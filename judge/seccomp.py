"""The sandbox's seccomp filter: a classic-BPF deny list of kernel attack surface no candidate program needs.

It denies whole system calls, and `socket()` and `socketpair()` for every (address family, type, protocol) but the
few runtimes need (ALLOWED_SOCKETS: Unix streams, datagrams and packets; the network namespace has only a loopback
device): the others are kernel code whose history has exploitable bugs (the kernel crypto API, raw packets, which a
user namespace would otherwise grant in the sandbox's own network namespace, SCTP, DCCP, and the like), and the kernel
loads the module of one it lacks. Inet and netlink sockets are refused too: what they hold is kernel memory that no
cgroup of the run is charged for (below).

It also denies every way of attaching kernel state to a file that another sandbox can see. All sandboxes share the
host's read-only files (/usr, /dev/null, the loader cache, the build caches): the same inodes. A lock (`flock`,
POSIX and open-file-description locks, leases) or a watch (inotify, fanotify, dnotify) on one of them is set in one
sandbox and seen in another, a noise-free channel between two runs on the host at once: a Submit's process, which
holds the hidden tests' inputs, could hand them to a Run beside it, whose output the report shows. A sandbox's own
files are private (tmpfs), so no runtime needs these calls; `fcntl()` keeps every other command. One such state
is left: a futex that is not private is keyed by the file and offset of its page, so a wait on a word of a shared
file's mapping (libc's own, read-only) is woken from another sandbox. No filter tells that word from a process-shared
lock in a sandbox's own files (Python's multiprocessing), whose failed wake glibc aborts on: docs/judge.md, Known gaps.

It denies `fadvise64`: POSIX_FADV_DONTNEED, allowed to any reader of a file, drops its pages from the page cache for
the whole host. Every sandbox runs from the same read-only files (the runtimes, the compilers, the build caches), so
one program evicting them in a loop made every other run on the host, and the host's own services, read them from
disk again, on their time and never on its own (the madvise ways of doing that, MADV_PAGEOUT and MADV_COLD, the
kernel refuses for a file the caller cannot write). No runtime or compiler calls it (strace of g++, javac, java,
node and python3, 2026-12-03); glibc's posix_fadvise returns the EPERM as an advice not taken.

It denies `sync` and `syncfs`: the first writes back every filesystem of the host, whichever mount namespace calls
it, the second the one under a descriptor (the host's root, through /usr); what any process on the host has written
and not yet flushed, the database's among them, forced to disk and waited for, charged to no run. A sandbox's own
files are on tmpfs, with nothing to write back; no runtime or compiler calls either (the same strace).

It makes `fsync`, `fdatasync` and `msync` with MS_SYNC succeed without reaching the kernel (SKIPPED_X86_64 and
SKIPPED_FLAGS: an errno of 0; msync(MS_SYNC) of a shared mapping of a `/usr` file reaches ext4's fsync): on ext4 (the
host's root, under `/usr`) either sends the disk a cache flush each time, even for a file opened read-only with
nothing to write (its journal already committed), and waits for it. A sandboxed program calling them on
`/usr/bin/python3` in a loop made 9,000 flushes a second of the host's disk from a few threads (2026-12-08), charged
to no run: on a disk with a volatile write cache each one writes out what every process on the host has written to
it, the database's among it. A sandbox's own writable files are on tmpfs, where both do nothing anyway, so skipping
them changes no program's files; a refusal (EPERM) would have failed programs that sync what they write (SQLite,
`FileChannel.force`).

It denies the kernel's asynchronous I/O (`io_setup` and the calls that use its contexts): their events come from one
budget for the whole host (fs.aio-max-nr, 65,536 by default), not per user or cgroup, and one `io_setup` of 65,536
events (about 4 MiB of a run's memory) took all of it, every other process on the host getting EAGAIN until the run
ended. No runtime or compiler uses it (io_uring, libuv's choice, is refused too; glibc's aio_* use threads).

It refuses huge pages from the host's pool (hugetlb; REFUSED_FLAGS): `mmap` with MAP_HUGETLB, `memfd_create` with
MFD_HUGETLB, `shmget` with SHM_HUGETLB, by a test of that one bit of the flags argument, every other flag passing. The
pool (vm.nr_hugepages, set aside on database and JVM hosts; vm.nr_overcommit_hugepages more from free memory) is the
host's, and a cgroup v1 memory group charges none of it: one program could take all of it, beside the memory its run
allows, and every other user of huge pages on the host go without until the run ended. On a host without a pool
the kernel refused the mapping (ENOMEM) but made the memfd; SHM_HUGETLB it refuses itself unless the caller is in
vm.hugetlb_shm_group (gid 0 by default) or holds CAP_IPC_LOCK. No sandbox mounts a hugetlbfs (its /dev is its own).
Transparent huge pages (madvise(MADV_HUGEPAGE)) are charged to the memory group like any page, and stay. No runtime
asks for hugetlb by default (the JVM only with -XX:+UseLargePages, glibc's malloc only with its hugetlb tunable at 2),
and each falls back to ordinary pages on the EPERM.

It denies `memfd_secret`: the kernel takes each page of such memory out of its own direct map of physical memory,
splitting the huge page of the map that held it, for the whole host and for good (nothing merges them back). One
sandboxed program holding 8 MiB of it (its RLIMIT_MEMLOCK) turned 7 GiB of the map's 1 GiB pages into 2 MiB ones and
248 MiB into 4 KiB ones (2026-12-03): a lasting cost in TLB misses for the kernel and everything on the host,
charged to no run. No runtime or compiler uses it. Nor `modify_ldt` (segment descriptors: Wine's, with a history of
kernel bugs) or `open_tree_attr` (the mount API, as `open_tree`).

It denies `splice`, `tee`, `vmsplice` and `sendfile`: splicing a file into a pipe (sendfile into a pipe splices)
puts in the pipe a reference to the page cache folio holding the data, not a copy, and the whole folio, up to 2 MiB on
filesystems with large folios, stays in the host's memory while the pipe holds it, however little was spliced,
charged to whoever read it first. 62 pipe slots of one sandboxed program, a byte each of the JDK's cached `modules`
file at 2 MiB spacing, kept 32 MiB of it cached through the host's own posix_fadvise(DONTNEED) (2026-12-03); a run's
processes have tens of thousands of slots, enough to pin the whole cache of the files every sandbox reads. Data
spliced on from a pipe into a Unix socket keeps the references. No runtime or compiler calls any of them (strace of
g++, javac, java, node and python3); copying with read and write is unaffected. `sendfile` fails with EINVAL, not
EPERM (DENIED_ERRNOS): that is the errno on which copiers fall back to read and write (Python's shutil, libuv's
fs.copyFile before it used copy_file_range, the JDK's Files.copy and transferTo); EPERM failed an honest copy.

It refuses every way left to load a BPF program (`bpf()` itself is denied): a classic filter on a socket
(`setsockopt` at SOL_SOCKET: SO_ATTACH_FILTER, SO_ATTACH_BPF and the two reuseport ones) or on the program itself
(`prctl(PR_SET_SECCOMP)`, `seccomp(SECCOMP_SET_MODE_FILTER)`; bubblewrap installs the sandbox's own filter before
the program runs). The kernel translates each to eBPF, charged to the run's memory group, and compiles that to
machine code (CONFIG_BPF_JIT_ALWAYS_ON on this kernel) in executable memory charged to no cgroup, keeping a socket
filter's original instructions beside it, charged to none either. The compiled code comes out of one budget for the
whole host (net.core.bpf_jit_limit, 504 MiB here), past which the kernel refuses every unprivileged BPF program:
bubblewrap's seccomp filter for every other sandbox on the host, every run an internal_error for as long as the
program held it. Four processes of one sandboxed program, 56 Unix sockets each with a filter of 3,000 instructions,
held 14 MiB of compiled code (and by their size 5 MiB of copies of their instructions) outside their run's group,
charged 36 MiB itself (2026-12-03): a run allowed 282 MiB holds about 150 MiB more outside it, and four or five of
them at once (about 110 MiB of compiled code each) take the host's whole budget. No runtime or compiler attaches a
filter (strace of g++, javac, java, node and python3).

It refuses O_DIRECT (`open` and `openat` with it, `fcntl(F_SETFL)` setting it, `openat2` whole, whose flags it cannot
read): a read that bypasses the page cache goes to the host's disk through the run's read limit, and the kernel waits
for all of it uninterruptibly, so a program killed by the judge went on reading, outliving its run, for as long as
it had asked (REFUSED_FLAGS).

It refuses kernel same-page merging (`madvise(MADV_MERGEABLE)`, `prctl(PR_SET_MEMORY_MERGE)`): where the host runs
KSM, its ksmd merges identical pages of any processes on the host, and timing a write to a merged page tells a
program whether another process holds a page it guessed (a channel between runs), on host CPU charged to no run.

It keeps `RLIMIT_CORE` where the judge set it (1: no crash runs the host's core dump helper; judge.bwrap), and lets
the program read it.

Passed to bubblewrap (`--seccomp FD`), which installs it right before it executes the program. Denied calls fail
with EPERM (those in DENIED_ERRNOS with their own errno), so runtimes that probe for them (libuv trying io_uring) fall
back quietly. Built by hand (no libseccomp) for x86-64 only; on other architectures the sandbox runs without it.
"""

from __future__ import annotations

import errno
import platform
import struct

from judge.bpf import (
    AND_K,
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

_FCNTL_X86_64 = 72
_SETSOCKOPT_X86_64 = 54
_PRCTL_X86_64 = 157
_SETRLIMIT_X86_64 = 160
_SECCOMP_X86_64 = 317
_PRLIMIT64_X86_64 = 302
_RLIMIT_CORE = 4


# x86-64 syscall numbers.
DENIED_X86_64: dict[str, int] = {
    "sendfile": 40,  # into a pipe it splices: page cache folios pinned by pipes, see the module's docstring
    "flock": 73,  # locks and watches on shared files: see the module's docstring
    "ptrace": 101,
    "syslog": 103,
    "modify_ldt": 154,  # per-process segment descriptors: Wine's; kernel attack surface no runtime needs
    "pivot_root": 155,
    "sync": 162,  # writes back every filesystem of the host: see the module's docstring
    "acct": 163,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "init_module": 175,
    "delete_module": 176,
    "io_setup": 206,  # the host's one budget of asynchronous I/O contexts: see the module's docstring
    "io_destroy": 207,
    "io_getevents": 208,
    "io_submit": 209,
    "io_cancel": 210,
    "lookup_dcookie": 212,
    "fadvise64": 221,  # DONTNEED evicts shared files' pages for every sandbox and the host: see the module's docstring
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "inotify_init": 253,
    "inotify_add_watch": 254,
    "unshare": 272,
    "splice": 275,
    "tee": 276,
    "vmsplice": 278,
    "inotify_init1": 294,
    "perf_event_open": 298,
    "fanotify_init": 300,
    "fanotify_mark": 301,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "syncfs": 306,  # ... or the one under a descriptor: the host's root, through /usr
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "io_pgetevents": 333,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
    "memfd_secret": 447,  # memory taken out of the kernel's direct map, splitting it for good: see the docstring
    "openat2": 437,  # its flags, O_DIRECT among them, are in a struct the filter cannot read: see REFUSED_FLAGS
    "open_tree_attr": 467,  # open_tree with mount attributes (Linux 6.15): the mount API, as open_tree
}

# Denied calls that fail with another errno than EPERM: the one their honest callers take as "use read and write"
# (sendfile: libuv falls back on EINVAL, EIO, ENOTSOCK or EXDEV, the JDK's transferTo on EINVAL or ENOSYS, Python's
# shutil on any error before a byte is copied).
DENIED_ERRNOS: dict[str, int] = {"sendfile": errno.EINVAL}

# What `socket()` and `socketpair()` may create (the kernel reads each argument as an int: its low word): address
# family -> socket type -> protocols (the third argument). Anything else is refused before the kernel looks at it. For
# a (family, type, protocol) it lacks, the kernel loads a module (request_module: "net-pf-39", or for inet
# "net-pf-2-proto-0-type-5", SOCK_SEQPACKET with the default protocol), running modprobe as root on the host and adding
# kernel code whose history has exploitable bugs (AF_ALG, raw packets, which a user namespace would otherwise grant in
# the sandbox's own network namespace, SCTP, DCCP, ...); and the kernel turns AF_INET with SOCK_PACKET into AF_PACKET.
# A deny-list of families left every other family to that, `socketpair()`, which creates its sockets the same way,
# was not checked at all, and a check of family and protocol alone left every type (SOCK_RAW, SOCK_SEQPACKET,
# SOCK_DCCP, SOCK_PACKET with protocol 0, SOCK_DGRAM with TCP's). What the runtimes open (strace, 2026-12-02):
# glibc's getaddrinfo, getifaddrs and if_nameindex netlink route (SOCK_RAW) and inet datagram sockets (address
# sorting, ioctls), its nscd probe a Unix stream; Python, Node and the JVM inet streams with protocol 0 or
# IPPROTO_TCP, inet datagrams, Unix stream socket pairs (asyncio, libuv's stdio, Pipe.open) and Unix channels; at
# start-up (strace, 2026-12-03) javac and a JVM using NIO probe IPv6 and SO_REUSEPORT with a TCP socket, and take a
# refusal as "not available"; no runtime or compiler opens netlink or needs an inet socket to start. Without them
# glibc's getaddrinfo still resolves (its address sorting and AI_ADDRCONFIG take the refusals as "unknown"), while
# getifaddrs, if_nameindex, Node's os.networkInterfaces() and Java's NetworkInterface fail.
# Only Unix sockets are allowed: inet and netlink sockets hold memory outside every cgroup of the run (cgroup v1
# charges Unix sockets' buffers to the run's memory group, and TCP's and UDP's own buffers to its TCP counter,
# judge.cgroups, but not all that an inet socket can make the kernel keep), and the network namespace has nothing
# but a loopback device for them anyway:
# - netlink: bytes queued on a netlink socket are charged to nothing, up to its receive buffer (2 * net.core.rmem_max:
#   8 MiB on a host where that is 4 MiB). Twenty route sockets asked for a link's attributes until full held 160 MiB
#   of unreclaimable kernel memory, their run's group (96 MiB allowed) charged 4.8 MiB (2026-12-03); 64 descriptors a
#   process and 100 processes a run go far past any host's memory. Without it, glibc's getifaddrs and if_nameindex
#   fail (EPERM) and getaddrinfo assumes both IPv4 and IPv6 for AI_ADDRCONFIG.
# - TCP: a connection that nobody has accepted yet has no cgroup (the kernel gives it its acceptor's at accept()),
#   and what the other end sends sits in its queue. One listener and 4,000 connections, each sending 64 KiB and
#   closing, held 261 MiB of the host's TCP memory (`tcp_mem`: past its pressure threshold, 1.5 GiB here, every TCP
#   socket on the host is starved, the API's and the database's among them) from a run whose TCP counter read 3 MiB.
# - UDP: a socket asking for transmit timestamps (SO_TIMESTAMPING, or per message in sendmsg's control data, which
#   no filter sees) gets a copy of each datagram it sends queued on its error queue, charged to nothing, up to its
#   receive buffer: ten such sockets held 81 MiB from a run whose TCP counter read 1.8 MiB (2026-12-03). ICMP errors
#   and local errors (IP_RECVERR) queue there the same way.
# SOCK_NONBLOCK and SOCK_CLOEXEC, flags in the type argument, are masked off first; a type with any other bit set is
# refused (as the kernel would refuse it, EINVAL).
SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET = 1, 2, 3, 5
_SOCK_FLAGS = 0o4000 | 0o2000000  # SOCK_NONBLOCK | SOCK_CLOEXEC
# Protocols: the type's default (0).
ALLOWED_SOCKETS: dict[str, tuple[int, dict[int, tuple[int, ...]]]] = {
    "AF_UNIX": (1, {SOCK_STREAM: (0,), SOCK_DGRAM: (0,), SOCK_SEQPACKET: (0,)}),
}
_SOCKET_CALLS = (41, 53)  # socket, socketpair: the same three first arguments, one check

# `fcntl()` commands refused: the ones that set or read locks and leases, or watch a directory (dnotify).
DENIED_FCNTL_COMMANDS: dict[str, int] = {
    "F_GETLK": 5,
    "F_SETLK": 6,
    "F_SETLKW": 7,
    "F_OFD_GETLK": 36,
    "F_OFD_SETLK": 37,
    "F_OFD_SETLKW": 38,
    "F_SETLEASE": 1024,
    "F_GETLEASE": 1025,
    "F_NOTIFY": 1026,
}

# Loading a BPF program (bpf() itself is denied above): a program's own seccomp filter, through prctl(PR_SET_SECCOMP) or
# seccomp(SECCOMP_SET_MODE_FILTER), and a socket's (setsockopt at SOL_SOCKET). Each is compiled to machine code in
# memory charged to no cgroup, from one budget for the whole host (net.core.bpf_jit_limit): see the module's
# docstring. Reading a program's seccomp mode and asking which actions exist stay.
# PR_SCHED_CORE: a core scheduling cookie of a task's own makes every other hyperthread of the core it runs on idle
# ("force idle", charged to no run), on hosts with SMT and CONFIG_SCHED_CORE: a program's cookied threads would take
# the sibling of each core they run on from every other run. No runtime or compiler calls it.
DENIED_PRCTL_OPTIONS: dict[str, int] = {"PR_SET_SECCOMP": 22, "PR_SCHED_CORE": 62, "PR_SET_MEMORY_MERGE": 67}
# Offering memory to the host's same-page merging (KSM), a region at a time or (prctl above) the whole process: where
# the host runs ksmd, it merges identical pages of any processes on the host, and timing a write to a merged page
# (a copy-on-write fault) tells a program whether any other process holds a page it guessed: a channel between two
# runs (a Submit's process, which holds hidden inputs, and a Run beside it), and ksmd's scanning is host CPU charged
# to no run. No runtime or compiler asks for it.
_MADVISE_X86_64 = 28
DENIED_MADVICE: dict[str, int] = {"MADV_MERGEABLE": 12}
DENIED_SECCOMP_OPERATIONS: dict[str, int] = {"SECCOMP_SET_MODE_FILTER": 1}
_SOL_SOCKET = 1
DENIED_SOCKET_OPTIONS: dict[str, int] = {
    "SO_ATTACH_FILTER": 26,
    "SO_ATTACH_BPF": 50,
    "SO_ATTACH_REUSEPORT_CBPF": 51,
    "SO_ATTACH_REUSEPORT_EBPF": 52,
}

# Resource limits a program may read but not change: RLIMIT_CORE stays at judge.bwrap.CORE_LIMIT (1), the one value
# at which a crash runs no core dump helper of the host's (a pipe core_pattern ignores a limit of 0: its helper ran as
# root, outside the sandbox and every cgroup, for each crash). `setrlimit` is refused for it; `prlimit64`, which libc's
# getrlimit and setrlimit both call, only when it is given a new limit (a non-null pointer, both words checked).
FIXED_RLIMITS: dict[str, int] = {"RLIMIT_CORE": _RLIMIT_CORE}

# x86-64 syscall numbers of calls that return 0 at once, never run (see the module's docstring).
SKIPPED_X86_64: dict[str, int] = {
    "fsync": 74,  # a disk cache flush on ext4 even for a clean file opened read-only
    "fdatasync": 75,
}
# ... and calls that return 0 at once, never run, when any of some bits of one argument is set: call -> (number,
# argument index, bits). msync(MS_SYNC) of a MAP_SHARED mapping of a /usr file reaches ext4's fsync, its disk cache
# flush with it; MS_ASYNC and MS_INVALIDATE run (libunwind probes an address with msync, expecting ENOMEM).
MS_SYNC = 4
SKIPPED_FLAGS: dict[str, tuple[int, int, int]] = {"msync": (26, 2, MS_SYNC)}

# System calls refused for some values of one argument: (call, argument index, refused values).
_ARGUMENT_CHECKS = (
    (_FCNTL_X86_64, 1, DENIED_FCNTL_COMMANDS),
    (_SETRLIMIT_X86_64, 0, FIXED_RLIMITS),
    (_PRCTL_X86_64, 0, DENIED_PRCTL_OPTIONS),
    (_SECCOMP_X86_64, 0, DENIED_SECCOMP_OPERATIONS),
    (_MADVISE_X86_64, 2, DENIED_MADVICE),
)
# ... and refused for some values of one argument, or any of some bits of it, only when another argument has a given
# value: (call, (argument index, value), argument index, refused values or bits). setsockopt's option names are per
# level: these are SOL_SOCKET's. fcntl(F_SETFL) would set O_DIRECT on a descriptor already open (below).
_F_SETFL = 4
O_DIRECT = 0o40000
_GUARDED_CHECKS: tuple[tuple[int, tuple[int, int], int, dict[str, int] | int], ...] = (
    (_SETSOCKOPT_X86_64, (1, _SOL_SOCKET), 2, DENIED_SOCKET_OPTIONS),
    (_FCNTL_X86_64, (1, _F_SETFL), 2, O_DIRECT),
)

# Flags refused wherever they appear in a call's flags argument: call -> (number, argument index, refused bits). The
# three ways to huge pages (hugetlb) from the host's pool, which a cgroup v1 memory group does not charge: see the
# module's docstring. Each flag is in the argument's low word, the one the filter tests (memfd_create and shmget read
# theirs as int; mmap reads an unsigned long, whose upper half holds no flag). Every other bit passes: ordinary
# mappings, memfds and segments, and the huge page size bits (MAP_HUGE_*, SHM_HUGE_*, MFD_HUGE_*), which mean nothing
# without the flag.
#
# And O_DIRECT, in open's and openat's flags (openat2's are in a struct no filter can read: the call is denied whole;
# fcntl(F_SETFL) is a guarded check above): a read that bypasses the page cache goes to the host's disk through the
# run's read limit, and the kernel waits for all of it uninterruptibly (iomap's direct I/O), so a SIGKILL reaches the
# reader only once every byte arrived. One preadv of a large host file into one small buffer (every iovec the same)
# and a thread each: four readers of 96 MiB kept the judge waiting 2.9 s after it killed them, eight of 120 MiB 7.2 s
# (it gave up after 5 s and left them and their cgroups behind; 2026-12-03): at 100 threads a run and 128 MiB/s, about
# 100 s of processes outliving each process the judge ended, each still reading at the run's rate in a group of its
# own. No runtime or compiler opens a file with O_DIRECT (strace of g++, javac, java, node and python3).
MAP_HUGETLB, MFD_HUGETLB, SHM_HUGETLB = 0x40000, 0x4, 0o4000
REFUSED_FLAGS: dict[str, tuple[int, int, int]] = {
    "open": (2, 1, O_DIRECT),
    "mmap": (9, 3, MAP_HUGETLB),
    "shmget": (29, 2, SHM_HUGETLB),
    "openat": (257, 2, O_DIRECT),
    "memfd_create": (319, 1, MFD_HUGETLB),
}


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k)  # x86-64's struct sock_filter, whatever machine builds it


def build_filter() -> bytes | None:
    """The compiled filter (struct sock_filter array) for this machine, or None when unsupported here."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return None
    return build_x86_64_filter()


def build_x86_64_filter() -> bytes:
    """The filter for an x86-64 machine, built on any (the Judge0 driver ships it from an API host of another kind)."""
    denied = sorted(DENIED_X86_64.values())
    deny = RET_ERRNO | errno.EPERM
    assert DENIED_ERRNOS.keys() <= DENIED_X86_64.keys(), "a per-call errno is for a denied call"
    refusals = sorted(set(DENIED_ERRNOS.values()) - {errno.EPERM})
    refusal_of = {
        DENIED_X86_64[name]: refusals.index(code) for name, code in DENIED_ERRNOS.items() if code in refusals
    }
    skipped = sorted(SKIPPED_X86_64.values())
    # Layout: [0-4] arch and ABI checks, [5, 5+n) denied calls, the skipped calls, per skipped flag: the call?, load
    # the argument, any of its bits (return 0)?, allow; then per guarded check: the call?,
    # load the guard's argument, its value?, load the argument, [refused values] or any of the refused bits?, and on
    # any other way load the call's number again and go on (the same call may have an argument check after); per
    # argument check: the call?, load the argument, [refused values], allow; per refused flag: the call?, load the
    # argument, any of its bits?, allow; then the sockets' check (`socket_check` instructions), prlimit64's
    # (`prlimit_check`), allow (any other call), deny, return 0 (the skipped calls), then one return per errno of
    # DENIED_ERRNOS (its denied calls jump there), the last instructions.
    checks = [(nr, arg, sorted(values.values())) for nr, arg, values in _ARGUMENT_CHECKS]
    guarded = [
        (nr, guard, arg, refused if isinstance(refused, int) else sorted(refused.values()))
        for nr, guard, arg, refused in _GUARDED_CHECKS
    ]

    def guarded_check(refused: int | list[int]) -> int:
        return 5 + (1 if isinstance(refused, int) else len(refused))

    fixed = sorted(FIXED_RLIMITS.values())
    prlimit_check = 6 + len(fixed)
    sockets = sorted((family, sorted(types.items())) for family, types in ALLOWED_SOCKETS.values())

    def family_check(types: list[tuple[int, tuple[int, ...]]]) -> int:
        return 3 + sum(2 + len(protocols) for _, protocols in types)

    socket_check = 4 + sum(family_check(types) for _, types in sockets)
    first_call = 5
    deny_at = (
        first_call
        + len(denied)
        + len(skipped)
        + 4 * len(SKIPPED_FLAGS)
        + sum(3 + len(values) for _, _, values in checks)
        + sum(guarded_check(refused) for _, _, _, refused in guarded)
        + 4 * len(REFUSED_FLAGS)
        + socket_check
        + prlimit_check
        + 1
    )

    def to(target: int, at: int) -> int:  # BPF jumps count the instructions skipped after this one
        skipped = target - (at + 1)
        assert 0 <= skipped <= 255, "a classic-BPF conditional jump reaches 255 instructions at most"
        return skipped

    prog = [
        _insn(LD_W_ABS, 0, 0, OFFSET_ARCH),
        # Any other ABI (i386 via int 0x80 from a 64-bit process) could reach the calls by other numbers.
        _insn(JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        _insn(RET_K, 0, 0, deny),
        _insn(LD_W_ABS, 0, 0, OFFSET_NR),
        _insn(JGE_K, to(deny_at, 4), 0, X32_SYSCALL_BIT),  # x32 numbering: deny
    ]
    for nr in denied:
        target = deny_at + 2 + refusal_of[nr] if nr in refusal_of else deny_at
        prog.append(_insn(JEQ_K, to(target, len(prog)), 0, nr))
    for nr in skipped:
        prog.append(_insn(JEQ_K, to(deny_at + 1, len(prog)), 0, nr))
    for nr, arg, bits in SKIPPED_FLAGS.values():
        prog.append(_insn(JEQ_K, 0, 3, nr))
        prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(arg)))
        prog.append(_insn(JSET_K, to(deny_at + 1, len(prog)), 0, bits))
        prog.append(_insn(RET_K, 0, 0, RET_ALLOW))
    for nr, (guard_arg, guard_value), arg, refused in guarded:
        reload = len(prog) + guarded_check(refused) - 1
        prog.append(_insn(JEQ_K, 0, to(reload + 1, len(prog)), nr))
        prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(guard_arg)))
        prog.append(_insn(JEQ_K, 0, to(reload, len(prog)), guard_value))
        prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(arg)))
        if isinstance(refused, int):
            prog.append(_insn(JSET_K, to(deny_at, len(prog)), 0, refused))
        else:
            for value in refused:
                prog.append(_insn(JEQ_K, to(deny_at, len(prog)), 0, value))
        assert len(prog) == reload
        prog.append(_insn(LD_W_ABS, 0, 0, OFFSET_NR))
    for nr, arg, values in checks:
        next_check = len(prog) + 3 + len(values)
        prog.append(_insn(JEQ_K, 0, to(next_check, len(prog)), nr))
        prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(arg)))
        for value in values:
            prog.append(_insn(JEQ_K, to(deny_at, len(prog)), 0, value))
        prog.append(_insn(RET_K, 0, 0, RET_ALLOW))
    for nr, arg, bits in REFUSED_FLAGS.values():
        prog.append(_insn(JEQ_K, 0, 3, nr))
        prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(arg)))
        prog.append(_insn(JSET_K, to(deny_at, len(prog)), 0, bits))
        prog.append(_insn(RET_K, 0, 0, RET_ALLOW))
    # socket(family, type, protocol) and socketpair(family, type, protocol, fds): only what ALLOWED_SOCKETS lists.
    # Layout: the two calls, load the family, per family [its test, load the type, mask its flags, per type [its
    # test, load the protocol, [protocols]]], allow (every matched protocol jumps there); any miss denies.
    allow_socket = len(prog) + socket_check - 1
    prog.append(_insn(JEQ_K, 1, 0, _SOCKET_CALLS[0]))
    prog.append(_insn(JEQ_K, 0, to(allow_socket + 1, len(prog)), _SOCKET_CALLS[1]))
    prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(0)))
    for j, (family, types) in enumerate(sockets):
        next_family = deny_at if j == len(sockets) - 1 else len(prog) + family_check(types)
        prog.append(_insn(JEQ_K, 0, to(next_family, len(prog)), family))
        prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(1)))
        prog.append(_insn(AND_K, 0, 0, ~_SOCK_FLAGS & 0xFFFFFFFF))
        for k, (kind, protocols) in enumerate(types):
            next_type = deny_at if k == len(types) - 1 else len(prog) + 2 + len(protocols)
            prog.append(_insn(JEQ_K, 0, to(next_type, len(prog)), kind))
            prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(2)))
            for i, protocol in enumerate(protocols):
                miss = to(deny_at, len(prog)) if i == len(protocols) - 1 else 0
                prog.append(_insn(JEQ_K, to(allow_socket, len(prog)), miss, protocol))
    assert len(prog) == allow_socket
    prog.append(_insn(RET_K, 0, 0, RET_ALLOW))
    # prlimit64(pid, resource, new, old): refused for a fixed resource when `new` is not NULL (a read passes).
    allow_at = len(prog) + prlimit_check
    prog.append(_insn(JEQ_K, 0, to(allow_at, len(prog)), _PRLIMIT64_X86_64))
    prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(1)))
    for i, value in enumerate(fixed):
        last = i == len(fixed) - 1
        prog.append(_insn(JEQ_K, len(fixed) - 1 - i, to(allow_at, len(prog)) if last else 0, value))
    prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(2)))
    prog.append(_insn(JEQ_K, 0, to(deny_at, len(prog)), 0))
    prog.append(_insn(LD_W_ABS, 0, 0, arg_offset(2) + 4))  # the pointer's upper half
    prog.append(_insn(JEQ_K, 0, to(deny_at, len(prog)), 0))
    assert len(prog) == allow_at
    prog.append(_insn(RET_K, 0, 0, RET_ALLOW))
    assert len(prog) == deny_at
    prog.append(_insn(RET_K, 0, 0, deny))
    prog.append(_insn(RET_K, 0, 0, RET_ERRNO | 0))  # the skipped calls: "succeeded", never run
    for code in refusals:
        prog.append(_insn(RET_K, 0, 0, RET_ERRNO | code))
    return b"".join(prog)
