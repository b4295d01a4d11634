"""The candidate's known name whose words are everyday ones ("Will Strong", "Grace Rust", "Hope Young", or the part
"Grace" of "Grace Hopper") is hidden in lower case where a cue reads a name, as speech-to-text and a hurried comment
write it; the same words elsewhere stay, and a word evidence is written in stays where the cues read it as no name
("I'm stuck." for a candidate who asked to be called Stuck). grader/known_cased.py."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.asked_name import asked_name_terms
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.redact import Redactor
from grader.schemas import BundleEvent
from tests.grader.bundles import interview, transcript

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


@pytest.mark.parametrize(
    ("question", "answer", "shown"),
    [
        ("What's your name?", "will strong", "[candidate]"),
        ("Before we start, how should I call you?", "yeah, will is fine", "yeah, [candidate] is fine"),
        ("Could you tell me your name?", "um it's will strong", "um it's [candidate]"),
        ("Sorry, what was your name again?", "hope young.", "[candidate]."),
    ],
)
def test_the_known_name_in_lower_case_answering_a_name_question_is_hidden(
    question: str, answer: str, shown: str
) -> None:
    # The interviewer's question is the cue the candidate's next line answers (grader/name_answers.py).
    name = "Hope Young" if "hope" in answer else "Will Strong"
    base = interview()
    events = [transcript(900, 170.0, "assistant", question), transcript(901, 172.0, "user", answer)]
    source = base.model_copy(update={"events": [*base.events, *events], "redact": [name]})
    text = build_bundle(source, compute_facts(source)).interview
    line = next(line for line in text.splitlines() if line.startswith("[901]"))
    assert line.endswith(f"C: {shown}"), line


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "What's your name?",
            "will strong",
        ),  # a line that is no question's answer: another turn came between
        ("How would you test it?", "i will strongly test the empty list"),
        ("What should I call the function?", "will_retry, i think"),
        ("What's your name?", "i'm stuck on the name part, sorry"),
    ],
)
def test_the_same_words_answering_no_name_question_stay(question: str, answer: str) -> None:
    base = interview()
    events = [transcript(900, 170.0, "assistant", question)]
    if question == "What's your name?" and answer == "will strong":
        events.append(transcript(901, 171.0, "assistant", "Actually, let's skip that."))
    events.append(transcript(902, 172.0, "user", answer))
    source = base.model_copy(update={"events": [*base.events, *events], "redact": ["Will Strong"]})
    text = build_bundle(source, compute_facts(source)).interview
    line = next(line for line in text.splitlines() if line.startswith("[902]"))
    assert line.endswith(f"C: {answer}"), line
