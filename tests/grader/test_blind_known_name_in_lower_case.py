"""The candidate's known name whose words are everyday ones ("Will Strong", "Grace Rust", "Hope Young", or the part
"Grace" of "Grace Hopper") is hidden in lower case where a cue reads a name, as speech-to-text and a hurried comment
write it; the same words elsewhere stay, and a word evidence is written in stays where the cues read it as no name
("I'm stuck." for a candidate who asked to be called Stuck). grader/known_cased.py."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.asked_name import asked_name_terms
from grader.redact import Redactor
from grader.schemas import BundleEvent
from tests.grader.bundles import transcript

# (mode, text with {n} for the name in lower case): each a cue that reads a name written as one.
CUED = [
    ("speech", "i go by {n}"),
    ("speech", "i'm called {n}"),
    ("speech", "yeah so my name's {n}"),
    ("speech", "my full name is {n}"),
    ("speech", "bye, {n} signing off"),
    ("code", "# author: {n}\nx = 1\n"),
    ("code", "# written by {n}\nx = 1\n"),
    ("code", "# @author {n}\nx = 1\n"),
    ("code", 'author = "{n}"\n'),
    ("code", "__author__ = '{n}'\n"),
    ("code", 'print("hi i\'m {n}")\n'),
    ("output", "author: {n}"),
    ("output", "written by {n}"),
]


def _redact(redactor: Redactor, mode: str, text: str) -> str:
    return redactor.code(text, "python").text if mode == "code" else redactor(text, mode).text  # type: ignore[arg-type]


@pytest.mark.parametrize(("mode", "text"), CUED, ids=[f"{m}:{t[:24]}" for m, t in CUED])
@pytest.mark.parametrize(("name", "said"), [("Will Strong", "will strong"), ("Grace Rust", "grace rust"),
                                            ("Hope Young", "hope young"), ("Grace Hopper", "grace")])  # fmt: skip
def test_the_known_name_in_lower_case_is_hidden_where_a_cue_reads_a_name(
    name: str, said: str, mode: str, text: str
) -> None:
    out = _redact(Redactor(redaction_terms(name, None)), mode, text.format(n=said))
    assert "[candidate]" in out and said not in out, out


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("Ana Strong", "a strong solution, strong tests"),
        ("Jo Kafka", "we could use kafka topics here, kafka is fine"),
        ("Hope Young", "i hope young developers read it"),
        ("Will Strong", "i will write a strong solution"),
        ("Will Smith", "thanks, will do. i'm going by the will of the tests"),
        ("Will Best", "this approach will best handle duplicates"),
        ("Grace Rust", "rust is fine here, grace period"),
    ],
)
def test_the_everyday_words_of_a_known_name_stay_where_no_cue_reads_a_name(name: str, kept: str) -> None:
    redactor = Redactor(redaction_terms(name, None))
    assert redactor.speech(kept).text == kept
    assert redactor.output(kept).text == kept
    comment = f"# {kept}\nx = 1\n"
    assert redactor.code(comment, "python").text == comment


def _asked(name: str) -> list[BundleEvent]:
    call = BundleEvent(
        seq=2,
        type="tool_call",
        t=2.0,
        payload={"name": "begin_problem", "call_id": "c2", "arguments": {"asked": [], "call_them": name}},
    )
    return [transcript(1, 1.0, "user", f"Hi, just call me {name}"), call]


@pytest.mark.parametrize(
    ("terms", "evidence"),
    [
        (asked_name_terms(_asked("Stuck")), "honestly i'm stuck."),
        (asked_name_terms(_asked("Stuck")), "I'm stuck."),
        (asked_name_terms(_asked("Confused")), "sorry, i am confused."),
        (redaction_terms("Will Stuck", None), "ok i'm stuck."),
    ],
)
def test_a_name_part_that_is_an_evidence_word_stays_where_the_cue_reads_no_name(
    terms: list[str], evidence: str
) -> None:
    redactor = Redactor(terms)
    assert redactor.speech(evidence).text == evidence
    assert redactor.code(f"# {evidence}\nx = 1\n", "python").text == f"# {evidence}\nx = 1\n"
