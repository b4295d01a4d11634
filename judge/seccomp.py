"""The sandbox's seccomp filter: a classic-BPF deny list of kernel attack surface no candidate program needs.

It denies whole system calls, and `socket()` for the address families no runtime uses and whose kernel code has a
history of exploitable bugs (the kernel crypto API, raw packets, which a user namespace would otherwise grant in
the sandbox's own network namespace, and the like). Inet, Unix and netlink sockets stay: runtimes create them
(the network namespace has only a loopback device).

Passed to bubblewrap (`--seccomp FD`), which installs it right before it executes the program. Denied calls fail
with EPERM, so runtimes that probe for them (libuv trying io_uring) fall back quietly. Built by hand (no
libseccomp) for x86-64 only; on other architectures the sandbox runs without it.
"""

from __future__ import annotations

import errno
import platform
import struct

_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_SYSCALL_BIT = 0x40000000
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
_OFFSET_NR, _OFFSET_ARCH, _OFFSET_ARG0 = 0, 4, 16  # struct seccomp_data (arg 0's low word on little-endian)
_SOCKET_X86_64 = 41

# x86-64 syscall numbers.
DENIED_X86_64: dict[str, int] = {
    "ptrace": 101,
    "syslog": 103,
    "pivot_root": 155,
    "acct": 163,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "init_module": 175,
    "delete_module": 176,
    "lookup_dcookie": 212,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "perf_event_open": 298,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
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
}

# Address families `socket()` refuses (the kernel reads the family as an int: the argument's low word).
DENIED_SOCKET_FAMILIES: dict[str, int] = {
    "AF_KEY": 15,
    "AF_PACKET": 17,
    "AF_ATMPVC": 8,
    "AF_AX25": 3,
    "AF_X25": 9,
    "AF_APPLETALK": 5,
    "AF_DECnet": 12,
    "AF_RDS": 21,
    "AF_LLC": 26,
    "AF_CAN": 29,
    "AF_TIPC": 30,
    "AF_BLUETOOTH": 31,
    "AF_ALG": 38,
    "AF_VSOCK": 40,
    "AF_XDP": 44,
}


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def build_filter() -> bytes | None:
    """The compiled filter (struct sock_filter array) for this machine, or None when unsupported here."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return None
    denied = sorted(DENIED_X86_64.values())
    families = sorted(DENIED_SOCKET_FAMILIES.values())
    deny = _RET_ERRNO | errno.EPERM
    # Layout: [0-4] arch and ABI checks, [5, 5+n) denied calls, socket?, load family, [families], allow, deny.
    first_call = 5
    socket_check = first_call + len(denied)
    allow_at = socket_check + 2 + len(families)
    deny_at = allow_at + 1

    def to(target: int, at: int) -> int:  # BPF jumps count the instructions skipped after this one
        return target - (at + 1)

    prog = [
        _insn(_LD_W_ABS, 0, 0, _OFFSET_ARCH),
        # Any other ABI (i386 via int 0x80 from a 64-bit process) could reach the calls by other numbers.
        _insn(_JEQ_K, 1, 0, _AUDIT_ARCH_X86_64),
        _insn(_RET_K, 0, 0, deny),
        _insn(_LD_W_ABS, 0, 0, _OFFSET_NR),
        _insn(_JGE_K, to(deny_at, 4), 0, _X32_SYSCALL_BIT),  # x32 numbering: deny
    ]
    for i, nr in enumerate(denied):
        prog.append(_insn(_JEQ_K, to(deny_at, first_call + i), 0, nr))
    prog.append(_insn(_JEQ_K, 0, to(allow_at, socket_check), _SOCKET_X86_64))
    prog.append(_insn(_LD_W_ABS, 0, 0, _OFFSET_ARG0))
    for j, family in enumerate(families):
        prog.append(_insn(_JEQ_K, to(deny_at, socket_check + 2 + j), 0, family))
    prog.append(_insn(_RET_K, 0, 0, _RET_ALLOW))
    prog.append(_insn(_RET_K, 0, 0, deny))
    return b"".join(prog)
