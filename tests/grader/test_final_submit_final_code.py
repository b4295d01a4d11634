"""The grader's final Submit for a candidate who never submitted judges the final code the session ended with
(grader.final_submit), the code the report shows as final: never an older editor snapshot. Snapshots are recorded
at most one every few seconds, and none once the interviewer's job is gone, so a candidate who fixed their code and
pressed End at once (their End hands the editor's code in), or kept typing after the job died (the newest draft),
was graded on code they had already changed, beside a report showing the code they ended with."""

from __future__ import annotations

import pytest

from grader.final_submit import final_submission
from grader.schemas import BundleEvent, BundleInput
from tests.grader.bundles import BUGGY, CORRECT, interview


def _ended(final_code: str | None, snapshot: dict[str, object], *, languages: list[str] | None = None,
           session_language: str = "python") -> BundleInput:  # fmt: skip
    source = interview(submitted=False)
    last = BundleEvent(seq=30, type="editor_snapshot", t=190.0, payload=snapshot)
    session = source.session.model_copy(update={"languages": languages or [], "language": session_language})
    return source.model_copy(
        update={"events": [*source.events, last], "final_code": final_code, "session": session}
    )


def test_the_code_the_session_ended_with_is_judged_not_an_older_snapshot() -> None:
    chosen = final_submission(_ended(CORRECT, {"language": "python", "code": BUGGY}))
    assert chosen is not None and chosen.code == CORRECT
    # Either way round: the final code, as the report shows it.
    chosen = final_submission(_ended(BUGGY, {"language": "python", "code": CORRECT}))
    assert chosen is not None and chosen.code == BUGGY


def test_the_final_code_goes_in_the_sessions_language_when_no_snapshot_holds_it() -> None:
    """The ending sets the session's language to the final code's: a stale snapshot names the one before."""
    source = _ended(CORRECT, {"language": "javascript", "code": "function f() {}"},
                    languages=["python", "javascript"])  # fmt: skip
    chosen = final_submission(source)
    assert chosen is not None and (chosen.language, chosen.code) == ("python", CORRECT)


def test_a_snapshot_that_is_the_final_code_still_names_its_language() -> None:
    source = _ended(CORRECT, {"language": "javascript", "code": CORRECT}, languages=["python", "javascript"])
    chosen = final_submission(source)
    assert chosen is not None and chosen.language == "javascript"


@pytest.mark.parametrize("final_code", [None, ""])
def test_with_no_final_code_kept_the_last_snapshot_is_the_final_code(final_code: str | None) -> None:
    """As the report shows it: the session's final code, else the last snapshot's."""
    chosen = final_submission(_ended(final_code, {"language": "python", "code": BUGGY}))
    assert chosen is not None and chosen.code == BUGGY
