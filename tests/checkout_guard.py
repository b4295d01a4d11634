"""The checkout is not a test's scratch space: what a test run may leave in it, and a snapshot to find anything
else a test wrote there (tests/conftest.py checks one after every test)."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

# Directories a test run may write into, by name anywhere (caches, installed and built things) or by path from the
# checkout's root (the web build the browser tests serve, their screenshots kept for a person to look at, a running
# `make dev`'s database, setup's tools).
# Hypothesis keeps its example database and its Unicode tables in `.hypothesis` under the working directory (with
# a .gitignore of its own): a cache, created by the first property test of a fresh clone.
ANY_NAMED = frozenset(
    {
        ".git",
        ".venv",
        "node_modules",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
    }
)
AT_PATHS = frozenset(
    {
        "web/dist",
        "tests/web/artifacts",
        ".data/postgres",
        ".tools",
        ".cache",
        "supabase/.temp",
    }
)
# Lock files the web build and the Supabase CLI's install take (scripts/build-web.sh, tests/api/test_supabase_cli.py).
LOCK_FILES = frozenset({"web/.build.lock", "tools/supabase-cli/.install.lock"})
# Files whose contents a test could replace without adding a name: the checkout's own data directory's.
WATCHED_CONTENT = ".data"


# Each directory's listing as last read, with the modification time it was read at: a name added, removed or
# renamed in a directory changes that directory's time, so only the directories whose time moved are listed again
# (a full walk a test was about 3 ms of CPU, 15,000 tests: 45 CPU-seconds a run on 2 cores). Kept per directory by
# its path from the root: its time, the subdirectories to walk and its entries as the snapshot has them.
_listings: dict[tuple[str, str], tuple[int, list[str], dict[str, int]]] = {}
_RECENT_NS = 1_000_000_000


def _listing(top: str, rel_here: str) -> tuple[list[str], dict[str, int]] | None:
    """The directory `rel_here` under `top`: its subdirectories to walk (by path from `top`) and its entries outside
    the allowed places, each 0 (`snapshot`); None if it is gone."""
    here = os.path.join(top, rel_here) if rel_here else top
    try:
        mtime = os.stat(here).st_mtime_ns  # read before the listing: a name added meanwhile moves it again
    except FileNotFoundError:
        _listings.pop((top, rel_here), None)
        return None
    cached = _listings.get((top, rel_here))
    # A directory changed in the last moments is listed again all the same: the kernel stamps times from a coarse
    # clock (a tick of some milliseconds), so a name added within the tick of the listing's time leaves it as it was.
    if cached is None or cached[0] != mtime or time.time_ns() - mtime < _RECENT_NS:
        prefix = rel_here + "/" if rel_here else ""
        walk: list[str] = []
        entries: dict[str, int] = {}
        try:
            with os.scandir(here) as listed:
                for entry in listed:
                    rel = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name in ANY_NAMED or rel in AT_PATHS:
                            continue
                        walk.append(rel)
                    if rel not in LOCK_FILES:
                        entries[rel] = 0
        except FileNotFoundError:
            return None
        cached = _listings[(top, rel_here)] = (mtime, walk, entries)
    return cached[1], cached[2]


def snapshot(root: Path) -> dict[str, int]:
    """Every file and directory under `root` outside the allowed places, by path; with its modification time for
    those under `.data` (an artifact rewritten in place keeps its name), 0 for the rest (a developer editing a source
    file while the tests run is not a test writing into the checkout)."""
    found: dict[str, int] = {}
    top = str(root)
    pending = [""]
    while pending:
        rel_here = pending.pop()
        listed = _listing(top, rel_here)
        if listed is None:  # gone between its parent's listing and its own
            continue
        walk, entries = listed
        pending.extend(walk)
        if rel_here == WATCHED_CONTENT or rel_here.startswith(WATCHED_CONTENT + "/"):
            for rel in entries:
                try:
                    found[rel] = os.stat(os.path.join(top, rel), follow_symlinks=False).st_mtime_ns
                except FileNotFoundError:  # gone between the listing and the stat
                    continue
            continue
        found.update(entries)
        if WATCHED_CONTENT in entries:
            with contextlib.suppress(FileNotFoundError):
                found[WATCHED_CONTENT] = os.stat(
                    os.path.join(top, WATCHED_CONTENT), follow_symlinks=False
                ).st_mtime_ns
    return found


def changes(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """What appeared, changed or went between two snapshots, sorted."""
    if before == after:
        return []
    return sorted(
        {p for p in after if p not in before or after[p] != before[p]} | {p for p in before if p not in after}
    )
