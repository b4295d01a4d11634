# expect: accepted
# socket() and socketpair() of a (family, type, protocol) no runtime needs must be refused by the seccomp filter
# (EPERM) before the kernel sees them: for one it lacks, the kernel asks modprobe, as root on the host, for a module
# ("net-pf-2-proto-0-type-5"; AF_INET with SOCK_PACKET is even turned into AF_PACKET). So must every inet and netlink
# socket, some of whose memory no cgroup of the run is charged for. Unix sockets must work, and name resolution of a
# literal address. Any other outcome raises, naming the call.
import ctypes
import errno
import socket

S = socket
SOCK_DCCP, SOCK_PACKET = 6, 10
FLAGS = S.SOCK_NONBLOCK | S.SOCK_CLOEXEC
REFUSED = [
    (S.AF_INET, S.SOCK_SEQPACKET, 0),
    (S.AF_INET, S.SOCK_RAW, 0),
    (S.AF_INET, S.SOCK_RDM, 0),
    (S.AF_INET, SOCK_DCCP, 0),
    (S.AF_INET, SOCK_PACKET, 0),
    (S.AF_INET, S.SOCK_DGRAM, S.IPPROTO_TCP),
    (S.AF_INET, S.SOCK_STREAM, S.IPPROTO_UDP),
    (S.AF_INET, S.SOCK_SEQPACKET | FLAGS, 0),  # the flags are masked off, not a way around
    (S.AF_INET, (1 << 32) | S.SOCK_SEQPACKET, 0),  # the kernel reads an int: the upper half is ignored
    (S.AF_INET6, S.SOCK_RAW, 0),
    (S.AF_INET6, S.SOCK_SEQPACKET, 0),
    (S.AF_INET6, SOCK_DCCP, 0),
    (S.AF_INET6, S.SOCK_DGRAM, S.IPPROTO_TCP),
    (S.AF_UNIX, S.SOCK_RAW, 0),
    (S.AF_UNIX, S.SOCK_RDM, 0),
    (S.AF_NETLINK, S.SOCK_STREAM, 0),
    (S.AF_NETLINK, S.SOCK_SEQPACKET, 0),
    (S.AF_NETLINK, S.SOCK_RAW, 0),
    (S.AF_NETLINK, S.SOCK_DGRAM | FLAGS, 0),
    (S.AF_INET, S.SOCK_STREAM, 0),
    (S.AF_INET, S.SOCK_STREAM | FLAGS, S.IPPROTO_TCP),
    (S.AF_INET6, S.SOCK_STREAM, 0),
    (S.AF_INET6, S.SOCK_STREAM, S.IPPROTO_TCP),
    (S.AF_INET, S.SOCK_DGRAM, 0),
    (S.AF_INET, S.SOCK_DGRAM | FLAGS, S.IPPROTO_UDP),
    (S.AF_INET6, S.SOCK_DGRAM, 0),
    (S.AF_INET6, S.SOCK_DGRAM, S.IPPROTO_UDP),
]
_checked = []


def _check_sockets():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    pair = (ctypes.c_int * 2)()
    for family, kind, proto in REFUSED:
        for name, call in (("socket", (41,)), ("socketpair", (53,))):
            args = (*call, family, ctypes.c_long(kind), proto) + ((pair,) if name == "socketpair" else ())
            ctypes.set_errno(0)
            ret = libc.syscall(*args)
            err = ctypes.get_errno()
            if ret != -1 or err != errno.EPERM:
                raise RuntimeError(f"{name}({family}, {kind:#x}, {proto}) reached the kernel: {ret} errno {err}")
    # What runtimes do: socket pairs of every Unix type, a Unix server, getaddrinfo.
    for kind in (S.SOCK_STREAM, S.SOCK_DGRAM, S.SOCK_SEQPACKET):
        a, b = S.socketpair(S.AF_UNIX, kind | S.SOCK_CLOEXEC)
        a.send(b"pair")
        assert b.recv(4) == b"pair", kind
        a.close(), b.close()
    server = S.socket(S.AF_UNIX, S.SOCK_STREAM)
    server.bind("/tmp/socket_types.sock")
    server.listen(1)
    client = S.socket(S.AF_UNIX, S.SOCK_STREAM)
    client.connect("/tmp/socket_types.sock")
    conn, _ = server.accept()
    client.sendall(b"unix")
    assert conn.recv(4) == b"unix"
    for s in (conn, client, server):
        s.close()
    try:
        S.if_nameindex()  # glibc's, through netlink
        raise RuntimeError("if_nameindex reached netlink")
    except OSError as e:
        assert e.errno == errno.EPERM, e
    assert S.getaddrinfo("127.0.0.1", 80, S.AF_UNSPEC, S.SOCK_STREAM, 0, S.AI_ADDRCONFIG)
    _checked.append(True)


def two_sum(nums, target):
    if not _checked:
        _check_sockets()
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
