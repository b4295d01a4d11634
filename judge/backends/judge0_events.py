"""What comes back from Judge0, read on our side with the local judge's bounds (judge.protocol).

The box's stdout is the in-box driver's report, and the candidate's code shares the box and the driver's uid. The
driver keeps it out of its fds and memory (it is not dumpable, and the report's marker is not in the box), but a
Judge0 deployment whose box is given more than isolate's (a capability, say) would let the code write that report
itself (docs/judge.md, "Judge0 backend"). So nothing in it is trusted for its size or shape:

- an HTTP answer is read up to `answer_cap` bytes (what Judge0's own file bounds allow, base64), and no longer than
  the submission's deadline, however slowly it arrives;
- a line is decoded only if what decoding it would hold stays within `RECORD_MEMORY` and it nests no deeper than a
  record one level down (`RECORD_DEPTH`), as the local supervisor decodes a harness's line. A line too costly to
  decode that begins as a test's event does (`{"test":N,`) is that test's record "too large to report"
  (`output_limit`, as locally); any other is not the driver's;
- lines are decoded one at a time, as they are judged: a report's events are never all held decoded at once;
- only lines that begin as the driver's events do (`{"test":`, `{"start":`, `{"stop":`) are looked at, found by one
  scan of the report in C, and no more of them than the driver writes (one per test sent, and one start or stop):
  a per-line cost in Python over a report of 4 MiB of empty lines was 15 s of the API's CPU per answer, and of
  190,000 forged events for test 0, 3 s;
- an event must have the driver's shape (types and ranges below) or it is not the driver's, and is ignored.

A test passes only by the comparison on our side (`judge.verdict.judge_outcome`): the expected values never enter
the box. What the box's code can still forge is the driver's word about its own tests: time charged, and whether a
harness started (docs/judge.md). The time is bounded for the submission as a whole by the box's CPU time, which
Judge0 measures from outside (`cpu_ceiling_s`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from judge.protocol import RECORD_DEPTH, RECORD_MEMORY, decoded_size, shape_error

ANSWER_SLACK = 64 << 10  # an answer's JSON besides its three bounded texts: status, token, times, message
_EVENT_HEAD = re.compile(rb'\{"test":(\d{1,9}),')
_EVENT_LINE = re.compile(rb'^\{"(?:test|start|stop)":[^\n]*', re.M)
_OVER = (None, "time", "output", "record")


def answer_cap(max_file_size_kb: int) -> int:
    """The most bytes we read of a Judge0 answer: stdout, stderr and compile output are files Judge0 bounds by
    max_file_size (MAX_MAX_FILE_SIZE for the compile), each sent base64 (4 bytes for 3), counted twice over for
    the line breaks a base64 encoder may insert and their JSON escapes."""
    return 3 * 2 * (((max_file_size_kb << 10) + 2) // 3 * 4) + ANSWER_SLACK


def events(stdout: bytes, marker: str, tests: int) -> Iterator[dict[str, Any]] | None:
    """The events after the last `<marker>-BEGIN` line (None when there is none) of a submission of `tests` tests,
    decoded lazily, one line at a time, each within the local judge's bounds; a line that is not one of the driver's
    events is skipped, and lines past the `tests + 1` the driver writes are never looked at."""
    begin, end = f"{marker}-BEGIN\n".encode(), f"{marker}-END".encode()
    i = stdout.rfind(begin)
    if i < 0:
        return None
    j = stdout.find(end, i + len(begin))
    return _events(stdout, i + len(begin), j if j >= 0 else len(stdout), tests + 1)


def _events(stdout: bytes, pos: int, stop: int, lines: int) -> Iterator[dict[str, Any]]:
    # `pos` follows a line break, so `^` matches there; a forged line counts against `lines` as the driver's would.
    for line in _EVENT_LINE.finditer(stdout, pos, stop):
        if lines <= 0:
            return
        lines -= 1
        event = decode_event(line.group())
        if event is not None:
            yield event


def decode_event(line: bytes) -> dict[str, Any] | None:
    """One line of the report as an event of the driver's, or None when it cannot be one (never raises)."""
    if decoded_size(line) > RECORD_MEMORY:
        head = _EVENT_HEAD.match(line)
        # Never decoded: locally a record this costly is the test's `output_limit`, "too large to report".
        return {"test": int(head.group(1)), "rec": None, "over": "record"} if head else None
    # An event holds a record a level down (`{"test": ..., "rec": {...}}`): the driver's records are bounded as the
    # local supervisor's (RECORD_DEPTH), and a line deeper than that is not the driver's.
    if shape_error(line, RECORD_DEPTH + 1) is not None:
        return None
    try:
        event = json.loads(line.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None
    return event if isinstance(event, dict) and _driver_shaped(event) else None


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_int(event: dict[str, Any], key: str) -> bool:
    return event.get(key) is None or _int(event[key])


def _texts(event: dict[str, Any], *keys: str) -> bool:
    return all(isinstance(event.get(key, ""), str) for key in keys)


def _driver_shaped(event: dict[str, Any]) -> bool:
    """Whether `event` has the types the driver writes (judge.backends.judge0_driver, `event(...)`): a test's
    observations, a harness that did not start, or where the driver stopped."""
    if "test" in event:
        rec, charged = event.get("rec"), event.get("charged", 0.0)
        return (
            _int(event["test"])
            and event["test"] >= 0
            and (rec is None or (isinstance(rec, dict) and isinstance(rec.get("ok"), bool)))
            and isinstance(charged, int | float)
            and not isinstance(charged, bool)
            and math.isfinite(charged)
            and charged >= 0
            and event.get("over") in _OVER
            and _optional_int(event, "exit")
            and _optional_int(event, "sig")
            and _texts(event, "out", "err", "tail")
        )
    if "start" in event:
        fatal = event.get("fatal")
        return (
            isinstance(event["start"], str)
            and (fatal is None or isinstance(fatal, dict))
            and _optional_int(event, "at")
            and _optional_int(event, "exit")
            and _optional_int(event, "sig")
            and _texts(event, "tail")
        )
    return "stop" in event and _int(event["stop"])


# The box's CPU time as Judge0 measures it (its `time`, from outside the box) against what the tests the report
# judged could have used honestly: the driver ends a test past its limit of CPU, so every accepted test used at most
# its limit, and every other test its limit and what the driver's checks let through.
PHASE_SLACK_S = 0.25  # CPU a phase can use past its limit between two of the driver's checks (every 50 ms)
DRIVER_SHARE = (
    0.25  # the driver's own CPU (its samples of /proc, decoding), at most this share of the box's wall
)
BOX_FIXED_S = 1.0  # bash, the driver's start, reading its files


def seconds(value: Any) -> float | None:
    """A Judge0 time field ("0.123", or a number) in seconds; None when absent or not a finite, non-negative one."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        found = float(value)
    except ValueError:
        return None
    return found if math.isfinite(found) and found >= 0 else None


def cpu_ceiling_s(*, accepted: int, failed: int, limit_s: float, startup_s: float, wall_s: float) -> float:
    """The most CPU an honest box can use for a report that judged `accepted` tests passed and `failed` tests not
    (each failed test may have ended its harness, and the next one started afresh: start-up and loading again)."""
    tests = accepted + failed
    harnesses = 1 + failed
    return (
        tests * (limit_s + PHASE_SLACK_S)
        + harnesses * (startup_s + limit_s + 2 * PHASE_SLACK_S)
        + DRIVER_SHARE * wall_s
        + BOX_FIXED_S
    )
