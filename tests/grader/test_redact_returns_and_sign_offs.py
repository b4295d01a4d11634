"""A name not on file given when coming back or signing off (2026-12-05): "this is <Name> again" after a
greeting or an apology and "it's me, <Name>" (grader/introductions.py), a closing valediction said or printed with a
name that ends the line ("cheers, Priya", grader/bylines.py `SAID_SIGN_OFF`), and a name a signature's label gives
in lower case, each of its words (grader/signatures.py). What talk about code says in the same words stays, and a
thanks still names whom it thanks ("Thanks, Mike.")."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import self_introduced

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("Sorry, this is Priya again", "Sorry, this is [candidate] again"),
        # With no greeting: read since 2026-12-05 (tests/grader/test_redact_passing_intros_and_sign_offs.py).
        ("this is Priya again", "this is [candidate] again"),
        ("hi, it's Wei Chen again", "hi, it's [candidate] again"),
        (
            "Sorry about that, this is Zanele again, can you hear me?",
            "Sorry about that, this is [candidate] again, can you hear me?",
        ),
        ("hello, um, this is Olusegun back", "hello, um, this is [candidate] back"),
        ("it's me, Priya", "it's me, [candidate]"),
        ("it's me again, Wei Chen.", "it's me again, [candidate]."),
        ("so, this is me - Zanele", "so, this is me - [candidate]"),
        ("cheers, Priya", "cheers, [candidate]"),
        ("Cheers, Priya Raman.", "Cheers, [candidate]."),
        ("ok, all done. Best regards, Wei Chen.", "ok, all done. Best regards, [candidate]."),
        ("Best, Siobhan", "Best, [candidate]"),
    ],
)
def test_a_return_or_a_sign_off_gives_the_name_away(said: str, shown: str) -> None:
    assert R.speech(said).text == shown


def test_a_sign_off_printed_is_read_as_said() -> None:
    assert R.output("Done!\nCheers, Priya Raman").text == "Done!\nCheers, [candidate]"


def test_a_name_given_on_coming_back_is_redacted_everywhere() -> None:
    assert self_introduced(["hi, it's me, Zanele", "let me share my screen"]) == ["Zanele"]


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("# author: priya raman\nx = 1\n", "# author: [candidate]\nx = 1\n"),
        ("# maintainer: wei chen, 2026\nx = 1\n", "# maintainer: [candidate], 2026\nx = 1\n"),
    ],
)
def test_a_labels_name_in_lower_case_is_taken_whole(code: str, shown: str) -> None:
    assert R.code(code, "python").text == shown


@pytest.mark.parametrize(
    "said",
    [
        "this is Python again",
        "sorry, this is Python again",
        "hi, this is Redis again",
        "sorry, it's Monday again",
        "hello, it's Broken again",
        "oh it's Redis again",
        "it's me again",
        "it's me, Python",
        "ok, this is me, Node",
        "cheers, that worked",
        "Thanks, Mike.",
        "that is the best, Priya.",
        "Best, worst and average case",
        "cheers, Everyone!",
        "Regards, Team",
        "Cheers, Python!",
        "best, then worst case",
    ],
)
def test_the_same_words_about_code_stay(said: str) -> None:
    assert R.speech(said).text == said


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("# Author: zqdev (github)\nx = 1\n", "# Author: [candidate] (github)\nx = 1\n"),
        ("# author: zqdev and the team\nx = 1\n", "# author: [candidate] and the team\nx = 1\n"),
        ("# the author: knuth volume one\nx = 1\n", "# the author: knuth volume one\nx = 1\n"),
    ],
)
def test_a_label_takes_its_name_and_no_more(code: str, shown: str) -> None:
    assert R.code(code, "python").text == shown
