"""The solution's success said with no tests and no count ("The submission passed.", "The solution is fully
correct.", "solved it completely", "no bugs remained", "La solución es correcta.") is a result claim: it holds only
where the recorded runs say the solution passed every test at the end (or, said of an earlier time, at some point).
The approach, a hedge, a part, a negation, a hypothesis and the candidate being right about something are no such
claim. The claims are built from subjects x predicates, in English and Spanish."""

from __future__ import annotations

import itertools

import pytest

from grader.bundle import Bundle, build_bundle
from grader.claims import claim_problems
from grader.facts import compute_facts
from grader.schemas import BundleInput
from tests.grader.bundles import interview, run_result


def _failed_hidden() -> BundleInput:
    """The visible tests at 1/2 and the submission's hidden test failed (0/1)."""
    source = interview(submitted=True)
    runs = list(source.runs)
    runs[1] = runs[1].model_copy(update={"result": run_result(1, None), "verdict": "wrong_answer"})
    runs[-1] = runs[-1].model_copy(update={"result": run_result(1, 0), "verdict": "wrong_answer"})
    return source.model_copy(update={"runs": runs})


def _bundle(source: BundleInput) -> Bundle:
    return build_bundle(source, compute_facts(source))


FAILED = _bundle(_failed_hidden())
PASSED = _bundle(interview(submitted=True))  # every test passed, the last submission too
UNSUBMITTED = _bundle(interview(submitted=False))  # the visible tests passed; nothing was submitted


def _problems(text: str, bundle: Bundle) -> list[str]:
    return claim_problems([("dimensions.coding.justification", text)], bundle.facts, bundle.index)


def test_the_facts_are_as_the_claims_assume() -> None:
    hidden = FAILED.facts.hidden_tests.final
    assert hidden is not None and (hidden.passed, hidden.total) == (0, 1)
    passed = PASSED.facts.hidden_tests.final
    assert passed is not None and (passed.passed, passed.total) == (1, 1)
    assert UNSUBMITTED.facts.hidden_tests.final is None


SUBJECTS = [
    "The submission",
    "The code",
    "Their final code",
    "The solution",
    "It",
    "The final implementation",
]
PREDICATES = [
    "passed",
    "passed everything",
    "is fully correct",
    "was correct",
    "works on all inputs",
    "handled every input correctly",
    "worked perfectly",
    "was accepted",
    "succeeded",
    "turned out to be correct",
    "is bug-free",
    "had no bugs",
    "ran correctly on all inputs",
    "produced the correct output for every input",
]
SPANISH_SUBJECTS = ["La solución", "El código final", "Su entrega", "La implementación"]
SPANISH_PREDICATES = [
    "pasó",
    "pasó todo",
    "es correcta",
    "es totalmente correcta",
    "funciona con todas las entradas",
    "funciona perfectamente",
    "fue aceptada",
    "no tiene errores",
]
OTHER_FORMS = [
    "The candidate solved it completely.",
    "The candidate solved the problem.",
    "She solved the problem with a hash map in O(n).",
    "They were able to solve it.",
    "No bugs remained.",
    "No bugs remained in the final code.",
    "They arrived at a correct solution.",
    "They delivered a working solution.",
    "A fully working solution in 20 minutes.",
    "Correct and efficient code.",
    "They finished with a correct, efficient solution.",
    "The candidate got it right.",
    "The candidate nailed it.",
    "Everything passed.",
    "Everything works.",
    "Clean code, and it works.",
    "The approach was sound and the code was correct.",
    "Resolvió el problema.",
    "La candidata resolvió el problema por completo.",
    "Llegó a una solución correcta.",
    "No quedaron errores.",
    "El código funciona.",
    "Their code is correct, though they were slow to start.",
    "Result: passed.",
    "In the end, everything worked.",
    # Any other word of success said of the code, or a failure denied of it.
    "The code is one hundred percent correct.",
    "The solution holds up on every input.",
    "This is a complete, correct solution.",
    "The final submission: accepted.",
    "The final submission was a success.",
    "The submission was successful.",
    "The submission came back green.",
    "The final submission went through.",
    "The submission cleared.",
    "Solution status: correct.",
    "The task was completed successfully.",
    "The candidate finished with working code.",
    "Ended with passing code.",
    "The candidate's code has zero bugs.",
    "Zero bugs remained.",
    "The code had no issues.",
    "Nothing failed.",
    "Nothing was wrong with the final code.",
    "It never failed.",
    "The code never broke.",
    "It didn't fail at all.",
    "La entrega fue un éxito.",
    "El código nunca falló.",
]
SUCCESS = sorted(
    {f"{s} {p}." for s, p in itertools.product(SUBJECTS, PREDICATES)}
    | {f"{s} {p}." for s, p in itertools.product(SPANISH_SUBJECTS, SPANISH_PREDICATES)}
    | set(OTHER_FORMS)
)


@pytest.mark.parametrize("text", SUCCESS)
def test_the_solution_said_to_succeed_where_the_hidden_test_failed_is_a_problem(text: str) -> None:
    (problem,) = _problems(text, FAILED)
    assert "hidden tests at best 0/1, at the end 0/1" in problem, problem


def test_the_problem_says_what_was_claimed_and_what_the_runs_hold() -> None:
    (problem,) = _problems("The code is clean. Their final code works on all inputs.", FAILED)
    assert problem.startswith("- dimensions.coding.justification: 'Their final code works on all inputs.'")
    assert "says the candidate's solution succeeded (passed, correct, works, solved) at the end" in problem
    assert "passed N of M hidden tests" in problem


@pytest.mark.parametrize("text", SUCCESS)
def test_the_solution_said_to_succeed_where_nothing_was_submitted_is_a_problem(text: str) -> None:
    """The visible tests passed, but no submission ran the hidden ones: the check cannot tell, so it fails closed."""
    assert _problems(text, UNSUBMITTED), text


@pytest.mark.parametrize("text", SUCCESS)
def test_the_solution_said_to_succeed_where_every_test_passed_is_no_problem(text: str) -> None:
    assert _problems(text, PASSED) == [], text


def test_the_generated_claims_are_many_and_in_both_languages() -> None:
    assert len(SUCCESS) > 100
    assert sum(text.startswith(("La ", "El ", "Su ")) for text in SUCCESS) > 30


# True where every test passed: a scorecard for a candidate whose final submission passed all tests.
TRUE_OF_A_PASS = [
    "The final submission passed every test.",
    "Their first run failed, but the final submission passed.",
    "After fixing the off-by-one, the code passed.",
    "The candidate's solution is fully correct and idiomatic.",
    "The candidate arrived at a correct solution after one hint.",
    "No bugs remained after the second run.",
    "The solution is correct and runs in O(n) time.",
    "The final code handles every input correctly, duplicates included.",
    "El código final funciona perfectamente.",
]


@pytest.mark.parametrize("text", TRUE_OF_A_PASS)
def test_a_true_statement_of_success_is_no_problem(text: str) -> None:
    assert _problems(text, PASSED) == [], text


def test_an_earlier_success_needs_a_run_that_passed_every_test_it_ran() -> None:
    """Said of an earlier time, a run that passed every test it ran holds it (the visible run went 2/2); none did
    where the hidden test failed."""
    assert _problems("The first run passed.", UNSUBMITTED) == []
    assert _problems("Initially the code worked.", FAILED)


# Not a claim that the solution succeeded: the approach, a hedge or a part, a negation, a hypothesis, the candidate
# being right about something, a success that is not the code's. True where the hidden test failed.
NOT_SUCCESS = [
    "The approach is correct in principle but the implementation has an off-by-one.",
    "The approach is correct in principle, but the code missed the empty input.",
    "Their approach was correct; the implementation was not.",
    "The hash map idea was right.",
    "The reasoning was correct throughout.",
    "Their complexity analysis was correct: O(n) time and O(n) space.",
    "The algorithm is correct in principle, but the loop bound is off by one.",
    "The brute-force idea was correct but too slow.",
    "Their understanding of the problem was correct.",
    "The candidate's explanation of the approach was clear and correct.",
    "The candidate was right to ask about duplicates.",
    "The candidate was correct that a hash map avoids the nested loop.",
    "The candidate correctly identified the duplicate case.",
    "The candidate correctly explained the trade-off.",
    "The code did not pass the hidden test.",
    "The solution is not correct: the hidden test timed out.",
    "The solution is mostly correct but misses one case.",
    "The code works on the sample but fails the hidden test.",
    "The code works for the example in the statement.",
    "It handled the empty input correctly, but the hidden test timed out.",
    "The fix would work on all inputs, but it was never submitted.",
    "With a null check, the code would have passed.",
    "The candidate worked through the problem methodically.",
    "They worked on the problem for 30 minutes.",
    "The candidate never solved the problem.",
    "The candidate did not get it right.",
    "The candidate tried to solve it with nested loops first.",
    "The candidate was asked to solve Two Sum.",
    "One of the two visible tests passed.",
    "El enfoque es correcto en principio, pero la implementación falla.",
    "La idea era correcta.",
    "El código no pasó la prueba oculta.",
    "La solución no es correcta.",
    "La solución es casi correcta.",
    # A part of the code, a part of the problem, a restriction.
    "The hash map lookup is correct; the bug is in the loop bound.",
    "The base case is correct.",
    "The loop invariant was correct.",
    "The candidate's first draft was correct for distinct values only.",
    "The candidate solved part of the problem.",
    "Correct approach, incorrect implementation.",
    "The candidate handled the happy path correctly.",
    "The code compiles and runs.",
    "They got the complexity right.",
    "The candidate passed on the brute-force approach in favour of a hash map.",
    "The candidate works well under pressure.",
    "It is correct to say the candidate struggled.",
    "The candidate never fixed the bugs.",
    "The code is clean and readable.",
    "The code had no issues with readability.",
    "The code compiled without errors.",
    "The candidate made no mistakes in the complexity analysis.",
    "No hints were needed.",
    "The interviewer's hint worked.",
    "The code had a bug in the loop.",
    "The candidate worked without hints.",
]


@pytest.mark.parametrize("text", NOT_SUCCESS)
def test_the_approach_a_hedge_a_negation_or_a_hypothesis_is_no_claim_of_success(text: str) -> None:
    assert _problems(text, FAILED) == [], text


# Markdown, marks and symbols as a report renders them: a claim split by emphasis, a negation struck out, a check mark.
MARKUP = [
    "The hidden tests pa**ss**ed.",
    "The hidden tests pa*ss*ed.",
    "The *hid*den tests passed.",
    "The solution is fully cor*rect*.",
    "The hidden tests did ~~not~~ pass.",
    "The hidden tests <del>did not</del> passed.",
    "Hidden tests ✓.",
    "Hidden tests: ✅",
    "The submission got a perfect score.",
    "Final verdict: accepted.",
    "The solution is fully correct\u200b.",
    "The solution is \uff43orrect.",
    "The solution is \u0441orrect.",
    "The code" + " " * 50 + "passed everything.",
]


@pytest.mark.parametrize("text", MARKUP)
def test_a_claim_in_markdown_symbols_or_look_alikes_is_read_as_rendered(text: str) -> None:
    assert _problems(text, FAILED), text


@pytest.mark.parametrize(
    "text",
    [
        "**The hidden test failed.**",
        "The hidden test ~~passed~~ failed.",
        "Hidden test: ✗.",
        "`two_sum` uses a hash map; the hidden test timed out.",
        "It used O(n*m) memory.",
    ],
)
def test_true_statements_in_markdown_are_no_problem(text: str) -> None:
    assert _problems(text, FAILED) == [], text
