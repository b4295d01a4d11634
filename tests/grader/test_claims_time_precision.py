"""Precision of the time check (grader/claim_time.py): true sentences a strong grading model writes about five
interviews' time must pass. The check fails closed (a refused sentence sends the scorecard to the repair round, and
one the model cannot repair fails and asks a human), so its cost is measured here, in English and Spanish: honest
statements of the time used and left, complexities ("O(n) time"), the judge's time limit, time to the first run,
phases, advice and what the candidate said of the time; "time" in a compound ("time-efficient") or a complexity
("short on time complexity detail") and the pace of one phase ("slow in debugging") are no claim of the interview's
time."""

from __future__ import annotations

import pytest

from grader.claim_time import time_problems
from grader.schemas import Facts

# The base interview of tests/grader/bundles.py: 200 s of 2,700, every visible test passing at 130 s.
EARLY = Facts(time_used_s=200.0, time_allowed_s=2700.0, first_all_visible_pass_s=130.0)
# The time ran out (the wrap-up past it) with no run passing every visible test.
RAN_OUT = Facts(time_used_s=2760.0, time_allowed_s=2700.0, first_all_visible_pass_s=None)
# The whole time used, the code passing at about 18 minutes, then follow-up questions to the end.
FULL = Facts(time_used_s=2700.0, time_allowed_s=2700.0, first_all_visible_pass_s=1100.0)
# Passing late, at 40 minutes, ending at 43.
LATE_PASS = Facts(time_used_s=2580.0, time_allowed_s=2700.0, first_all_visible_pass_s=2400.0)
# A 60-minute interview ended at 27 minutes, the code passing at 25.
HOUR = Facts(time_used_s=1620.0, time_allowed_s=3600.0, first_all_visible_pass_s=1500.0)
# Every visible test passing at 10 minutes, then a hidden-test failure debugged to the end of the 45.
HIDDEN_DEBUG = Facts(time_used_s=2650.0, time_allowed_s=2700.0, first_all_visible_pass_s=600.0)

TRUE = [
    (EARLY, "The candidate reached a working one-pass hash map in about two minutes."),
    (EARLY, "Every visible test passed at 130 s, and the interview ended at 200 s of the 2700 s allowed."),
    (EARLY, "The candidate finished with plenty of time to spare."),
    (EARLY, "Solved it quickly and explained the trade-offs clearly."),
    (EARLY, "The final solution runs in O(n) time and O(n) space."),
    (EARLY, "They stated the brute force as O(n^2) time before moving to a linear-time pass."),
    (EARLY, "Time to first run: under a minute after the coding phase began."),
    (EARLY, "The interview used 3 minutes of the 45 minutes allowed."),
    (EARLY, "In a 45-minute interview the candidate needed barely 4 minutes."),
    (EARLY, "The problem phase took about a minute, and coding took two."),
    (EARLY, "The first run failed, and the fix came within a minute."),
    (EARLY, "The candidate did not run out of time."),
    (EARLY, "They finished early, with over 40 minutes left."),
    (EARLY, "The submission passed well within the judge's 2-second time limit."),
    (EARLY, "No test hit the time limit."),
    (EARLY, "Time management was good: they spent the first minute on the approach."),
    (EARLY, "The candidate asked how much time was left and was told there were 42 minutes remaining."),
    (EARLY, "The candidate said they were worried about running out of time."),
    (EARLY, "The candidate said they felt pressed for time, though the interview ended early."),
    (EARLY, "Under time pressure, practise stating the complexity before coding."),
    (EARLY, "Next time, use the spare time to test edge cases such as an empty list."),
    (EARLY, "A hash map gives O(1) average lookup time."),
    (EARLY, "The candidate explained that sorting first would cost O(n log n) time."),
    (EARLY, "Reached the hash map idea quickly and coded it cleanly."),
    (EARLY, "They moved from brute force to the hash map within two minutes of starting."),
    (EARLY, "El candidato terminó con tiempo de sobra."),
    (EARLY, "Resolvió el problema rápidamente, en unos dos minutos."),
    (EARLY, "La solución final es O(n) en tiempo y en espacio."),
    (EARLY, "La entrevista duró unos 3 minutos de los 45 disponibles."),
    (EARLY, "The brute force would take hours on a million inputs, which the candidate noted."),
    (RAN_OUT, "The candidate ran out of time before the hash map passed the visible tests."),
    (RAN_OUT, "Time ran out while they were still debugging the off-by-one."),
    (RAN_OUT, "They used the full 45 minutes and did not reach a passing run."),
    (RAN_OUT, "The candidate struggled with time management, spending 20 minutes on the brute force."),
    (RAN_OUT, "Spent about 25 minutes on the approach before writing any code."),
    (RAN_OUT, "At the 30-minute mark the candidate was still choosing a data structure."),
    (RAN_OUT, "The candidate was pressed for time in the last ten minutes."),
    (RAN_OUT, "They did not finish in time."),
    (RAN_OUT, "The interview lasted the full 45 minutes, with the wrap-up running a minute over."),
    (RAN_OUT, "The candidate worked slowly and never passed every visible test."),
    (RAN_OUT, "The hidden test timed out: the O(n^2) loop hit the time limit."),
    (RAN_OUT, "The last submission's verdict was time limit exceeded."),
    (RAN_OUT, "With 5 minutes left they were still fixing the loop bounds."),
    (RAN_OUT, "Se quedó sin tiempo antes de que pasaran las pruebas visibles."),
    (RAN_OUT, "Practise time management: aim to have a working version by the halfway point."),
    (RAN_OUT, "You ran out of time before testing, so budget the last 10 minutes for tests."),
    (RAN_OUT, "The first run came after 12 minutes and failed on the empty input."),
    (FULL, "The candidate had every visible test passing after about 18 minutes."),
    (FULL, "They finished the problem with plenty of time to spare and spent the rest on follow-ups."),
    (FULL, "The interview used the whole 45 minutes, most of it on follow-up questions."),
    (FULL, "Solved it quickly, then discussed how to scale the approach."),
    (FULL, "With about 25 minutes left the interviewer moved to follow-up questions."),
    (FULL, "The candidate spent roughly 10 minutes discussing the streaming variant."),
    (FULL, "Solved the problem in under 20 minutes."),
    (FULL, "The candidate used all of the allotted time."),
    (FULL, "Phases reached: problem, coding and follow-up, over the full 45-minute session."),
    (LATE_PASS, "Every visible test passed only at the 40-minute mark."),
    (
        LATE_PASS,
        "The candidate was slow to reach a working solution, passing the visible tests at 40 minutes.",
    ),
    (LATE_PASS, "Pressed for time, they skipped testing the negative numbers."),
    (LATE_PASS, "The candidate finished with about two minutes to spare."),
    (LATE_PASS, "They barely finished in time."),
    (LATE_PASS, "Took a long time to solve the problem but got there in the end."),
    (LATE_PASS, "The interview ended after 43 minutes."),
    (LATE_PASS, "Tiempo usado: 43 minutos de 45."),
    (HOUR, "In the 60-minute interview the candidate finished in about 25 minutes."),
    (HOUR, "They ended the session after 27 minutes with more than half an hour to spare."),
    (HOUR, "Finished early: the code passed at 25 minutes and the call ended two minutes later."),
    (HOUR, "An hour was allowed; the candidate needed less than half of it."),
    (HOUR, "Terminó antes de tiempo, tras unos 27 minutos."),
    (EARLY, "The explanation was short on time complexity details."),
    (EARLY, "The candidate struggled with time complexity analysis at first."),
    (EARLY, "They struggled with the time-space trade-off before settling on the hash map."),
    (EARLY, "They chose the hash map out of time-efficiency concerns."),
    (HIDDEN_DEBUG, "The candidate was slow in debugging the hidden-test failure."),
    (HIDDEN_DEBUG, "Progress was slow until the hint about duplicates."),
    (HIDDEN_DEBUG, "Their pace was slow during the debugging phase."),
]


@pytest.mark.parametrize(("facts", "text"), TRUE)
def test_true_time_statements_are_not_problems(facts: Facts, text: str) -> None:
    assert time_problems([("dimensions.problem_solving.justification", text)], facts) == [], text


def test_the_corpus_is_as_large_as_docs_say() -> None:
    assert len(TRUE) >= 60 and len({t for _, t in TRUE}) == len(TRUE)
