"""No sleep of the program is taken off its time, whatever it wrote or read before sleeping. The supervisor's waiting
to wake (for a CPU, once woken) counts as the program's waiting only where the program could not have gone on
without it: its input not yet begun, its record complete, its end. A wake-up says that the program wrote or read
something, never that it then waited: a program that wrote a piece of its own record (forged with the nonce it can
take from the harness), filling the results channel to the byte, and then slept, had the waiting of that wake-up
taken off its sleep as waiting "for its record" (cbc82da), and so did a program that slept while the supervisor
woke to write the rest of a large input.

Each shape writes (or reads) in pieces with sleeps between, beside work that keeps the supervisor waiting for a CPU
for milliseconds at every wake-up; it is charged at least the sum of its own sleeps (wide margins: the sleeps are
the bound, never the machine's speed)."""

from __future__ import annotations

import pytest

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.wait_tracker import WaitTracker
from tests.judge.test_waiting_credit import supervisor_on_a_busy_cpu

__all__ = ["supervisor_on_a_busy_cpu"]  # the fixture, used by name

pytestmark = pytest.mark.sandbox


@pytest.fixture(autouse=True)
def only_the_supervisors_waiting(monkeypatch):
    """What these tests are about: the supervisor's own waiting is the only waiting taken off. The program's threads'
    waiting for a CPU (on a shared host, also while another of its threads sleeps) is judge.wait_tracker's other
    rule."""
    monkeypatch.setattr(WaitTracker, "observe", lambda self, sample: None)


SIGNATURE = Signature(
    function="work",
    params=[Param(name="a", type="int"), Param(name="size", type="long"), Param(name="pieces", type="int")],
    returns="int",
)
SLEEP_MS = 20

# work(a, size, pieces): `pieces` writes of `size` bytes each, a sleep of SLEEP_MS after each, then the answer. The
# harness moves to CPU 1 as it loads, away from the supervisor and the work beside it on CPU 0.
PROGRAM = """
import os, sys, time
os.sched_setaffinity(0, {1})

def work(a, size, pieces):
    caller = sys._getframe(1)  # the harness's: the test's nonce and its results channel
    nonce, RES = caller.f_locals.get("nonce"), caller.f_globals.get("_RES")
WRITE
    return a
"""
# Each writes its pieces, sleeping after each; the forged record's last piece ends it (and the test: the harness's
# own record that follows is a stray line of the next phase).
WRITES = {
    # A record of the program's own, in pieces: its head and padding, then more padding, then its end.
    "record": """
    head = ('{"n":"%s","ok":true,"v":%d,"pad":"' % (nonce, a)).encode()
    first = head + b"x" * max(0, size - len(head))
    for i in range(pieces):
        os.write(RES, first if i == 0 else b"x" * size)
        time.sleep(SLEEP / 1000)
    os.write(RES, b'"}\\n')
""",
    # Lines the supervisor reads and ignores (within its stray budget).
    "stray": """
    line = b'{"pad":"' + b"x" * (size - 10) + b'"}\\n'
    for i in range(pieces):
        os.write(RES, line)
        time.sleep(SLEEP / 1000)
""",
    "stdout": """
    for i in range(pieces):
        os.write(1, b"x" * size)
        time.sleep(SLEEP / 1000)
""",
    "stderr": """
    for i in range(pieces):
        os.write(2, b"x" * size)
        time.sleep(SLEEP / 1000)
""",
}
# (bytes a piece, pieces): to the byte of a default pipe, half of it, more than it (the write waits for room, then
# the program sleeps), and a whole MiB.
SHAPES = [(1 << 16, 5), (1 << 15, 4), (100_000, 3), (1 << 20, 2)]


def _request(source: str, size: int, pieces: int) -> RunRequest:
    return RunRequest(
        language="python",
        source=source,
        signature=SIGNATURE,
        tests=[Case(id=f"t{i}", args=[i, size, pieces], expected=i) for i in range(4)],
        mode="run",
        limits=RunLimits(time_limit_s=2.0, output_bytes=1 << 20),
    )


@pytest.mark.parametrize(("size", "pieces"), SHAPES)
@pytest.mark.parametrize("how", sorted(WRITES))
def test_a_sleep_after_a_partial_write_is_charged_in_full(
    sandbox, judge_settings, supervisor_on_a_busy_cpu, how, size, pieces
):
    # Before, with the record: its pieces of 64 KiB each filled the results channel, and each wake-up to empty it
    # counted as waiting for the record; charged 73-99 ms of 100 ms of sleeps.
    if how != "record" and size * pieces > 1 << 20:
        pieces = (1 << 20) // size  # within the output cap, or the stray lines' budget
    source = PROGRAM.replace("WRITE", WRITES[how].strip("\n").replace("SLEEP", str(SLEEP_MS)))
    report = run_request(_request(source, size, pieces), sandbox, judge_settings)
    assert [t.verdict for t in report.tests] == [Verdict.ACCEPTED] * 4, report.tests
    charged = [t.time_ms for t in report.tests]
    assert all(ms is not None and ms >= SLEEP_MS * pieces for ms in charged), (charged, SLEEP_MS * pieces)


# work(a, size, pieces): its own record, its head first, then `pieces` ms of sleep, then its end.
HALVES = """
import os, sys, time
os.sched_setaffinity(0, {1})

def work(a, size, pieces):
    caller = sys._getframe(1)
    nonce, res = caller.f_locals.get("nonce"), caller.f_globals.get("_RES")
    os.write(res, ('{"n":"%s","ok":true,' % nonce).encode())
    time.sleep(pieces / 1000)
    os.write(res, b'"v":%d}\\n' % a)
    return a
"""


def test_a_sleep_between_the_halves_of_a_record_is_charged_in_full(
    sandbox, judge_settings, supervisor_on_a_busy_cpu
):
    # The supervisor, woken by the record's head, waits for a CPU longer than the program sleeps before writing the
    # rest, and reads both at once: the wake-up read the record's end, and its waiting (for a CPU, from the head on)
    # counted as the program's waiting for its record to be read, though the program slept through part of it.
    # Before: charged 0.1-2 ms of a 3 ms sleep (on most tests of ten). Any wake-up may have begun before the
    # program's last write, so none counts.
    request = _request(HALVES, 0, 3).model_copy(
        update={"tests": [Case(id=f"t{i}", args=[i, 0, 3], expected=i) for i in range(10)]}
    )
    report = run_request(request, sandbox, judge_settings)
    assert [t.verdict for t in report.tests] == [Verdict.ACCEPTED] * 10, report.tests
    charged = [t.time_ms for t in report.tests]
    assert all(ms is not None and ms >= 3 for ms in charged), charged


# work(a, size, pieces): a thread started at load sees the test's input begin to arrive and sleeps `pieces` times
# SLEEP_MS from then; the answer waits for it. The input (a list of `size` numbers) is several pipes' worth, and the
# supervisor wakes to write each: the harness reading it waits for those wake-ups, but the sleeper does not.
INPUT_PROGRAM = """
import __main__, os, select, threading, time
os.sched_setaffinity(0, {1})
slept, answered = threading.Event(), threading.Event()

def sleeper():
    while True:
        select.select([__main__._IN.fileno()], [], [])  # the harness's copy of the input pipe
        time.sleep(SLEEP * PIECES / 1000)
        slept.set()
        answered.wait()
        answered.clear()

threading.Thread(target=sleeper, daemon=True).start()

def work(a, xs):
    slept.wait()
    slept.clear()
    answered.set()
    return a
"""


def test_a_sleep_while_the_input_arrives_is_charged_in_full(
    sandbox, judge_settings, supervisor_on_a_busy_cpu
):
    # Before: every wake-up to write more of the input counted as the program's waiting, also while it slept; charged
    # 14-87 ms of 100 ms.
    pieces = 5
    source = INPUT_PROGRAM.replace("SLEEP", str(SLEEP_MS)).replace("PIECES", str(pieces))
    numbers = list(range(10**6, 10**6 + 300_000))  # 2.4 MB of input
    request = RunRequest(
        language="python",
        source=source,
        signature=Signature(
            function="work",
            params=[Param(name="a", type="int"), Param(name="xs", type="int[]")],
            returns="int",
        ),
        tests=[Case(id=f"t{i}", args=[i, numbers], expected=i) for i in range(3)],
        mode="run",
        limits=RunLimits(time_limit_s=2.0),
    )
    report = run_request(request, sandbox, judge_settings)
    assert [t.verdict for t in report.tests] == [Verdict.ACCEPTED] * 3, report.tests
    charged = [t.time_ms for t in report.tests]
    assert all(ms is not None and ms >= SLEEP_MS * pieces for ms in charged), charged
