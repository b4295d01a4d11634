"""Sandbox uid leases: every Sandbox on a host runs code as its own uid, taken from a configured range under a lock.

RLIMIT_NPROC counts every process of a real uid on the whole host, so two sandboxes that shared a uid would share
one process budget: a fork flood in one would fail a run in the other. A lease is an exclusive `flock` on
`<lock_dir>/<uid>.lock`, held on an open file descriptor for as long as the lease lives (the kernel drops it when
the process dies, however it dies). The lock directory is root's and mode 0700, so only root processes (judges)
can take or hold one. A uid that some process still runs as (left by a judge that was killed mid-run) is skipped.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import weakref
from pathlib import Path

from judge.errors import SandboxUnavailableError

DEFAULT_LOCK_DIR = Path("/run/shadows-judge/uids")


class UidLease:
    """One uid held exclusively by this process until `release()` (or until the lease is garbage-collected)."""

    def __init__(self, uid: int, fd: int) -> None:
        self.uid = uid
        self._fd = fd
        self._finalizer = weakref.finalize(self, _close_quietly, fd)

    @property
    def held(self) -> bool:
        return self._finalizer.alive

    def release(self) -> None:
        self._finalizer()


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _prepare_lock_dir(lock_dir: Path) -> None:
    """Create the lock directory (0700, root's) or refuse one that someone else could tamper with."""
    lock_dir.parent.mkdir(mode=0o711, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        lock_dir.mkdir(mode=0o700)
    st = os.lstat(lock_dir)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
        raise SandboxUnavailableError(
            f"the uid lock directory {lock_dir} must be a directory owned by the judge's user with mode 0700"
        )


def uids_in_use() -> set[int]:
    """Real uids of every process on the host (a snapshot)."""
    found: set[int] = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                found.add(os.stat(f"/proc/{entry}").st_uid)
    return found


def lease_uid(first: int, count: int, lock_dir: Path = DEFAULT_LOCK_DIR) -> UidLease:
    """Take the first free uid of `[first, first + count)`. Probing starts at an offset derived from our pid, so
    judges starting together rarely contend for the same lock. Raises SandboxUnavailableError when the whole range
    is taken (more sandboxes on this host than the range holds: raise SHADOWS_JUDGE_SANDBOX_UID_COUNT)."""
    if first < 1000 or count < 1:
        raise SandboxUnavailableError(
            "the sandbox uid range must start at 1000 or above and hold at least one uid"
        )
    _prepare_lock_dir(lock_dir)
    busy = uids_in_use()
    offset = os.getpid() % count
    for k in range(count):
        uid = first + (offset + k) % count
        if uid in busy:
            continue
        try:
            fd = os.open(
                lock_dir / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600
            )
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                continue  # not ours to follow
            raise SandboxUnavailableError(
                f"cannot open uid lock files in {lock_dir}: {exc.strerror}"
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        # Processes may have started as this uid since the snapshot (a judge that just took and then freed it).
        if uid in uids_in_use():
            os.close(fd)
            continue
        return UidLease(uid, fd)
    raise SandboxUnavailableError(
        f"every sandbox uid in [{first}, {first + count}) is held by another judge process on this host"
    )
