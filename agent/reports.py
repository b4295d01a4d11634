"""Judge run reports as the interviewer speaks them and as the client receives them (never hidden tests)."""

from __future__ import annotations

import json
from typing import Any

from agent.fence import fence

INTERNAL_ERROR = "internal_error"
_VERDICT_WORDS = {
    "accepted": "passed",
    "wrong_answer": "wrong answer",
    "time_limit": "took too long",
    "memory_limit": "used too much memory",
    "output_limit": "printed too much output",
    "runtime_error": "crashed",
    "compile_error": "did not compile",
    "internal_error": "could not be run",
}
_MAX_VALUE_CHARS = 80
_MAX_MESSAGE_CHARS = 300
_MAX_FAILURES_SPOKEN = 2


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(", ", ": "))
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 3] + "..."


def visible_tests(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in report.get("tests") or [] if isinstance(t, dict) and not t.get("hidden")]


def public_report(report: dict[str, Any]) -> dict[str, Any]:
    """The report for the client's test panel: everything about visible tests, nothing about hidden ones."""
    keep = ("verdict", "language", "mode", "passed", "total", "compile_output", "message", "timings")
    out = {k: report[k] for k in keep if k in report}
    tests = visible_tests(report)
    out["tests"] = tests
    out["passed"] = sum(1 for t in tests if t.get("verdict") == "accepted")
    out["total"] = len(tests)
    return out


def _has_text(value: Any) -> bool:
    """Whether a returned value carries words (a string anywhere in it): numbers, booleans and lists of them
    cannot say anything, so they are spoken inline; anything else the program wrote is fenced as data."""
    if isinstance(value, str | dict):
        return True
    if isinstance(value, list | tuple):
        return any(_has_text(v) for v in value)
    return False


def summarize(report: dict[str, Any], nonce: str) -> str:
    """A short, speakable summary of a visible-test run for the model. What the candidate's program wrote (a
    compiler's echo of its source, what it raised, a returned value with text in it) is theirs to choose, so it
    comes fenced as data (``agent/fence.py``), never as our words."""
    verdict = str(report.get("verdict", ""))
    if verdict == "compile_error":
        detail = (report.get("compile_output") or report.get("message") or "").strip()
        detail = detail[:_MAX_MESSAGE_CHARS]
        if not detail:
            return "The code did not compile."
        return f"The code did not compile. Compiler output:\n{fence('compiler output', detail, nonce)}"
    tests = visible_tests(report)
    passed = sum(1 for t in tests if t.get("verdict") == "accepted")
    if not tests:
        return "No visible tests ran."
    if passed == len(tests):
        return f"All {len(tests)} visible tests passed."
    parts = [f"{passed} of {len(tests)} visible tests passed."]
    failures = [t for t in tests if t.get("verdict") != "accepted"]
    wrote: list[str] = []
    for t in failures[:_MAX_FAILURES_SPOKEN]:
        words = _VERDICT_WORDS.get(str(t.get("verdict")), str(t.get("verdict")))
        line = f"Test {t.get('id')} {words}"
        if t.get("verdict") == "wrong_answer" and "expected" in t:
            actual = t.get("actual")
            got = "what it returned is below" if _has_text(actual) else _short(actual)
            if _has_text(actual):
                wrote.append(f"{t.get('id')} returned: {_short(actual)}")
            line += f": input {_short(t.get('args'))}, expected {_short(t.get('expected'))}, got {got}"
        elif t.get("message"):
            line += ": its message is below"
            wrote.append(f"{t.get('id')}: {str(t['message'])[:_MAX_MESSAGE_CHARS]}")
        parts.append(line + ".")
    if len(failures) > _MAX_FAILURES_SPOKEN:
        parts.append(
            f"{len(failures) - _MAX_FAILURES_SPOKEN} more failed; the full report is on their screen."
        )
    text = " ".join(parts)
    if wrote:
        text += "\nWhat their program returned or raised:\n" + fence(
            "program output", "\n".join(wrote), nonce
        )
    return text
