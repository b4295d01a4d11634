"""The grader's final Submit of a candidate who never submitted (grader.final_submit): the snapshot's language is
the client's to name, so one the session does not run never leaves the final code unjudged; and a final code the
judge refused is said in the facts, never taken for "nothing to judge"."""

from __future__ import annotations

import pytest

from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.final_submit import final_submission
from grader.schemas import BundleEvent, BundleInput
from tests.grader.bundles import CORRECT, interview


def _last_snapshot(language: object, *, languages: list[str] | None = None) -> BundleInput:
    source = interview(submitted=False)
    snapshot = BundleEvent(
        seq=30, type="editor_snapshot", t=190.0, payload={"language": language, "code": CORRECT}
    )
    session = source.session.model_copy(update={"languages": languages or []})
    return source.model_copy(update={"events": [*source.events, snapshot], "session": session})


@pytest.mark.parametrize("named", ["pascal", "cobol", "Python", "", None, 7, "python3", "rust"])
def test_a_snapshot_naming_a_language_the_session_does_not_run_is_submitted_in_the_sessions(named: object):
    chosen = final_submission(_last_snapshot(named))
    assert chosen is not None and (chosen.language, chosen.code) == ("python", CORRECT)


def test_a_runnable_language_the_organisation_did_not_allow_is_not_the_one_submitted():
    chosen = final_submission(_last_snapshot("javascript", languages=["python"]))
    assert chosen is not None and chosen.language == "python"
    chosen = final_submission(_last_snapshot("cpp"))  # no list: the session's own language only
    assert chosen is not None and chosen.language == "python"


def test_an_allowed_language_the_candidate_switched_to_is_the_one_submitted():
    chosen = final_submission(_last_snapshot("javascript", languages=["python", "javascript"]))
    assert chosen is not None and chosen.language == "javascript"


def test_a_final_code_the_judge_refused_is_said_in_the_facts_and_to_the_model():
    source = interview(submitted=False).model_copy(update={"final_submit_refused": "code_too_large"})
    facts = compute_facts(source)
    assert facts.final_code_not_judged == "code_too_large" and not facts.final_submit_by_grader
    assert facts.hidden_tests.final is None
    text = build_bundle(source, facts).interview
    assert "their last code could not be judged (code too large): no hidden test ran" in text
    untouched = compute_facts(interview(submitted=False))
    assert untouched.final_code_not_judged is None
    assert "could not be judged" not in build_bundle(interview(submitted=False), untouched).interview


def _judge_failed_submit(*, by_grader_too: bool = False, code: str | None = CORRECT) -> BundleInput:
    """The candidate submitted, and the judge failed on it (`internal_error`, ours)."""
    source = interview(submitted=True)
    runs = [r.model_copy(update={"verdict": "internal_error", "result": None, "code": code})
            if r.kind == "submit" else r for r in source.runs]  # fmt: skip
    events = list(source.events)
    if by_grader_too:
        events.append(BundleEvent(seq=40, type="submission", t=400.0,
                                  payload={"submission_id": "g1", "by": "grader"}))  # fmt: skip
        runs.append(runs[-1].model_copy(update={"id": "g1"}))
    return source.model_copy(update={"runs": runs, "events": events})


def test_a_submission_the_judge_failed_on_is_submitted_again_once_with_its_own_code():
    source = _judge_failed_submit()
    chosen = final_submission(source)
    assert chosen is not None and (chosen.language, chosen.code) == ("python", CORRECT)
    # Not again once the grader's own Submit is there (a retried job, a re-grade), whatever its verdict.
    assert final_submission(_judge_failed_submit(by_grader_too=True)) is None
    # Its code not kept (past the session's code budget): the code the session ended with is the final answer.
    kept = _judge_failed_submit(code=None).model_copy(
        update={"final_code": "def two_sum(a, b):\n    return []\n"}
    )
    chosen = final_submission(kept)
    assert chosen is not None and chosen.code == kept.final_code


def test_a_judged_submission_of_any_verdict_is_never_submitted_again():
    for verdict in ("accepted", "wrong_answer", "time_limit", "compile_error", "runtime_error"):
        source = interview(submitted=True)
        runs = [r.model_copy(update={"verdict": verdict}) if r.kind == "submit" else r for r in source.runs]
        assert final_submission(source.model_copy(update={"runs": runs})) is None, verdict


def test_the_model_is_told_a_resubmitted_answer_was_the_candidates_and_the_judge_failed_first():
    source = _judge_failed_submit(by_grader_too=True)
    facts = compute_facts(source)
    assert facts.final_submit_by_grader and facts.submissions == 1
    text = build_bundle(source, facts).interview
    assert "the candidate's submission was not judged (a judge error, not theirs)" in text
    assert "the candidate never submitted" not in text
