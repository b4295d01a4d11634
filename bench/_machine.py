"""What a figure was measured on: the CPU's model and the instruction sets that decide how fast the local models
run. The end-of-turn model's native library carries AVX-512 code paths; on a CPU without them it takes a slower
path, so a per-core capacity measured on one CPU model does not carry over to another."""

from __future__ import annotations

import platform
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
