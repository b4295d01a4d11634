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
`RECORD_MEMORY` decoded (estimated from byte counts first), nor one whose arrays and objects nest deeper than
`RECORD_DEPTH` (counted from its bytes, without recursing, before anything recursive runs: the decoder, and what
turns a record into text), and only objects count.
Bytes that are not UTF-8 become U+FFFD: a returned string that is not valid UTF-8 (C++ code that cuts or reverses a
multi-byte character) is an answer like any other, judged (a wrong answer), not a record that never arrived.
"""

from __future__ import annotations

import json
import re
import secrets
from itertools import chain, compress
from typing import Any

RECORD_CAP = 16 << 20  # one record (a test's returned value) at most this many bytes
# ... and at most about this many bytes once decoded (see decoded_size): the decoder builds the value in the judge's
# own process, outside every sandbox limit, at up to 25 times the JSON's size (16 MiB of `[],[],...` took 400 MiB).
RECORD_MEMORY = 128 << 20
# ... and at most this deep, its own object counted: arrays and objects inside arrays and objects. The deepest honest
# record is 3 (`{"n": ..., "v": [[1, 2], [3]]}`: the bank's deepest type is `T[][]`, judge.bank.TYPE_PATTERN); every
# step the judge takes over a decoded record that recurses (the decoder itself, `str()` of a field, comparing,
# encoding the report) then recurses 16 levels at most, against the interpreter's limit of about 1,000. Before,
# the decoder's own recursion limit was the bound: a record 960-985 levels deep was decoded, and turned into text
# (a `kind` or a load-time `fatal` message that was a list) a few stack frames short of a RecursionError.
RECORD_DEPTH = 16
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
#  '[' '{'  a list (56 and its spare room) or a dict (64 and up);  ':'  a key's entry in its dict and in the decoder's
#  memo of keys, each table up to two thirds full (500,000 keys `"k1":0` held 166 bytes each at the decoder's peak);
#  '"'  half a string's object (49 bytes and its characters, counted apart).
_COSTS = ((b",", 40), (b"[", 64), (b"{", 64), (b":", 96), (b'"', 28))
_DECODER_OWN = 4096  # the decoder's own besides: the record's object, the memo, at most this much
# Besides the value, decoding holds the line itself and its text (`bytes.decode`, a str whose every character takes
# the bytes of its widest: 1, 2 or 4), both alive until the value is built.
_MOST_PER_BYTE = 96 + 1 + 4
_NOT_ASTRAL_LEAD = bytes(b for b in range(256) if not 0xF0 <= b <= 0xF4)  # 0xF0-0xF4 begin one past U+FFFF
# A JSON string, or what is left of one that never closes: the closing quote is optional, so that no match can fail.
# Required, each quote of an unterminated string (`"\",,,,...\",,,,...` to the end of the line) began a match that
# scanned to the end before failing: 1,000 quotes in 4 MB of a test's record cost the judge 25 s of its CPU, and the
# 20,000 allowed in 16 MiB, at that rate, about half an hour. A string left open is not JSON (the decoder stops
# there), and what it would have held is never built: the estimate still counts all that decoding builds.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?')
_REFINED_QUOTES = (
    20_000  # strings few enough to strip (a regex, per string) before counting what lies outside them
)


def _counted(line: bytes | bytearray) -> int:
    return sum(line.count(mark) * cost for mark, cost in _COSTS)


def text_width(line: bytes | bytearray) -> int:
    """The bytes each character of `line`'s text takes once decoded (CPython stores a str at the width of its widest
    character): 1 for ASCII, 4 where a byte may begin a character past U+FFFF, otherwise 2 (U+FFFD included)."""
    if line.isascii():
        return 1
    return 4 if line.translate(None, _NOT_ASTRAL_LEAD) else 2


def decoded_size(line: bytes | bytearray) -> int:
    """About how many bytes decoding `line` holds at its peak, from a few byte counts (C speed, no decoding): the line
    itself, its text, and the value. Each value weighs a slot and a box, each list or dict far more: 16 MiB of empty
    lists is about 580 MB, 1.5 million seven-digit integers about 60 MB (and 33 MB of line and text). A string's
    characters take the text's width each. Brackets, commas and colons inside a few strings are not counted; inside
    many strings they are, which only overestimates (many strings weigh as much by themselves).

    The line and its text were not counted before (2026-12-06): a record of 2 million integers (16 MB) and one
    character past U+FFFF, raw UTF-8, made a text of 64 MB beside the line, and took a pool worker about 210 MB above
    its baseline for an estimate of 76 MB."""
    n = len(line)
    if n * _MOST_PER_BYTE + _DECODER_OWN <= RECORD_MEMORY:
        return n * _MOST_PER_BYTE + _DECODER_OWN  # a bound: no line this short can cost more
    width = text_width(line)
    held = n * (1 + width)  # the line and its text
    size = _counted(line) + n * width  # every value, and at most every byte a character of a string
    if size + held > RECORD_MEMORY and 0 < line.count(b'"') <= _REFINED_QUOTES:
        bare = _STRING.sub(b'""', line)
        size = _counted(bare) + (n - len(bare)) * width  # what is outside the strings, and their characters
    return size + held + _DECODER_OWN


# What a record's nesting is read from: brackets, quotes and escapes (and the letters an escape may end in, so that a
# backslash's escaped character stays beside it), every other byte dropped in one pass.
_SHAPE_BYTES = b'[]{}"\\/bfnrtu'
_NOT_SHAPE = bytes(b for b in range(256) if b not in _SHAPE_BYTES)
_AS_ARRAYS = bytes.maketrans(b"{}", b"[]")
_QUOTED = re.compile(rb'"[^"]*"?')  # a string of brackets alone, its closing quote optional (see _STRING)


def _brackets(line: bytes | bytearray) -> bytes:
    """The brackets of `line` outside its strings, `{}` as `[]`: what a decoder nests by. Linear, in C."""
    kept = bytes(line.translate(None, _NOT_SHAPE))  # what is kept is small beside the line: bytes, as a rule
    if b"\\" in kept:
        # An escape's backslash is followed by its escaped character (kept): `\\` pairs first, then `\"` is a quote
        # inside a string. Each is read from the left, as the decoder reads them.
        kept = kept.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = kept.translate(_AS_ARRAYS, b"/bfnrtu\\")
    if b'"' in kept:
        kept = _QUOTED.sub(b"", kept.replace(b'""', b""))  # `""`: an empty string, or two strings made one
    return kept


def shape_error(line: bytes | bytearray, depth: int = RECORD_DEPTH) -> str | None:
    """None when the arrays and objects of `line` nest at most `depth` deep and balance; otherwise why it must not be
    decoded: `TOO_DEEP`, or `UNREADABLE` for brackets that do not balance (not JSON). Counted from the bytes, without
    recursing: each pass drops the innermost pairs, at most `depth` passes over the brackets alone."""
    if line.count(b"[") + line.count(b"{") <= depth:
        return (
            None  # no deeper than its brackets, balanced or not: the decoder finds out within `depth` levels
        )
    left = _brackets(line)
    for passes in range(depth):
        if b"[" * (depth - passes + 1) in left:
            return TOO_DEEP  # opens around a pair that outlived `passes` passes: deeper than `depth`
        inner = left.replace(b"[]", b"")
        if len(inner) == len(left):
            break
        left = inner
    if not left:
        return None
    if b"[]" in left or left.count(b"[") > depth:
        return TOO_DEEP  # a pair that outlived `depth` passes, or more than `depth` arrays left open
    return UNREADABLE


def parse_line(line: bytes | bytearray) -> dict[str, Any] | None:
    """One results-channel line as a JSON object (bytes that are not UTF-8 read as U+FFFD), or None for anything
    else (garbage, too long, too deep, not an object). Never raises.

    A test's record that cannot be decoded (a returned list nested deeper than RECORD_DEPTH, which is never given to
    the decoder; an integer of 5,000 digits, which the decoder refuses) is that test's answer all the same: a value
    error, judged at once (ignored, it left the test waiting out its time limit and read `time_limit`). One whose
    value would cost more than RECORD_MEMORY decoded is never decoded: that test's output_limit, judged at once too.
    Any other line too deep is garbage, never decoded either."""
    if len(line) > RECORD_CAP:
        return None
    if decoded_size(line) > RECORD_MEMORY:
        head = _RECORD_HEAD.match(line)
        if head is None:
            return None
        return {"n": head.group(1).decode(), "ok": False, "kind": TOO_LARGE_KIND, "msg": TOO_LARGE}
    refused = shape_error(line)
    if refused is not None:
        head = _RECORD_HEAD.match(line)
        if head is None:
            return None
        return {"n": head.group(1).decode(), "ok": False, "kind": "value", "msg": refused}
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
    never recurses). Each level is looked at in C, as decoding it was, whatever kinds its items are: a Python loop
    over every item cost the judge 1 s of its own CPU for each record of 2.3 million integers, three times the
    decoding, and, where a level mixed kinds, 0.4-0.55 s for 3 million small integers and one list (decoded in
    0.15 s: the integers are shared objects), a record a program writes once and sends with every test."""
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
            # Mixed kinds: the containers picked out by their exact types (what the decoder makes), in C too.
            found: list[Any] = []
            if list in kinds:
                found += chain.from_iterable(compress(level, map(_IS_LIST, map(type, level))))
            if dict in kinds:
                found += chain.from_iterable(
                    map(dict.values, compress(level, map(_IS_DICT, map(type, level))))
                )
            level = found
    return depth


# Whether a type is exactly list / dict, as calls that map() makes in C.
_IS_LIST = {list}.__contains__
_IS_DICT = {dict}.__contains__
