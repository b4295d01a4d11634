"""A name of one letter the candidate asked to be called ("just call me J") reached the model wherever the interviewer
addressed them ("Thanks, J.", "J, what is the complexity?"): a redaction term needed two letters. It is replaced
where it addresses them, whether or not the agent kept the name (grader/asked_name.py `asked_letter`), and the
letter stays as the code's and the problem's own: a loop's `j`, "Big-O", "O(n)", "Java", "option B", "I, J, K"."""

from __future__ import annotations

import pytest

from grader.asked_name import asked_name_terms
from grader.bundle import build_bundle
from grader.candidate_terms import redaction_terms
from grader.facts import compute_facts
from grader.redact import Redactor
from grader.schemas import BundleEvent, BundleInput
from tests.grader.bundles import interview, transcript

J = Redactor(["J"])
BIG_O = Redactor(["O"])

SAID = [
    ("Thanks, J.", "Thanks, [candidate]."),
    ("J, what is the complexity?", "[candidate], what is the complexity?"),
    ("So, J, what would you try next?", "So, [candidate], what would you try next?"),
    ("Hi J! Let's start.", "Hi [candidate]! Let's start."),
    ("Thank you J", "Thank you [candidate]"),
    ("Nice work, J. Walk me through it.", "Nice work, [candidate]. Walk me through it."),
    ("That's O(n), J?", "That's O(n), [candidate]?"),
    ("Just J, please.", "Just [candidate], please."),
    ("J is fine.", "[candidate] is fine."),
    ("You can call me J.", "You can call me [candidate]."),
]


@pytest.mark.parametrize(("said", "shown"), SAID)
def test_a_one_letter_name_is_replaced_where_it_addresses_the_candidate(said: str, shown: str) -> None:
    out = J.speech(said)
    assert out.text == shown
    at = out.text.index("[candidate]")
    assert said[slice(*out.original_span(at, at + len("[candidate]")))] == "J"


KEPT = [
    "for i, j in pairs: use j as the index",
    "I, J, K are the loop counters.",
    "a, b, J.",
    "J, K and L are the columns.",
    "Is it J or K?",
    "Java has a HashMap; option J is wrong.",
    "J.R.R. Tolkien and J's idea",
    "Try J then.",
    "the matrix J has n rows",
]


@pytest.mark.parametrize("said", KEPT)
def test_the_letter_as_a_variable_an_option_or_a_list_item_stays(said: str) -> None:
    assert J.speech(said).text == said


@pytest.mark.parametrize(
    "said", ["Big-O is O(n log n).", "It is O of n.", "The big O, roughly linear.", "O(1), O(n) or O(n^2)."]
)
def test_complexity_notation_stays_for_a_candidate_called_o(said: str) -> None:
    assert BIG_O.speech(said).text == said


def test_code_keeps_its_letters_and_a_comment_addressing_them_is_redacted() -> None:
    code = "def f(J, j):\n    J = j + 1  # thanks, J\n    return O(J)  # J, check this\n"
    assert J.code(code, "python").text == (
        "def f(J, j):\n    J = j + 1  # thanks, [candidate]\n    return O(J)  # [candidate], check this\n"
    )
    assert (
        J.code('print("Thanks, J.")', "python").text == 'print("Thanks, J.")'
    )  # a literal's letters are data
    assert J.output("Thanks, J.\nJ, K\n").text == "Thanks, J.\nJ, K\n"


def test_a_one_letter_first_name_on_file_is_read_the_same_way() -> None:
    r = Redactor(redaction_terms("J Lee", "jl@example.com"))
    assert r.speech("Hi J, welcome. Is it J or K?").text == "Hi [candidate], welcome. Is it J or K?"
    assert Redactor(redaction_terms("J", None)).speech("Thanks, J.").text == "Thanks, [candidate]."


def _call(seq: int, call_them: object) -> BundleEvent:
    payload = {"name": "begin_problem", "call_id": "c1", "arguments": {"asked": [], "call_them": call_them}}
    return BundleEvent(seq=seq, type="tool_call", t=float(seq), payload={**payload, "output": ""})


def _source(greeting: str, call_them: object) -> BundleInput:
    base = interview()
    events = [
        transcript(100, 0.5, "assistant", "Hi! What should I call you?"),
        transcript(101, 0.6, "user", greeting),
        _call(102, call_them),
        *base.events,
        transcript(200, 175.0, "assistant", "Thanks, J. J, what is the complexity? Is it O(n)?"),
    ]
    return base.model_copy(update={"events": events})


@pytest.mark.parametrize("call_them", ["J", "J."])
def test_the_letter_asked_for_is_hidden_in_the_graded_record_whether_or_not_the_agent_kept_it(
    call_them: str,
) -> None:
    source = _source("Hi! Just call me J.", call_them)
    assert asked_name_terms(source.events) == ["J"]
    text = build_bundle(source, compute_facts(source)).interview
    assert "Thanks, [candidate]. [candidate], what is the complexity? Is it O(n)?" in text
    assert "Thanks, J" not in text and "J, what" not in text


@pytest.mark.parametrize(
    ("greeting", "call_them"),
    [("Hi! Anything is fine.", "J"), ("Hi! Just call me J.", "K"), ("Hi! Just call me J.", "7")],
)
def test_a_letter_the_candidate_never_said_adds_nothing(greeting: str, call_them: str) -> None:
    assert asked_name_terms(_source(greeting, call_them).events) == []


def test_the_pronoun_i_is_never_read_as_a_name() -> None:
    said = "I, um, think so. Thanks, I."
    assert Redactor(["I"]).speech(said).text == said
