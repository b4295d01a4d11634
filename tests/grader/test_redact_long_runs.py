"""A long run of one separator (typed spaces, tabs, line breaks, a rule of dashes) is read as its ends: the
redaction of a line with a run of thousands equals that of the same line with a short run, and the characters of the
run stay as typed (grader/matching_form.py `LONG_RUN`). Costs belong to bench/ (`python -m bench grader_redaction`)."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.matching_form import RUN_KEEP, normalise
from grader.redact import Redactor
from grader.self_named import self_introduced
from grader.word_patterns import trie

LONG = 3_000  # a typed chat message may hold 4,000 characters
SHORT = 2 * RUN_KEEP  # kept whole

# (mode, text with {run} where the run goes); each holds something to redact on either side of the run
LINES = [
    ("speech", "my name is{run}Priya, call me at 415 555 0134"),
    ("speech", "hi I'm Priya Raman{run}you can mail priya.r@example.com"),
    ("speech", "Priya here, five five five{run}one two three four, that's my cell"),
    ("output", "Author: Priya Raman{run}phone 415-555-0134"),
    ("code", "# my github is zq_dev{run}\ndef solve(a):  # Priya Raman\n    return a"),
    ("code", "x = 1  # nothing here{run}# contact: priya.r@example.com"),
]
RUNS = {"space": " ", "tab": "\t", "nbsp": "\u00a0", "newline": "\n", "mixed": " \t\n", "dash": "-", "dot": ".",
        "underscore": "_", "equals": "="}  # fmt: skip


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(redaction_terms("Priya Raman", "priya.r@example.com"))


@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
@pytest.mark.parametrize(("mode", "line"), LINES)
def test_a_long_run_redacts_as_the_same_line_with_a_short_run(
    redactor: Redactor, mode: str, line: str, run: str
) -> None:
    long_run, short_run = (run * LONG)[:LONG], (run * SHORT)[:SHORT]
    long_view = redactor(line.format(run=long_run), mode, "python")  # type: ignore[arg-type]  # a Mode literal
    short_view = redactor(line.format(run=short_run), mode, "python")  # type: ignore[arg-type]
    assert "[" in short_view.text  # something on the line is redacted
    assert long_view.text == short_view.text.replace(short_run, long_run, 1)
    assert long_view.original == line.format(run=long_run)


def test_a_match_that_ends_before_a_runs_dropped_middle_does_not_take_it() -> None:
    text = "a" + " " * 100 + "b"
    normal = normalise(text)
    assert normal.text == "a" + " " * (2 * RUN_KEEP) + "b"
    assert normal.span(0, 1 + RUN_KEEP) == (0, 1 + RUN_KEEP)  # the run's head only
    assert normal.span(0, 2 + 2 * RUN_KEEP) == (0, len(text))  # across the run: all of it
    assert normal.span(1 + RUN_KEEP, 2 + 2 * RUN_KEEP) == (len(text) - 1 - RUN_KEEP, len(text))


def test_a_line_break_inside_a_long_run_is_kept_so_a_comment_still_ends() -> None:
    text = "# note" + " " * 500 + "\n" + " " * 500 + "x = 'Priya'"
    normal = normalise(text)
    assert normal.text.count("\n") == 1
    assert normal.text.startswith("# note") and normal.text.endswith("x = 'Priya'")
    assert len(normal.text) == len("# note") + 2 * RUN_KEEP + 1 + len("x = 'Priya'")


def test_a_self_introduced_name_of_thousands_of_letters_is_no_term() -> None:
    # It overflowed the stack where the redactor builds its terms' prefix tree and pinyin readings.
    assert self_introduced(["my name is " + "a" * 4_000]) == []
    assert self_introduced(["my name is Priya"]) == ["Priya"]


def test_a_prefix_tree_of_a_long_term_is_one_literal() -> None:
    assert trie(["ab" * 3_000]) == "ab" * 3_000
    assert trie(["priya", "priyanka", "raman"]) == "(?:priya(?:nka)?|raman)"
