"""The résumé parser's child process: reads one PDF on stdin, writes one JSON object on stdout.

Run by api.pdf_text as `python -I pdf_worker.py CPU_S MEMORY_MB MAX_PAGES MAX_CHARS`, with an empty environment.
It bounds itself before it reads a byte: CPU seconds (SIGXCPU, then SIGKILL), address space, no file writes, few
descriptors, no core dumps. It imports only the standard library and pypdf, so it can run as a plain script.

Output: `{"text": "..."}` or `{"error": CODE}` with CODE one of encrypted, too_many_pages, unreadable, too_large.
"""

from __future__ import annotations

import io
import json
import resource
import sys


def _bound_self(cpu_s: int, memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    address_space = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))


def _extract(data: bytes, max_pages: int, max_chars: int) -> dict[str, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = bool(reader.decrypt(""))  # owner-password-only PDFs open with an empty user password
        except Exception:  # missing crypto support or a broken encryption dictionary: treat as locked
            opened = False
        if not opened:
            return {"error": "encrypted"}
    pages_root = reader.root_object.get("/Pages")
    declared = pages_root.get_object().get("/Count", 0) if pages_root is not None else 0
    if not isinstance(declared, int) or declared > max_pages or len(reader.pages) > max_pages:
        return {"error": "too_many_pages"}
    parts: list[str] = []
    size = 0
    for page in reader.pages:
        text = (page.extract_text() or "").strip()
        if text:
            parts.append(text)
            size += len(text)
        if size >= max_chars:
            break
    return {"text": "\n".join(parts)[:max_chars]}


def main(argv: list[str]) -> int:
    cpu_s, memory_mb, max_pages, max_chars = (int(a) for a in argv[1:5])
    _bound_self(cpu_s, memory_mb)
    data = sys.stdin.buffer.read()
    try:
        result = _extract(data, max_pages, max_chars)
    except MemoryError:
        result = {"error": "too_large"}
    except RecursionError:
        result = {"error": "unreadable"}
    except Exception:  # any parser failure on hostile or damaged input is "unreadable", never a crash
        result = {"error": "unreadable"}
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
