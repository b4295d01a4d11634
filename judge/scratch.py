"""Scratch space for sandbox runs: a size-capped tmpfs per judge process when root can mount one, else /tmp.

On the host disk a run could fill the disk with many files (RLIMIT_FSIZE caps each file, not their number). On a
tmpfs the total is capped by the mount size and every page a run writes is charged to its memory cgroup.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from judge.processes import pid_alive

log = logging.getLogger(__name__)

MOUNT_ROOT = Path("/run/shadows-judge")
DEVICES_SUFFIX = "-dev"  # `<pid>-dev`: a judge process's device nodes (judge.devices)
_MS_NOSUID, _MS_NODEV = 2, 4
_MNT_DETACH = 2


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def mount_tmpfs(
    target: Path, size_mb: int, *, flags: int = _MS_NOSUID | _MS_NODEV, source: bytes = b"shadows-scratch"
) -> None:
    options = f"size={size_mb}m,mode=0711".encode()
    if _libc().mount(source, str(target).encode(), b"tmpfs", flags, options) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(target))


def unmount(target: Path) -> None:
    _libc().umount2(str(target).encode(), _MNT_DETACH)


def sweep_stale_mounts() -> int:
    """Unmount and remove the tmpfs mounts of judge processes that died without cleaning up: their scratch space
    (`<pid>`) and their device nodes (`<pid>-dev`, judge.devices)."""
    removed = 0
    if not MOUNT_ROOT.is_dir():
        return 0
    for entry in MOUNT_ROOT.iterdir():
        pid = entry.name.removesuffix(DEVICES_SUFFIX)
        if not pid.isdigit() or pid_alive(int(pid)):
            continue
        unmount(entry)
        with contextlib.suppress(OSError):
            entry.rmdir()
            removed += 1
    return removed


class ScratchSpace:
    """Where this process makes per-run scratch directories."""

    def __init__(self, size_mb: int, *, mount: bool) -> None:
        self.size_mb = size_mb
        self.mount_point: Path | None = None
        self.root = Path(tempfile.gettempdir())
        if mount and size_mb > 0:
            try:
                self._mount()
            except OSError as exc:
                log.warning(
                    "scratch tmpfs unavailable (%s); per-run scratch goes to %s", exc.strerror, self.root
                )

    def _mount(self) -> None:
        sweep_stale_mounts()
        MOUNT_ROOT.mkdir(mode=0o711, exist_ok=True)
        os.chmod(MOUNT_ROOT, 0o711)  # noqa: S103 - sandbox uids must traverse (not list) to reach scratch
        target = MOUNT_ROOT / str(os.getpid())
        target.mkdir(mode=0o711, exist_ok=True)
        if os.path.ismount(target):  # left by an earlier process that had our pid
            unmount(target)
        mount_tmpfs(target, self.size_mb)
        self.mount_point = self.root = target
        atexit.register(self.close)

    @contextlib.contextmanager
    def make(self) -> Iterator[Path]:
        """A fresh, empty directory for one request's runs; removed afterwards, whatever its runs made in it."""
        path = Path(tempfile.mkdtemp(prefix="shadows-run-", dir=self.root))
        try:
            yield path
        finally:
            if not remove_tree(path):
                log.warning("scratch directory %s could not be removed whole; left behind", path.name)

    def close(self) -> None:
        if self.mount_point is not None:
            unmount(self.mount_point)
            with contextlib.suppress(OSError):
                self.mount_point.rmdir()
            self.mount_point = None


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def remove_tree(path: Path) -> bool:
    """Remove `path` and everything under it, never following a symlink; whether it is gone.

    A build directory holds what a sandboxed compiler made there from the candidate's source, and javac makes a
    directory for every part of a class's package: `package a.a.a...;` of 1,200 parts made a tree 1,200 deep even
    when the source did not compile. `shutil.rmtree` recurses a Python frame and holds a descriptor per level: it
    raised RecursionError out of the run (the candidate's compile error read as the judge's `internal_error`) and
    left the tree, and whatever files it held, on the worker's scratch tmpfs for every later run to fill up. The
    fallback walks the tree one level at a time with one descriptor and no recursion, however deep, by descriptors
    relative to the directory it is in (paths past PATH_MAX included)."""
    try:
        shutil.rmtree(path)
        return True
    except FileNotFoundError:
        return True
    except (OSError, RecursionError):
        pass
    with contextlib.suppress(OSError):
        _remove_deep(path)
    with contextlib.suppress(OSError):
        os.rmdir(path)
    return not os.path.lexists(path)


def _remove_deep(path: Path) -> None:
    """Empty the directory `path` without recursion: go down to a directory with no subdirectory left, unlink what
    it holds, go back up through `..` (checked to be the directory it came from) and remove it; until `path` is
    empty, or a directory can be neither entered nor removed."""
    fd = os.open(path, _DIR_FLAGS)
    entered: list[tuple[str, int, int]] = []  # the directories below `path` we are in: name, device, inode
    top = os.fstat(fd)
    try:
        while True:
            sub = None
            with os.scandir(fd) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        sub = entry.name
                        break
                    with contextlib.suppress(OSError):
                        os.unlink(entry.name, dir_fd=fd)
            if sub is not None:
                try:
                    child = os.open(sub, _DIR_FLAGS, dir_fd=fd)
                except OSError:
                    os.rmdir(sub, dir_fd=fd)  # cannot enter it: remove it if empty, else give up (raises)
                    continue
                info = os.fstat(child)
                os.close(fd)
                fd = child
                entered.append((sub, info.st_dev, info.st_ino))
                continue
            if not entered:
                return
            name = entered.pop()[0]
            parent = os.open("..", _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = parent
            info = os.fstat(fd)
            expected = (entered[-1][1], entered[-1][2]) if entered else (top.st_dev, top.st_ino)
            if (info.st_dev, info.st_ino) != expected:
                return  # moved meanwhile: never remove anything outside the tree
            os.rmdir(name, dir_fd=fd)
    finally:
        os.close(fd)


_spaces: dict[int, ScratchSpace] = {}


def scratch_space(size_mb: int) -> ScratchSpace:
    """This process's scratch space (one mount per process, shared by every Sandbox in it)."""
    space = _spaces.get(os.getpid())
    if space is None:
        space = ScratchSpace(size_mb, mount=os.geteuid() == 0)
        _spaces[os.getpid()] = space
    return space
