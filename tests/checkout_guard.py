"""The checkout is not a test's scratch space: what a test run may leave in it, and a snapshot to find anything
else a test wrote there (tests/conftest.py checks one after every test)."""

from __future__ import annotations

import os
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


def snapshot(root: Path) -> dict[str, int]:
    """Every file and directory under `root` outside the allowed places, by path; with its modification time for
    those under `.data` (an artifact rewritten in place keeps its name), 0 for the rest (a developer editing a source
    file while the tests run is not a test writing into the checkout)."""
    found: dict[str, int] = {}
    top = str(root)
    for here, dirs, files in os.walk(top):
        rel_here = os.path.relpath(here, top)
        rel_here = "" if rel_here == "." else rel_here + "/"
        dirs[:] = [d for d in dirs if d not in ANY_NAMED and rel_here + d not in AT_PATHS]
        for name in (*dirs, *files):
            rel = rel_here + name
            if rel in LOCK_FILES:
                continue
            watched = rel == WATCHED_CONTENT or rel.startswith(WATCHED_CONTENT + "/")
            try:
                found[rel] = (
                    os.stat(os.path.join(here, name), follow_symlinks=False).st_mtime_ns if watched else 0
                )
            except FileNotFoundError:  # gone between the listing and the stat
                continue
    return found


def changes(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """What appeared, changed or went between two snapshots, sorted."""
    return sorted(
        {p for p in after if p not in before or after[p] != before[p]} | {p for p in before if p not in after}
    )
