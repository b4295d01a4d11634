"""The scorecard's own words never hold against the candidate a request they made of the interviewer: a person, an
accommodation, a break, more time, a repetition, the other language (grader/claim_requests.py). The system prompt
says so, and a model that writes one anyway is sent back, then refused; questions about the problem, a loop's
`break`, the code's language and a request said not to count still stand."""

from __future__ import annotations

from typing import Any

import pytest

from grader.claim_fairness import record_of
from grader.claim_requests import request_problems
from grader.prompts import render
from tests.fakes.grader_model import FakeGraderModel, FakeReply, scorecard
from tests.grader.bundles import interview, transcript
from tests.grader.conftest import MakeGrader
from tests.grader.repair_support import repaired_then_refused

WHERE = "dimensions.communication.justification"


@pytest.mark.parametrize(
    "text",
    [
        "The candidate needed a break at 600 s, which slowed their progress.",
        "Asked for more time near the end instead of finishing.",
        "Asked for extra time to complete the solution.",
        "They asked for a human interviewer halfway through.",
        "Wanted to speak to a real person rather than the AI, which cost time.",
        "Requested an accommodation before starting.",
        "Asked to repeat the question twice, suggesting weak listening.",
        "Asked the interviewer to repeat the constraints.",
        "Needed the question repeated before starting.",
        "Requested a repetition of the problem.",
        "Took a short break mid-coding and lost momentum.",
        "Asked to switch to Spanish, which made the discussion harder to follow.",
        "Switched the conversation to English partway.",
        "El candidato necesitó una pausa a mitad de la prueba.",
        "Tomó un descanso largo y perdió el ritmo.",
        "Pidió más tiempo al final.",
        "Pidió hablar con una persona real.",
        "Pidió que le repitieran la pregunta dos veces.",
        "Pidió cambiar al inglés y perdió ritmo.",
        "Cambió al español a mitad de la entrevista.",
    ],
)
def test_a_request_of_the_interviewer_held_against_the_candidate_is_a_problem(text: str) -> None:
    (problem,) = request_problems([(WHERE, text)])
    assert problem.startswith(f"- {WHERE}: it states '") and "never counts against them" in problem


@pytest.mark.parametrize(
    "text",
    [
        "The candidate asked clarifying questions about empty input.",
        "Asked whether the array can be empty before coding.",
        "Asked for the expected output of example 2.",
        "Switched to Python halfway and kept the same approach.",
        "The while loop needed a break statement to stop.",
        "When asked to repeat their complexity analysis, they said O(n) again.",
        "Needed repeated hints to reach the hash map.",
        "Took repeated attempts to fix the off-by-one.",
        "They asked for a short break, which is not counted against them.",
        "Asking for a break is fine, and you did well to ask.",
        "It is not held against them that they asked for more time.",
        "El candidato preguntó si la entrada puede estar vacía.",
        "Pidió una pista sobre el mapa.",
    ],
)
def test_questions_about_the_problem_and_a_request_said_not_to_count_stand(text: str) -> None:
    assert request_problems([(WHERE, text)]) == []


@pytest.mark.parametrize(
    "text",
    [
        # the code's need, not the candidate's
        "The first version needed adjustments to handle duplicates before it passed.",
        "The solution required adjustments after the failing test on empty input.",
        "The loop needed a break once the pair was found, which the candidate added.",
        "The inner loop requires a break when the target is found.",
        "The algorithm needs to repeat the scan until no swaps happen, and the candidate explained why.",
        "The brute force requires repetition of the inner sum, which the candidate noticed.",
        "El algoritmo necesitaba repetir el recorrido hasta que no hubiera cambios.",
        # the interviewer's request of the candidate, or the problem's
        "The interviewer asked for an extension to k sorted lists, and the candidate adapted the heap.",
        "When the interviewer asked for a repetition of the complexity argument, the candidate restated it.",
        "The problem asks for the person known by everyone, and the candidate used two pointers.",
        "The task asks for a human-readable duration, which the code produced.",
        "El entrevistador pidió ajustes para entradas vacías y el candidato los hizo.",
        # the candidate's own way of working
        "The candidate wanted to repeat the dry run with the second example, and found the off-by-one.",
        "The candidate took a short pause to think before answering, then gave a clear plan.",
        "Took a break from coding to sketch the recursion tree on paper, which clarified the approach.",
        "El candidato tomó una pausa para pensar y luego explicó el plan con claridad.",
    ],
)
def test_the_codes_need_the_interviewers_request_and_a_pause_to_think_stand(text: str) -> None:
    """Fair sentences an honest scorecard writes: each sent an honest scorecard to the repair round, then failed it."""
    assert request_problems([(WHERE, text)]) == []


@pytest.mark.parametrize(
    "text",
    [
        "Asked the interviewer for more time near the end instead of finishing.",
        "Asked the interviewer for a break midway, which slowed progress.",
        "Asked if they could take a short break, losing momentum.",
        "Asked whether the question could be repeated, suggesting weak listening.",
        "Asked for a few more minutes rather than finishing.",
        "Asked for five extra minutes at the end.",
        "Asked to pause the interview for a few minutes.",
        "The candidate did not finish and needed a break.",
        "Pidió al entrevistador más tiempo al final.",
        "Pidió que se la repitieran dos veces.",
    ],
)
def test_a_request_made_of_the_interviewer_or_asked_as_a_question_is_a_problem(text: str) -> None:
    (problem,) = request_problems([(WHERE, text)])
    assert "never counts against them" in problem


def test_a_quote_of_the_candidates_own_request_is_the_records() -> None:
    """The quote is the record's words, not the grader's; the grader's own framing around it is still read."""
    record = record_of("[15] C: could I take a short break please")
    assert (
        request_problems([(WHERE, 'They said "could I take a short break please" and resumed.')], record)
        == []
    )
    assert request_problems(
        [(WHERE, "They needed a break, saying 'could I take a short break please'.")], record
    )


def test_the_system_prompt_says_a_request_never_counts_against_the_candidate() -> None:
    system = render("grader_system")
    assert "A request the candidate makes of the interviewer" in system
    assert "never count it against them" in system


async def test_a_break_and_a_repetition_held_against_the_candidate_are_sent_back_and_never_stored(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    """The candidate asked for a break and a repetition; a model that writes both down as weaknesses is sent back,
    and one that keeps writing them fails the version."""
    source = interview(
        extra_events=[
            transcript(15, 175.0, "user", "Sorry, could you repeat that? And can I take a short break?")
        ]
    )

    def unfair(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["communication"]["justification"] = (
            "Needed a break at 175 s and asked to repeat the question."
        )
        card["areas_to_improve"] = ["Pidió más tiempo al final."]
        return FakeReply(body=card)

    repair = await repaired_then_refused(model, make_grader, source, unfair, "Needed a break")
    assert f"- {WHERE}: it states 'Needed a break'" in repair
    assert "- areas_to_improve[0]: it states 'Pidió más tiempo'" in repair
