"""Speed said of an earlier submission, and speed denied in words other than "not" (grader/claim_speed.py, 2026-12-06,
graderG10). "Their first submission, efficient and correct, passed; the final one timed out." speaks of the first
submission and holds where that one did not hit the time limit (it had been held against the last one and refused);
"the code is far from efficient" is a denial (the predicative reading had taken it as "is efficient"). Generated
over subjects, earlier times and denials, in the three places speed is said (after "is", before the noun, in
apposition), in both directions: true sentences kept, false ones refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grader.bundle import Bundle, build_bundle
from grader.claim_speed import speed_problems
from grader.facts import compute_facts
from grader.schemas import BundleInput, BundleRun
from tests.grader.bundles import CORRECT, START, event, interview, run_result
from tests.grader.test_claims_speed import PASSED, TOO_SLOW


def _two_submissions(*, first_slow: bool, last_slow: bool) -> Bundle:
    """The base interview's submission [14], then a second one [15]; each timed out on its hidden test or passed.
    With `first_slow`, the two runs before [7, 10] timed out too (the first code, whatever its noun names)."""
    source = interview(submitted=True)
    runs = list(source.runs)
    if first_slow:
        runs[:2] = [r.model_copy(update={"verdict": "time_limit"}) for r in runs[:2]]

    def result(slow: bool) -> dict[str, object]:
        out = run_result(2, 0 if slow else 1)
        if slow:
            out["verdict"] = "time_limit"
        return out

    runs[-1] = runs[-1].model_copy(
        update={"result": result(first_slow), "verdict": "time_limit" if first_slow else "accepted"}
    )
    runs.append(
        BundleRun(id="s2", kind="submit", language="python", code=CORRECT,
                  verdict="time_limit" if last_slow else "accepted", result=result(last_slow),
                  created_at=START + timedelta(seconds=185))
    )  # fmt: skip
    events = [*source.events, event(15, "submission", 185.0, submission_id="s2", by="candidate")]
    changed: BundleInput = source.model_copy(update={"runs": runs, "events": events})
    return build_bundle(changed, compute_facts(changed))


FAST_THEN_SLOW = _two_submissions(first_slow=False, last_slow=True)
SLOW_THEN_FAST = _two_submissions(first_slow=True, last_slow=False)


def _problems(text: str, bundle: Bundle) -> list[str]:
    return speed_problems([("dimensions.coding.justification", text)], bundle.index)


EARLIER = ["first", "initial", "earlier", "previous", "original"]
NOUNS = ["submission", "solution", "code"]
# Speed said of the earlier code: in apposition, after "is", before the noun; then the last one's time-out.
SAID = [
    "Their {when} {noun}, efficient and correct, passed; the final one timed out.",
    "The {when} {noun} was efficient, but the final submission timed out.",
    "Their {when} {noun} was fast; the last one hit the time limit.",
    "The candidate's {when} efficient {noun} passed every test; the final one timed out.",
    "The {when} {noun} (fast and clean) passed, but the last submission timed out.",
]


def _earlier_cases() -> list[str]:
    return [s.format(when=w, noun=n) for s in SAID for w in EARLIER for n in NOUNS]


# Other shapes of the same: a part of the code "of" it, a possessive, Spanish.
EARLIER_SHAPES = [
    "The first version of their code was efficient; the final submission timed out.",
    "The code's first version was fast, but the final one timed out.",
    "An earlier draft of the solution was efficient.",
    "The candidate's first submission was efficient.",
    "Su primera entrega, eficiente y correcta, pasó; la última excedió el límite de tiempo.",
    "La primera solución fue eficiente, pero la última excedió el límite de tiempo.",
    "Initially, the code was efficient, but the final submission timed out.",
    "At first the solution was fast; the last one timed out.",
    "Their penultimate submission was efficient.",
    "The second-to-last submission, efficient and correct, passed.",
]


@pytest.mark.parametrize("text", [*_earlier_cases(), *EARLIER_SHAPES])
def test_speed_said_of_an_earlier_submission_is_held_against_that_one(text: str) -> None:
    """True where the earlier code passed and the last submission timed out; refused where the earlier code timed
    out (the first submission for "submission", the first run for "solution" and "code")."""
    assert _problems(text, FAST_THEN_SLOW) == [], text
    assert _problems(text, SLOW_THEN_FAST), text


@pytest.mark.parametrize(
    "text",
    [
        "The final submission, efficient and correct, passed.",
        "The last submission was efficient.",
        "The submitted code was fast.",
        "After the first hint, the code was efficient.",  # the first hint, not the first code
        "At first the interviewer hinted at a hash map, and the solution was efficient.",
        "Their second submission, efficient and correct, passed.",  # the second is the last here
        "The solution is efficient.",
        "Initially slow, the final code was efficient.",  # the time word of the noun phrase decides
    ],
)
def test_the_last_submission_said_fast_is_still_held_against_the_last(text: str) -> None:
    assert _problems(text, FAST_THEN_SLOW), text
    assert _problems(text, SLOW_THEN_FAST) == [], text


def test_the_first_submission_is_the_last_where_there_is_one() -> None:
    assert _problems("Their first submission, efficient and correct, passed.", TOO_SLOW)
    assert _problems("Their first submission, efficient and correct, passed.", PASSED) == []


SUBJECTS = ["The code", "The solution", "The final submission", "Their implementation", "It"]
DENIALS = [
    "far from",
    "anything but",
    "hardly",
    "nowhere near",
    "a far cry from",
    "scarcely",
    "a long way from",
]
# Each place speed is said, with the denial before the word; {adj} stands for the speed word.
PLACES = [
    "{subject} is {denial} {adj}.",
    "{subject} was {denial} {article} {adj} solution.",
    "{subject} passed the visible tests but was {denial} {adj}.",
    "{subject} was {denial} a clean, {adj} implementation.",
]
ADJECTIVES = ["efficient", "optimal", "fast", "scalable"]


def _denied_cases() -> list[tuple[str, str]]:
    out = []
    for i, place in enumerate(PLACES):
        for j, subject in enumerate(SUBJECTS):
            for k, denial in enumerate(DENIALS):
                adj = ADJECTIVES[(i + j + k) % len(ADJECTIVES)]
                article = "an" if adj[0] in "aeiou" else "a"
                said = place.format(subject=subject, denial=denial, adj=adj, article=article)
                claim = place.format(subject=subject, denial="", adj=adj, article=article).replace("  ", " ")
                out.append((said, claim))
    return out


@pytest.mark.parametrize(("denied", "claimed"), _denied_cases())
def test_speed_denied_in_words_other_than_not_is_no_claim(denied: str, claimed: str) -> None:
    """The denial is true where the last submission timed out; the same sentence without it is refused there."""
    assert _problems(denied, TOO_SLOW) == [], denied
    assert _problems(claimed, TOO_SLOW), claimed
    assert _problems(claimed, PASSED) == [], claimed


@pytest.mark.parametrize(
    "text",
    [
        "The code is less than efficient.",
        "The final code is less efficient than the first.",
        "The code is anything other than efficient.",
        "The code was supposedly efficient.",
        "The code is efficient?",
        "La solución está lejos de ser eficiente.",
        "El código dista de ser una solución eficiente.",
        "Far from an efficient solution, the final code timed out.",
    ],
)
def test_other_denials_are_no_claim(text: str) -> None:
    assert _problems(text, TOO_SLOW) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "The code was far from slow: it is efficient.",  # the denial is of slowness; then the claim
        "It took far from ideal steps, but the final code is efficient.",
        "In less than ten minutes they wrote an efficient solution.",
        "Their final efficient solution was submitted last.",
    ],
)
def test_a_denial_of_something_else_leaves_the_claim(text: str) -> None:
    assert _problems(text, TOO_SLOW), text


def _never_on_hidden(*, compiled: bool) -> Bundle:
    """No run showed the code on the hidden tests: no submission at all, or one that did not compile."""
    source = interview(submitted=not compiled)
    if not compiled:
        runs = list(source.runs)
        failed = run_result(0, None)
        failed["verdict"] = "compile_error"
        runs[-1] = runs[-1].model_copy(update={"result": failed, "verdict": "compile_error"})
        source = source.model_copy(update={"runs": runs})
    return build_bundle(source, compute_facts(source))


UNSUBMITTED = _never_on_hidden(compiled=True)
NOT_COMPILED = _never_on_hidden(compiled=False)
# Code said fast, in each place speed is said, with nothing in its sentence of why.
BARE = [
    "The solution is efficient.",
    "The final code runs fast.",
    "The candidate delivered an efficient solution.",
    "Their final submission, efficient and idiomatic, was the last thing they did.",
    "Their first submission was fast.",
    "La solución es eficiente.",
]
# The same with the reason, a reading of the code (grader/claim_complexity.py's): one pass, a hash map, a sort.
REASONED = [
    "The solution is efficient: one pass with a hash map.",
    "The final code runs fast because it visits each element once.",
    "The candidate delivered an efficient solution that sorts first and uses two pointers.",
    "La solución es eficiente porque recorre la lista una vez.",
]


@pytest.mark.parametrize("bundle", [UNSUBMITTED, NOT_COMPILED], ids=["unsubmitted", "not-compiled"])
@pytest.mark.parametrize("text", BARE)
def test_code_never_run_on_the_hidden_tests_said_fast_needs_its_reason(text: str, bundle: Bundle) -> None:
    """Nothing hit the time limit there, and nothing showed the code on large inputs either: the record says
    nothing of its speed, so a bare claim is sent back as a bare big-O is; where the hidden tests passed it holds."""
    problems = _problems(text, bundle)
    assert problems and "hidden tests" in problems[0], text
    assert _problems(text, PASSED) == [], text


@pytest.mark.parametrize("bundle", [UNSUBMITTED, NOT_COMPILED], ids=["unsubmitted", "not-compiled"])
@pytest.mark.parametrize(
    "text",
    [
        *REASONED,
        "The code never timed out.",  # true: no run hit the time limit
        "The approach is efficient.",
        "The code is not efficient.",
        "The code runs fast on the visible tests.",
        "The code is far from efficient.",
    ],
)
def test_a_reasoned_claim_a_denial_or_no_time_out_is_kept_where_no_hidden_test_ran(
    text: str, bundle: Bundle
) -> None:
    assert _problems(text, bundle) == [], text


def test_a_long_sentence_of_named_and_denied_phrases_is_read_in_bounded_time() -> None:
    """Each phrase's time word and denial are read in a bounded window before it, not from the sentence's start."""
    import time

    text = (
        "their first efficient submission, far from an efficient solution, the code's earlier version " * 120
    )
    start = time.perf_counter()
    _problems(text, FAST_THEN_SLOW)
    _problems(text, UNSUBMITTED)
    assert time.perf_counter() - start < 2.0
