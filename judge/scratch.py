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

log = logging.getLogger(__name__)

MOUNT_ROOT = Path("/run/shadows-judge")
_MS_NOSUID, _MS_NODEV = 2, 4
_MNT_DETACH = 2


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _mount_tmpfs(target: Path, size_mb: int) -> None:
    options = f"size={size_mb}m,mode=0711".encode()
    flags = _MS_NOSUID | _MS_NODEV
    if _libc().mount(b"shadows-scratch", str(target).encode(), b"tmpfs", flags, options) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(target))


def _unmount(target: Path) -> None:
    _libc().umount2(str(target).encode(), _MNT_DETACH)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_mounts() -> int:
    """Unmount and remove scratch tmpfs mounts of judge processes that died without cleaning up."""
    removed = 0
    if not MOUNT_ROOT.is_dir():
        return 0
    for entry in MOUNT_ROOT.iterdir():
        if not entry.name.isdigit() or _alive(int(entry.name)):
            continue
        _unmount(entry)
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
            _unmount(target)
        _mount_tmpfs(target, self.size_mb)
        self.mount_point = self.root = target
        atexit.register(self.close)

    @contextlib.contextmanager
    def make(self) -> Iterator[Path]:
        """A fresh, empty directory for one request's runs; removed afterwards."""
        path = Path(tempfile.mkdtemp(prefix="shadows-run-", dir=self.root))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def close(self) -> None:
        if self.mount_point is not None:
            _unmount(self.mount_point)
            with contextlib.suppress(OSError):
                self.mount_point.rmdir()
            self.mount_point = None


_spaces: dict[int, ScratchSpace] = {}


def scratch_space(size_mb: int) -> ScratchSpace:
    """This process's scratch space (one mount per process, shared by every Sandbox in it)."""
    space = _spaces.get(os.getpid())
    if space is None:
        space = ScratchSpace(size_mb, mount=os.geteuid() == 0)
        _spaces[os.getpid()] = space
    return space
