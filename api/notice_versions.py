"""Which versions of the candidate notice exist (api/notices/v<N>.html.j2) and which one is in force: the newest.

Apart from the rendering (api.notices) so that what reads a consent (api.db.sessions_repo: is it to the version in
force?) needs nothing of the notice's text or of what it states.

Versions only ever grow, and during a rolling deploy replicas of two releases answer the same page: a consent another
replica took to a version newer than any this one ships is to a text that says more, never less, so it counts as
agreed here (`in_force_or_newer`); one this replica is asked to take it cannot check, and says so as a busy server
would (`newer_than_known`), rather than as an unknown version.
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


def in_force_or_newer(version: str | None) -> bool:
    """A consent to `version` is a consent to the notice in force here: that version, or a newer one that a replica
    of a newer release took (its text includes what this one says; no version drops anything)."""
    n = number(version)
    return n is not None and n >= _current_number()


def newer_than_known(version: str | None) -> bool:
    """`version` is newer than any this process ships: a newer release's, met during a rolling deploy."""
    n = number(version)
    return n is not None and n > _current_number()


def _current_number() -> int:
    n = number(current_version())
    assert n is not None  # the file names match VERSION_FILE
    return n
