"""Credentials written into a URL or a libpq connection string, masked wherever such text is shown.

Here, not in `api`, because every process uses it and every image ships `judge/` (the agent's has no `api/`).
`api.logs` masks every log record with `mask_credentials`. Every settings class takes in `CredentialFreeRepr`
(`class X(CredentialFreeRepr, BaseSettings)`): its `repr`, `str` and rich's pretty printer (a traceback renderer
that shows locals, a log line that names the object) show its URLs with their passwords masked. SecretStr fields
print `**********` anyway; a password in `DATABASE_URL`, a Redis URL or a model server's URL sits in a `str` field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# `scheme://user:password@` (the user kept, the password masked) and `scheme://token@` (all masked).
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/?#@:'\"]*)(:[^\s'\"]*)?@")
_CONNINFO_PASSWORD = re.compile(r"(?i)\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'\"]+)")
MASK = "***"


def mask_credentials(text: str) -> str:
    """`text` with the credentials of any URL or libpq connection string in it masked."""
    if "@" in text:
        text = _URL_USERINFO.sub(
            lambda m: f"{m[1]}{m[2]}:{MASK}@" if m[3] is not None else f"{m[1]}{MASK}@", text
        )
    if "=" in text:
        text = _CONNINFO_PASSWORD.sub(rf"\1{MASK}", text)
    return text


def masked(value: Any, depth: int = 0) -> Any:
    """`value` with every string in it (through dicts, lists and tuples, four levels deep) masked."""
    if isinstance(value, str):
        return mask_credentials(value)
    if depth < 4 and isinstance(value, dict):
        return {k: masked(v, depth + 1) for k, v in value.items()}
    if depth < 4 and isinstance(value, (list, tuple)):
        return [masked(v, depth + 1) for v in value]
    return value


class CredentialFreeRepr:
    """A mixin for pydantic models (before the model class in the bases): their printed form masks the credentials
    of every URL and connection string they hold. `repr`, `str` and rich's pretty printer all print the pairs
    pydantic's `__repr_args__` yields."""

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():  # type: ignore[misc]  # the model class, next in the MRO
            yield name, masked(value)
