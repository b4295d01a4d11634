"""Structural comparison: types, float tolerance, unordered arrays."""

from __future__ import annotations

import math
import struct
import time
from pathlib import Path

import pytest

from judge import compare
from judge.bank import Compare, load_bank, split_type
from judge.compare import mismatch_hint, values_equal
from judge.schemas import RunRequest

BANK = Path(__file__).resolve().parents[2] / "questions"


@pytest.mark.parametrize(
    ("expected", "actual", "type_", "equal"),
    [
        (3, 3, "int", True),
        (3, 3.0, "int", True),  # JavaScript numbers and Python floats with an integral value
        (3, 3.5, "int", False),
        (1, True, "int", False),  # a bool is not an int
        (3, "3", "int", False),
        (2**40, 2**40, "long", True),
        (True, True, "bool", True),
        (True, 1, "bool", False),
        ("abc", "abc", "string", True),
        ("abc", "abd", "string", False),
        ([1, 2, 3], [1, 2, 3], "int[]", True),
        ([1, 2, 3], [3, 2, 1], "int[]", False),
        ([1, 2, 3], [1, 2], "int[]", False),
        ([[1], [2, 3]], [[1], [2, 3]], "int[][]", True),
        ([], None, "int[]", False),
        ([[1]], [1], "int[][]", False),
    ],
)
def test_values_equal_is_typed_and_structural(expected, actual, type_, equal):
    assert values_equal(expected, actual, type_) is equal


def test_float_within_absolute_tolerance_matches():
    assert values_equal(0.1 + 0.2, 0.3, "float")
    assert values_equal(1.0, 1.0 + 9e-7, "float", Compare(float_tolerance=1e-6))
    assert not values_equal(1.0, 1.0 + 2e-6, "float", Compare(float_tolerance=1e-6))


def test_float_within_relative_tolerance_matches_large_values():
    assert values_equal(1e12, 1e12 + 1e5, "float", Compare(float_tolerance=1e-6))
    assert not values_equal(1e12, 1e12 + 1e7, "float", Compare(float_tolerance=1e-6))


def test_an_absolute_only_tolerance_refuses_answers_a_relative_one_lets_through():
    absolute = Compare(float_tolerance=1e-6, float_relative=False)
    for expected, off_by in [
        (2147483646.5, 0.5),
        (-2147483648.0, 64.0),
        (1e12, 1e5),
        (1e6, 1e-3),
        (3.5, 2e-6),
    ]:
        assert values_equal(expected, expected + off_by, "float", Compare(float_tolerance=1e-6)) is (
            off_by <= 1e-6 * abs(expected)
        )
        assert not values_equal(expected, expected + off_by, "float", absolute)
        assert not values_equal([1.0, expected], [1.0, expected - off_by], "float[]", absolute)
    assert values_equal(2147483646.5, 2147483646.5 + 2**-22, "float", absolute)  # a double's grain there
    assert values_equal(0.0, -0.0, "float", absolute)
    assert not values_equal(1.0, math.nan, "float", absolute)


def test_float_relative_reaches_a_judge_host_only_where_it_is_false():
    # A judge host of an earlier version refuses an option it does not know (extra="forbid"): a request for any
    # question but those setting it must read as before, as the remote backend sends it (judge.backends.remote).
    sent: dict[str, dict[str, object]] = {}
    for question in load_bank(BANK):
        request = RunRequest.for_question(question, language="python", source="", mode="run")
        sent[question.slug] = request.model_dump(mode="json", exclude={"tests"})["compare"]
    assert sent["running-median"]["float_relative"] is False
    assert [slug for slug, options in sent.items() if "float_relative" in options] == ["running-median"]
    assert Compare.model_validate(sent["running-median"]) == Compare(float_relative=False)
    assert Compare.model_validate(sent["two-sum"]) == Compare()


def test_no_bank_question_accepts_single_precision_for_a_float_answer():
    """A `float` is a double (docs/questions.md): the answers a single-precision program gives (each expected value
    rounded to the nearest 32-bit float) must fail some test of every bank question returning floats, or its
    tolerance cannot tell a C++ or Java `float` from the `double` asked for. With running-median's tolerance also
    relative (1e-6 of medians up to 2^31, 2,147), medians 25 off passed every test."""
    questions = [q for q in load_bank(BANK) if split_type(q.meta.signature.returns)[0] == "float"]
    assert questions  # running-median at least
    for question in questions:
        returns, options = question.meta.signature.returns, question.meta.compare
        assert all(values_equal(t.expected, t.expected, returns, options) for t in question.tests)
        assert any(
            not values_equal(t.expected, _single_precision(t.expected), returns, options)
            for t in question.tests
        ), question.meta.title


def _single_precision(value):
    if isinstance(value, list):
        return [_single_precision(v) for v in value]
    return struct.unpack("f", struct.pack("f", value))[0]


def test_float_nan_never_matches_and_infinities_match_exactly():
    assert not values_equal(math.nan, math.nan, "float")
    assert values_equal(math.inf, math.inf, "float")
    assert not values_equal(math.inf, -math.inf, "float")
    assert not values_equal(1.0, None, "float")


def test_float_tolerance_applies_inside_arrays():
    assert values_equal([0.5, 1 / 3], [0.5, 0.333333333], "float[]")
    assert not values_equal([0.5, 1 / 3], [0.5, 0.3333], "float[]")


def test_unordered_compares_top_level_as_multiset():
    opts = Compare(unordered=True)
    assert values_equal([1, 2, 2, 3], [2, 3, 1, 2], "int[]", opts)
    assert not values_equal([1, 2, 2, 3], [1, 2, 3, 3], "int[]", opts)
    # Nested arrays keep their order unless unordered_nested is set.
    assert values_equal([[1, 2], [3, 4]], [[3, 4], [1, 2]], "int[][]", opts)
    assert not values_equal([[1, 2], [3, 4]], [[4, 3], [1, 2]], "int[][]", opts)


def test_unordered_nested_compares_every_array_as_multiset():
    opts = Compare(unordered=True, unordered_nested=True)
    assert values_equal([["eat", "tea"], ["bat"]], [["bat"], ["tea", "eat"]], "string[][]", opts)
    assert not values_equal([["eat", "tea"], ["bat"]], [["bat"], ["tea"]], "string[][]", opts)


def test_ordered_comparison_is_the_default():
    assert not values_equal([1, 2], [2, 1], "int[]")


def test_unordered_survives_actual_values_of_mixed_types():
    opts = Compare(unordered=True)
    assert not values_equal([1, 2], ["1", None], "int[]", opts)


def test_mismatch_hint_names_shape_and_type_problems_only():
    assert mismatch_hint([1, 2], [1], "int[]") == "expected 2 elements, got 1"
    assert mismatch_hint([1], None, "int[]") == "expected an array (int[]), got null"
    assert mismatch_hint(1, "1", "int") == "expected a number (int), got a string"
    assert mismatch_hint(1, 1.5, "int") == "expected an integer (int), got a fraction"
    assert mismatch_hint(1, 2, "int") is None


def test_integers_past_any_float_are_compared_never_raised_on():
    # A returned 10**400 (valid JSON; the harness and the judge read it as an int) made float() and math.isnan()
    # raise OverflowError in the judge: a candidate's return value became the judge's internal_error.
    huge = 10**400
    assert not values_equal([1.5], [huge], "float[]")
    assert not values_equal(2.0, -huge, "float")
    assert values_equal(huge, huge, "float")
    assert not values_equal([1, 2], [huge, 1], "int[]", Compare(unordered=True))
    assert not values_equal([[1]], [[huge, float("nan")]], "int[][]", Compare(unordered_nested=True))
    assert values_equal([huge, 1], [1, huge], "long[]", Compare(unordered=True))


@pytest.mark.parametrize(
    ("expected", "actual", "type_"),
    [
        ([3, 1], lambda: [(i * 7919) % 1_000_003 for i in range(2_000_000)], "int[]"),  # millions at the top
        ([[1, 2], [3]], lambda: [[1, 2], list(range(2_000_000))], "int[][]"),  # ... or in one nested array
        ([[1, 2], [3]], lambda: [[1, 2], [3], *([i] for i in range(1_000_000))], "int[][]"),
        ([["eat", "tea"], ["bat"]], lambda: [["bat"], [str(i) for i in range(1_000_000)]], "string[][]"),
        # As many items as the expected, one of them an array where the type has a scalar: each item's sort key (a
        # tuple per number) cost the judge 1 s of CPU and 210 MB for 3 million of them, in each test of a Submit.
        ([3, 1], lambda: [list(range(2_000_000)), 1], "int[]"),
        ([[1, 2], [3]], lambda: [[1, [*range(2_000_000)]], [3]], "int[][]"),
        (["a", "b"], lambda: ["a", {str(i): i for i in range(300_000)}], "string[]"),
    ],
    ids=[
        "top-level",
        "nested",
        "many-arrays",
        "strings",
        "deeper-than-the-type",
        "deeper-nested",
        "an-object",
    ],
)
def test_an_unordered_comparison_sorts_nothing_larger_than_the_expected_value(
    expected, actual, type_, monkeypatch
):
    # The judge compares in its own process, outside every sandbox limit: sorting a returned list of 2.3 million
    # integers for a question compared as a multiset took 10 s of its CPU per test, 180 s for one Submit of a
    # four-line program. A value that is not the expected's size cannot be equal, and is not sorted to find out.
    actual = actual()  # built here, not when the module is collected
    keyed: list[object] = []
    real_key = compare._sort_key
    monkeypatch.setattr(compare, "_sort_key", lambda v: keyed.append(v) or real_key(v))
    opts = Compare(unordered=True, unordered_nested=True)
    started = time.process_time()
    assert not values_equal(expected, actual, type_, opts)
    assert time.process_time() - started < 1.0
    assert len(keyed) <= 4 * sum(1 for _ in _items(expected))  # the expected's own sort, at most


def test_a_returned_value_of_the_expected_shape_is_still_compared_as_a_multiset():
    opts = Compare(unordered=True, unordered_nested=True)
    assert values_equal([[1, 2], [3]], [[3], [2, 1]], "int[][]", opts)
    assert not values_equal([[1, 2], [3]], [[3, 1], [2]], "int[][]", opts)  # as many items, other arrays
    assert not values_equal([[1, 2], [3]], [[3], [2, 1, 0]], "int[][]", opts)
    assert not values_equal([[1, 2], [3]], [[3], 7], "int[][]", opts)
    assert not values_equal([3, 1], [[3], 1], "int[]", opts)  # an array where the type has a scalar
    assert not values_equal(["a"], [{"a": 1}], "string[]", opts)
    assert not values_equal(3, [3], "int")


def _items(value):
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, list):
            stack.extend(item)
