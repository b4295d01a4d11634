"""Self-introductions the rules of grader/introductions.py had let through (review of 2026-12-05, third wave), and a
program's output read for the candidate's own names only.

- A name followed by what says its speaker is introducing themself (a pleasantry, where they work or study, their
  role, where they join from) is read where it had not been: lower case without a greeting ("i'm priya, i work at
  acme"), "<Name> here, I work at Acme" where a turn opens, and "this is <Name>" where no clause opens ("so this is
  Priya, nice to meet you"). Without such words these stay as they were: "i'm zanele", "Priya here."
  (tests/grader/test_redact_intro_gaps.py keeps them); "So this is Zanele from Acme" is read since discourse words
  open a clause (tests/grader/test_redact_discourse_intros.py).
- What a program printed is a record as often as a sentence: "Name: Alice" is a field of the candidate's test data,
  not the candidate, and stays; the name on file, a self-introduction printed ("I'm Priya", "Candidate: Priya
  Raman") and a name the candidate introduced themself by in the interview are still replaced there
  (grader/self_named.py)."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.redact import Redactor
from grader.schemas import BundleEvent, BundleRun
from tests.grader.bundles import START, interview, run_result, transcript

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # Lower case without a greeting, before what says it is an introduction.
        ("i'm priya, i work at acme", "i'm [candidate], i work at acme"),
        ("i'm priya i work at acme", "i'm [candidate] i work at acme"),
        (
            "i am wei chen and i'm a data scientist at a bank",
            "i am [candidate] and i'm a data scientist at a bank",
        ),
        ("i'm zanele, nice to meet you", "i'm [candidate], nice to meet you"),
        (
            "so i'm olusegun, i've been a developer for five years",
            "so i'm [candidate], i've been a developer for five years",
        ),
        ("i'm nguyen, joining from hanoi", "i'm [candidate], joining from hanoi"),
        ("i'm priya, i'm here for the interview", "i'm [candidate], i'm here for the interview"),
        ("soy priya, trabajo en acme", "soy [candidate], trabajo en acme"),
        # "<Name> here" where a turn opens, before what says it is an introduction.
        (
            "Priya here, I work at Acme as a backend engineer",
            "[candidate] here, I work at [company] as a backend engineer",
        ),
        (
            "Priya here, I'm a backend engineer at Acme",
            "[candidate] here, I'm a backend engineer at [company]",
        ),
        ("Wei Chen here and I'm a student at MIT", "[candidate] here and I'm a student at [school]"),
        ("Okay. Zanele here, calling in from Cape Town", "Okay. [candidate] here, calling in from Cape Town"),
        # "this is <Name>" where no clause opens, before what says it is an introduction.
        ("so this is Priya, nice to meet you", "so this is [candidate], nice to meet you"),
        (
            "okay so this is Zanele from Acme Corp, nice to meet you",
            "okay so this is [candidate] from [company], nice to meet you",
        ),
        ("and this is Wei Chen, I work for a fintech", "and this is [candidate], I work for a fintech"),
        ("so this is priya, i work at acme", "so this is [candidate], i work at acme"),
    ],
)
def test_an_introduction_said_as_one_is_redacted(said: str, expected: str) -> None:
    assert R.speech(said).text == expected
    assert R.output(said).text == expected


KEPT = [
    # A state, a role or a type where the name would be: the words of grader/intro_words.py and NOT_NAMES.
    "i'm stuck, i work at it slowly",
    "i'm back, i work at the same place",
    "i'm rusty, i've been a manager for years",
    "i'm nervous, nice to meet you",
    "i'm sorry, i'm a student and this is new",
    "i'm thinking, i work for a bank so",
    "i'm an engineer, i work at acme",
    "i'm the candidate, nice to meet you",
    "i'm done, i'm here for the interview",
    "Node here, I'm a developer",
    "Fixed here, I work at it",
    "so this is Python, I work at a bank",
    "so this is Counter, I'm a developer",
    # Without words that say it is an introduction, the shapes stay as tests/grader/test_redact_intro_gaps.py keeps
    # them.
    "i'm zanele",
    "Priya here.",
    "Alice here is the input",
]


@pytest.mark.parametrize("said", KEPT)
def test_the_same_shapes_without_a_name_stay(said: str) -> None:
    assert R.speech(said).text == said


@pytest.mark.parametrize(
    "printed",
    [
        "Name: Alice",
        "Name: Alice\nAge: 30\n",
        "Name: Zanele Mbeki\nAge: 30",
        "Full name: Zanele Mbeki\n",
        "Nombre: Zanele Mbeki",
        "Name - Wei Chen",
        "NAME: ZANELE MBEKI",
    ],
)
def test_a_record_field_a_program_printed_is_its_data(printed: str) -> None:
    """The candidate's code printing its test data ("Name: Alice") names no one: it stays in output, as the same
    line said or written in a comment is still read as a label there."""
    assert R.output(printed).text == printed
    assert "[candidate]" in R.speech(printed).text


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Name: Ada Lovelace", "Name: [candidate]"),  # the name on file
        ("Name: LOVELACE\n", "Name: [candidate]\n"),
        ("Candidate: Zanele Mbeki", "Candidate: [candidate]"),  # a label that says whose name it is
        ("My name: Zanele Mbeki", "My name: [candidate]"),
        ("Hi, I'm Zanele", "Hi, I'm [candidate]"),  # a self-introduction printed
        ("Hello, my name is Zanele", "Hello, my name is [candidate]"),
    ],
)
def test_the_candidates_own_name_in_output_is_still_redacted(printed: str, expected: str) -> None:
    assert R.output(printed).text == expected


def test_a_name_the_candidate_introduced_themself_by_is_theirs_in_output() -> None:
    """Introduced as "Priya Raman" (not on file), the candidate's program printing "Name: Priya" is their name; its
    "Name: Alice" is test data."""
    source = interview(
        extra_events=[
            transcript(15, 175.0, "user", "Sorry, I should have said: I'm Priya Raman, I work at Acme."),
            BundleEvent(seq=16, type="test_run", t=185.0, payload={"submission_id": "r3", "by": "candidate"}),
        ]
    )
    printed = run_result(0, None)
    printed["tests"][0]["stdout"] = "Name: Priya\nName: Alice\n"
    printed["tests"][1]["stdout"] = "Raman was here\n"
    source.runs.append(
        BundleRun(id="r3", kind="run", language="python", code="def two_sum(nums, target):\n    return []\n",
                  verdict="wrong_answer", result=printed, created_at=START)
    )  # fmt: skip
    bundle = build_bundle(source, compute_facts(source))
    assert "Priya" not in bundle.interview and "Raman" not in bundle.interview
    assert '"Name: [candidate]\\nName: Alice\\n"' in bundle.interview
    assert '"[candidate] was here\\n"' in bundle.interview


def test_the_names_learned_are_the_introductions_only_and_bounded() -> None:
    from grader.self_named import MAX_NAMES, self_introduced  # new with these rules

    said = [
        "Hi, I'm Priya Raman, nice to meet you.",
        "I'm stuck on the loop.",
        "my name is j o h n",
        "Name: Merge Intervals",
        "The interviewer said Alice.",
    ]
    assert self_introduced(said) == ["Priya Raman", "Priya", "Raman", "john"]
    given = ("Zanele", "Olusegun", "Siobhan", "Nguyen", "Wei", "Jose", "Priya", "Mbeki")
    many = [f"I'm {g} {f}." for f in ("Okafor", "Moreau", "Haddad", "Lindqvist") for g in given]
    assert len(many) > MAX_NAMES
    wholes = [t for t in self_introduced(many) if " " in t]
    assert wholes == [m.removeprefix("I'm ").removesuffix(".") for m in many[:MAX_NAMES]]
