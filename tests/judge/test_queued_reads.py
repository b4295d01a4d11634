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

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.cgroups import DRAIN_MAX_S, READ_BPS, ReadDrain, RunCgroup, read_devices
from judge.runner import READS_OVERRUN, run_request
from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits
from judge.schemas import RunRequest, Verdict
from judge.settings import JudgeSettings

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


@pytest.mark.sandbox
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


@pytest.mark.sandbox
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


@pytest.mark.parametrize(
    ("waits", "slept", "overrun"),
    [
        (
            [0.5, 0.5, 0.5],
            [0.5, 0.5, 0.5],
            False,
        ),  # an honest run's last read-ahead windows: waited for in full
        ([12.0, 12.0, 12.0], [12.0, DRAIN_MAX_S - 12.0, 0.0], True),  # the run's allowance, once, in all
        ([DRAIN_MAX_S + 5.0], [DRAIN_MAX_S], True),
    ],
)
def test_a_runs_waits_for_its_queued_reads_share_one_allowance(
    waits: list[float], slept: list[float], overrun: bool
) -> None:
    drain = ReadDrain()
    assert [drain.take(w) for w in waits] == pytest.approx(slept)
    assert drain.overrun is overrun


SIGNATURE = Signature(function="f", params=[Param(name="n", type="int")], returns="int")
ENDS_EVERY_TEST = "import os\n\ndef f(n):\n    os._exit(1)\n"


@pytest.mark.sandbox
def test_a_run_whose_processes_queue_reads_past_its_allowance_starts_no_more_of_them(
    sandbox: Sandbox, judge_settings: JudgeSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program that queued its memory group's worth of single-page reads (60,000 `readahead()` calls, 0.4 s) and
    ended its process made the judge wait up to 30 s at each group's removal, once a test, outside the job's budget:
    the pool then ended the job as overrunning, `internal_error` ("not the candidate's") for the candidate's doing.
    Here every process is taken to have queued 12 s of reads: the judge waits DRAIN_MAX_S in all, and the tests left
    when the allowance ran out are the program's `time_limit`, never started."""
    if not sandbox._cgroups.available or sandbox._cgroups.blkio is None:
        pytest.skip("no blkio group here: nothing is queued or waited for")
    slept: list[float] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        if seconds >= 1.0:  # the drain's wait (the sandbox's own pauses are milliseconds)
            slept.append(seconds)
        else:
            real_sleep(seconds)

    def queued_twelve_seconds(group: RunCgroup, now: float | None = None) -> None:
        group._drained_at = time.monotonic() + 12.0

    monkeypatch.setattr("judge.cgroups.time.sleep", sleep)
    monkeypatch.setattr(RunCgroup, "note_reads", queued_twelve_seconds)
    tests = [Case(id=f"t{i}", args=[i], expected=i) for i in range(5)]
    request = RunRequest(language="python", source=ENDS_EVERY_TEST, signature=SIGNATURE, tests=tests)
    report = run_request(request, sandbox, judge_settings)
    assert sum(slept) <= DRAIN_MAX_S + 0.01 and len(slept) == 2, slept
    assert [t.verdict for t in report.tests] == [Verdict.RUNTIME_ERROR] * 2 + [Verdict.TIME_LIMIT] * 3
    assert all(t.message == READS_OVERRUN for t in report.tests[2:])
    assert report.processes == 2
