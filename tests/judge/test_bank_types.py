"""A question's test values are checked against its signature's types, every element of every array, wherever it is
(judge.bank.value_matches_type): a hidden test with one wrong value deep in a large array is refused, naming it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from judge.bank import BankError, exact_in_javascript, load_question, value_matches_type

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "type_", "ok"),
    [
        (1, "int", True),
        (-(2**31), "int", True),
        (2**31, "int", False),
        (2**31, "long", True),
        (2**63, "long", False),
        (True, "int", False),
        (True, "float", False),
        (3, "float", True),
        (1.5, "int", False),
        (1, "bool", False),
        (False, "bool", True),
        ("a", "string", True),
        (1, "string", False),
        ([1, 2], "int[]", True),
        ([1, True], "int[]", False),
        ([1, 2**40], "int[]", False),
        ("12", "int[]", False),
        ([], "int[][]", True),
        ([[]], "string[][]", True),
        ([[1], [2, 3]], "int[][]", True),
        ([[1], 2], "int[][]", False),
        ([1], "int[][]", False),
        ([[[1]]], "int[][]", False),
        ([["a"], ["b", None]], "string[][]", False),
        # A float every language holds: finite (NaN and Infinity are no JSON the judge can send), and an integer
        # within a double's range (Python's harness could not convert 10**400, and ended: a runtime_error).
        (float("nan"), "float", False),
        (float("-inf"), "float", False),
        ([0.5, float("inf")], "float[]", False),
        (1.7976931348623157e308, "float", True),
        (2**1024 - 2**970 - 1, "float", True),  # rounds to the largest double
        (2**1024 - 2**970, "float", False),  # rounds to infinity
        (-(10**400), "float", False),
        # Text every language holds: a lone surrogate ("\ud800" in JSON) is no Unicode text, and Java's and C++'s
        # strings write it back as "?" and three bytes of U+FFFD (a wrong answer for an identity function).
        ("\ud800", "string", False),
        ("a\udfff", "string", False),
        (["ok", "\udc00b"], "string[]", False),
        ("\U0001f600 \u00e9 \x00", "string", True),
    ],
)
def test_a_value_is_its_type_all_the_way_down(value: Any, type_: str, ok: bool) -> None:
    assert value_matches_type(value, type_) is ok


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (True, "args.coins"),  # a bool among 50,000 ints
        (2**31, "args.coins"),  # one int out of range
        ("7", "args.coins"),
    ],
)
def test_one_wrong_value_deep_in_a_large_hidden_array_is_refused_naming_its_test_and_field(
    tmp_path: Path, bad: Any, field: str
) -> None:
    q = tmp_path / "coin-change"
    shutil.copytree(ROOT / "questions" / "coin-change", q)
    tests = json.loads((q / "tests.json").read_text())
    coins = list(range(1, 50_001))
    coins[31_337] = bad
    tests.append({"id": "big", "args": [coins, 7], "expected": 7, "hidden": True})
    (q / "tests.json").write_text(json.dumps(tests))
    with pytest.raises(BankError) as info:
        load_question(q)
    assert f"[{len(tests) - 1}].{field}" in str(info.value)
    assert "is not a valid int[]" in str(info.value)


def test_a_long_past_what_a_javascript_number_holds_exactly_is_refused_in_the_bank(tmp_path: Path) -> None:
    # JavaScript programs get a `long` as a number, exact up to 2^53: a test with 2^53 + 1 could never be passed in
    # JavaScript (the program reads 2^53), so the rule questions.md states is checked, arguments and answers alike.
    assert exact_in_javascript([[2**53, -(2**53)], []], "long[][]")
    assert not exact_in_javascript([[1], [2**53 + 1]], "long[][]")
    assert exact_in_javascript(2**60, "int")  # only longs are held to it (an int is 32-bit)
    q = tmp_path / "coin-change"
    shutil.copytree(ROOT / "questions" / "coin-change", q)
    meta = q / "question.yaml"
    meta.write_text(meta.read_text().replace("{name: amount, type: int}", "{name: amount, type: long}"))
    load_question(q)  # every amount within 2^53: still a valid question
    tests = json.loads((q / "tests.json").read_text())
    tests.append({"id": "huge", "args": [[1], -(2**53) - 1], "expected": -1, "hidden": True})
    (q / "tests.json").write_text(json.dumps(tests))
    with pytest.raises(BankError) as info:
        load_question(q)
    assert f"[{len(tests) - 1}].args.amount" in str(info.value)
    assert "2^53" in str(info.value)
