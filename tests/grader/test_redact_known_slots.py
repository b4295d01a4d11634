"""The candidate's known name in any case where an introduction, a sign-off or a byline puts a name
(grader/known_slots.py, 2026-12-05): a part that is also an everyday word (`Grace`, `Will`, `Hope`) had stayed in
lower case or opening a sentence ("this is grace again", "cheers, will", "# grace"), where the rule for such a part
reads it only written as a name mid-sentence. The same words elsewhere stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

GRACE = Redactor(redaction_terms("Grace Hope", "gh@example.com"))
WILL = Redactor(redaction_terms("Will Max", "wm@example.com"))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("this is grace again", "this is [candidate] again"),
        ("it's grace, by the way", "it's [candidate], by the way"),
        ("it's Grace btw", "it's [candidate] btw"),
        ("grace here.", "[candidate] here."),
        ("Grace here", "[candidate] here"),
        ("ok, grace here, hi", "ok, [candidate] here, hi"),
        ("hey, it's grace hope.", "hey, it's [candidate]."),
        ("i'm grace", "i'm [candidate]"),
        ("cheers, grace", "cheers, [candidate]"),
        ("thanks, grace from the Lisbon office", "thanks, [candidate] from the Lisbon office"),
        ("Best - hope.", "Best - [candidate]."),
        ("cheers,\ngrace", "cheers,\n[candidate]"),
    ],
)
def test_the_known_name_in_an_introduction_or_a_sign_off_any_case(said: str, shown: str) -> None:
    assert GRACE.speech(said).text == shown
    assert GRACE.output(said).text == shown


@pytest.mark.parametrize(
    ("code", "language", "shown"),
    [
        ("# grace\nx = 1\n", "python", "# [candidate]\nx = 1\n"),
        ("// Grace\nint x;\n", "cpp", "// [candidate]\nint x;\n"),
        ("# GRACE HOPE\nx = 1\n", "python", "# [candidate]\nx = 1\n"),
        ("x = 1\n# -- hope, 2026\n", "python", "x = 1\n# -- [candidate], 2026\n"),
        ("x = 1  # grace hope\n", "python", "x = 1  # [candidate]\n"),
        ("x = 1  # by grace\n", "python", "x = 1  # by [candidate]\n"),
        ("# cheers, grace\nx = 1\n", "python", "# cheers, [candidate]\nx = 1\n"),
        ("# by max\nx = 1\n", "python", "# by [candidate]\nx = 1\n"),
    ],
)
def test_the_known_name_alone_on_a_comment_line(code: str, language: str, shown: str) -> None:
    redactor = WILL if "max" in code else GRACE
    assert redactor.code(code, language).text == shown


@pytest.mark.parametrize(
    "said",
    [
        "it will here be empty",
        "thanks, will do",
        "this is max and this is min",
        "so the max here is five",
        "max here, min there",
        "I will. Will it work?",
        "the max, then the min.",
        "cheers, will that compile?",
    ],
)
def test_the_same_words_elsewhere_stay(said: str) -> None:
    assert WILL.speech(said).text == said


@pytest.mark.parametrize(
    "code",
    [
        "# max\nx = 1\n",
        "best = max(a)  # max\n",
        "# will be sorted\nx = 1\n",
        "x = 1  # max so far\n",
        "# Max\nm = max(xs)\n",
        'M = "M"  # Will\n',
    ],
)
def test_a_word_of_code_alone_in_a_comment_stays(code: str) -> None:
    assert WILL.code(code, "python").text == code


YOUNG = Redactor(redaction_terms("Hope Young", "hy@example.com"))
RICH = Redactor(redaction_terms("Will Rich", "wr@example.com"))


@pytest.mark.parametrize(
    ("redactor", "said", "shown"),
    [
        # A name already given in the same text: a second "I'm" says what the candidate is.
        (YOUNG, "my name is hope, i'm young", "my name is [candidate], i'm young"),
        (YOUNG, "hi, i'm hope. i'm young and eager", "hi, i'm [candidate]. i'm young and eager"),
        (RICH, "i'm will, i'm rich", "i'm [candidate], i'm rich"),
        (RICH, "my name is will and i'm rich", "my name is [candidate] and i'm rich"),
        # Another word that says what they are joined to it.
        (YOUNG, "i'm young and new to this", "i'm young and new to this"),
        (YOUNG, "i'm young, and honestly pretty nervous", "i'm young, and honestly pretty nervous"),
        (RICH, "i'm rich and happy", "i'm rich and happy"),
        # The name still: said alone, whole, with a capital, or repeated.
        (YOUNG, "hi i'm young", "hi i'm [candidate]"),
        (YOUNG, "hi i'm hope young", "hi i'm [candidate]"),
        (YOUNG, "I'm Young.", "I'm [candidate]."),
        (YOUNG, "i'm young and i code in python", "i'm [candidate] and i code in python"),
        (RICH, "i'm will. i'm will, yeah", "i'm [candidate]. i'm [candidate], yeah"),
    ],
)
def test_a_name_part_after_im_that_its_context_reads_as_a_description_stays(
    redactor: Redactor, said: str, shown: str
) -> None:
    assert redactor.speech(said).text == shown
