"""Which versions of the candidate notice exist (api/notices/v<N>.html.j2) and which one is in force: the newest.

Apart from the rendering (api.notices) so that what reads a consent (api.db.sessions_repo: is it to the version in
force?) needs nothing of the notice's text or of what it states.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

NOTICE_DIR = Path(__file__).with_name("notices")
VERSION_FILE = re.compile(r"^v(?P<n>\d+)\.html\.j2$")


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
