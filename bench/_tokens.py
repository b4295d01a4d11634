"""Counting tokens as OpenAI's models do (`o200k_base`, GPT-4o and later) without a download.

tiktoken fetches its encoding files at run time, which cannot work here; the file is vendored in
`bench/data/o200k_base.tiktoken.gz` (3.6 MB unpacked) and handed to tiktoken through its own cache directory,
where tiktoken checks it against the SHA-256 it expects for the official file.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import tiktoken

VENDORED = Path(__file__).resolve().parent / "data" / "o200k_base.tiktoken.gz"
SOURCE_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"  # the key tiktoken caches under
SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    data = gzip.decompress(VENDORED.read_bytes())
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise RuntimeError(f"{VENDORED} is not the official o200k_base file")
    cache = Path(tempfile.gettempdir()) / "shadows-tiktoken"
    cache.mkdir(exist_ok=True)
    target = cache / hashlib.sha1(SOURCE_URL.encode()).hexdigest()  # tiktoken's cache key, not security
    if not target.exists() or hashlib.sha256(target.read_bytes()).hexdigest() != SHA256:
        tmp = target.with_suffix(f".{os.getpid()}")
        tmp.write_bytes(data)
        tmp.replace(target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    return tiktoken.get_encoding("o200k_base")


def count(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))
