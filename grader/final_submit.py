"""Which code the grader submits when the candidate never did: the answer (grader/answer.py: the final code the
report shows; the last editor snapshot when the session kept none), over every test. The API runs it through its
own run path, recorded like any other submission with `by: "grader"`.

The snapshot's language is the client's to name: one the session does not run ("pascal", or a language the
organisation did not allow) is not a reason to judge nothing, which would leave a failing final answer without a
verdict. The code is then submitted in the session's language, as the interview ran it."""

from __future__ import annotations

from dataclasses import dataclass

from grader.answer import LANGUAGES, bundle_answer
from grader.schemas import BundleInput

JUDGE_FAILED = (
    "internal_error"  # the judge's own failure, never the candidate's (left out of the facts' tallies)
)


@dataclass(frozen=True)
class FinalSubmission:
    language: str
    code: str


def final_submission(bundle: BundleInput) -> FinalSubmission | None:
    """None when the candidate's (or the interviewer's) last Submit was judged, or there is no code to submit.

    A Submit the judge failed on (`internal_error`: ours, never the candidate's) is a final answer nobody judged: the
    code is locked (with resubmission off), so the candidate cannot submit again, and without this the answer would
    be graded with no verdict at all. Its code is submitted again, once (a grader Submit already made is not
    repeated, whatever its verdict)."""
    submits = [r for r in bundle.runs if r.kind == "submit"]
    if submits:
        events = {
            str(e.payload.get("submission_id")): e
            for e in bundle.events
            if e.type == "submission" and e.payload.get("submission_id")
        }
        if any((e := events.get(r.id)) is not None and e.payload.get("by") == "grader" for r in submits):
            return None
        # The final answer is the last Submit (an organisation that allows resubmission takes several): an earlier
        # one that was judged is not it, and must not stand in for a last one the judge failed on (the facts would
        # give the earlier code's verdict as the final answer's, and the final code would never be judged).
        last = submits[-1]
        if last.verdict != JUDGE_FAILED:
            return None
        code = last.code if last.code is not None else bundle.final_code  # not kept past the code budget
        if not code or not code.strip() or last.language not in LANGUAGES:
            return None
        return FinalSubmission(last.language, code)
    # Never submitted: the answer (grader/answer.py), the code the facts and the report name and the model reads. Its
    # language goes to the judge only when the session runs it; else the session's, as the interview ran it.
    chosen = bundle_answer(bundle)
    session = bundle.session
    runs = [x for x in (session.languages or [session.language]) if x in LANGUAGES]
    language = chosen.language if chosen.language in runs else session.language
    if chosen.code is None or not chosen.code.strip() or language not in LANGUAGES:
        return None
    return FinalSubmission(language, chosen.code)
