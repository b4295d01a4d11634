"""The facts' language is the final code's (grader/facts.py `answer_language`), the one the report states in its
header: a candidate who submitted python and then switched the editor to java was graded "java" under a report
header of "python"."""

from __future__ import annotations

from grader.facts import answer_language, compute_facts
from grader.schemas import BundleEvent
from tests.grader.bundles import interview

JAVA = "class Solution {}\n"


def test_the_final_codes_language_else_the_editors_else_the_last_runs_else_the_sessions() -> None:
    assert (
        answer_language("python", final_code=True, snapshot_language="java", run_language="cpp") == "python"
    )
    assert answer_language("python", final_code=False, snapshot_language="java", run_language="cpp") == "java"
    assert answer_language("python", final_code=False, snapshot_language=None, run_language="cpp") == "cpp"
    assert answer_language("python", final_code=False) == "python"
    # A language the client names that we do not run is none.
    assert answer_language("python", final_code=False, snapshot_language="pascal", run_language=7) == "python"


def test_a_switch_after_the_final_code_does_not_change_the_facts_language() -> None:
    source = interview()
    switched = BundleEvent(
        seq=99, type="editor_snapshot", t=200.0, payload={"language": "java", "code": JAVA}
    )
    source = source.model_copy(update={"events": [*source.events, switched]})
    assert source.session.language == "python"
    # The session ended with a final code (the ending stored its language on the session): python.
    assert compute_facts(source.model_copy(update={"final_code": "def f(): pass\n"})).language == "python"
    # It ended with none: the code it is graded on is the last snapshot's, in java.
    assert compute_facts(source.model_copy(update={"final_code": None})).language == "java"
