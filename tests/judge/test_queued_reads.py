"""A run's disk reads stay at its rate after it ends (judge.cgroups.RunCgroup.note_reads).

The blkio group holds back the reads a program asks for beyond its rate (READ_BPS) in a queue, and removing the group
sends that queue to the disk at once, at the disk's full speed. `readahead()` of a file in 2 MiB pieces queued 192 MiB
in 0.1 s: a program that did so and ended had the host's disk read 168 MiB within 0.2 s of its end (2026-12-06), and
every process a run starts (one a test, by crashing) could do it again. A group now goes only once the disk could have
served what it queued, at its rate: the program's slot waits, and the host's disk sees the run's rate."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from judge.cgroups import READ_BPS, RunCgroup, read_devices
from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits

pytestmark = pytest.mark.sandbox

SIZE = 160 << 20
READAHEAD = (
    "import ctypes, os, sys\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.readahead.argtypes = [ctypes.c_int, ctypes.c_longlong, ctypes.c_size_t]\n"
    "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
    "for offset in range(0, os.fstat(fd).st_size, 2 << 20):\n"
    "    libc.readahead(fd, offset, 2 << 20)\n"
)
# An honest reader: reads the file at the run's rate for 0.5 s, then ends.
READER = (
    "import os, sys, time\n"
    "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
    "started = time.monotonic()\n"
    "while time.monotonic() - started < 0.5 and os.read(fd, 1 << 20):\n"
    "    pass\n"
    "print(time.monotonic() - started)\n"
)


def _sectors_read(disk: str) -> int:
    return int(Path(f"/sys/dev/block/{disk}/stat").read_text().split()[2])


@pytest.fixture
def cold_file() -> Iterator[tuple[Path, str]]:
    """A file nobody has read (written, flushed and dropped from the page cache), on the disk, bound read-only."""
    with tempfile.TemporaryDirectory(dir="/var/tmp", prefix="shadows-cold-") as cold:
        os.chmod(cold, 0o755)
        path = Path(cold) / "cold.bin"
        with open(path, "wb") as f:
            for _ in range(SIZE >> 20):
                f.write(os.urandom(1 << 20))
            f.flush()
            os.fsync(f.fileno())
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        path.chmod(0o644)
        (disk,) = read_devices([cold])
        yield path, disk


def _run(sandbox: Sandbox, source: str, path: Path) -> tuple[float, bytes]:
    with sandbox.scratch_dir() as scratch:
        (scratch / "p.py").write_text(source)
        started = time.monotonic()
        result = sandbox.run(
            [sandbox.settings.python_bin, "/work/p.py", str(path)],
            scratch=scratch,
            limits=Limits(wall_s=20, cpu_s=10),
            ro_binds=[str(path.parent)],
        )
        took = time.monotonic() - started
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    return took, result.stdout


def test_reads_a_program_queued_go_to_the_disk_at_its_rate_after_it_ends(
    sandbox: Sandbox, cold_file: tuple[Path, str]
) -> None:
    path, disk = cold_file
    before = _sectors_read(disk)
    took, _ = _run(sandbox, READAHEAD, path)
    at_end = _sectors_read(disk)
    time.sleep(0.5)
    after = (_sectors_read(disk) - at_end) * 512 >> 20
    read_mib = (at_end - before) * 512 >> 20
    # Before: the run ended in 0.2 s and most of the file was read after it, within a few tenths of a second.
    assert after < 16, f"{after} MiB read from the disk after the run ended"
    assert read_mib >= 0.8 * (SIZE >> 20), "the file was read from the disk, during the run"
    assert took >= SIZE / (READ_BPS * 1.25), (took, read_mib)


def test_an_honest_reader_does_not_wait_for_its_reads_at_the_end(
    sandbox: Sandbox, cold_file: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = cold_file
    # What the group's removal waits for, by its own reckoning of the reads it saw (not the run's wall time, which a
    # loaded host stretches): the drain time left when the group goes.
    left: list[float] = []
    wait = RunCgroup._wait_for_queued_reads

    def reckoned(group: RunCgroup) -> None:
        group.note_reads()
        left.append(group._drained_at - time.monotonic())
        wait(group)

    monkeypatch.setattr(RunCgroup, "_wait_for_queued_reads", reckoned)
    _run(sandbox, READER, path)
    # Its reads were served as they came; only its last read-ahead window (8 MiB here, 0.06 s at READ_BPS) and the
    # reads since the last sample are left (0.125 s measured on a quiet host), never the 0.5 s it read for.
    assert left and max(left) < 0.45, left
