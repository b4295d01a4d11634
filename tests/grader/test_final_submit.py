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
