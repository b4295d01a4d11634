"""What comes back from Judge0 is read on our side with the local judge's bounds (judge.backends.judge0_events):
the box's code can write the driver's report itself, and a Judge0 answer is bounded in bytes, nesting and time.

Before (2026-12-06) the backend decoded every report line whose nesting was in bounds, whatever it cost decoded,
held them all decoded at once, took any JSON object for an event (a forged record without `ok` raised KeyError out
of the backend), and read a Judge0 answer of any size or nesting."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from judge.backends.judge0 import Judge0Backend
from judge.backends.judge0_driver import DRIVER
from judge.backends.judge0_events import answer_cap, cpu_ceiling_s, decode_event
from judge.bank import load_question
from judge.errors import JudgeInternalError
from judge.protocol import RECORD_MEMORY, TOO_LARGE, TOO_LARGE_KIND, decoded_size
from judge.schemas import RunLimits, RunRequest, Verdict
from tests.fakes.judge0 import FakeJudge0
from tests.judge.test_judge0_backend import HOST, TOKEN, _judge, _settings

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
LIMITS = RunLimits(time_limit_s=2.0, memory_mb=128, output_bytes=1 << 20, compile_s=30)

# The candidate's code writes its own report to the box's stdout (the driver's, through /proc), after the driver's
# marker, one event for the one test it was sent, then kills the driver. On Judge0 the driver is not dumpable, so
# the box's uid cannot open its fds (tests/judge/test_judge0_driver_isolation.py); the fake's box runs as root, which
# can: the backend's own bounds on what it reads back are tested here.
FORGER = """
import os, signal

EVENT = EVENT_BYTES

def sum_pair(a, b):
    fd = os.open("/proc/%d/fd/1" % os.getppid(), os.O_WRONLY | os.O_APPEND)
    os.write(fd, EVENT.replace(b"INDEX", b"0") + b"\\n")
    os.kill(os.getppid(), signal.SIGKILL)
    return a + b
"""

# 1.3 million empty lists (3.9 MB, within the box's 4 MB stdout): well over RECORD_MEMORY once decoded.
COSTLY = 'b\'{"test":INDEX,"rec":{"n":"x","ok":true,"v":[\' + b"[]," * 1300000 + b\'[]]},"charged":0}\''


def _request(source: str) -> RunRequest:
    tests = [t for t in QUESTION.tests if not t.hidden][:1]
    request = RunRequest.for_question(QUESTION, language="python", source=source, mode="run")
    return request.model_copy(update={"tests": tests, "limits": LIMITS})


async def _verdicts(source: str) -> list[Verdict]:
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source))
    return [t.verdict for t in report.tests]


def test_a_line_too_costly_to_decode_is_never_decoded():
    line = b'{"test":3,"rec":{"n":"x","ok":true,"v":[' + b"[]," * 1_300_000 + b"[]]}}"
    assert decoded_size(line) > RECORD_MEMORY
    assert decode_event(line) == {"test": 3, "rec": None, "over": "record"}
    assert decode_event(b'{"other":1,"v":[' + b"[]," * 1_300_000 + b"[]]}") is None


async def test_a_report_line_too_costly_to_decode_is_the_tests_output_limit_as_locally():
    # Before: decoded in the API's process (about 150 MB), then judged a wrong answer.
    source = FORGER.replace("EVENT_BYTES", COSTLY)
    assert await _verdicts(source) == [Verdict.OUTPUT_LIMIT]


@pytest.mark.parametrize(
    "event",
    [
        '{"test":INDEX,"rec":{"n":"x","v":3}}',  # no `ok`: KeyError out of the backend before
        '{"test":INDEX,"rec":null,"charged":[1]}',  # TypeError before
        '{"test":INDEX,"rec":{"n":"x","ok":false,"kind":"value","msg":"m"},"charged":"x"}',  # ValueError before
        '{"test":INDEX,"rec":null,"exit":"3"}',
        '{"test":INDEX,"rec":{"n":"x","ok":true,"v":3},"charged":-1}',
    ],
    ids=["no-ok", "charged-list", "charged-text", "exit-text", "charged-negative"],
)
async def test_an_event_not_shaped_as_the_drivers_is_ignored(event: str):
    # The forged event is not the driver's; the test in flight gets the box's status (the driver was killed).
    source = FORGER.replace("EVENT_BYTES", repr(event.encode()))
    assert await _verdicts(source) == [Verdict.RUNTIME_ERROR]


def _marker(request: httpx.Request) -> tuple[str, list[int]]:
    body = json.loads(request.content)
    conf = json.loads(base64.b64decode(body["stdin"]))["conf"]
    return conf["marker"], conf["order"]


def _accepted(request: httpx.Request, stderr: bytes = b"", **times: str) -> dict:
    marker, order = _marker(request)
    tests = _request("").selected_tests()
    lines = [f"{marker}-BEGIN"]
    for index in order:
        value = sum(tests[index].args)
        lines.append(json.dumps({"test": index, "rec": {"n": "x", "ok": True, "v": value}, "charged": 0.01}))
    lines.append(f"{marker}-END")
    return {
        "status": {"id": 3, "description": "Accepted"},
        "stdout": base64.b64encode("\n".join(lines).encode() + b"\n").decode(),
        "stderr": base64.b64encode(stderr).decode() if stderr else None,
        **times,
    }


def _backend(handler) -> Judge0Backend:
    return Judge0Backend(_settings("http://judge0.invalid"), transport=httpx.MockTransport(handler))


async def test_an_answer_within_the_bound_is_read():
    backend = _backend(lambda request: httpx.Response(201, json=_accepted(request)))
    report = await backend.run(_request("def sum_pair(a, b):\n    return a + b\n"))
    assert report.verdict is Verdict.ACCEPTED


async def test_an_answer_larger_than_judge0s_files_allow_is_not_read():
    # Before: read whole and judged (accepted).
    cap = answer_cap(_settings("http://x").judge0_max_file_size_kb)
    backend = _backend(lambda request: httpx.Response(201, json=_accepted(request, b"e" * cap)))
    with pytest.raises(JudgeInternalError, match="larger than"):
        await backend.run(_request("def sum_pair(a, b):\n    return a + b\n"))


async def test_an_answer_nested_deeper_than_judge0s_is_not_decoded():
    # Before: RecursionError out of the backend.
    backend = _backend(lambda request: httpx.Response(201, content=b"[" * 100_000 + b"]" * 100_000))
    with pytest.raises(JudgeInternalError, match="not JSON"):
        await backend.run(_request("def sum_pair(a, b):\n    return a + b\n"))


async def test_an_answer_that_trickles_in_is_bounded_by_the_deadline():
    # httpx bounds each read, not the answer: one byte every 0.2 s never trips it.
    async def trickle():
        for _ in range(100):
            await asyncio.sleep(0.2)
            yield b" "

    backend = _backend(lambda request: httpx.Response(201, content=trickle()))
    started = time.monotonic()
    with pytest.raises(JudgeInternalError, match="timed out"):
        await backend._call("GET", "/submissions/t", deadline=time.monotonic() + 1.0)
    assert time.monotonic() - started < 5
    await backend.aclose()


def _flooded(request: httpx.Request, before: bytes, after: bytes) -> dict:
    """The driver's honest report of a correct answer, with lines the box's code wrote before and after it."""
    answer = _accepted(request)
    marker, _ = _marker(request)
    begin, end = f"{marker}-BEGIN\n".encode(), f"{marker}-END\n".encode()
    report = base64.b64decode(answer["stdout"])
    events = report[len(begin) : -len(end)]
    answer["stdout"] = base64.b64encode(begin + before + events + after + end).decode()
    return answer


# Within the box's 4,096 KiB of stdout; each variant cost the API's process seconds of CPU (a Python step per line).
BOX_BYTES = (4096 - 64) << 10
FLOODS = {
    "empty-lines": (b"\n" * BOX_BYTES, b""),  # 15 s
    "empty-objects": (b"{}\n" * (BOX_BYTES // 3), b""),  # 2.6 s
    "nested-arrays": (b"[[[[[[[[1]]]]]]]]\n" * (BOX_BYTES // 18), b""),
    # Repeats of the test's event with a wrong answer after the driver's: the last was judged (3 s), a wrong_answer.
    "repeated-event": (b"", b'{"test":0,"rec":{"n":"x","ok":true,"v":-1},"charged":0}\n' * (BOX_BYTES // 56)),
}


async def test_a_report_is_read_no_further_than_the_drivers_own_lines():
    # A line that does not begin as an event is skipped in one scan in C, and no more event lines are looked at than
    # the driver writes (one per test sent, one start or stop), each test judged on its first.
    verdicts, started = {}, time.process_time()
    for name, (before, after) in FLOODS.items():
        backend = _backend(
            lambda request, b=before, a=after: httpx.Response(201, json=_flooded(request, b, a))
        )
        report = await backend.run(_request("def sum_pair(a, b):\n    return a + b\n"))
        verdicts[name] = [t.verdict for t in report.tests]
    assert verdicts == {name: [Verdict.ACCEPTED] for name in FLOODS}
    assert time.process_time() - started < 2.0  # 21 s before, 0.3 s after


# The candidate's code prints a passing event for each test to its own stdout and stderr, before it returns a wrong
# answer: the harness's streams are pipes the driver reads, and reach the box's stdout only inside an event's
# JSON-escaped text, never as a line of their own.
PRINTER = """
import sys

def sum_pair(a, b):
    for stream in (sys.stdout, sys.stderr):
        stream.write("\\n")
        for index in range(8):
            stream.write('{"test":%d,"rec":{"n":"x","ok":true,"v":%d},"charged":0}\\n' % (index, a + b))
        stream.flush()
    return a + b + 1
"""


async def test_a_passing_event_the_candidate_prints_is_not_the_drivers():
    # A test is judged on its first event: were the program's output the box's stdout, its line, ahead of the
    # driver's, would pass a wrong answer.
    assert await _verdicts(PRINTER) == [Verdict.WRONG_ANSWER]


# A report of one accepted test (limit 2 s, Python: start-up 2 s), whose box Judge0 measured.
HONEST_BOX = {"time": "3.900", "wall_time": "4.500"}
# The box's code computed for 14 s of CPU and wrote its own report, the test charged 0.01 s.
FORGED_BOX = {"time": "14.000", "wall_time": "15.000"}


async def test_a_report_the_boxs_own_cpu_time_allows_is_believed():
    backend = _backend(lambda request: httpx.Response(201, json=_accepted(request, **HONEST_BOX)))
    report = await backend.run(_request("def sum_pair(a, b):\n    return a + b\n"))
    assert report.verdict is Verdict.ACCEPTED


async def test_a_report_the_boxs_own_cpu_time_contradicts_is_time_limit():
    # Before: accepted, on the driver's word (which the box's code can write) that the test took 0.01 s.
    backend = _backend(lambda request: httpx.Response(201, json=_accepted(request, **FORGED_BOX)))
    report = await backend.run(_request("def sum_pair(a, b):\n    return a + b\n"))
    assert [t.verdict for t in report.tests] == [Verdict.TIME_LIMIT]
    assert "14.0 s of CPU time" in (report.tests[0].message or "")


def test_the_cpu_ceiling_counts_each_failed_tests_fresh_harness():
    one = cpu_ceiling_s(accepted=1, failed=0, limit_s=2.0, startup_s=2.0, wall_s=4.0)
    assert one == pytest.approx(2.25 + 4.5 + 1.0 + 1.0)
    failed = cpu_ceiling_s(accepted=1, failed=1, limit_s=2.0, startup_s=2.0, wall_s=4.0)
    assert failed - one == pytest.approx(2.25 + 4.5)


def _driver_memory() -> dict[str, Any]:
    """The in-box driver's own copy of the estimate (Python 3.8 source), run here."""
    section = re.search(r"# --- record memory.*?# --- end of record memory", DRIVER, re.S)
    assert section is not None
    scope: dict[str, Any] = {"re": re}
    exec(section.group(0), scope)
    return scope


def test_the_judge0_driver_estimates_a_records_memory_as_the_local_supervisor():
    driver = _driver_memory()
    assert (driver["RECORD_MEMORY"], driver["TOO_LARGE"], driver["TOO_LARGE_KIND"]) == (
        RECORD_MEMORY,
        TOO_LARGE,
        TOO_LARGE_KIND,
    )
    for line in (
        b'{"n":"ab","ok":true,"v":1}',
        b"[" + b"[]," * 1_500_000 + b"[]]",
        b"[" + b"1234567," * 1_500_000 + b"1]",
        b'["' + "\U0001f600".encode() * 3_000_000 + b'"]',
        b'["\\"' + b",,,," * 1_000_000 + b'"]',
        b'{"k1":0,' * 1_000_000 + b"}",
    ):
        assert driver["decoded_size"](line) == decoded_size(line), line[:20]


async def test_a_record_too_costly_to_decode_is_never_decoded_in_the_box():
    # 4.5 million empty lists (13.5 MB): about 350 MB decoded, more than the box holds (M + 64 + 48 MiB). Before, the
    # driver decoded it and the box ran out of memory (runtime_error); locally, and now in the box, `output_limit`.
    source = "def sum_pair(a, b):\n    return [[]] * 4_500_000\n"
    assert await _verdicts(source) == [Verdict.OUTPUT_LIMIT]
