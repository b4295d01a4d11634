"""Credentials written into a URL or a libpq connection string, masked wherever such text is shown.

Here, not in `api`, because every process uses it and every image ships `judge/` (the agent's has no `api/`).
`api.logs` masks every log record with `mask_credentials`. Every settings class takes in `CredentialFreeRepr`
(`class X(CredentialFreeRepr, BaseSettings)`): its `repr`, `str` and rich's pretty printer (a traceback renderer
that shows locals, a log line that names the object) show its URLs with their passwords masked. SecretStr fields
print `**********` anyway; a password in `DATABASE_URL`, a Redis URL or a model server's URL sits in a `str` field.

Code that names a configured or outside URL in a log line or an error message names it by `url_for_log` (scheme,
host, port and path only: a URL's userinfo, query and fragment are where its credentials sit); text an outside
party supplied (a judge host's or a partner's error code) goes in by `text_for_log`: cut short, control characters
escaped, so a host cannot fill the logs or forge log lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

# `scheme://user:password@` (the user kept, the password masked) and `scheme://token@` (all masked).
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/?#@:'\"]*)(:[^\s'\"]*)?@")
_CONNINFO_PASSWORD = re.compile(r"(?i)\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'\"]+)")
MASK = "***"
# What _URL_USERINFO is tried on (`_mask_urls`): a run of text without whitespace or quotes (no match crosses one),
# where its scheme may begin, and a scheme's character.
_RUN = re.compile(r"[^\s'\"]+")
_SCHEME_START = re.compile(r"(?i)\b[a-z]")
_SCHEME_CHAR = re.compile(r"(?i)[a-z0-9+.-]")


LOG_TEXT_CHARS = 64  # an outside party's code or message, as logged
LOG_URL_CHARS = 200  # a URL as logged, before the cut's mark
UNREADABLE_URL = "<unreadable url>"


def text_for_log(text: str, limit: int = LOG_TEXT_CHARS) -> str:
    """`text` (supplied by someone else) as a log line may show it: its first `limit` characters, control and other
    unprintable characters escaped (`\\n`, `\\x1b`), with `…` where it was cut."""
    head = text[:limit]
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in head)
    return shown + "…" if len(text) > limit else shown


def url_for_log(url: str) -> str:
    """`url` as a log line or error message may show it: scheme, host, port and path, never its userinfo, query or
    fragment (where a URL carries its credentials: `https://user:token@host/`, `?token=...`), bounded and escaped
    by `text_for_log`. A URL that does not parse is not shown at all."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return UNREADABLE_URL
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address, as written in a URL
    netloc = f"//{host}:{port}" if port is not None else f"//{host}" if parts.netloc else ""
    shown = f"{parts.scheme}:{netloc}{parts.path}" if parts.scheme else f"{netloc}{parts.path}"
    return text_for_log(shown, LOG_URL_CHARS)


def mask_credentials(text: str) -> str:
    """`text` with the credentials of any URL or libpq connection string in it masked."""
    if "@" in text:
        text = _mask_urls(text)
    if "=" in text:
        text = _CONNINFO_PASSWORD.sub(rf"\1{MASK}", text)
    return text


def _masked_url(m: re.Match[str]) -> str:
    return f"{m[1]}{m[2]}:{MASK}@" if m[3] is not None else f"{m[1]}{MASK}@"


def _mask_urls(text: str) -> str:
    """`_URL_USERINFO.sub(_masked_url, text)`, in time linear in the text.

    Left to the regex engine, the search tried the pattern at every letter of a run of scheme characters, each try
    reading to the run's end, and each password to the end of its run of text: quadratic, 19 s of CPU for the 80 KB
    of `@a://a://...` and 9 s for `@ ab+.ab+...` (2026-12-07), in whatever process masks a log record or prints
    settings holding such text. The same pattern is tried here only where it can match: in each run of text without
    whitespace or quotes (no match crosses one) that holds an `@`, up to its last `@` (where every match ends), at the
    first place a scheme may begin before each `://` (a later start before the same `://` meets the same rest)."""
    out: list[str] = []
    done = 0  # text[:done] is in `out`
    for run in _RUN.finditer(text):
        start, end = run.span()
        stop = text.rfind("@", start, end) + 1  # no match ends past the run's last `@`
        if stop == 0:
            continue
        scan = start  # where the search goes on: after the last match, as re.sub's does
        anchor = text.find("://", scan, stop)
        while anchor >= 0:
            begin = anchor
            while begin > scan and _SCHEME_CHAR.match(text, begin - 1):
                begin -= 1
            m = None
            for at in range(begin, anchor):
                if _SCHEME_START.match(text, at):  # \b sees the character before `at`, as in the whole search
                    m = _URL_USERINFO.match(text, at, stop)
                    break
            if m is None:
                anchor = text.find("://", anchor + 1, stop)
                continue
            out += (text[done : m.start()], _masked_url(m))
            done = scan = m.end()
            anchor = text.find("://", scan, stop)
    out.append(text[done:])
    return "".join(out)


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
