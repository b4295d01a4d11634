"""A run's scratch directory is removed whole, whatever its sandboxed programs made in it (judge.scratch).

javac makes a directory for every part of a class's package, so a Java source declaring `package a.a.a...;` of
1,200 parts left a tree 1,200 deep in the build directory, even when it did not compile. `shutil.rmtree` recursed a
frame a level: it raised RecursionError out of the run (the candidate's compile error read as `internal_error`) and
left the tree, and the files in it, on the judge worker's scratch tmpfs, where every later run of the worker, any
candidate's, would have found less room. tests/judge/test_hostile_cross_run.py sends that source through the judge.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from judge.scratch import ScratchSpace, remove_tree

DEPTH = 2500  # 5,000 characters of path below the scratch directory: past PATH_MAX too


@pytest.fixture
def tmp_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory on a tmpfs, as the judge's scratch is (each rmdir on this host's disk costs about 3 ms)."""
    base = Path("/dev/shm")
    if not (base.is_dir() and os.access(base, os.W_OK)):
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="shadows-test-", dir=base))
    try:
        yield path
    finally:
        remove_tree(path)


def _deep_tree(top: Path, depth: int, outside: Path) -> None:
    """`depth` nested directories made by descriptors (a path that long cannot be named), files and a symlink to
    `outside` at the bottom, and a directory nobody may enter on the way."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for level in range(depth):
            os.mkdir("a", dir_fd=fd)
            if level == depth // 2:
                os.mkdir("locked", 0, dir_fd=fd)
            child = os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        for name in ("Solution.class", "Other.class"):
            with open(os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "wb") as f:
                f.write(b"\xca\xfe\xba\xbe" * 1024)
        os.symlink(str(outside), "escape", dir_fd=fd)
    finally:
        os.close(fd)


def test_a_scratch_directory_deeper_than_any_recursion_is_removed_whole(tmp_dir: Path) -> None:
    outside = tmp_dir / "outside"
    outside.mkdir()
    (outside / "keep").write_text("the host's")
    space = ScratchSpace(0, mount=False)
    space.root = tmp_dir / "scratch"
    space.root.mkdir()
    with space.make() as build:
        made = build
        _deep_tree(build, DEPTH, outside)
    assert not made.exists()
    assert list(space.root.iterdir()) == []
    assert (outside / "keep").read_text() == "the host's"  # the symlink was removed, never followed


def test_remove_tree_leaves_what_is_outside_and_reports_an_ordinary_tree_gone(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "classes" / "pkg").mkdir(parents=True)
    (tree / "classes" / "pkg" / "A.class").write_bytes(b"x")
    (tree / "link").symlink_to(tmp_path)
    assert remove_tree(tree)
    assert not tree.exists() and tmp_path.is_dir()
    assert remove_tree(tree)  # already gone
