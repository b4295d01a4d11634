"""One answer (grader/answer.py) for the model's "Final code", the facts, the grader's final Submit and the report:
the bundle printed the last editor snapshot as the final code, so a candidate whose Submit locked a python answer
and who then switched the editor to java (or typed on) was graded by the model on code that was not the answer,
while the facts and the report named the locked one."""

from __future__ import annotations

from grader.answer import bundle_answer
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.final_submit import final_submission
from grader.schemas import BundleEvent, BundleInput
from tests.grader.bundles import BUGGY, CORRECT, interview

JAVA = "class Solution {\n    // java-7c1e: typed after the Submit\n    int[] twoSum(int[] n, int t) { return n; }\n}\n"
EDITED = CORRECT.replace("return []", "return [-1, -1]  # edited-4d2a: typed after the Submit")


def _snapshot(seq: int, t: float, language: str, code: str) -> BundleEvent:
    return BundleEvent(seq=seq, type="editor_snapshot", t=t, payload={"language": language, "code": code})


def _session(source: BundleInput, *, language: str = "python") -> BundleInput:
    session = source.session.model_copy(update={"language": language, "languages": ["python", "java"]})
    return source.model_copy(update={"session": session})


def _final(source: BundleInput) -> str:
    return (
        build_bundle(source, compute_facts(source))
        .interview.split("## Final code")[1]
        .split("## Integrity")[0]
    )


def test_a_locked_python_answer_is_the_final_code_after_the_editor_switched_to_java() -> None:
    # The ending kept the locked Submit (CORRECT, python) as the final code and the session's language.
    source = _session(interview(submitted=True, extra_events=[_snapshot(30, 185.0, "java", JAVA)]))
    final = _final(source)
    assert final.startswith(": snapshot [9] (python)"), final[:80]
    assert "if target - x in seen" in final and "java-7c1e" not in final
    assert "the last snapshot, [30] (java), is not the answer" in final
    assert compute_facts(source).language == "python"
    assert bundle_answer(source).code == CORRECT and bundle_answer(source).language == "python"
    assert final_submission(source) is None  # the Submit was judged: its verdict is the answer's


def test_a_locked_answer_is_the_final_code_after_typing_on_in_the_same_language() -> None:
    source = _session(interview(submitted=True, extra_events=[_snapshot(30, 185.0, "python", EDITED)]))
    final = _final(source)
    assert final.startswith(": snapshot [9] (python)") and "edited-4d2a" not in final
    assert "judged other code" not in final  # the final test results are this code's


def test_where_resubmission_is_allowed_edits_after_the_last_submit_are_labelled() -> None:
    # Nothing locked: the ending kept the edited code as the final code; the facts' final hidden results are the
    # last Submit's, which judged other code, and the model is told so.
    source = _session(interview(submitted=True, extra_events=[_snapshot(30, 185.0, "python", EDITED)]))
    source = source.model_copy(update={"final_code": EDITED})
    final = _final(source)
    assert final.startswith(": snapshot [30] (python)") and "edited-4d2a" in final
    assert "The last submission, [14], judged other code than this" in final


def test_never_submitted_switched_and_typed_on_before_the_end() -> None:
    # The end handed in java typed after the last snapshot: that code, in java, is the answer everywhere.
    ended = JAVA.replace("return n;", "return new int[] {0, 1};")
    source = _session(
        interview(submitted=False, extra_events=[_snapshot(30, 185.0, "java", JAVA)]), language="java"
    )
    source = source.model_copy(update={"final_code": ended})
    final = _final(source)
    assert final.startswith(" (not recorded as a snapshot; it cannot be cited)"), final[:80]
    assert "new int[] {0, 1}" in final and "~~~java" in final
    assert "the last snapshot, [30] (java), is not the answer" in final
    assert compute_facts(source).language == "java"
    chosen = final_submission(source)
    assert chosen is not None and (chosen.language, chosen.code) == ("java", ended)


def test_never_submitted_switched_and_ended_with_the_editors_code() -> None:
    source = _session(
        interview(submitted=False, extra_events=[_snapshot(30, 185.0, "java", JAVA)]), language="java"
    )
    source = source.model_copy(update={"final_code": JAVA})
    assert _final(source).startswith(": snapshot [30] (java)")
    assert compute_facts(source).language == "java"
    chosen = final_submission(source)
    assert chosen is not None and (chosen.language, chosen.code) == ("java", JAVA)


def test_an_interview_that_ended_with_no_code() -> None:
    source = interview(submitted=False).model_copy(update={"final_code": None, "runs": []})
    source = source.model_copy(update={"events": [e for e in source.events if e.type != "editor_snapshot"]})
    text = build_bundle(source, compute_facts(source)).interview
    assert "## Final code" not in text
    assert compute_facts(source).language == "python" and final_submission(source) is None
    answer = bundle_answer(source)
    assert (answer.code, answer.language, answer.snapshot) == (None, "python", None)


def test_a_snapshot_holding_the_final_code_names_its_language_for_the_facts_too() -> None:
    # Code handed in without a language kept the scheduled one on the session; the snapshot that holds the code
    # names java, which the session runs: the grader submitted it in java while the facts said python.
    source = _session(interview(submitted=False, extra_events=[_snapshot(30, 185.0, "java", JAVA)]))
    source = source.model_copy(update={"final_code": JAVA})
    assert compute_facts(source).language == "java"
    chosen = final_submission(source)
    assert chosen is not None and chosen.language == "java"
    assert BUGGY not in _final(source)
