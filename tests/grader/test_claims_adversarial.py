"""An adversarial table of the checks of the scorecard's words against the record (grader/claims.py and the
grader/claim_*.py checks the pipeline runs beside it): claims a grading model might write that are false of the
record but had slipped through, and true near-misses of them that must pass.

The first two tables are read with every check (`every_problem`) for the precision corpus's interview that passed
(tests/grader/test_claims_precision.py: a first run failing both visible tests, one hint, a second run passing them at
130 s, a submission passing everything, 200 s used of 2,700). The last two are read by the time check
(grader/claim_time.py) for the time corpus's interviews (tests/grader/test_claims_time_precision.py): durations in
mixed units, ranges, thousands and their plural ("1000s of"), the finish said in other words, and idioms of lateness,
earliness and half the time."""

from __future__ import annotations

import pytest

from grader.claim_time import time_problems
from grader.schemas import Facts
from tests.grader.test_claims_precision import every_problem
from tests.grader.test_claims_time_precision import EARLY, FULL, HOUR, LATE_PASS, RAN_OUT

# Ended by our side at 30 of 45 minutes, no run ever passing every visible test.
NO_PASS = Facts(time_used_s=1800.0, time_allowed_s=2700.0, first_all_visible_pass_s=None)

FALSE_OF_A_PASS = [
    # counts in words
    "The candidate needed two hints.",
    "The candidate needed a couple of hints.",
    "The candidate used both hints.",
    "The candidate received a second hint.",
    "Passed three of the visible tests.",
    "The submission passed all 4 tests.",
    "The candidate made three runs before submitting.",
    "Both runs passed.",
    # the first run, which failed, said to pass
    "Every test passed on the first run.",
    "All tests passed on the very first try.",
    "The code passed on the first attempt.",
    "The candidate's first run was green.",
    # ordinal runs: the first run in other words
    "Run #1 passed.",
    "Run 1 passed both visible tests.",
    "Their opening run passed every visible test.",
    "The first of the two runs passed.",
    # a hint was given
    "The candidate never needed a hint.",
    "Needed zero hints.",
    "The candidate solved it independently, without any hints.",
    # durations in mixed units, with thousands
    "The interview lasted 1 hour 20 minutes.",
    "The interview lasted 2,700 seconds.",
    "Solved it after 1,000 seconds.",
    "Time used: 45 minutes and 20 seconds.",
    # idioms of lateness of an interview that ended at 200 s of 2,700
    "It came down to the wire.",
    "They submitted just in time.",
    "They used every minute of the allotted time.",
    "Halfway through the 45 minutes they switched to a hash map.",
]
TRUE_OF_A_PASS = [
    "The candidate needed one hint.",
    "With a single hint the candidate got there.",
    "Run #1 failed and run #2 passed.",
    "The opening run failed, and the fix came within a minute.",
    "The first run passing every visible test came at 130 s.",
    "The interview lasted 3 minutes and 20 seconds.",
    "The candidate solved it in 2 minutes 10 seconds.",
    "They had every visible test passing after about two minutes.",
    "It took them just over two minutes to get every visible test passing.",
    "They finished with over 40 minutes to spare.",
    "The interview ended after 200 seconds, well within the 2,700 s allowed.",
    "They finished in under half the time.",
    "They wrapped up with most of the time unused.",
    "Halfway through the interview they switched to a hash map.",
    "In the final stretch they submitted.",
    "They used every minute of the interview productively.",
    "The brute force checks 1000s of pairs.",
    "A just-in-time compiler would not change the O(n) bound.",
]


@pytest.mark.parametrize("text", FALSE_OF_A_PASS)
def test_a_claim_false_of_the_record_is_a_problem(text: str) -> None:
    assert every_problem([("dimensions.problem_solving.justification", text)], "pass"), text


@pytest.mark.parametrize("text", TRUE_OF_A_PASS)
def test_a_true_near_miss_is_no_problem(text: str) -> None:
    assert every_problem([("dimensions.problem_solving.justification", text)], "pass") == [], text


# (facts, sentence): false of those facts' times.
TIME_FALSE = [
    # mixed units and fractions summed, not their first part: 80 and 90 minutes
    (HOUR, "The interview lasted 1 hour 20 minutes."),
    (HOUR, "The interview lasted 1h 30m."),
    (HOUR, "It took them an hour and a half."),
    (HOUR, "The interview ran for one and a half hours."),
    # thousands grouped with a comma are one number ("2,700", not "700")
    (EARLY, "The interview lasted 2,700 seconds."),
    (EARLY, "Spent 1,500 seconds on the brute force."),
    # a range or a lower bound outside the time used
    (EARLY, "The interview lasted between 40 and 45 minutes."),
    (EARLY, "The interview lasted 45+ minutes."),
    # a phase's moment past the end: five minutes into a phase is at least five minutes in
    (EARLY, "Five minutes into coding, they had a passing run."),
    # the finish said in other words, where every visible test first passed at 40 minutes
    (LATE_PASS, "Every visible test passed within 10 minutes."),
    (LATE_PASS, "Passed the visible tests in 10 minutes."),
    (LATE_PASS, "Had a working solution in 10 minutes."),
    (LATE_PASS, "Had a working solution 10 minutes in."),
    (LATE_PASS, "They took 10 minutes to solve it."),
    (LATE_PASS, "It took just ten minutes to get every visible test passing."),
    (LATE_PASS, "The candidate finished the problem in the first 10 minutes."),
    (LATE_PASS, "They finished with 10 minutes to spare."),
    (RAN_OUT, "They finished with 10 minutes to spare."),
    # idioms of earliness where the time ran out with nothing passing
    (RAN_OUT, "The candidate had time left after the first pass."),
    (RAN_OUT, "They submitted with minutes to spare."),
    (RAN_OUT, "They finished with room to spare."),
    (RAN_OUT, "They finished comfortably within the time."),
    (RAN_OUT, "They were ahead of schedule."),
    # half the time: passing at 40 of 45 minutes, or never
    (LATE_PASS, "They finished in half the time."),
    (LATE_PASS, "They wrapped up with most of the time unused."),
    (RAN_OUT, "They finished in half the time."),
    # idioms of lateness where the interview ended at 200 s of 2,700
    (EARLY, "They submitted just in time."),
    (EARLY, "It came down to the wire."),
    (EARLY, "They finished at the buzzer."),
    (EARLY, "They only just finished."),
    (EARLY, "With no time to spare they submitted."),
    (EARLY, "They used every minute of the allotted time."),
    (EARLY, "In the final stretch of the allotted time they fixed the bug."),
    (EARLY, "In the last minutes of the 45 they fixed the bug."),
    (EARLY, "Halfway through the allotted time they switched to a hash map."),
    (EARLY, "By the halfway point every visible test passed."),
    # "a minute" is a duration: every visible test first passed at 130 s
    (EARLY, "Solved it within a minute."),
    (EARLY, "They had every visible test passing in under a minute."),
    # most of the time allowed, used by an interview that ended at 200 s of 2,700
    (EARLY, "They used most of the 45 minutes."),
    (EARLY, "They used nearly all of the allotted time."),
    (EARLY, "The candidate took the better part of the time allowed."),
    (EARLY, "The interview ended after 3 minutes, leaving 10 minutes unused."),
    # a finish where no run ever passed every visible test: the candidate's finish never happened
    (NO_PASS, "They finished in 30 minutes."),
    (NO_PASS, "The candidate completed the problem in 25 minutes."),
    (NO_PASS, "Completed the solution in 25 minutes."),
    (NO_PASS, "Had a working solution 20 minutes in."),
    (RAN_OUT, "They finished in 30 minutes."),
    (RAN_OUT, "They wrapped up the solution with 5 minutes left."),
    (LATE_PASS, "They wrapped up the solution with 10 minutes left."),
    # a pass anchored to a moment before the first run that passed every visible test (40 minutes in), or never
    (LATE_PASS, "Ten minutes in, every visible test passed."),
    (LATE_PASS, "At the 10-minute mark every visible test passed."),
    (LATE_PASS, "By minute 10 all tests passed."),
    (LATE_PASS, "At minute 10, the candidate had every visible test passing."),
    (LATE_PASS, "Within the first 10 minutes the candidate had every visible test passing."),
    (LATE_PASS, "After 10 minutes, the code passed every visible test."),
    (HOUR, "Ten minutes in, they solved it."),
    (LATE_PASS, "Ten minutes in, the candidate had solved it."),
    (LATE_PASS, "Al minuto 10 resolvio el problema."),
    # the interview's end held to the time used (30 minutes)
    (NO_PASS, "La entrevista termino a los 20 minutos."),
    (NO_PASS, "By minute 20 all tests passed."),
    (NO_PASS, "Twenty minutes in, every visible test passed."),
    # a moment said as "minute N" past the interview's end
    (EARLY, "By minute 40 they had switched to a hash map."),
    # the pass in Spanish words of the tests, either word order, before the first run that passed them (40 minutes
    # in), or where none did
    (LATE_PASS, "Al minuto 10 todas las pruebas pasaron."),
    (LATE_PASS, "Al minuto 10 pasaron todas las pruebas visibles."),
    (LATE_PASS, "A los diez minutos, el código pasaba todas las pruebas visibles."),
    (LATE_PASS, "Para el minuto 10 ya pasaban todas las pruebas."),
    (LATE_PASS, "Pasó todas las pruebas visibles en 10 minutos."),
    (LATE_PASS, "Pasaron todas las pruebas visibles a los 10 minutos."),
    (LATE_PASS, "Las pruebas visibles pasaron todas en 10 minutos."),
    (LATE_PASS, "Tardó 10 minutos en pasar todas las pruebas."),
    (LATE_PASS, "Tenía una solución funcional a los 10 minutos."),
    (LATE_PASS, "Al minuto 10 ya había resuelto el problema."),
    (NO_PASS, "Al minuto 20 todas las pruebas pasaron."),
    # the pass said before its moment, and in other words
    (LATE_PASS, "Passed all visible tests at minute 10."),
    (LATE_PASS, "Every visible test was passing by minute 10."),
    (LATE_PASS, "All visible tests passed at the 10-minute mark."),
    (LATE_PASS, "The tests all passed within 10 minutes."),
    (LATE_PASS, "Got all the tests green in 10 minutes."),
    (LATE_PASS, "Pasó las pruebas visibles con 30 minutos de sobra."),
    (LATE_PASS, "They passed the visible tests with 30 minutes to spare."),
    # the time in other Spanish words: half the time, all of it, the last minute, against the clock, early
    (LATE_PASS, "Resolvió el problema en la mitad del tiempo."),
    (LATE_PASS, "Lo resolvió en menos de la mitad del tiempo."),
    (EARLY, "Usó los 45 minutos completos."),
    (EARLY, "Agotó el tiempo."),
    (EARLY, "Llegó justo a tiempo."),
    (EARLY, "Terminó en el último minuto."),
    (EARLY, "Trabajó contra reloj."),
    (RAN_OUT, "Terminó temprano."),
]
TIME_TRUE = [
    (HOUR, "The interview lasted 27 minutes and 10 seconds."),
    (FULL, "The interview lasted three-quarters of an hour."),
    (FULL, "The interview ran for three quarters of an hour."),
    (FULL, "The interview lasted 0.75 hours."),
    (FULL, "The interview lasted 45+ minutes."),
    (FULL, "The interview lasted 40-45 minutes."),
    (LATE_PASS, "The interview lasted between 40 and 45 minutes."),
    (EARLY, "The candidate solved it in 1 minute 30 seconds."),
    (EARLY, "The interview ended at 200 s of the 2,700 s allowed."),
    (EARLY, "They wrote 1000s of lines."),
    (EARLY, "One or two minutes in, they described the brute force."),
    (EARLY, "We have forty-five minutes for one problem."),
    (EARLY, "The interviewer checked in every few minutes."),
    (EARLY, "They used just-in-time compilation."),
    (EARLY, "They had just finished the loop when the hint came."),
    (EARLY, "They used every minute of the interview productively."),
    (EARLY, "Halfway through the interview they switched to a hash map."),
    (EARLY, "In the final stretch they fixed the bug."),
    (EARLY, "Before the halfway point every visible test passed."),
    (EARLY, "They finished in half the time complexity of the brute force."),
    (EARLY, "The code ran comfortably within the time limit."),
    (FULL, "They finished in half the time."),
    (FULL, "Halfway through the 45 minutes they switched to a hash map."),
    (FULL, "The candidate had time left after the first pass."),
    (LATE_PASS, "Had a working solution 40 minutes in."),
    (LATE_PASS, "They took 40 minutes to solve it."),
    (LATE_PASS, "They finished with 5 minutes to spare."),
    (LATE_PASS, "They finished with minutes to spare."),
    (LATE_PASS, "They submitted just in time."),
    (LATE_PASS, "In the final stretch of the allotted time they fixed the bug."),
    (LATE_PASS, "The first run took 3 minutes to complete."),
    (RAN_OUT, "It came down to the wire."),
    (HOUR, "They finished the interview with 30 minutes left."),
    # a duration inside a quote is the quoted words', not a claim of the interview's time
    (EARLY, "They wrote `assert elapsed < 10 * 60  # 10 minutes`."),
    (EARLY, "The candidate quoted the log line `finished in 45 minutes` from a previous job."),
    (EARLY, 'The candidate said: "I\'ll need about 20 minutes for this".'),
    (EARLY, "They named the test \u201ctest solves it in 10 minutes\u201d."),
    # a plan, an estimate or a design's own time is no duration of the interview
    (EARLY, "They planned to finish in 20 minutes but needed only 3."),
    (EARLY, "The candidate estimated it would take 20 minutes, then solved it in about 2."),
    (EARLY, "They proposed caching results for 5 minutes."),
    (EARLY, "The candidate described a 24-hour rolling window as an extension."),
    (EARLY, "They discussed how a 2-hour batch job could be parallelised."),
    (EARLY, "The whole session took about 3 min, leaving roughly 42 min unused."),
    (EARLY, "The first run came about a minute in."),
    (EARLY, "They spent most of the time coding."),
    (FULL, "They used most of the 45 minutes, solving it in 18."),
    # the interview's own end, held to the time used, not to a finish
    (NO_PASS, "The interview finished after 30 minutes."),
    (NO_PASS, "The session ended at 30 minutes."),
    (NO_PASS, "The interview wrapped up in 30 minutes."),
    (NO_PASS, "The interview finished with 15 minutes left."),
    (NO_PASS, "The interview wrapped up with 15 minutes left."),
    (RAN_OUT, "The session ended at 45 minutes."),
    (RAN_OUT, "The interview finished after 46 minutes without a passing run."),
    (NO_PASS, "They spent 20 minutes on the brute force."),
    (NO_PASS, "Twenty minutes in, the first run failed."),
    # a pass anchored at or after the first run that passed every visible test (25 minutes in), or relative
    (HOUR, "Twenty-five minutes in, every visible test passed."),
    (HOUR, "At the 26-minute mark every visible test passed."),
    (HOUR, "By minute 26 all tests passed."),
    (HOUR, "Ten minutes in, they finished the brute force."),
    (LATE_PASS, "Ten minutes later, every visible test passed."),
    (LATE_PASS, "In the last 5 minutes, every visible test passed."),
    (LATE_PASS, "By minute 41 they had every visible test passing."),
    (LATE_PASS, "They finished in 40 minutes."),
    (LATE_PASS, "Al minuto 41 resolvio el problema."),
    (LATE_PASS, "Ten minutes in, they had solved the warm-up."),
    (NO_PASS, "La entrevista termino a los 30 minutos."),
    # the pass in Spanish at or after its moment, relative, or of something else
    (LATE_PASS, "Al minuto 41 todas las pruebas pasaron."),
    (LATE_PASS, "Pasó todas las pruebas visibles en 40 minutos."),
    (EARLY, "Todas las pruebas pasaron a los 2 minutos."),
    (LATE_PASS, "Diez minutos después pasaron todas las pruebas."),
    (LATE_PASS, "Al minuto 10 escribió la primera prueba."),
    (LATE_PASS, "Al minuto 10 todas las pruebas fallaban."),
    (LATE_PASS, "Al minuto 10 no pasaban todas las pruebas."),
    (LATE_PASS, "Passed all visible tests after minute 10."),
    (LATE_PASS, "They passed every visible test by minute 41."),
    (FULL, "Usó los 45 minutos completos."),
    (FULL, "Resolvió el problema en menos de la mitad del tiempo."),
    (FULL, "Terminó temprano y dedicó el resto a preguntas."),
    (FULL, "A mitad del tiempo ya pasaban todas las pruebas."),
    (RAN_OUT, "Agotó el tiempo sin pasar las pruebas visibles."),
    (LATE_PASS, "Pasó las pruebas visibles con unos 5 minutos de sobra."),
    # half of what was left, not of the time allowed
    (LATE_PASS, "En la mitad del tiempo restante explicó la complejidad."),
    (LATE_PASS, "En la mitad del tiempo que le quedaba repasó los casos límite."),
]


@pytest.mark.parametrize(("facts", "text"), TIME_FALSE)
def test_a_time_claim_false_in_other_words_is_a_problem(facts: Facts, text: str) -> None:
    assert time_problems([("dimensions.problem_solving.justification", text)], facts), text


@pytest.mark.parametrize(("facts", "text"), TIME_TRUE)
def test_a_true_time_near_miss_is_no_problem(facts: Facts, text: str) -> None:
    assert time_problems([("dimensions.problem_solving.justification", text)], facts) == [], text
