"""Device nodes of a sandboxed process's own: /dev/null, zero, full, random and urandom, made for it and removed after.

Every sandbox used to bind the host's nodes, the same inodes for every run, writable by anyone; and anyone may set a
writable file's times to "now" (`utime`, `futimens` on a descriptor). A program stamping each node at moments of its
choosing left five times on the host for any later run to read, and a supervised run's stdin, the judge's own open
/dev/null, was another way to the first (docs/judge.md, "Known gaps", until 2026-12-06). A read-only bind would
refuse the stamp, but bubblewrap's read-only remount makes a device unusable (nodev), and refusing `utimensat` fails
honest programs touching their own files. So each process gets nodes of its own, of the same devices (character 1:3,
1:5, 1:7, 1:8, 1:9), made by the judge as root in a small tmpfs of this judge process that allows devices (nosuid,
noexec): what a program stamps on them is gone with them, and a later program's nodes were made at its own start.

Only root can make device nodes, and only with CAP_MKNOD (tried once, at start); elsewhere (unprivileged
development, a container without the capability) runs bind the host's, as before.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from judge.scratch import DEVICES_SUFFIX, MOUNT_ROOT, mount_tmpfs, remove_tree, sweep_stale_mounts, unmount

if TYPE_CHECKING:
    from judge.settings import JudgeSettings

log = logging.getLogger(__name__)

# The devices every sandbox gets, by name: (major, minor), as the kernel numbers them.
DEVICES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8), "urandom": (1, 9)}
_MS_NOSUID, _MS_NOEXEC = 2, 8


class DeviceNodes:
    """Where this process makes each sandboxed process's device nodes (root only; `available` says)."""

    def __init__(self) -> None:
        self.mount_point: Path | None = None
        if os.geteuid() != 0:
            return
        target = MOUNT_ROOT / f"{os.getpid()}{DEVICES_SUFFIX}"
        try:
            sweep_stale_mounts()
            MOUNT_ROOT.mkdir(mode=0o711, exist_ok=True)
            target.mkdir(mode=0o711, exist_ok=True)
            if os.path.ismount(target):  # left by an earlier process that had our pid
                unmount(target)
            mount_tmpfs(target, 1, flags=_MS_NOSUID | _MS_NOEXEC, source=b"shadows-devices")
        except OSError as exc:
            log.warning("device nodes of their own unavailable (%s); runs bind the host's", exc.strerror)
            with contextlib.suppress(OSError):
                target.rmdir()
            return
        # Root may still be refused a node (a container without CAP_MKNOD, root of a user namespace): known once,
        # here, not by a failed attempt and a warning in every run.
        try:
            _probe(target)
        except OSError as exc:
            log.warning("device nodes cannot be made here (%s); runs bind the host's", exc.strerror)
            unmount(target)
            with contextlib.suppress(OSError):
                target.rmdir()
            return
        self.mount_point = target
        atexit.register(self.close)

    @property
    def available(self) -> bool:
        return self.mount_point is not None

    def make(self) -> Path | None:
        """A fresh directory holding one node of each device (mode 0666, root's), or None when unavailable. The
        caller removes it (`remove`) once the process that binds its nodes has ended, never before: a node that is
        a mount point elsewhere must not go while that mount lives."""
        if self.mount_point is None:
            return None
        directory = Path(tempfile.mkdtemp(prefix="run-", dir=self.mount_point))
        try:
            for name, (major, minor) in DEVICES.items():
                node = directory / name
                os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(major, minor))
                os.chmod(node, 0o666)  # noqa: S103 - the devices every process may read and write, as the host's
            os.chmod(directory, 0o711)  # noqa: S103 - sandbox uids reach the nodes by bind, never list them
        except OSError as exc:
            log.warning("could not make device nodes (%s); this run binds the host's", exc.strerror)
            remove_tree(directory)
            return None
        return directory

    @staticmethod
    def remove(directory: Path | None) -> None:
        if directory is not None:
            remove_tree(directory)

    def close(self) -> None:
        if self.mount_point is not None:
            unmount(self.mount_point)
            with contextlib.suppress(OSError):
                self.mount_point.rmdir()
            self.mount_point = None


def _probe(directory: Path) -> None:
    """Make and remove one node of /dev/null in `directory`; raises OSError when no node can be made there."""
    node = directory / ".probe"
    major, minor = DEVICES["null"]
    os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(major, minor))
    os.unlink(node)


_nodes: dict[int, DeviceNodes] = {}


def device_nodes() -> DeviceNodes:
    """This process's DeviceNodes (one mount per process, shared by every Sandbox in it, as its scratch space is)."""
    nodes = _nodes.get(os.getpid())
    if nodes is None:
        nodes = _nodes[os.getpid()] = DeviceNodes()
    return nodes


def reclaim_dev_null(settings: JudgeSettings) -> None:
    """Give the host's /dev/null back to root when a sandbox uid of this judge's range owns it. Judges before
    2026-12-04 handed every supervised run's stdin, the host's /dev/null, to the run's uid (between fork and exec), and
    it stays so until the host reboots: the next run leasing that uid could chmod it for the whole host."""
    with contextlib.suppress(OSError):
        st = os.stat("/dev/null")
        ours = settings.sandbox_uid <= st.st_uid < settings.sandbox_uid + settings.sandbox_uid_count
        if ours and stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3):
            os.chown("/dev/null", 0, 0)
            os.chmod("/dev/null", 0o666)  # noqa: S103 - /dev/null is world-writable by design
