"""Custom input as judge data: the candidate's arguments checked against the signature (count, types, size,
depth) and turned into test cases, and the judge's report read as "what the function returned" (there is no
expected value, so returning anything counts as having run)."""

from __future__ import annotations

from typing import Any

from api.errors import UnprocessableError
from api.stored_json import stored_bytes
from judge.bank import Signature, TestCase, exact_in_javascript, split_type, value_matches_type
from judge.schemas import RunReport, Verdict
from judge.verdict import VALUE_NOT_SHOWN

MAX_CASES = 5
MAX_CASE_BYTES = 16_384  # one case's arguments as JSON, as PostgreSQL stores them (api/stored_json.py)
MAX_DEPTH = 4  # nesting of JSON arrays/objects; the bank's types go at most two arrays deep


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of `value`, giving up (returning limit + 1) as soon as it goes past `limit`."""
    if not isinstance(value, list | dict):
        return 0
    if limit <= 0:
        return 1
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in items), default=0)


def placeholder(type_: str) -> Any:
    """A value of the return type for the judge to compare against; the comparison's outcome is discarded."""
    scalar, depth = split_type(type_)
    if depth:
        return []
    return {"int": 0, "long": 0, "float": 0.0, "bool": False, "string": ""}[scalar]


def custom_cases(
    signature: Signature, inputs: list[list[Any]], language: str | None = None
) -> list[TestCase]:
    """Test cases for the judge from the candidate's inputs; a 422 names the first argument that does not fit (in
    JavaScript, a long must be one its numbers hold exactly: 2^53 + 1 would reach the program as 2^53)."""
    cases = []
    for i, args in enumerate(inputs, start=1):
        if _depth(args, MAX_DEPTH + 1) > MAX_DEPTH + 1:
            raise UnprocessableError(f"Input {i} is nested too deeply.", code="invalid_input")
        if stored_bytes(args) > MAX_CASE_BYTES:
            raise UnprocessableError(
                f"Input {i} is larger than {MAX_CASE_BYTES} bytes.", code="invalid_input"
            )
        if len(args) != len(signature.params):
            raise UnprocessableError(
                f"Input {i} needs {len(signature.params)} arguments "
                f"({', '.join(p.name for p in signature.params)}).",
                code="invalid_input",
            )
        for param, value in zip(signature.params, args, strict=True):
            if not value_matches_type(value, param.type):
                raise UnprocessableError(
                    f"Input {i}: {param.name} must be a {param.type}.", code="invalid_input"
                )
            if language == "javascript" and not exact_in_javascript(value, param.type):
                raise UnprocessableError(
                    f"Input {i}: {param.name} must stay within 2^53 in magnitude in JavaScript "
                    "(its numbers hold no larger integer exactly).",
                    code="invalid_input",
                )
        cases.append(TestCase(id=f"custom-{i}", args=args, expected=placeholder(signature.returns)))
    return cases


def custom_report(report: RunReport) -> RunReport:
    """A returned value is `accepted` (it ran); errors, limits and compile errors keep their verdicts. The placeholder
    expected value and its mismatch hint are dropped; a note that the value was too large to show stays (without
    it, a value left out of the report would read as a returned null)."""
    tests = []
    for t in report.tests:
        if t.verdict in (Verdict.ACCEPTED, Verdict.WRONG_ANSWER):
            not_shown = t.actual is None and (t.message or "").endswith(VALUE_NOT_SHOWN)
            note = VALUE_NOT_SHOWN if not_shown else None
            t = t.model_copy(update={"verdict": Verdict.ACCEPTED, "expected": None, "message": note})
        tests.append(t)
    verdict = report.verdict
    if verdict in (Verdict.ACCEPTED, Verdict.WRONG_ANSWER):
        verdict = next((t.verdict for t in tests if t.verdict != Verdict.ACCEPTED), Verdict.ACCEPTED)
    passed = sum(t.verdict == Verdict.ACCEPTED for t in tests)
    return report.model_copy(update={"tests": tests, "verdict": verdict, "passed": passed})
