"""The harness protocol, spoken by every language harness (and the Judge0 in-box driver), and its bounded parser.

The supervisor writes ONE test's input at a time to the harness's stdin, as a frame:

    <nonce> <length>\\n<length bytes: a JSON array of the test's arguments>

and only after it has read that test's result does it send the next frame. The harness answers on fd 3 (the
results channel) with one JSON object per line:

    {"s": "hello"}                                   the harness runs (before any candidate code is loaded)
    {"s": "ready"}                                   the candidate's code is loaded; send tests
    {"fatal": "compile" | "load", "msg": "..."}      the candidate's code cannot be loaded: no test can run
    {"n": "<nonce>", "ok": true, "v": <returned value>}
    {"n": "<nonce>", "ok": false, "kind": "runtime" | "memory" | "value" | "crash", "msg": "..."}

A test's record must carry the nonce of its frame, which the harness only learns by reading that frame: a record
cannot be written before the test's input arrives. The harness measures nothing: the supervisor times each test
from outside, from the moment its frame is sent until its record is read. Candidate code runs in the same process
and can write to fd 3 too; what it can forge there is at most its own answer to the test in flight.

Parsing is bounded: a line longer than `RECORD_CAP` is never parsed, nor one whose value would cost more than
`RECORD_MEMORY` decoded (estimated from byte counts first), JSON nested too deeply is rejected without recursing
(the C decoder stops at the interpreter's recursion limit and we catch that), and only objects count.
Bytes that are not UTF-8 become U+FFFD: a returned string that is not valid UTF-8 (C++ code that cuts or reverses a
multi-byte character) is an answer like any other, judged (a wrong answer), not a record that never arrived.
"""

from __future__ import annotations

import json
import re
import secrets
from itertools import chain
from typing import Any

RECORD_CAP = 16 << 20  # one record (a test's returned value) at most this many bytes
# ... and at most about this many bytes once decoded (see decoded_size): the decoder builds the value in the judge's
# own process, outside every sandbox limit, at up to 25 times the JSON's size (16 MiB of `[],[],...` took 400 MiB).
RECORD_MEMORY = 128 << 20
PROCESS_ENDING_KINDS = frozenset({"crash"})  # the harness ends its own process after such a record


def new_nonce() -> str:
    return secrets.token_hex(8)


_FRAME_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)  # json.dumps builds one per call


def frame(nonce: str, args: list[Any]) -> bytes:
    """One test's input as the harness reads it."""
    payload = _FRAME_ENCODER.encode(args).encode()
    return b"%s %d\n%s" % (nonce.encode(), len(payload), payload)


# How every harness begins a test's record: `{"n":"<nonce>"` (the nonces are hex).
_RECORD_HEAD = re.compile(rb'\{"n":"([0-9a-f]{1,64})"')


def record_head(nonce: str) -> bytes:
    """The first bytes of every harness's record for the test sent with `nonce` (hex: JSON as it is)."""
    return b'{"n":"%s",' % nonce.encode()


TOO_DEEP = "the returned value is nested too deeply"
TOO_LARGE = "the returned value is too large to report"
TOO_LARGE_KIND = "too_large"  # a test's record never decoded: its value would cost the judge too much memory
UNREADABLE = "the returned value could not be read (a number of over 4,300 digits?)"


# What decoding costs in CPython, by the JSON character that marks it (an estimate on the safe side):
#  ','  a value's slot in its list (8) and, but for small integers, booleans and null, its box (a number: 32);
#  '[' '{'  a list (56 and its spare room) or a dict (64 and up);  ':'  a key (a string) and its entry;
#  '"'  half a string's object (49 bytes and its characters, counted apart).
_COSTS = ((b",", 40), (b"[", 64), (b"{", 64), (b":", 64), (b'"', 28))
_MOST_PER_BYTE = 64
# A JSON string, or what is left of one that never closes: the closing quote is optional, so that no match can fail.
# Required, each quote of an unterminated string (`"\",,,,...\",,,,...` to the end of the line) began a match that
# scanned to the end before failing: 1,000 quotes in 4 MB of a test's record cost the judge 25 s of its CPU, and the
# 20,000 allowed in 16 MiB, at that rate, about half an hour. A string left open is not JSON (the decoder stops
# there), and what it would have held is never built: the estimate still counts all that decoding builds.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?')
_REFINED_QUOTES = (
    20_000  # strings few enough to strip (a regex, per string) before counting what lies outside them
)


def _counted(line: bytes) -> int:
    return sum(line.count(mark) * cost for mark, cost in _COSTS)


def decoded_size(line: bytes) -> int:
    """About how many bytes decoding `line` would allocate, from a few byte counts (C speed, no decoding). Each
    value weighs a slot and a box, each list or dict far more: 16 MiB of empty lists is about 580 MB, 1.5 million
    seven-digit integers about 60 MB. Brackets, commas and colons inside a few strings are not counted; inside many
    strings they are, which only overestimates (many strings weigh as much by themselves)."""
    if len(line) * _MOST_PER_BYTE <= RECORD_MEMORY:
        return len(line) * _MOST_PER_BYTE  # a bound: no line this short can cost more
    size = _counted(line)
    if size > RECORD_MEMORY and 0 < line.count(b'"') <= _REFINED_QUOTES:
        bare = _STRING.sub(b'""', line)
        size = _counted(bare) + len(line) - len(bare)  # what is outside the strings, and their characters
    return size


def parse_line(line: bytes) -> dict[str, Any] | None:
    """One results-channel line as a JSON object (bytes that are not UTF-8 read as U+FFFD), or None for anything
    else (garbage, too long, too deep, not an object). Never raises.

    A test's record that cannot be decoded (a returned list nested 5,000 deep is a valid record that the decoder
    stops at; an integer of 5,000 digits one it refuses) is that test's answer all the same: a value error, judged
    at once (ignored, it left the test waiting out its time limit and read `time_limit`). One whose value would
    cost more than RECORD_MEMORY decoded is never decoded: that test's output_limit, judged at once too."""
    if len(line) > RECORD_CAP:
        return None
    if decoded_size(line) > RECORD_MEMORY:
        head = _RECORD_HEAD.match(line)
        if head is None:
            return None
        return {"n": head.group(1).decode(), "ok": False, "kind": TOO_LARGE_KIND, "msg": TOO_LARGE}
    try:
        value = json.loads(line.decode("utf-8", "replace"))
    except (ValueError, RecursionError) as exc:
        head = _RECORD_HEAD.match(line)
        if head is None:
            return None
        why = TOO_DEEP if isinstance(exc, RecursionError) else UNREADABLE
        return {"n": head.group(1).decode(), "ok": False, "kind": "value", "msg": why}
    return value if isinstance(value, dict) else None


def is_test_record(rec: dict[str, Any], nonce: str) -> bool:
    return rec.get("n") == nonce and isinstance(rec.get("ok"), bool)


def ends_process(rec: dict[str, Any]) -> bool:
    """Whether a test's record says that the harness ends its process after it. The candidate's code can write a
    record too, with any JSON in any field (a list is no kind: comparing it with a set raised, an internal_error)."""
    kind = rec.get("kind")
    return isinstance(kind, str) and kind in PROCESS_ENDING_KINDS


def nesting_depth(value: Any, cap: int) -> int:
    """How deeply lists/dicts nest in `value` (as decoded from JSON), counting no further than `cap` (iterative:
    never recurses). Each level is looked at in C where its items are all of one kind (a returned list of millions
    of numbers, or of lists), as decoding them was: a Python loop over every item cost the judge 1 s of its own CPU
    for each record of 2.3 million integers, three times the decoding."""
    depth = 0
    level = [value]
    while level and depth < cap:
        kinds = set(map(type, level))
        if list not in kinds and dict not in kinds:
            break
        depth += 1
        if kinds == {list}:
            level = list(chain.from_iterable(level))
        elif kinds == {dict}:
            level = list(chain.from_iterable(map(dict.values, level)))
        else:
            level = [v for item in level if isinstance(item, list | dict) for v in _children(item)]
    return depth


def _children(item: list[Any] | dict[str, Any]) -> list[Any]:
    return list(item.values()) if isinstance(item, dict) else item
