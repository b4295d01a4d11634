"""A redaction rule skips a text without a letter only where its pattern cannot match there (grader/letter_gate.py),
so skipping never changes what is redacted; and it does skip: a program's printed values, digits and punctuation,
are most of what the grader redacts (tests/grader/test_redaction_precision.py's bank)."""

from __future__ import annotations

import re
import sys

import pytest

import grader.redact_apply
from api.db.bundle_repo import redaction_terms
from grader.letter_gate import LETTERED, needs_letter
from grader.redact import Redactor
from grader.word_patterns import Words

# Digits, punctuation and spaces: values as a program prints them, and phone numbers written without a letter.
LETTERLESS = [
    "[3, 1, 2, 1000000007]",
    '{"0": [4, 5], "1": []}',
    "-1\n0\n42\n",
    "[[1, 2], [3, 4]] -> 10",
    "+1 415 555 0100",
    "+44 20 7946 0958, [1, 2]",
    "(415) 555-0100",
    "415 555 0100 / 4155550100",
    "+ 4155550100; +12 +(415) 555 0100",
    "0 17 10**9+7 3.14159 1,000,000 #1234 @ ~/ $% ^&*_=|\\`'\" <> ? !",
    "5 5 5 1 2 3 4 5 6 7 8 9 0",
]
CANDIDATES = [
    ("Priya Raman", "priya.r@example.com"),
    ("Will Max Turner", None),
    ("张伟", None),
    ("Zq Dev", "zq_dev1990@x.io"),
]


def test_ignorecase_folds_no_character_to_an_ascii_digit_punctuation_mark_or_space() -> None:
    # What makes the gate sound for a rule under IGNORECASE: only an ASCII digit, punctuation mark, space or control
    # matches one of them, so a text of those holds nothing a letter of a pattern matches.
    everything = (
        "".join(map(chr, range(sys.maxunicode + 1)))
        .encode("utf-8", "surrogatepass")
        .decode("utf-8", "replace")
    )
    not_lettered = re.compile(r"[\x00-\x40\x5b-\x60\x7b-\x7f]", re.IGNORECASE)
    assert set(not_lettered.findall(everything)) == {chr(c) for c in range(0x80) if not chr(c).isalpha()}
    assert all(LETTERED.search(c) is None for c in map(chr, range(0x80)) if not c.isalpha())
    assert all(LETTERED.search(c) for c in "aZ\u00e9\u5f20\u0414\u2160\u00b2")


@pytest.mark.parametrize(
    ("pattern", "flags", "needs"),
    [
        (r"(?<![\w-])(?i:i'm|i\s+am|soy)", 0, True),
        (r"[^\W\d_]+", 0, True),
        (r"(?=[a-z])\d+", 0, True),  # a lookahead the text must satisfy
        (r"\d+(?:\s+on\s+\w+)", re.I, True),
        (r"[A-Z]{2,}", 0, True),
        (r"\u5f20", 0, True),
        (r"\d+", 0, False),
        (r"\w+", 0, False),
        (r"[^\W_]+", 0, False),  # digits too
        (r"(?:ab)?\d", 0, False),
        (r"ab|\d", 0, False),
        (r"(?!a)\d", 0, False),  # a negative lookaround needs nothing
        (r"[a-z0-9]", 0, False),
        (r"(?:x)*1", 0, False),
        (r"(\w)\1", 0, False),
    ],
)
def test_a_pattern_needs_a_letter_only_where_every_match_does(pattern: str, flags: int, needs: bool) -> None:
    assert needs_letter(re.compile(pattern, flags)) is needs


@pytest.mark.parametrize(("name", "email"), CANDIDATES)
def test_no_rule_said_to_need_a_letter_matches_a_text_without_one(name: str, email: str | None) -> None:
    r = Redactor(redaction_terms(name, email))
    rules = [rule for rules in (r._speech, r._code, r._output) for rule in rules if rule.lettered]
    assert len(rules) > 50
    for text in LETTERLESS:
        assert LETTERED.search(text) is None
        for rule in rules:
            patterns = (
                [rule.pattern.plain, rule.pattern.full] if isinstance(rule.pattern, Words) else [rule.pattern]
            )
            assert not any(p.search(text) for p in patterns), (rule.pattern, text)


@pytest.mark.parametrize(("name", "email"), CANDIDATES)
def test_a_text_without_a_letter_is_redacted_as_without_the_gate(
    name: str, email: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    terms = redaction_terms(name, email)
    r = Redactor(terms)
    gated = [(r.output(t), r.code(t, "python"), r.speech(t)) for t in LETTERLESS]
    monkeypatch.setattr(grader.redact_apply, "LETTERED", re.compile(""))  # every text holds a "letter"
    r = Redactor(terms)  # a new one: a redactor hands back a text it has redacted
    ungated = [(r.output(t), r.code(t, "python"), r.speech(t)) for t in LETTERLESS]
    assert gated == ungated
    # The printed numbers with a country code are phone numbers either way (the gate's own rule for them).
    assert [g[0].text for g in gated[4:6]] == ["[phone]", "[phone], [1, 2]"]


def test_a_printed_value_without_a_letter_is_scanned_by_few_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    # Counted rather than timed: each rule left after the gates asks `_worth_trying`.
    r = Redactor(redaction_terms("Priya Raman", "priya.r@example.com"))
    asked: list[object] = []
    worth = grader.redact_apply._worth_trying

    def counting(pattern: re.Pattern[str] | Words, text: str) -> bool:
        asked.append(pattern)
        return worth(pattern, text)

    monkeypatch.setattr(grader.redact_apply, "_worth_trying", counting)
    r.output("[3, 1, 2, 1000000007]")
    without_letter = len(asked)
    asked.clear()
    r.output("[3, 1, 2, 1000000007] x")
    assert without_letter <= 6 < len(asked)
