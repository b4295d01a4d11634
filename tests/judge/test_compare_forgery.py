"""The comparison cannot be lied to (pure functions; the sandboxed attacks are tests/judge/test_hostile_forgery.py).

The judge compares what it decodes from a record's bytes, in its own process: whatever objects, encoders or builtins
a program replaces in its own process, the judge sees only JSON. So the rule to hold is on the decoded value: it is
made of plain dicts, lists, strings, ints, floats, bools and None (no subclass whose equality or iteration could
lie), and each of those compares by type and exact value (strings too: no normalisation, no trimming, no folding).
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from judge.bank import Compare
from judge.bank import TestCase as Case
from judge.compare import values_equal
from judge.protocol import is_test_record, parse_line, record_head
from judge.schemas import Verdict
from judge.verdict import TestOutcome, judge_outcome

NONCE = "0123456789abcdef"
PLAIN = (dict, list, str, int, float, bool, type(None))

# Records a program can write with the test's nonce (it can learn it: docs/judge.md), each claiming a pass.
FORGED = [
    b'"v":NaN',
    b'"v":Infinity',
    b'"v":-Infinity',
    b'"v":"[0, 1]"',
    b'"v":{"0":0,"1":1}',
    b'"v":{"__eq__":true,"length":2}',
    b'"v":true',
    b'"v":null',
    b'"v":[[0],[1]]',
    b'"v":[0.0000001,1]',
    b'"v":[1e400,1]',
    b'"v":[0,1.0000000001]',
    b'"v":[false,true]',
    b'"v":["0","1"]',
    b'"v":[-1,-1],"v":[-2,-2]',  # the decoder keeps the last of two keys: still one answer
    b'"v":[0,1,2]',
    b'"v":[]',
    b'"x":[0,1]',  # no value at all
]


def _record(body: bytes, ok: bytes = b"true") -> bytes:
    return record_head(NONCE) + b'"ok":' + ok + b"," + body + b"}"


def _types(value: Any) -> set[type]:
    seen, stack = set(), [value]
    while stack:
        item = stack.pop()
        seen.add(type(item))
        if isinstance(item, dict):
            stack += list(item.keys()) + list(item.values())
        elif isinstance(item, list):
            stack += item
    return seen


@pytest.mark.parametrize("body", FORGED, ids=lambda b: b.decode())
def test_a_forged_record_decodes_to_plain_json_and_is_a_wrong_answer(body: bytes):
    rec = parse_line(_record(body))
    assert rec is not None and rec["n"] == NONCE
    assert _types(rec) <= set(PLAIN)  # exact types: nothing whose __eq__ or __iter__ could lie
    test = Case(id="t", args=[[2, 7, 11, 15], 9], expected=[0, 1])
    result = judge_outcome(
        test,
        TestOutcome(record=rec, charged_s=0.001),
        returns="int[]",
        compare=Compare(),
        time_limit_s=1,
        output_cap=1 << 20,
    )
    assert result.verdict is Verdict.WRONG_ANSWER, (body, result)


@pytest.mark.parametrize("ok", [b'"true"', b"1", b"null", b"[true]"])
def test_a_record_whose_ok_is_not_a_boolean_is_no_test_record(ok: bytes):
    rec = parse_line(_record(b'"v":[0,1]', ok=ok))
    assert rec is not None and not is_test_record(rec, NONCE)


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("caf\u00e9", "cafe\u0301"),  # NFC and NFD of one text
        ("abc", "ABC"),
        ("abc", "abc "),
        ("abc", "\ufeffabc"),
        ("abc", "ab\u200bc"),  # a zero-width space
        ("123", "\uff11\uff12\uff13"),  # fullwidth digits
        ("a", "\u0430"),  # Cyrillic a
        ("\u00c5", "\u212b"),  # A with ring, and the Angstrom sign that normalises to it
        ("ab", "a\x00b"),
    ],
)
def test_strings_that_normalise_or_look_equal_are_not_equal(expected: str, actual: str):
    assert not values_equal(expected, actual, "string")
    assert not values_equal([expected], [actual], "string[]", Compare(unordered=True))


@pytest.mark.parametrize(
    ("expected", "actual", "type_", "equal"),
    [
        (0, -0.0, "int", True),  # the same number
        (0.0, -0.0, "float", True),
        (0, 1e-300, "int", False),  # no tolerance for integers, however small the difference
        (5, 5.000000000000001, "int", False),
        (2**53 + 1, float(2**53), "long", False),  # a double that rounds to a near integer is not it
        (1.0, math.nan, "float", False),
        ([1, 2], [2, 1], "int[]", False),  # ordered unless the question says otherwise
    ],
)
def test_numeric_edges_compare_as_numbers(expected: Any, actual: Any, type_: str, equal: bool):
    assert values_equal(expected, actual, type_) is equal
