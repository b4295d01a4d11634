"""A quote may not say what the candidate did not: cut from after a negation, a hedge, a condition or a question
that governs it in its clause, it is refused (the repair round), in English and in Spanish; and a run's label
("submission (every test)") is not its result."""

from __future__ import annotations

import pytest

from grader.bundle import build_bundle
from grader.credit import substantive
from grader.evidence import check
from grader.facts import compute_facts
from grader.schemas import Evidence
from tests.grader.bundles import interview, transcript

CLAIMS = [
    "my code handles duplicates and negative numbers correctly",
    "the hash map version runs in O(n) time",
    "mi código maneja duplicados y números negativos",
]
# What governs the claim after it, in its clause, and is cut away when the quote starts at the claim.
GOVERNED = [
    "Honestly I don't think {claim}.",
    "I do not think {claim}.",
    "I'm not really sure that {claim}.",
    "I never checked whether {claim}.",
    "I wish {claim}.",
    "I thought {claim}, but it fails.",
    "Maybe {claim}.",
    "Perhaps {claim}.",
    "It's probably true that {claim}.",
    "I hope {claim}.",
    "If {claim}, we are done.",
    "Unless {claim}, it breaks.",
    "I doubt {claim}.",
    "I dont think {claim}.",
    "I didn\u2019t prove {claim}.",
    "I should have made sure {claim}.",
    "Can I say {claim}?",
    "Do you think {claim}?",
    "So, would you agree {claim}?",
    "No creo que {claim}.",
    "Nunca probé que {claim}.",
    "Quizás {claim}.",
    "Tal vez {claim}.",
    "Ojalá {claim}.",
    "Si {claim}, terminamos.",
    "¿{claim}?",
    "No sé si {claim}.",
]
# The same claim with nothing cut away that governs it: its own words.
OWN = [
    "{claim}.",
    "Yes, {claim}.",
    "I didn't test it at first but {claim}.",
    "I don't think so. {claim}.",
    "I tested it: {claim}.",
    "Okay, {claim}, and I tested it.",
    "No, {claim}.",
    "I checked it myself and {claim}.",
]


def _said(line: str):  # type: ignore[no-untyped-def]
    source = interview(extra_events=[transcript(21, 175.0, "user", line)])
    return build_bundle(source, compute_facts(source)).index


@pytest.mark.parametrize("claim", CLAIMS)
@pytest.mark.parametrize("template", GOVERNED)
def test_a_quote_that_cuts_away_what_governs_it_is_refused_and_the_whole_clause_verifies(
    template: str, claim: str
) -> None:
    line = template.format(claim=claim)
    index = _said(line)
    problem = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(problem, str) and "changes what was said" in problem
    # Quoted with what governs it, it holds, and says what was said.
    whole = line[: line.index(claim) + len(claim)]
    assert check(Evidence(seq=21, quote=whole), index) == Evidence(seq=21, quote=whole)


@pytest.mark.parametrize("claim", CLAIMS)
@pytest.mark.parametrize("template", OWN)
def test_a_quote_of_a_claim_nothing_governs_verifies(template: str, claim: str) -> None:
    index = _said(template.format(claim=claim))
    verified = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(verified, Evidence) and verified.quote == claim
    assert substantive(verified, index)


def test_the_reviewers_case_earns_no_credit_on_the_words_the_candidate_denied() -> None:
    """The candidate said they did not think it worked and never tested it; the quote of the claim alone had
    verified and earned credit for verification."""
    index = _said(
        "Honestly I don't think my code handles duplicates and negative numbers correctly, I never tested it."
    )
    for quote in (
        "my code handles duplicates and negative numbers correctly",
        "code handles duplicates and negative numbers correctly",
        "handles duplicates and negative numbers correctly",
    ):
        assert isinstance(check(Evidence(seq=21, quote=quote), index), str)
    said = check(Evidence(seq=21, quote="I never tested it"), index)
    assert isinstance(said, Evidence)


@pytest.mark.parametrize(
    "quote", ["every test", "submission (every test)", "(every test) by the candidate", "[14]"]
)
def test_a_runs_label_is_not_quotable_as_its_result(quote: str) -> None:
    source = interview()
    index = build_bundle(source, compute_facts(source)).index
    assert isinstance(check(Evidence(seq=14, quote=quote), index), str)


@pytest.mark.parametrize("quote", ["accepted", "visible tests 2/2 passed", "hidden tests 1/1 passed"])
def test_a_runs_verdict_and_counts_stay_quotable(quote: str) -> None:
    source = interview()
    index = build_bundle(source, compute_facts(source)).index
    assert check(Evidence(seq=14, quote=quote), index) == Evidence(seq=14, quote=quote)
