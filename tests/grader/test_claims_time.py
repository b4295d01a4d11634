"""What the scorecard's words say about the interview's time must be what the facts hold (grader/claim_time.py): "ran
out of time" where the candidate used 200 s of 2,700 marks them down for a limit they never met, and "plenty of time
to spare" where the time ran out lifts them past it. Its precision corpus is
tests/grader/test_claims_time_precision.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from grader.claim_time import time_problems
from grader.facts import compute_facts
from grader.schemas import Facts
from tests.fakes.grader_model import FakeGraderModel, FakeReply, scorecard
from tests.grader.bundles import interview, transcript
from tests.grader.conftest import MakeGrader
from tests.grader.repair_support import repaired_then_refused
from tests.grader.test_claims_time_precision import EARLY, FULL, HOUR, LATE_PASS, RAN_OUT

# (facts, sentence): each says what the facts contradict.
CONTRADICTED = [
    (EARLY, "The candidate ran out of time before finishing."),
    (EARLY, "Time ran out before they could test the edge cases."),
    (EARLY, "The candidate took the whole 45 minutes."),
    (EARLY, "They used the full interview and all of the allotted time."),
    (EARLY, "Finished in 10 minutes."),
    (EARLY, "The interview lasted 20 minutes."),
    (EARLY, "The candidate was slow."),
    (EARLY, "Struggled with time throughout."),
    (EARLY, "The candidate was pressed for time at the end."),
    (EARLY, "They went over time."),
    (EARLY, "Did not finish in time."),
    (EARLY, "Spent 15 minutes on the brute force before the hash map."),
    (EARLY, "At the 30-minute mark the candidate switched to a hash map."),
    (EARLY, "With 5 minutes left they submitted."),
    (EARLY, "In the 60-minute interview the candidate did well."),
    (EARLY, "Used 40 minutes in total."),
    (EARLY, "The candidate used 30 of the 45 minutes."),
    (EARLY, "They submitted at the last minute."),
    (EARLY, "Se quedó sin tiempo antes de terminar."),
    (EARLY, "Se le acabó el tiempo."),
    (EARLY, "La entrevista duró 30 minutos."),
    (EARLY, "The candidate ran out of t\u200bime."),  # as a person reads it: a zero-width space
    (EARLY, "The candidate **ran out of time**."),
    (RAN_OUT, "Finished with plenty of time to spare."),
    (RAN_OUT, "The candidate finished early."),
    (RAN_OUT, "Solved it quickly."),
    (RAN_OUT, "The interview lasted 20 minutes."),
    (RAN_OUT, "They used 10 minutes of the 45 minutes."),
    (RAN_OUT, "Terminó con tiempo de sobra."),
    (RAN_OUT, "Resolvió el problema rápidamente."),
    (RAN_OUT, "With time to spare, they walked through the complexity."),
    (FULL, "Solved it in 5 minutes."),
    (EARLY, "The candidate was slow to finish."),
    (LATE_PASS, "Solved the problem in 10 minutes."),
    (HOUR, "They ran out of time."),
    (HOUR, "Struggled with the clock."),
    (HOUR, "In the 45-minute interview the candidate did well."),
    # The phase and compound forms kept as no claim (test_claims_time_precision.py) do not hide these.
    (EARLY, "The candidate was slow in reaching a working solution."),
    (EARLY, "The candidate was slow, until the end."),
    (EARLY, "They were short on time, and time-efficiency suffered."),
    (EARLY, "The candidate ran out of time; time-complexity analysis was skipped."),
]


@pytest.mark.parametrize(("facts", "text"), CONTRADICTED)
def test_a_time_claim_the_facts_contradict_is_a_problem(facts: Facts, text: str) -> None:
    assert time_problems([("dimensions.problem_solving.justification", text)], facts), text


def test_advice_is_a_claim_only_of_you() -> None:
    advice = "candidate_advice"
    assert time_problems([(advice, "Aim to finish early and leave time to test.")], RAN_OUT) == []
    assert time_problems([(advice, "Practise so you never run out of time.")], EARLY) == []
    assert time_problems([(advice, "You ran out of time before testing.")], EARLY)


def test_without_both_times_nothing_is_checked() -> None:
    assert time_problems([("strengths[0]", "Ran out of time.")], Facts(time_allowed_s=2700.0)) == []


def test_a_session_closed_late_by_our_side_reads_as_no_overrun() -> None:
    """The session was closed an hour after the interviewer's end (the stall sweep): the time used stops at that end
    (grader/time_used.py), so "ran out of time" and "lasted 65 minutes" are refused and "ended after about 3
    minutes" holds."""
    source = interview()
    started = source.session.started_at
    assert started is not None
    late = source.session.model_copy(
        update={"ended_at": started + timedelta(seconds=3900), "end_reason": "stalled"}
    )
    facts = compute_facts(source.model_copy(update={"session": late}))
    assert facts.time_used_s is not None and facts.time_used_s < 400
    assert time_problems([("strengths[0]", "The candidate ran out of time.")], facts)
    assert time_problems([("strengths[0]", "The interview lasted 65 minutes.")], facts)
    assert time_problems([("strengths[0]", "The interview ended after about 3 minutes.")], facts) == []


def test_a_problem_names_where_what_and_the_facts() -> None:
    said = "Ran out of time. Finished in 10 minutes."
    problem = time_problems([("areas_to_improve[1]", said)], EARLY)[0]
    assert problem.startswith("- areas_to_improve[1]: 'Ran out of time.'")
    assert "200 s (3.3 min) used of 2700 s (45.0 min) allowed" in problem


async def test_a_scorecard_that_says_the_time_ran_out_where_it_did_not_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    """The candidate says it; a model that repeats it as its finding gets the repair round (naming the facts' times),
    and one that keeps repeating it fails: the interview (tests/grader/bundles.py) used 200 s of 2,700."""
    source = interview(
        extra_events=[transcript(15, 175.0, "user", "Sorry, I basically ran out of time there.")]
    )

    def gullible(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["areas_to_improve"] = ["The candidate ran out of time before testing edge cases."]
        return FakeReply(body=card)

    repair = await repaired_then_refused(model, make_grader, source, gullible, "ran out of time")
    assert "areas_to_improve[0]" in repair and "200 s (3.3 min) used of 2700 s (45.0 min) allowed" in repair
