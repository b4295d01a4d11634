"""What a figure was measured on: the CPU's model and the instruction sets that decide how fast the local models
run. The end-of-turn model's native library carries AVX-512 code paths; on a CPU without them it takes a slower
path, so a per-core capacity measured on one CPU model does not carry over to another. And what system calls cost, which
decides the judge's per-test overhead as much as the CPU does."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

# The flags (as /proc/cpuinfo names them) that matter to vectorised inference, widest last.
ISA_FLAGS = ("avx2", "fma", "avx_vnni", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile")


def _cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return []


def cpu_model() -> str:
    for line in _cpuinfo():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def cpu_isa() -> list[str]:
    """The ISA_FLAGS this CPU reports, in ISA_FLAGS order."""
    for line in _cpuinfo():
        if line.startswith("flags"):
            have = set(line.split(":", 1)[1].split())
            return [f for f in ISA_FLAGS if f in have]
    return []


def describe_cpu() -> str:
    isa = cpu_isa()
    return (
        f"{cpu_model()} ({', '.join(isa) if isa else 'no AVX2'}{'' if 'avx512f' in isa else '; no AVX-512'})"
    )


def syscall_cost() -> tuple[float, float]:
    """(ns per `getppid()` from Python, µs per open, read and close of `/proc/self/stat`): the kernel's price for
    the system calls the judge's supervisor makes per test (it reads each thread's CPU time from /proc and its
    cgroup's files). A container or VM can make them several times dearer than the CPU's speed suggests."""
    n = 20_000
    began = time.perf_counter()
    for _ in range(n):
        os.getppid()
    getppid_ns = (time.perf_counter() - began) / n * 1e9
    n = 2_000
    began = time.perf_counter()
    for _ in range(n):
        with open("/proc/self/stat", "rb") as f:
            f.read()
    proc_us = (time.perf_counter() - began) / n * 1e6
    return getppid_ns, proc_us


def describe_syscalls() -> str:
    getppid_ns, proc_us = syscall_cost()
    return f"getppid {getppid_ns:.0f} ns, open+read+close of /proc/self/stat {proc_us:.1f} us"
