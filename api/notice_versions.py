"""Which versions of the candidate notice exist (api/notices/v<N>.html.j2) and which one is in force: the newest.

Apart from the rendering (api.notices) so that what reads a consent (api.db.sessions_repo) needs nothing of the
notice's text or of what it states. A consent binds to the exact text (its hash), not to the version alone.

Versions only ever grow, and during a rolling deploy replicas of two releases answer the same page: a consent another
replica took to a version newer than any this one ships is to a text that says more, never less, and that this one
cannot render, so it counts as agreed here (`newer_than_known`); one this replica is asked to take it cannot check,
and says so as a busy server would, rather than as an unknown version. A published version's template is never
edited (tests/api/test_notice_published.py): a changed text is a new version.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

NOTICE_DIR = Path(__file__).with_name("notices")
VERSION_FILE = re.compile(r"^v(?P<n>\d+)\.html\.j2$")
VERSION = re.compile(r"v(?P<n>[1-9]\d{0,5})")


def versions() -> list[str]:
    """Every notice version on disk, oldest first (`v1`, `v2`, ...)."""
    return list(_versions())


@lru_cache(maxsize=1)
def _versions() -> tuple[str, ...]:
    # Read once per process: the notices ship with the code (a new version is a new file and a new deploy), and
    # every join asks for the current one.
    found = [(int(m["n"]), f"v{m['n']}") for p in NOTICE_DIR.iterdir() if (m := VERSION_FILE.match(p.name))]
    return tuple(v for _, v in sorted(found))


def current_version() -> str:
    return _versions()[-1]


def number(version: str | None) -> int | None:
    """The version's number (`v3` -> 3), None for anything not spelt as a version (`v03`, `3`, `v`)."""
    m = VERSION.fullmatch(version or "")
    return int(m["n"]) if m else None


def newer_than_known(version: str | None) -> bool:
    """`version` is newer than any this process ships: a newer release's, met during a rolling deploy."""
    n = number(version)
    return n is not None and n > _current_number()


def _current_number() -> int:
    n = number(current_version())
    assert n is not None  # the file names match VERSION_FILE
    return n
