"""The code a speed claim names is read in the claim's own clause first (grader/claim_speed.py `_named`, 2026-12-06,
reviewV11). "Although the first submission timed out, the final one is efficient": "one" is no noun of the code, so
the subject found is the first clause's "submission", and its "first" had named the first submission: the true
sentence was refused where the last submission passed, and the false one kept where only the first passed. Generated
over the clause joins, the later time words and the verbs; the subject's own time word still decides where the
claim's clause has none ("The first submission, in Python, was efficient").

And a comparison or another resource after "is" or a verb of running ("is far more efficient than the brute force",
"is memory efficient") is no speed of the code's own, as before a noun ("a more efficient solution"): it was refused
where the code timed out, and, since the never-run rule, wherever no submission ran the hidden tests.

And a denial in other words than "not" denies only what it is said of: "far from perfect but efficient" says the code
efficient (the denial's modifiers had run on through "but" to the word of speed, and the false sentence was kept)."""

from __future__ import annotations

import pytest

from grader.bundle import Bundle, build_bundle
from grader.claim_speed import speed_problems
from grader.facts import compute_facts
from tests.grader.bundles import interview
from tests.grader.test_claims_speed import TOO_SLOW
from tests.grader.test_claims_speed_named_and_denied import FAST_THEN_SLOW, SLOW_THEN_FAST

_SOURCE = interview(submitted=False)
NO_SUBMISSION = build_bundle(_SOURCE, compute_facts(_SOURCE))

JOINS = [
    "Although the first {noun} timed out, the {when} one {verb}.",
    "The first {noun} timed out, but the {when} one {verb}.",
    "The first {noun} was slow, while the {when} one {verb}.",
    "Their first {noun} hit the time limit, whereas the {when} one {verb}.",
]
LATER = ["final", "last", "latest"]
NOUNS = ["submission", "solution", "code"]
VERBS = ["is efficient", "was fast", "was both correct and efficient"]
LATER_SAID = [
    j.format(noun=n, when=w, verb=v) for j in JOINS for n in NOUNS for w in LATER for v in VERBS
] + ["Aunque la primera entrega excedió el límite de tiempo, la última es eficiente."]


def _problems(text: str, fast_then_slow: bool) -> list[str]:
    bundle = FAST_THEN_SLOW if fast_then_slow else SLOW_THEN_FAST
    return speed_problems([("dimensions.coding.justification", text)], bundle.index)


@pytest.mark.parametrize("text", LATER_SAID)
def test_the_later_code_named_in_the_claims_clause_is_judged(text: str) -> None:
    assert _problems(text, fast_then_slow=False) == []  # true: the last submission passed
    assert _problems(text, fast_then_slow=True)  # false: the last submission timed out


@pytest.mark.parametrize(
    "text",
    ["The first submission, in Python, was efficient.", "Their initial solution, in Python, was fast."],
)
def test_the_subjects_own_time_word_decides_where_the_claims_clause_has_none(text: str) -> None:
    assert _problems(text, fast_then_slow=True) == []
    assert _problems(text, fast_then_slow=False)


SUBJECTS = ["The final solution", "It", "The code", "La solución"]
RELATIVE = [
    "is far more efficient than the brute force",
    "was much more efficient than the first submission",
    "is more efficient, though it still timed out",
    "is memory efficient",
    "was space efficient but slow",
    "runs more efficiently than the nested loops",
    "es más eficiente que la fuerza bruta",
]
ABSOLUTE = ["is correct, memory efficient and fast", "is more readable and efficient", "runs efficiently"]


def _read(text: str, bundle: Bundle) -> list[str]:
    return speed_problems([("dimensions.coding.justification", text)], bundle.index)


@pytest.mark.parametrize("said", [f"{s} {r}." for s in SUBJECTS for r in RELATIVE])
def test_a_comparison_or_another_resource_is_no_speed_claim(said: str) -> None:
    assert _read(said, TOO_SLOW) == []
    assert _read(said, NO_SUBMISSION) == []


@pytest.mark.parametrize("said", [f"{s} {r}." for s in SUBJECTS[:3] for r in ABSOLUTE])
def test_speed_said_of_the_code_itself_beside_one_is_still_read(said: str) -> None:
    assert _read(said, TOO_SLOW)


DENIED_OTHER = [
    "far from perfect",
    "hardly readable",
    "nowhere near idiomatic",
    "anything but elegant",
]
THEN_FAST = [
    " but efficient",
    ", yet fast",
    ", though efficient",
    " but optimal",
    ", but it is efficient",
]
DENIED_SPEED = [
    "far from efficient",
    "far from a clean, scalable and efficient solution",
    "far from being truly efficient",
    "hardly optimal",
    "nowhere near fast enough",
    "anything but an efficient solution",
]


@pytest.mark.parametrize("said", [f"The code is {d}{f}." for d in DENIED_OTHER for f in THEN_FAST])
def test_a_denial_of_another_word_does_not_deny_the_speed_said_after_it(said: str) -> None:
    assert _read(said, TOO_SLOW)


@pytest.mark.parametrize("said", [f"The code is {d}." for d in DENIED_SPEED])
def test_a_denial_of_the_speed_itself_stays_no_claim(said: str) -> None:
    assert _read(said, TOO_SLOW) == []


@pytest.mark.parametrize(
    "said", ["The code is efficient in both time and memory.", "The solution is fast and memory-friendly."]
)
def test_memory_is_no_reason_from_the_code(said: str) -> None:
    """ "memory" had been read as "memoization" (`memo\\w*`), the reason that lets code never run on the hidden tests
    be called fast."""
    assert _read(said, NO_SUBMISSION)


def test_memoization_still_is_one() -> None:
    assert _read("The code is efficient thanks to memoized calls.", NO_SUBMISSION) == []
