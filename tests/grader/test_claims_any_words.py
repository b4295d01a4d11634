"""A test result in the scorecard's words is checked whatever words state it: any clause that names tests and says
how they went must agree with the facts and the runs shown, or it goes to the repair round. The claims are built
from templates, words for the tests, for passing and for failing, negations, in English and Spanish, most of them
in no list of phrasings the checks had."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from grader.bundle import Bundle, build_bundle
from grader.claims import claim_problems
from grader.facts import compute_facts
from grader.schemas import BundleInput
from tests.fakes.grader_model import FakeGraderModel, FakeReply, honest, scorecard
from tests.grader.bundles import interview, run_result, transcript
from tests.grader.conftest import MakeGrader


def _failed_hidden(extra_events: list[Any] | None = None) -> BundleInput:
    """The interview with the visible tests at 1/2 and the submission's hidden test failed (0/1)."""
    source = interview(submitted=True, extra_events=extra_events or [])
    runs = list(source.runs)
    runs[1] = runs[1].model_copy(update={"result": run_result(1, None), "verdict": "wrong_answer"})
    runs[-1] = runs[-1].model_copy(update={"result": run_result(1, 0), "verdict": "wrong_answer"})
    return source.model_copy(update={"runs": runs})


def _bundle() -> Bundle:
    source = _failed_hidden()
    bundle = build_bundle(source, compute_facts(source))
    hidden, visible = bundle.facts.hidden_tests.final, bundle.facts.visible_tests.best
    assert hidden is not None and (hidden.passed, hidden.total) == (0, 1)
    assert visible is not None and (visible.passed, visible.total) == (1, 2)
    return bundle


BUNDLE = _bundle()


def _problems(text: str) -> list[str]:
    return claim_problems([("dimensions.verification.justification", text)], BUNDLE.facts, BUNDLE.index)


HIDDEN = [
    "the hidden tests",
    "the hidden test cases",
    "its hidden checks",
    "the private tests",
    "the unseen suite",
]
PASSED = [
    "{s} passed",
    "{s} all passed",
    "{s} were all green",
    "{s} came back green",
    "it cleared {s}",
    "it aced {s}",
    "it succeeded on {s}",
    "the code was correct on {s}",
    "it sailed through {s}",
    "it got through {s}",
    "{s} were passed without exception",
    "every one of {s} passed",
    "100% of {s} passed",
]
NOT_FAILED = [
    "none of {s} failed",
    "zero failures on {s}",
    "{s} had no failures",
    "{s} never failed",
    "{s} did not fail",
    "{s} didn't fail once",
    "not one of {s} failed",
    "without a single failure on {s}",
    "it did not fail any of {s}",
    "{s} no longer fail",
]
SPANISH = [
    "Pasó todas las pruebas ocultas.",
    "Las pruebas ocultas pasaron.",
    "Superó las pruebas ocultas sin problema.",
    "Ninguna prueba oculta falló.",
    "No falló ninguna prueba oculta.",
    "Sin fallos en las pruebas ocultas.",
    "Las pruebas ocultas salieron en verde.",
    "Los casos de prueba ocultos fueron correctos.",
    "Todas las pruebas visibles y ocultas pasaron.",
    "El código pasó 1 de 1 pruebas ocultas.",
    "Aprobó cada una de las pruebas privadas.",
]
FALSE = sorted(
    {
        (template.format(s=s) + ".").capitalize()
        for template, s in itertools.product(PASSED + NOT_FAILED, HIDDEN)
    }
    | set(SPANISH)
    | {
        # Both kinds at once, a count, the suite, the judge, and the reviewer's phrasings.
        "It passed all visible and hidden tests.",
        "The candidate passed all visible tests and all hidden tests.",
        "It passed the visible tests as well as the hidden tests.",
        "Both the visible and the hidden tests passed.",
        "Hidden: 1/1.",
        "Hidden tests: all green.",
        "One hidden test passed.",
        "The suite was green.",
        "The judge accepted the final submission.",
        "The submission was accepted by the judge.",
        "The hidden tests were all passed.",
        "The code passed all of its hidden test cases.",
        "The solution cleared the hidden tests.",
        "Zero failures on the hidden tests.",
        "Every visible test passed, and the hidden one too.",
        "Cleared the hidden tests with zero failures on the hidden tests.",
    }
)


@pytest.mark.parametrize("text", FALSE)
def test_a_false_test_result_is_a_problem_in_any_words(text: str) -> None:
    """The hidden test failed and one visible test of two passed: a scorecard that says otherwise, in whatever
    words, states a result nobody measured."""
    assert _problems(text), text


TRUE = [
    "It passed 1 of 2 visible tests and none of the hidden.",
    "It passed 1/2 visible tests; the hidden test failed.",
    "The hidden tests failed.",
    "It failed the hidden test.",
    "Not all visible tests passed.",
    "One visible test failed.",
    "Some visible tests passed.",
    "No hidden test passed.",
    "All hidden tests failed.",
    "The hidden tests did not pass.",
    "It never cleared the hidden tests.",
    "The final submission passed 1 of 2 visible tests and 0 of 1 hidden tests.",
    "Ninguna prueba oculta pasó.",
    "Pasó 1 de 2 pruebas visibles.",
    "Las pruebas ocultas fallaron.",
    "No pasó las pruebas ocultas.",
]
# How the candidate tested, their code's handling of cases, a word's other sense, and a hypothesis: no test result.
NOT_RESULTS = [
    "The candidate wrote tests for edge cases.",
    "They did not test negative numbers.",
    "It handled the edge cases correctly.",
    "They walked through test cases by hand.",
    "They went through the test cases one by one.",
    "It solves the problem in a single pass, before running the tests.",
    "A clear test plan.",
    "They chose the correct test cases to trace.",
    "The hidden tests would have passed with the fix.",
    "She ran the visible tests twice.",
    "It uses a break statement inside the test loop.",
    "Escribió pruebas para los casos límite.",
    "No probó los números negativos.",
    "Runs in O(n/2) extra time; 3 of 4 dimensions are solid.",
]


@pytest.mark.parametrize("text", TRUE + NOT_RESULTS)
def test_a_true_test_result_or_words_about_testing_are_no_problem(text: str) -> None:
    assert _problems(text) == [], text


def test_the_problem_names_the_clause_and_the_facts_for_the_repair() -> None:
    (problem,) = _problems("The code is clean. The solution cleared the hidden tests.")
    assert problem.startswith(
        "- dimensions.verification.justification: 'The solution cleared the hidden tests.'"
    )
    assert "says all passed of the hidden tests" in problem
    assert "hidden tests at best 0/1, at the end 0/1" in problem


async def test_false_claims_in_other_words_never_reach_a_ready_scorecard(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    """The reviewer's end-to-end case: a model that repeats the candidate's boasting in words no pattern listed gets
    the repair round, and one that keeps repeating them fails the version."""
    said = (
        "Honestly I don't think my code handles duplicates and negative numbers correctly, I never tested it."
    )
    source = _failed_hidden([transcript(21, 175.0, "user", said)])

    def boasting(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["verification"]["justification"] = (
            "It passed all visible and hidden tests; the hidden tests were all passed and the code passed all of "
            "its hidden test cases."
        )
        card["strengths"] = ["Cleared the hidden tests with zero failures on the hidden tests."]
        return FakeReply(body=card)

    def quoting_the_sentence(body: dict[str, Any]) -> FakeReply:
        """Honest, its quote of the line the whole sentence: a denial follows its first words ("I never tested it"),
        and a quote of a transcript line may not leave one out (grader/quote_scope.py)."""
        card = honest(body).body
        assert card is not None
        for item in [*card["dimensions"].values(), *card["rubric"]]:
            item["evidence"] = [{**e, "quote": said} if e["seq"] == 21 else e for e in item["evidence"]]
        return FakeReply(body=card)

    model.responder = lambda body: boasting(body) if len(model.requests) == 1 else quoting_the_sentence(body)
    outcome = await make_grader().grade(source)
    assert outcome.status == "ready" and outcome.scorecard is not None
    assert "hidden tests were all passed" not in outcome.scorecard.model_dump_json()
    repair = model.requests[1]["messages"][-1]["content"]
    assert "dimensions.verification.justification" in repair and "strengths[0]" in repair

    model.requests.clear()
    model.responder = boasting
    outcome = await make_grader().grade(source)
    assert (outcome.status, outcome.reason, outcome.scorecard) == ("failed", "citations_unverified", None)
