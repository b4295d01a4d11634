"""A name not on file that the candidate introduces themselves by without the word "name" ("I'm Priya", "this is
Priya speaking", "Priya here", "soy Priya"), and a name spelled out after a cue ("my name is j o h n", "I'm P R I Y
A"), are replaced (grader/introductions.py); what is said the same way about a state, a language or a method stays
("I'm stuck", "I'm Python-first", "This is Python.", "Checked here, ...")."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("I'm Priya", "I'm [candidate]"),
        ("Hi, I'm Priya, nice to meet you", "Hi, I'm [candidate], nice to meet you"),
        (
            "Hi, I'm Priya Raman and I'll be solving it in Python",
            "Hi, I'm [candidate] and I'll be solving it in Python",
        ),
        ("I am Jean-Luc Picard.", "I am [candidate]."),
        ("I'm O'Brien.", "I'm [candidate]."),
        ("I\u2019m Jos\u00e9.", "I\u2019m [candidate]."),
        ("this is Priya speaking", "this is [candidate] speaking"),
        ("Hello, this is Priya.", "Hello, this is [candidate]."),
        ("it's Priya here, by the way", "it's [candidate] here, by the way"),
        ("Hi, Priya here.", "Hi, [candidate] here."),
        ("Okay. Priya speaking.", "Okay. [candidate] speaking."),
        ("Hey Priya here", "Hey [candidate] here"),
        ("I'm Dr. Priya Raman.", "I'm [title]. [candidate]."),
        # A lone initial joined to the surname goes with it.
        ("I'm A. Lovelace.", "I'm [candidate]."),
        ("this is a. lovelace", "this is [candidate]"),
        ("Dr. A. Lovelace here", "[title]. [candidate] here"),
        ("hi, L Lovelace here", "hi, [candidate] here"),
        ("Priya's my name", "[candidate]'s my name"),
        ("Okay, Priya Raman is my full name.", "Okay, [candidate] is my full name."),
        ("Candidate: Priya Raman", "Candidate: [candidate]"),
        ("I\u2019m Priya \u2014 a backend dev", "I\u2019m [candidate] \u2014 a backend dev"),
        ("I'm PRIYA.", "I'm [candidate]."),
        ("I'm Priya R. and I code", "I'm [candidate]. and I code"),
        ("I'm called Priya.", "I'm called [candidate]."),
        ("people know me as Priya", "people know me as [candidate]"),
        ("the name's Priya", "the name's [candidate]"),
        ("soy Priya, mucho gusto", "soy [candidate], mucho gusto"),
        ("je suis Priya.", "je suis [candidate]."),
        ("ich bin Priya.", "ich bin [candidate]."),
        ("eu sou a Priya.", "eu sou a [candidate]."),
        # Spelled out, after an introduction or "my name is" (letters are one word, not two to three).
        ("I'm P R I Y A", "I'm [candidate]"),
        ("I am J o h n.", "I am [candidate]."),
        ("my name is j o h n", "my name is [candidate]"),
        ("my name is J O H N S M I T H and I code", "my name is [candidate] and I code"),
    ],
)
def test_a_name_given_in_an_introduction_is_redacted(said: str, expected: str) -> None:
    assert R.speech(said).text == expected
    assert R.output(said).text == expected


def test_an_introduction_in_a_comment_is_redacted() -> None:
    code = "# Hi, I'm Priya Raman.\nx = 1  # Priya here\n# Regards, Priya Raman\n"
    assert (
        R.code(code, "python").text == "# Hi, I'm [candidate].\nx = 1  # Priya here\n# Regards, [candidate]\n"
    )
    assert (
        R.code("// I'm Priya, by the way\nint x;\n", "cpp").text == "// I'm [candidate], by the way\nint x;\n"
    )


@pytest.mark.parametrize(
    "said",
    [
        "I'm stuck",
        "I'm Python-first",
        "I'm Fine with that",
        "I am Sorry.",
        "I'm Done",
        "I'm Java dev",
        "soy Java dev",
        "I'm AWS certified",
        "I'm a Python dev",
        "I'm DP-first, honestly",
        "I'm OK.",
        "I'm A B testing it",
        "This is Python.",
        "this is BFS here.",
        "so put Priya here.",
        "Recursion here.",
        "Priya here.",
        "Return here.",
        "Insert here, then swap.",
        "Name: Merge Intervals",
        "Thanks, that helps.",
        "Thanks, Mike.",
        "candidate: CandidateSession,",
        "candidate: Type",
        "I'm DONE.",
        "Best, worst and average case",
        "it is known as Two Sum",
        "Hi, Dijkstra here?",
        "we call it Kadane here.",
        "Is the Heap here?",
        "So. Index here.",
        "Node here!",
        "Checked here, the claim row",
        "Closing here keeps it open",
        "e.g. 486 (Busy Here).",
        "my name is Priya and I like a b c",
    ],
)
def test_the_same_words_about_a_state_a_language_or_a_method_stay(said: str) -> None:
    expected = said.replace("Priya", "[candidate]") if said.startswith("my name") else said
    assert R.speech(said).text == expected
    assert R.output(said).text == expected


def test_an_introduction_in_a_string_literal_of_code_is_redacted() -> None:
    code = "print('Hi, I am Priya.')\nprint(\"I'm Priya Raman, hire me\")\n"
    assert (
        R.code(code, "python").text == "print('Hi, I am [candidate].')\nprint(\"I'm [candidate], hire me\")\n"
    )
    assert R.code("/* I'm Priya */\nint x;\n", "cpp").text == "/* I'm [candidate] */\nint x;\n"
    # A literal's label or a name before "speaking" is data; a type annotation is no label.
    kept = "x = 'Candidate: Priya Raman'\ny = \"Priya speaking\"\ndef f(candidate: CandidateSession): ...\n"
    assert R.code(kept, "python").text == kept


@pytest.mark.parametrize(
    "code",
    [
        'assert greet("Alice") == "Hello, I\'m Alice"\n',
        'def test_intro():\n    assert parse("I am Sam") == "Sam"\n',
        'NAME = "Groot"\n\n\ndef test_hello():\n    assert hello(NAME) == "Hi, I am Groot."\n',
        "assert greet('Alice') == 'Hello, I am Alice'\n",  # in single quotes, the quote is no part of the name
    ],
)
def test_an_introduction_of_a_name_the_code_also_writes_is_a_tests_data(code: str) -> None:
    # A fixture's greeting: the name is the test's input too (a literal, an identifier's value), not the candidate's.
    assert R.code(code, "python").text == code


def test_a_name_that_ends_a_single_quoted_literal_is_redacted() -> None:
    # The closing quote ends the clause, as a double one does; "Priya's" goes on.
    code = "print('Hi, I am Priya')\nprint('I am Zanele Mbeki')\n"
    assert R.code(code, "python").text == "print('Hi, I am [candidate]')\nprint('I am [candidate]')\n"
    assert R.speech("I'm Priya's colleague").text == "I'm Priya's colleague"


def test_comments_that_say_what_is_done_here_stay() -> None:
    code = (
        "def f(job):\n    # Imported here, in the job process\n    import os\n"
        "    # Given here, this list reports\n    # No LiveKit here: the call says\n    return os\n"
    )
    assert R.code(code, "python").text == code


def test_a_long_text_of_introductions_is_redacted_throughout() -> None:
    # Structure, not timing: each of many introductions in one text is found, each of many near misses kept.
    said = "Hi, I'm Priya. I'm stuck. Hi, Priya here. Recursion here. " * 5000
    out = R.speech(said).text
    assert out == "Hi, I'm [candidate]. I'm stuck. Hi, [candidate] here. Recursion here. " * 5000
    letters = "I'm " + " ".join("ABCDEFGHIJ" * 3000)
    assert R.speech(letters).text == "I'm [candidate]"
