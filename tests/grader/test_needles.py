"""The literals a redaction rule's text must hold to be scanned (grader/needles.py): skipping a text never changes
what is redacted, whatever the case folding of its letters."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import grader.redact_apply
from api.db.bundle_repo import redaction_terms
from bench._calibration import load_cases
from grader.links import PROFILE_LINK
from grader.needles import FOLD_EXCEPTIONS, required
from grader.redact import Redactor
from grader.spoken import PROFILE_PATH


def test_the_letters_ignorecase_folds_otherwise_are_the_regex_engines_own() -> None:
    # The engine matches a letter under IGNORECASE by its simple lower case and a table of extra cases (the dotless
    # i with i, the long s with s); `str.lower()` uses the full one. A letter where they differ, or in the table, is
    # one whose needle a lower-case text may not show. Read from the engine's own tables (private, for this test).
    import _sre
    from re import _casefix

    differ = {chr(c) for c in range(sys.maxunicode + 1) if chr(_sre.unicode_tolower(c)) != chr(c).lower()}
    extra = {chr(c) for k, vs in _casefix._EXTRA_CASES.items() for c in (k, *vs)}
    assert {c for c in differ | extra if not c.isascii()} == FOLD_EXCEPTIONS


def test_an_ascii_letter_matches_under_ignorecase_only_its_cases_or_a_fold_exception() -> None:
    # What makes a needle of ASCII letters sound: any other letter the engine matches to it is one the redactor
    # does not trust lower case with (the text is then scanned whatever it holds).
    letter = re.compile("[a-z]", re.I)
    odd = {
        chr(c)
        for c in range(0x80, sys.maxunicode + 1)
        if letter.fullmatch(chr(c)) and not chr(c).lower().isascii()
    }
    assert odd <= FOLD_EXCEPTIONS


@pytest.mark.parametrize(
    "code",
    [
        "x = l\u0131ndqvist42\n",  # a dotless i: the regex matches it to i under IGNORECASE, lower case does not
        "x = L\u0131ndqvist42\n",
        "solver = ada_l\u0131ndqvist_v2\n",
    ],
)
def test_a_name_with_a_letter_ignorecase_folds_to_its_own_is_redacted_in_code(code: str) -> None:
    # The rules with needles looked for "lindqvist" in the lower-case text and skipped it, though their pattern
    # matches the name: a model reads "Lindqvist42" written with a dotless i as the candidate's name.
    r = Redactor(redaction_terms("Ada Lindqvist", None))
    out = r.code(code, "python").text
    assert "ndqvist" not in out and "[candidate]" in out


def test_a_patterns_needles_are_the_literals_its_every_match_holds() -> None:
    assert {"linkedin.com/", "github.com/", ".github.io", "x.com/"} <= required(PROFILE_LINK)
    assert {"linked", "bitbucket", "discord"} <= required(PROFILE_PATH)
    assert required(re.compile(r"(?<!\w)(?:M(?:r(?:s)?|s)|Sr(?:a|ta))(?!\w)")) == {
        "mr",
        "mrs",
        "ms",
        "sra",
        "srta",
    }
    # A repeat that may match nothing, a large class, a single letter: nothing to skip by.
    assert required(re.compile(r"(?:ab)?\w+")) == frozenset()
    assert required(re.compile(r"x\d+")) == frozenset()
    # A letter IGNORECASE folds otherwise is in no needle (`İ` also matches `i`): the literal breaks there.
    assert required(re.compile("zz\u0130zz", re.I)) == {"zz"}


NAMES = [
    ("Ada Lovelace", "ada.lovelace@example.com"),
    ("Grace Hopper", "gh@outlook.com"),
    ("Wei Chen", "zq_dev@gmail.com"),
    ("Will Smith", None),
    ("Ирина Петрова", None),
    ("L\u0131ndqvist Sofia", None),
]
FRAGMENTS = [
    "Ada", "ADA", "lovelace", "Lovelace42", "ada_lovelace", "a.lovelace", "Hopper", "hoppers", "Grace", "Wei",
    "Chen", "wei chen", "zq underscore dev", "Will", "will", "Smith", "Ирина", "Петрова", "L\u0131ndqvist", "Sofia",
    "l\u0131ndqvist", "L\u0131NDQVIST", "linkedin", "link\u0131din", "l\u0131nkedin.com/in/ada", "github.com/zq",
    "https://gitlab.com/x", "ada.github.io", "slash", "in", "git hub", "on twitter", "my github is", "my name is",
    "call me", "at", "gmail", "dot", "com", "@zq", "[12]", "【3】", "Mr", "Ms", "Miss", "Mrs", "he", "she", "él",
    "phone", "555", "five", "one two three four five six seven", "+44 20 7946 0958", "/home/ada/", "C:\\Users\\ada",
    "A-D-A", "alpha delta alpha", "A as in apple", "\u017fmith", "\u212aelvin", "\u0130nstagram", "\u03c3", "\u03c2",
    "# comment", "//", "\n", ".", ",", "x = 1", "def f():", "'''doc'''", "user=ada", "/u/ada", "/~ada",
]  # fmt: skip


def _without_needles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        grader.redact_apply, "sound_for", lambda _text: False
    )  # every text scanned by every rule


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    who=st.sampled_from(NAMES),
    parts=st.lists(st.sampled_from(FRAGMENTS), max_size=12),
    seps=st.lists(st.sampled_from([" ", "", "\n", ", ", ". ", "/", "_", " # "]), min_size=12, max_size=12),
    mode=st.sampled_from(["speech", "code", "output"]),
)
def test_skipping_by_needles_never_changes_what_is_redacted(
    monkeypatch: pytest.MonkeyPatch, who: tuple[str, str | None], parts: list[str], seps: list[str], mode: str
) -> None:
    text = "".join(p + s for p, s in zip(parts, seps, strict=False))
    r = Redactor(redaction_terms(*who), vocabulary="Return the median.")
    gated = r(text, mode, "python")  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        _without_needles(m)
        scanned = r(text, mode, "python")  # type: ignore[arg-type]
    assert gated == scanned


def test_the_calibration_interviews_redact_the_same_with_and_without_needles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for case in load_cases():
        b = case.bundle
        texts = [(str(e.payload.get("text") or ""), "speech") for e in b.events if e.type == "transcript"] + [
            (str(e.payload["code"]), "code") for e in b.events if isinstance(e.payload.get("code"), str)
        ]
        for name in ("Ada Lovelace", "Wei Chen"):
            r = Redactor(redaction_terms(name, "ada@example.com"), vocabulary=b.question.statement_md)
            gated = [r(t, mode, b.session.language) for t, mode in texts]  # type: ignore[arg-type]
            with monkeypatch.context() as m:
                _without_needles(m)
                assert [r(t, mode, b.session.language) for t, mode in texts] == gated  # type: ignore[arg-type]
