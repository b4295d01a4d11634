"""Precision of the checks of the scorecard's words against the record (grader/claims.py, grader/claim_success.py,
grader/claim_words.py, and the hint, speed, time, first-run, activity and complexity checks the pipeline runs beside
them): TRUE sentences a strong grading model writes about four interviews must pass. A check that refuses a true
sentence sends the scorecard to a repair round, and one it cannot repair fails and asks a human: the checks fail
closed, so their cost is measured here, on the approach, complexity, communication, testing habits, partial progress
and debugging, in English and Spanish, for a candidate whose final submission passed everything, one who passed the
visible tests but failed the hidden one, one who never submitted, and one whose code was correct but too slow (the
hidden test hit the time limit). Each interview used 200 s of the 2,700 allowed: a sentence is true only of that
record, so "ran out of time" said of it is false (`FALSE_OF_THE_RECORD`, which every check together must refuse).
"""

from __future__ import annotations

import pytest

from grader.bundle import Bundle, build_bundle
from grader.claim_activity import activity_of, activity_problems
from grader.claim_complexity import complexity_problems, stated
from grader.claim_first import first_run_problems
from grader.claim_hints import hint_problems
from grader.claim_speed import speed_problems
from grader.claim_time import time_problems
from grader.claims import claim_problems
from grader.facts import compute_facts
from grader.graded_lines import graded_candidate_lines
from grader.schemas import BundleInput
from tests.grader.bundles import interview, run_result


def _submitted(hidden_verdict: str) -> BundleInput:
    """Both visible tests passed at the end and in the submission, whose hidden test failed with `hidden_verdict`."""
    source = interview(submitted=True)
    runs = list(source.runs)
    result = run_result(2, 0)
    result["tests"][-1]["verdict"] = hidden_verdict
    runs[-1] = runs[-1].model_copy(update={"result": result, "verdict": hidden_verdict})
    return source.model_copy(update={"runs": runs})


def _bundle(source: BundleInput) -> Bundle:
    return build_bundle(source, compute_facts(source))


SOURCES = {
    "pass": interview(submitted=True),
    "hidden_failed": _submitted("wrong_answer"),
    "unsubmitted": interview(submitted=False),
    "too_slow": _submitted("time_limit"),
}
BUNDLES = {case: _bundle(source) for case, source in SOURCES.items()}
PASSED, HIDDEN_FAILED = BUNDLES["pass"], BUNDLES["hidden_failed"]
UNSUBMITTED, TOO_SLOW = BUNDLES["unsubmitted"], BUNDLES["too_slow"]


def every_problem(texts: list[tuple[str, str]], case: str) -> list[str]:
    """What the pipeline's checks of the scorecard's words against the record (grader/pipeline.py) find in `texts`
    for the interview `case`."""
    source, bundle = SOURCES[case], BUNDLES[case]
    facts = bundle.facts
    return [
        *claim_problems(texts, facts, bundle.index),
        *hint_problems(texts, facts, source.session.record_full_s),
        *speed_problems(texts, bundle.index),
        *time_problems(texts, facts),
        *first_run_problems(texts, bundle.index),
        *activity_problems(texts, activity_of(source)),
        *complexity_problems(texts, stated(facts.complexity_claimed, graded_candidate_lines(source))),
    ]


def test_the_interviews_are_as_the_sentences_assume() -> None:
    for bundle, hidden, verdict in ((PASSED, (1, 1), "accepted"), (HIDDEN_FAILED, (0, 1), "wrong_answer"),
                                    (TOO_SLOW, (0, 1), "time_limit")):  # fmt: skip
        final = bundle.facts.hidden_tests.final
        visible = bundle.facts.visible_tests.final
        assert final is not None and (final.passed, final.total) == hidden
        assert visible is not None and (visible.passed, visible.total) == (2, 2)
        submission = [e for e in bundle.index.citable.values() if e.type == "submission"]
        assert [e.verdict for e in submission] == [verdict]
    assert UNSUBMITTED.facts.hidden_tests.final is None


# The final submission passed every test (after a failed first run and one hint).
TRUE_OF_A_PASS = [
    "**Correctness:** the final submission passed 2/2 visible tests and 1/1 hidden test.",
    "- Approach: brute force first, then a one-pass hash map.",
    "- Code quality: clear names, a short function, no dead code.",
    "The final code always returns a pair of indices.",
    "The candidate's final solution is a correct one.",
    "The candidate said the code was correct, and it was.",
    "As the candidate predicted, the hash map version passed.",
    "The candidate's final submission passed both visible tests and the hidden test.",
    "After a failed first run, the candidate fixed the early return and the code passed.",
    "Their hash map solution is correct and runs in O(n) time with O(n) extra space.",
    "The candidate solved the problem after one hint.",
    "The first run failed both visible tests because the function returned an empty list without checking the map.",
    "They described the O(n^2) brute force before moving to a one-pass hash map.",
    "The stated complexity, O(n) time and O(n) space, matches the implementation.",
    "Communication was clear: they explained each step before typing it.",
    "The candidate did not write tests of their own; they relied on the provided examples.",
    "Debugging was efficient: they read the failing output, spotted the missing lookup and fixed it in one edit.",
    "The final code is correct and readable.",
    "Overall, a strong performance: a correct solution, a sound complexity analysis and clear explanations.",
    "The candidate needed one hint to move from the brute-force idea to the hash map.",
    "Their solution handles duplicates correctly because it checks the map before inserting the current value.",
    "The submission was accepted on the first try.",
    "The code worked once the lookup was added.",
    "Before submitting, they could have traced an edge case such as an empty array by hand.",
    "The hint was used well: within a minute the candidate had restructured the loop around a dictionary.",
    "Testing habits could improve: the candidate did not trace an example by hand before running the code.",
    "The final solution is efficient, correct and idiomatic Python.",
    "Everything passed in the end.",
    "All tests passed on the final submission.",
    "The candidate recovered quickly from the failing first run.",
    "In its final form the code is bug-free.",
    "The candidate wrote working code within the time limit.",
    "They ended with a working, well-structured solution.",
    "The final submission succeeded.",
    "The candidate's code passed every hidden test.",
    "The candidate understood the problem quickly and asked a useful clarifying question about duplicates.",
    "Their variable names were clear, and the function was short.",
    "The candidate's solution succeeded on the final submission.",
    "The candidate got the problem right after the hint.",
    "Once the lookup was fixed, the code passed all the visible tests.",
    "The candidate's code passed; the explanation of why a hash map helps was also clear.",
    "The candidate explained that a set would not work because the indices are needed.",
    "La entrega final pasó todas las pruebas visibles y ocultas.",
    "La candidata resolvió el problema con un mapa hash en tiempo O(n).",
    "El primer intento falló porque la función devolvía una lista vacía.",
    "Explicó con claridad la solución de fuerza bruta antes de optimizarla.",
    "La solución final es correcta y eficiente.",
    "Necesitó una pista para pasar al mapa hash.",
    "Su análisis de complejidad fue correcto: O(n) en tiempo y O(n) en espacio.",
    "Depuró el error rápidamente tras leer la salida de la prueba.",
    "No escribió pruebas propias antes de ejecutar el código.",
    "El código final funciona.",
    "Tras la pista, reestructuró el bucle en torno a un diccionario.",
    "La comunicación fue clara durante toda la entrevista.",
    "The final code does what the problem asks.",
    "Does the final code work? It does: the submission passed every test.",
    "The candidate said that, after the hint, the hash map version would be faster, and it was.",
    "The code passed each and every test on the final submission.",
    "Did it pass the hidden tests? Yes — every test.",
    "Did the final submission pass the hidden tests? Yes: all of them.",
    "Did it pass every visible test? Yes, every single one.",
    "The final code is rock solid and does what it says on the tin.",
    "In the end the submission was bulletproof: every test came back green.",
    "All green on the final submission.",
    "Did it pass the hidden test? Yes, the only one.",
    "Did any test fail? No.",
    "¿Falló alguna prueba? No.",
    "Were there failing hidden tests? No.",
    "Did the submission fail anything? No, nothing.",
    "Final verdict: rock solid.",
    "Verdict: correct.",
    "Result: all tests passed.",
    "Hidden tests: all passing.",
    "Veredicto: impecable.",
]
# Both visible tests passed; the submission's hidden test gave a wrong answer.
TRUE_OF_A_HIDDEN_FAILURE = [
    "The structure of the code is sound; the bug is in what it returns for duplicates.",
    "They believed the solution was correct, and they were wrong.",
    "The code structure is sound, but the hidden test failed.",
    "Their reasoning about the hash map was sound.",
    "The candidate's variable names were fine.",
    "The candidate completed the problem statement walkthrough in two minutes.",
    "When asked for an example, they gave a correct one.",
    "The candidate always explained their next step before typing.",
    "**Testing:** only the two provided examples were run.",
    "- Debugging: read the failure, found the early return, fixed it.",
    "The interviewer's hint was valid and well timed.",
    "The candidate's assumption that the input is valid was never checked.",
    "The candidate's explanation of the code was clear and correct.",
    'The candidate said: "my code works", but the hidden test failed.',
    "The candidate said, 'I think it works now,' and submitted.",
    "La estructura del código está bien, pero la prueba oculta falló.",
    "Su razonamiento era válido.",
    "Ella dijo «mi código funciona», pero la prueba oculta falló.",
    "The final submission passed both visible tests but failed the hidden test.",
    "The solution passed the visible tests but not the hidden one.",
    "The hash map approach is sound, but the submitted code gave a wrong answer on the hidden test.",
    "The candidate's approach was sound; the implementation had a bug that only the hidden test exposed.",
    "They did not find the bug before submitting.",
    "The code works on the provided examples but fails the hidden test.",
    "The submission was not accepted.",
    "The candidate explained the brute force clearly before coding.",
    "Their complexity analysis was correct.",
    "Testing: they ran only the provided examples and did not try edge cases such as duplicates or negative numbers.",
    "Had they tested duplicate values, they might have caught the bug.",
    "Partial progress: the visible tests passed, the hidden one did not.",
    "The final code is close to correct.",
    "The code was correct for the visible examples only.",
    "They believed the solution was correct, but the hidden test failed.",
    "The candidate said the code was correct before submitting, but the hidden test failed.",
    "The candidate was confident that the solution worked and submitted without further testing.",
    "The candidate assumed the code was correct once the examples passed.",
    "They submitted as soon as the visible tests passed, assuming the solution was complete.",
    "Their final code passed the visible tests; the hidden test failed with a wrong answer.",
    "Debugging: when the first run failed, they read the expected output and found the early return.",
    "The candidate did not verify the solution beyond the two examples.",
    "The candidate did not ask about duplicate values, which is likely what the hidden test checks.",
    "Their explanation of the algorithm was clear and well structured.",
    "The candidate used the hint well and moved to a hash map.",
    "The code is not fully correct: the hidden test failed.",
    "The solution is incorrect for at least one hidden input.",
    "The submission did not pass.",
    "The candidate did not solve the problem completely.",
    "Whether the candidate's fix handles duplicates is unclear.",
    "The candidate thought their code was bug-free, but the hidden test exposed a bug.",
    "The candidate declared the solution done and submitted it.",
    "They claimed the solution worked for every input, which the hidden test disproved.",
    "The interviewer asked whether the code was correct for negative numbers; the candidate said yes without checking.",
    "The candidate wrote clean code but never tested it on edge cases.",
    "The approach was right; the code was not.",
    "Their first instinct, a nested loop, was correct but slow; they then moved to a hash map.",
    "Strong communication, weaker verification.",
    "La entrega pasó las pruebas visibles pero falló la prueba oculta.",
    "El enfoque es correcto, pero la implementación falla en un caso oculto.",
    "La candidata creyó que su solución era correcta, pero la prueba oculta falló.",
    "No probó casos límite como valores duplicados.",
    "Su comunicación fue clara durante toda la entrevista.",
    "El código no es del todo correcto.",
    "La solución no pasó la prueba oculta.",
    "Explicó bien la complejidad, pero no verificó su código con casos propios.",
    "Dijo que su código funcionaba antes de enviarlo.",
    "La candidata pensaba que el código era correcto.",
    "The candidate said that, after the fix, the code was correct.",
    "It works, the candidate said, but the hidden test failed.",
    "Is the code correct? Not for the hidden input.",
    "The code did not do what it was supposed to for duplicate values.",
    "The candidate described what the function should return before coding it.",
    "The candidate said the code was correct, and the interviewer agreed.",
    "Did it pass the visible tests? Yes — both.",
    "Did it pass the hidden test? No — it failed the only one.",
    "The visible tests? None failed.",
    "The code style is correct; the return value for duplicates is not.",
    "The code was anything but bulletproof: duplicates broke it.",
    "The candidate's reasoning was airtight, but the code had a bug.",
    "The visible tests were all green; the hidden one was not.",
    "The visible tests passed; the hidden one did not.",
    "The visible tests? Flawless.",
    "Did any visible test fail? No.",
    "Did it pass the hidden test? No.",
    "¿Pasó la prueba oculta? No.",
    "Result: 2/2 visible tests, 0/1 hidden.",
]
# The visible tests passed in the last run; nothing was submitted, so the hidden test never ran.
TRUE_OF_NO_SUBMISSION = [
    "The final code looks correct, but without a submission this is unverified.",
    "The candidate thought the code was correct but ended the interview without submitting.",
    "The candidate's plan for the solution was sound.",
    "- Outcome: no submission; the last run passed 2/2 visible tests.",
    "The candidate never submitted a solution.",
    "The last run passed both visible tests, but the code was never submitted, so the hidden test never ran.",
    "The hidden tests never ran.",
    "Their last run passed the visible tests.",
    "The interview ended before they submitted.",
    "The candidate stopped with most of the time unused and never submitted.",
    "The code looked correct on the visible tests.",
    "Once the hash map version was in place, the visible tests passed.",
    "It is unclear whether the final code is correct, because it was never submitted.",
    "Without a submission, whether the solution is correct on the hidden inputs is unknown.",
    "No submission was made, so the solution's correctness on hidden inputs was never checked.",
    "The candidate claimed their code was correct but never submitted it.",
    "The candidate asked whether the solution was correct.",
    "They said they were confident the solution worked, but they did not submit it.",
    "The candidate explained the O(n) approach clearly and wrote it out.",
    "Progress: a brute-force idea, then a hash map version that passed the visible tests.",
    "They spent most of the session debugging the early return.",
    "The candidate needed one hint.",
    "Their communication was good: they narrated their reasoning throughout.",
    "Testing habits were limited to the two provided examples.",
    "The code's correctness beyond the visible examples was not established.",
    "The candidate believed the code was finished, but they forgot to submit it.",
    "They said the code was correct and moved on to discuss complexity.",
    "The candidate did not confirm that the solution works on edge cases.",
    "Whether the final code works on all inputs is unknown.",
    "We cannot tell whether the solution is correct, since nothing was submitted.",
    "The interviewer prompted them to submit, but they kept refining the code.",
    "The final code was never judged against the hidden tests.",
    "The candidate's approach was sound.",
    "They wrote a correct complexity analysis for the hash map version.",
    "La candidata nunca envió su solución.",
    "La última ejecución pasó las pruebas visibles.",
    "No se sabe si el código es correcto, porque no se envió.",
    "Terminó la entrevista sin enviar su solución.",
    "Dijo que su solución era correcta, pero no la envió.",
    "Las pruebas ocultas nunca se ejecutaron.",
    "Explicó su razonamiento en voz alta durante toda la sesión.",
    "No sabemos si la solución funciona con todas las entradas.",
    "There is no hidden-test result to report.",
    "No hidden-test result to report, since nothing was submitted.",
    "The candidate said that, in the end, it worked.",
    "Does the final code work? Without a submission, nobody knows.",
    "The code, the candidate claimed, was finished.",
    "The candidate aimed for a bulletproof solution but never submitted it.",
    "Did the last run pass the visible tests? Yes, both of them.",
    "The code looks rock solid, but without a submission this is unverified.",
    "Did it pass the hidden test? No: nothing was submitted.",
    "Did any visible test fail in the end? No.",
    "Outcome: the visible tests passed; nothing was submitted.",
]
# Both visible tests passed; the submission's hidden test hit the time limit.
TRUE_OF_TOO_SLOW = [
    "The candidate's brute force is a valid solution, just too slow for the hidden input.",
    # A question answered yes whose answer goes on past its first clause or sentence to say it is slow.
    "Is the solution correct? Yes, it is; it is just too slow for the hidden test.",
    "Is the code correct? Yes. It times out on the hidden test, though.",
    "¿Es correcta la solución? Sí, lo es; solo que es demasiado lenta para la prueba oculta.",
    "The code is correct; it just times out on the hidden test.",
    "The nested-loop code is correct, but it exceeded the time limit on the hidden test.",
    "The final submission passed both visible tests but timed out on the hidden test.",
    "The code returns the right answers on the visible tests but timed out on the hidden one.",
    "The candidate's O(n^2) approach timed out on the hidden test.",
    "They identified the O(n) hash map approach but did not implement it.",
    "The logic is correct; the problem is performance.",
    "The brute-force approach is correct but too slow for the hidden input.",
    "The submission failed the hidden test with a time limit verdict.",
    "They did not analyse the complexity before submitting.",
    "When asked about complexity, the candidate said the nested loops were O(n^2).",
    "The nested loops make the solution quadratic, which is too slow for the hidden input.",
    "The candidate did not consider the input size before choosing the algorithm.",
    "Their communication was clear, but they did not discuss performance until prompted.",
    "The hidden test hit the time limit.",
    "The visible tests passed; the hidden test exceeded the time limit.",
    "Optimising the inner loop with a hash map would have passed the hidden test.",
    "The candidate's idea for an O(n) solution was right, but it was never coded.",
    "The submitted solution is too slow.",
    "The candidate's testing stopped at the two small examples, which cannot reveal a performance problem.",
    "The candidate was right that the brute force is O(n^2).",
    "They did not ask about the input size.",
    "The candidate debugged the wrong-answer run efficiently, but never addressed the running time.",
    "The solution is correct but too slow.",
    "The code is correct but too slow for the hidden test.",
    "Their solution was correct but inefficient: the hidden test timed out.",
    "The code produced correct results on the visible tests but was too slow on the hidden one.",
    "The candidate's solution is functionally correct but exceeds the time limit.",
    "The code is correct, just not fast enough.",
    "La solución es correcta pero demasiado lenta.",
    "El código es correcto pero excede el límite de tiempo en la prueba oculta.",
    "La entrega superó las pruebas visibles, pero la prueba oculta excedió el tiempo límite.",
    "Su idea de usar un mapa hash era acertada, pero no la implementó.",
    "El enfoque de fuerza bruta es correcto pero lento.",
    "No analizó la complejidad antes de enviar.",
    "La solución es correcta, aunque ineficiente.",
    "Su código funciona, pero es demasiado lento para la prueba oculta.",
    "Is the code correct? Yes, but it is too slow for the hidden test.",
    "The code does what it should, just too slowly for the hidden test.",
    "Did the submission pass the visible tests? Yes — both.",
    "The code's structure is rock solid; its running time is the problem.",
    "The visible tests? All green. The hidden one timed out.",
    "Did the submission pass every hidden test? No.",
    "Verdict: correct but too slow.",
    "The visible tests? Perfect.",
]
# False of the interview with no submission, which used 200 s of 2,700: its time did not run out. They had sat in
# TRUE_OF_NO_SUBMISSION, where only claim_problems read them, so the test held that a false claim passes.
FALSE_OF_THE_RECORD = [
    ("The candidate thought the code was correct but ran out of time before submitting.", "unsubmitted"),
    ("Time ran out before they submitted.", "unsubmitted"),
    ("The candidate ran out of time before submitting.", "unsubmitted"),
    ("Se le acabó el tiempo antes de enviar.", "unsubmitted"),
    ("The candidate aimed for a bulletproof solution but ran out of time.", "unsubmitted"),
]
CASES = [
    *((text, "pass") for text in TRUE_OF_A_PASS),
    *((text, "hidden_failed") for text in TRUE_OF_A_HIDDEN_FAILURE),
    *((text, "unsubmitted") for text in TRUE_OF_NO_SUBMISSION),
    *((text, "too_slow") for text in TRUE_OF_TOO_SLOW),
]


@pytest.mark.parametrize(("text", "case"), CASES)
def test_a_true_sentence_is_no_problem(text: str, case: str) -> None:
    assert every_problem([("dimensions.coding.justification", text)], case) == [], text


@pytest.mark.parametrize(("text", "case"), FALSE_OF_THE_RECORD)
def test_a_sentence_false_of_the_record_is_a_problem(text: str, case: str) -> None:
    assert every_problem([("dimensions.coding.justification", text)], case), text


def test_the_corpus_is_large_varied_and_in_both_languages() -> None:
    texts = [text for text, _ in CASES]
    assert len(set(texts)) == len(texts) >= 150
    assert not set(texts) & {text for text, _ in FALSE_OF_THE_RECORD}
    spanish = [
        t for t in texts if any(c in t for c in "áéíóúñ¿¡") or t.split()[0] in ("La", "El", "Su", "No")
    ]
    assert len(spanish) >= 30
    assert all(sum(case == c for _, case in CASES) >= 30 for c in BUNDLES)


def test_the_whole_corpus_as_one_scorecard_is_no_problem() -> None:
    """The sentences of a case together, as a justification reads: none takes up or changes another."""
    for case in BUNDLES:
        texts = [text for text, c in CASES if c == case]
        assert every_problem([("summary", " ".join(texts))], case) == [], case
