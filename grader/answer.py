"""The answer: the code an interview is graded on, and its language. One definition for the grader's facts, the
bundle the model reads ("Final code"), the grader's own final Submit (grader/final_submit.py) and the report's final
code and language (api/report_view.py), so that all of them speak of the same code. Definitions in docs/grading.md
(The answer).

- The session's final code, when it has one. The ending stores it (api/db/endings_repo.py, `_ENDING_CODE`): a
  final answer that locked the code (a Submit where resubmission is not allowed) before anything handed in after it,
  then the code handed in at the end, then the newest saved draft, then the last editor snapshot's code. Its
  language is the session's `language`, which the ending sets to the final code's; but when the last snapshot holds
  exactly this code in a language the session runs, that one (code handed in without a language kept the scheduled
  one). Snapshots recorded after it (the candidate switched the editor or kept typing after a locked Submit) are
  not the answer.
- Else (still running, or a session ended before the ending kept the snapshot's code): the last editor snapshot's
  code, when it was kept (past the session's recording budget it is none: an older snapshot is not the answer).
- The language without a final code: the last snapshot's, else the last run's, else the session's, as scheduled.

A language the client names that the session does not run is never one. The ending stores the same answer as the
session's `final_code` and `language`, so a finished session states it in its JSON and timeline too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.schemas import BundleInput

LANGUAGES = frozenset({"python", "javascript", "java", "cpp"})


@dataclass(frozen=True)
class Answer:
    code: str | None  # None: no code (none handed in or saved, or the last snapshot's was not kept)
    language: str
    snapshot: int | None  # the seq of the last editor snapshot when it holds this code (citable), else None


def answer_language(
    session_language: str, *, final_code: bool, snapshot_language: object = None, run_language: object = None
) -> str:
    """The answer's language (`answer`) for a session whose allowed languages are not known (any we run)."""
    if not final_code:
        for named in (snapshot_language, run_language):
            if isinstance(named, str) and named in LANGUAGES:
                return named
    return session_language


def answer(
    *,
    final_code: str | None,
    session_language: str,
    languages: list[str] | tuple[str, ...] = (),
    snapshot: dict[str, Any] | None = None,
    snapshot_seq: int | None = None,
    run_language: object = None,
) -> Answer:
    """The answer from the session's final code, its language and allowed `languages` (empty: its own only), the
    payload of its last editor snapshot (and that snapshot's seq) and the last run's language."""
    payload = snapshot or {}
    named = payload.get("language")
    kept = payload.get("code") if isinstance(payload.get("code"), str) else None
    if payload.get("code_omitted") is True:
        kept = None
    # The languages it runs: an empty list (a bundle made before sessions listed them) is not known, any we run.
    runs = {x for x in languages if x in LANGUAGES} or LANGUAGES

    def runnable(value: object) -> str | None:
        return value if isinstance(value, str) and value in runs else None

    if final_code:
        if kept is not None and kept == final_code and runnable(named):
            return Answer(final_code, str(named), snapshot_seq)
        return Answer(final_code, session_language, snapshot_seq if kept == final_code else None)
    language = runnable(named) or runnable(run_language) or session_language
    return Answer(kept, language, snapshot_seq if kept is not None else None)


def bundle_answer(bundle: BundleInput) -> Answer:
    """`answer` for one session's record as the grader reads it."""
    last = next((e for e in reversed(bundle.events) if e.type == "editor_snapshot"), None)
    session = bundle.session
    return answer(
        final_code=bundle.final_code,
        session_language=session.language,
        languages=session.languages,
        snapshot=last.payload if last else None,
        snapshot_seq=last.seq if last else None,
        run_language=bundle.runs[-1].language if bundle.runs else None,
    )
