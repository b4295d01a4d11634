"""A test result is checked however it is split, whoever is named in it and whatever words say how it went: a sentence
that names no tests but goes on about the ones the sentence before named is read for those; a hypothesis is a
lowercase modal tied to a verb of passing or failing, never a "Will" or a "May"; and a clause that names tests with a
quantity but no word of passing or failing the reading knows fails closed, to the repair round. True sentences about
the results and about how the candidate tested stay no problem. The claims are built from templates x subjects x
outcome words x quantity forms, in English and Spanish."""

from __future__ import annotations

import itertools

import pytest

from grader.bundle import build_bundle
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


SOURCE = _failed_hidden()
BUNDLE = build_bundle(SOURCE, compute_facts(SOURCE))


def _problems(text: str) -> list[str]:
    return claim_problems([("dimensions.verification.justification", text)], BUNDLE.facts, BUNDLE.index)


def test_the_facts_are_as_the_claims_assume() -> None:
    hidden, visible = BUNDLE.facts.hidden_tests, BUNDLE.facts.visible_tests
    assert hidden.final is not None and (hidden.final.passed, hidden.final.total) == (0, 1)
    assert visible.best is not None and (visible.best.passed, visible.best.total) == (1, 2)


# Split across sentences: the tests named in one, the result in the next (or the one after).
NAMED = [
    "The hidden tests{p}",
    "Hidden tests{p}",
    "Regarding the hidden tests{p}",
    "As for the private tests{p}",
    "On to the unseen suite{p}",
    "The final submission faced the hidden test cases{p}",
]
GOES_ON = [
    "All passed.",
    "They all passed.",
    "Every one of them passed.",
    "They were all green.",
    "None failed.",
    "They never failed.",
    "All of them came back OK.",
    "Each of them came back fine.",
    "They cleared without trouble.",
    "Twenty-four out of twenty-four.",
    "100 percent.",
    "All good.",
]
SPANISH_NAMED = [
    "Las pruebas ocultas{p}",
    "En cuanto a las pruebas ocultas{p}",
    "Sobre los casos de prueba privados{p}",
]
SPANISH_GOES_ON = [
    "Todas pasaron.",
    "Ellas pasaron todas.",
    "Ninguna falló.",
    "Todas salieron bien.",
    "Todas superadas.",
    "Veinticuatro de veinticuatro.",
]
SPLIT = sorted(
    {
        f"{named.format(p=p)} {goes_on}"
        for named, goes_on, p in itertools.chain(
            itertools.product(NAMED, GOES_ON, ["?", ".", "!"]),
            itertools.product(SPANISH_NAMED, SPANISH_GOES_ON, ["?", "."]),
        )
    }
    | {
        # Up to two sentences on, through one that refers back to them.
        "Regarding the hidden tests. The candidate ran them at the end. All passed.",
        "The hidden tests ran at the end. They all passed.",
        "Then came the hidden tests. They were tough. Every one of them passed.",
        "Las pruebas ocultas se ejecutaron al final. Todas pasaron.",
    }
)
# A name or a month is no hypothesis; a modal not tied to passing or failing is none either.
PEOPLE = [
    "Will's solution",
    "May's code",
    "Will Smith's submission",
    "The code Will wrote",
    "May Chen's solution",
]
OUTCOMES = [
    "cleared the hidden tests",
    "aced the hidden test cases",
    "got through the hidden tests",
    "succeeded on the hidden tests",
]
NOT_HYPOTHESES = sorted(
    {f"{who} {outcome}." for who, outcome in itertools.product(PEOPLE, OUTCOMES)}
    | {
        "The solution cleared the hidden tests in May.",
        "The code will be reused since it cleared the hidden tests.",
        "You should know it cleared the hidden tests.",
        "It may seem odd that it cleared the hidden tests.",
        "Nobody could believe it cleared the hidden tests.",
        "Superó las pruebas ocultas como podría esperarse.",
    }
)
# A quantity with the tests and an outcome no word list reads: fails closed.
SUBJECTS = ["the hidden tests", "the hidden test cases", "its private tests", "the unseen checks"]
QUANTITIES = [
    "all {s}",
    "all of {s}",
    "every one of {s}",
    "each of {s}",
    "both of {s}",
    "100 percent of {s}",
    "one hundred percent of {s}",
    "twenty-four of {s}",
    "twenty-four out of twenty-four of {s}",
    "all 24 of {s}",
]
UNREAD = ["came back fine", "worked out", "held up", "checked out", "went smoothly", "turned out as expected"]
FAIL_CLOSED = sorted(
    {
        (template.format(s=s) + f" {outcome}.").capitalize()
        for template, s, outcome in itertools.product(QUANTITIES, SUBJECTS, UNREAD)
    }
    | {
        "Hidden tests: twenty-four out of twenty-four.",
        "Hidden tests: thirty-one of thirty-one.",
        "The hidden tests: one hundred percent.",
        "It scored 100 percent on the hidden tests.",
        "It got full credit on the hidden tests.",
        "It handled every hidden test.",
        "The candidate got every hidden test right.",
        "The hidden tests all came back OK.",
        "Hidden checks all came back OK.",
        "Todas las pruebas ocultas funcionaron.",
        "El 100 por ciento de las pruebas ocultas salió como se esperaba.",
        "Veinticuatro de veinticuatro pruebas ocultas resultaron satisfactorias.",
        "Cada una de las pruebas ocultas funcionó.",
        "El código resolvió correctamente todas las pruebas ocultas.",
        "Las pruebas privadas, todas ellas, funcionaron.",
        # A claim of how many ran, checked against the facts: the hidden test ran.
        "None of the hidden tests ran.",
        "Zero hidden tests were run.",
        "Not a single hidden test was run.",
        "Ninguna de las pruebas ocultas se ejecutó.",
        "No se ejecutó ninguna prueba oculta.",
    }
)
# Words of passing the reading did not know, and a verb said before the tests it is about.
OTHER_WORDS = [
    "The hidden tests came back clean.",
    "The hidden tests ran clean.",
    "It got the hidden tests right.",
    "The hidden tests validated the solution.",
    "The hidden tests were satisfied.",
    "Sus pruebas ocultas salieron perfectas.",
    "Las pruebas ocultas salieron perfectas.",
    "It passed, hidden tests included.",
    "It passed, the hidden tests too.",
    "Everything passed, including the hidden tests.",
    "Todo pasó, incluidas las pruebas ocultas.",
]
FALSE = sorted(set(SPLIT) | set(NOT_HYPOTHESES) | set(FAIL_CLOSED) | set(OTHER_WORDS))


@pytest.mark.parametrize("text", FALSE)
def test_a_false_result_split_named_or_unread_is_a_problem(text: str) -> None:
    """The hidden test failed (0/1): each of these says it passed, or ran none, in words the check let through."""
    assert _problems(text), text


def test_the_generated_claims_are_many_and_in_both_languages() -> None:
    assert len(FALSE) > 250
    assert sum("prueba" in text.lower() or "todas" in text.lower() for text in FALSE) > 20


def test_an_unread_quantity_asks_for_the_facts_form() -> None:
    (problem,) = _problems("All of the hidden tests came back fine.")
    assert "cannot be checked as written" in problem and "passed N of M hidden tests" in problem
    assert "hidden tests at best 0/1, at the end 0/1" in problem


def test_a_sentence_that_goes_on_is_read_for_the_tests_named_before() -> None:
    (problem,) = _problems("The hidden tests? All passed.")
    assert "'All passed.'" in problem and "says all passed of the hidden tests" in problem


# True of these facts (visible 1/2, hidden 0/1), or about how the candidate tested: no problem.
TRUE = [
    "Pasó una de las dos pruebas visibles.",
    "The final submission failed the hidden test.",
    "They never got the second visible test to pass.",
    "The candidate did not test negative numbers.",
    "Testing was limited: one run of the provided tests.",
    "Verification was weak: one run, one failure.",
    "One of the two visible tests passed.",
    "Half of the visible tests passed.",
    "50% of the visible tests passed.",
    "Pasó el 50 por ciento de las pruebas visibles.",
    "Only one visible test passed.",
    "One visible test passed and one failed.",
    "The hidden test failed; one of the two visible tests passed.",
    "The visible tests: one of two passed.",
    "Visible tests: 1/2. Hidden tests: 0/1.",
    "The hidden tests? None passed.",
    "Regarding the hidden tests. They all failed.",
    "The hidden test failed. The candidate did not investigate why.",
    "The hidden test failed. All in all, a careful but incomplete effort.",
    "The hidden test failed. Both approaches were discussed.",
    "The hidden test failed. The candidate would have passed it with a null check.",
    "The visible tests went 1/2. Both runs showed the same failure.",
    "Will asked good questions, and the final submission failed the hidden test.",
    "The candidate wrote three tests of their own.",
    "She added two test cases for duplicates.",
    "They traced every test case by hand.",
    "The candidate did not test all the edge cases.",
    "The candidate ran the visible tests three times.",
    "All the visible tests were run before submitting.",
    "She ran both visible tests.",
    "It failed the hidden test in all three attempts.",
    "The hidden test failed on each run.",
    "The hidden test was run once, at submission.",
    "Two of the visible tests are about duplicates.",
    "The candidate used one of the visible tests as a guide.",
    "All of their own test inputs were small.",
    "Se ejecutaron las pruebas visibles dos veces.",
    "Se ejecutaron todas las pruebas visibles.",
    "Escribió tres pruebas propias.",
    "La candidata no probó todos los casos límite.",
    "Las pruebas ocultas fallaron todas.",
    "Ninguna de las pruebas ocultas pasó.",
    "Las pruebas ocultas? Ninguna pasó.",
    "The fix would pass the hidden test, but it was never submitted.",
]


@pytest.mark.parametrize("text", TRUE)
def test_a_true_result_or_words_about_testing_are_no_problem(text: str) -> None:
    assert _problems(text) == [], text
