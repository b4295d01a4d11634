"""Classic-BPF words for the seccomp filters built by hand (no libseccomp): the local sandbox's deny list
(judge.seccomp) and the filter the Judge0 driver puts on itself (judge.backends.judge0_driver_filter). Each filter
assembles its own program; these are the kernel's constants they share."""

from __future__ import annotations

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_AARCH64 = 0xC00000B7
X32_SYSCALL_BIT = 0x40000000  # x86-64's x32 numbering
RET_ALLOW = 0x7FFF0000  # SECCOMP_RET_ALLOW
RET_ERRNO = 0x00050000  # SECCOMP_RET_ERRNO, the errno in the low 16 bits
LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
JSET_K = 0x45  # BPF_JMP | BPF_JSET | BPF_K: jumps when A & k is not 0
AND_K = 0x54  # BPF_ALU | BPF_AND | BPF_K
RET_K = 0x06  # BPF_RET | BPF_K
OFFSET_NR, OFFSET_ARCH = 0, 4  # struct seccomp_data


def arg_offset(n: int, high: bool = False) -> int:
    """Where argument ``n``'s low (or upper) 32-bit word is in struct seccomp_data (little-endian)."""
    return 16 + 8 * n + (4 if high else 0)
