"""How much memory a compiled program maps before any of its code runs: the sum of its ELF load segments.

A C++ program with a global array larger than its address-space limit (`static int a[300000000];`, 1.2 GB, as
competitive programmers write) is killed by the kernel while it is being executed, with SIGSEGV: read alone, that
looked like a crash in the candidate's code ("segmentation fault"), not the memory limit it is.
"""

from __future__ import annotations

import struct
from pathlib import Path

_PT_LOAD = 1
_HEADER = struct.Struct("<16sHHIQQQIHHHHHH")  # Elf64_Ehdr
_PHDR = struct.Struct("<IIQQQQQQ")  # Elf64_Phdr: type, flags, offset, vaddr, paddr, filesz, memsz, align
_MAX_SEGMENTS = 256


def static_memory_bytes(path: Path) -> int | None:
    """The bytes a 64-bit little-endian ELF file's load segments occupy in memory, or None when it is not one."""
    try:
        with open(path, "rb") as f:
            header = f.read(_HEADER.size)
            if len(header) < _HEADER.size or header[:6] != b"\x7fELF\x02\x01":
                return None
            fields = _HEADER.unpack(header)
            phoff, phentsize, phnum = fields[5], fields[9], fields[10]
            if phentsize < _PHDR.size or phnum > _MAX_SEGMENTS:
                return None
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except OSError:
        return None
    total = 0
    for i in range(phnum):
        entry = table[i * phentsize : i * phentsize + _PHDR.size]
        if len(entry) < _PHDR.size:
            return None
        p_type, *_, memsz, _align = _PHDR.unpack(entry)
        if p_type == _PT_LOAD:
            total += memsz
    return total
