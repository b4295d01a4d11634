"""Structural comparison of a returned value with the expected one: typed, float tolerance, unordered arrays."""

from __future__ import annotations

import math
from typing import Any

from judge.bank import Compare, split_type


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _sort_key(v: Any) -> tuple[Any, ...]:
    """A total order over JSON values of mixed types (a wrong answer may mix types)."""
    if v is None:
        return (0,)
    if isinstance(v, bool):
        return (1, v)
    if _is_number(v):
        # Never float() an int: it may not fit (10**400).
        return (2, math.inf if isinstance(v, float) and math.isnan(v) else v)
    if isinstance(v, str):
        return (3, v)
    if isinstance(v, list):
        return (4, tuple(_sort_key(x) for x in v))
    return (5, repr(v))


def _canonical(value: Any, depth: int, options: Compare, top: bool) -> Any:
    """Sort the arrays that the options declare unordered, innermost first."""
    if depth == 0 or not isinstance(value, list):
        return value
    items = [_canonical(v, depth - 1, options, top=False) for v in value]
    if (top and options.unordered) or (not top and options.unordered_nested):
        items.sort(key=_sort_key)
    return items


def _scalar_equal(expected: Any, actual: Any, scalar: str, tolerance: float, relative: bool) -> bool:
    if scalar in ("int", "long"):
        if not _is_number(actual) or (isinstance(actual, float) and not actual.is_integer()):
            return False
        return bool(int(actual) == expected)
    if scalar == "float":
        if not _is_number(actual) or not _is_number(expected):
            return False
        try:
            a, e = float(actual), float(expected)
        except OverflowError:  # an integer past any float (a returned 10**400): only an equal integer matches
            return bool(actual == expected)
        if math.isnan(a) or math.isnan(e):
            return False
        if math.isinf(a) or math.isinf(e):
            return a == e
        diff = abs(a - e)
        return diff <= tolerance or (relative and diff <= tolerance * abs(e))
    if scalar == "bool":
        return isinstance(actual, bool) and actual == expected
    return isinstance(actual, str) and actual == expected


def _equal(expected: Any, actual: Any, scalar: str, depth: int, tolerance: float, relative: bool) -> bool:
    if depth == 0:
        return _scalar_equal(expected, actual, scalar, tolerance, relative)
    if not isinstance(actual, list) or len(actual) != len(expected):
        return False
    return all(
        _equal(e, a, scalar, depth - 1, tolerance, relative) for e, a in zip(expected, actual, strict=True)
    )


def _same_shape(expected: Any, actual: Any, depth: int) -> bool:
    """Whether `actual` has as many arrays and items at each of the `depth` levels of arrays as `expected` (which
    any equal value has, in any order), and no array or object where the type has a scalar. Looks at no more of
    `actual` than `expected` holds: the judge compares in its own process, outside every sandbox limit, and sorting a
    returned value of millions of items for an unordered comparison took 10 s of its CPU per test (a record may hold
    16 MiB). The scalar level counts too: an array there (`[[0, 0, ...3 million], 0]` for an `int[]` of two) has the
    expected's count of items, and its sort key (a tuple per item) cost the judge 1 s of CPU and 210 MB a test."""
    want, got = [expected], [actual]
    for _ in range(depth):
        if not all(isinstance(v, list) for v in want):
            return True  # an expected value the type does not describe: leave it to the comparison itself
        total = sum(len(v) for v in want)
        items: list[Any] = []
        for v in got:
            if not isinstance(v, list) or len(items) + len(v) > total:
                return False
            items.extend(v)
        if len(items) != total:
            return False
        want, got = [x for v in want for x in v], items
    # As many scalars as the expected holds: none may be an array or an object (no scalar equals one).
    return not any(isinstance(v, list | dict) for v in got)


def values_equal(expected: Any, actual: Any, type_: str, options: Compare | None = None) -> bool:
    """True when `actual` matches `expected` of declared type `type_` under the question's compare options.

    Integers must be integral (a JavaScript `3` or Python `3.0` equals `3`), floats match within the absolute or
    relative tolerance (absolute only when the options say `float_relative: false`; NaN never matches), bools and
    strings match exactly, and arrays declared unordered are compared as multisets.
    """
    options = options or Compare()
    scalar, depth = split_type(type_)
    if not _same_shape(expected, actual, depth):
        return False  # before sorting anything: a returned value is sorted only if it is as large as the expected
    return _equal(
        _canonical(expected, depth, options, top=True),
        _canonical(actual, depth, options, top=True),
        scalar,
        depth,
        options.float_tolerance,
        options.float_relative,
    )


def mismatch_hint(expected: Any, actual: Any, type_: str) -> str | None:
    """A short, candidate-safe reason for a mismatch in shape or type (None when only the values differ)."""
    scalar, depth = split_type(type_)
    if depth:
        if not isinstance(actual, list):
            return f"expected an array ({type_}), got {_json_type(actual)}"
        if len(actual) != len(expected):
            return f"expected {len(expected)} elements, got {len(actual)}"
        return None
    if scalar in ("int", "long", "float") and not _is_number(actual):
        return f"expected a number ({type_}), got {_json_type(actual)}"
    if scalar in ("int", "long") and isinstance(actual, float) and not actual.is_integer():
        return f"expected an integer ({type_}), got a fraction"
    if scalar == "bool" and not isinstance(actual, bool):
        return f"expected a boolean, got {_json_type(actual)}"
    if scalar == "string" and not isinstance(actual, str):
        return f"expected a string, got {_json_type(actual)}"
    return None


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if _is_number(v):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    return "an object"
