"""How much text a redaction rule reads for each match, counted rather than timed: a rule that copied all the text
before a match, or judged every trigger of one long identifier, made a long text of many matches quadratic."""

from __future__ import annotations

import re

import pytest

import grader.phone_forms
from api.db.bundle_repo import redaction_terms
from grader.identifier_words import TRIGGER_SEGMENT, IdentifierWords
from grader.redact import Redactor
from grader.redact_apply import REFINE_REACH, Rule, apply_rules


def test_a_rule_for_comments_reads_a_window_around_each_match_not_all_the_text_before_it() -> None:
    read: list[int] = []

    def refine(text: str, start: int, end: int) -> list[tuple[int, int]]:
        read.append(len(text))
        return [(start, end)]

    comment = "# " + "zq " * 20_000
    code = comment + "\nx = 1\n" + comment + "\n"
    out = apply_rules(code, [Rule(re.compile("zq"), "[x]", in_comments=True, refine=refine)], "python")
    assert out.text.count("[x]") == 40_000  # every match still found and replaced
    assert max(read) <= 2 * REFINE_REACH + 2


def test_a_rule_for_comments_sees_the_comment_end_as_the_texts_end() -> None:
    seen: list[str] = []

    def refine(text: str, start: int, end: int) -> list[tuple[int, int]]:
        seen.append(text[end:])
        return []

    apply_rules(
        "# by zq\nx = 1\n", [Rule(re.compile("zq"), "[x]", in_comments=True, refine=refine)], "python"
    )
    assert seen == [""]


def test_a_phone_number_with_letters_for_digits_is_judged_in_a_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[int] = []

    def judge(text: str, start: int, end: int) -> list[tuple[int, int]]:
        read.append(len(text))
        return [(start, end)]

    refine = grader.phone_forms.lettered(judge)
    text = "4l5 555 Ol00, " * 20_000
    spans = [span for m in grader.phone_forms.LETTERED_RUN.finditer(text) for span in refine(text, *m.span())]
    assert len(spans) == 20_000 and spans[-1][1] == len(text) - 2
    assert max(read) <= 2 * grader.phone_forms.LETTERED_REACH + 20


def test_one_long_identifier_is_judged_once_not_once_for_each_trigger_in_it() -> None:
    judged: list[str] = []

    def redact(words: str) -> str:
        judged.append(words)
        return words

    identifiers = IdentifierWords(redact)
    code = "x = " + "my_" * 100_000 + "\n"
    calls = 0
    original = identifiers.replacement

    def counting(identifier: str) -> str | None:
        nonlocal calls
        calls += 1
        return original(identifier)

    identifiers.replacement = counting  # type: ignore[method-assign]  # counting the calls of this instance
    rule = Rule(TRIGGER_SEGMENT, "[x]", refine=identifiers.spans)
    assert apply_rules(code, [rule]).text == code
    assert calls <= len(code) // 120 + 2


def test_the_same_text_redacted_twice_is_read_whole_each_time() -> None:
    r = Redactor(redaction_terms("Ada Lovelace", "ada@example.com"))
    text = "call_me_at_4155550134 = 1\n"
    assert (
        r.speech(text).text
        == r.code(text, "python").text
        == r.output(text).text
        == "call_me_at_[phone] = 1\n"
    )
