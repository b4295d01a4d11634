"""The bodies of Ashby's `assessment.update`, in Ashby's typed-field format.

Every value is `{identifier, label, description, type, value}` with `type` one of `numeric_score`,
`numeric_duration_minutes`, `url`, `string`, `boolean_success`; identifiers are unique within an update.
- started: `assessment_status` "Started" (Ashby records when the assessment started);
- grading (the interview ended, completed or abandoned, and its scorecard is being graded): `assessment_status`
  "Completed: grading", dated when the interview ended; Greenhouse's test_status says `grading` then;
- result: `assessment_status` "Completed", `assessment_profile_url` (the report's signed link, type url),
  `assessment_result` (the 0-100 score as numeric_score, or a string when grading failed), and metadata:
  recommendation (string), interview length (numeric_duration_minutes), tests passed (string), every hidden test
  passed (boolean_success), needs human review (string), what the candidate asked for on their interview page
  (string: an interview with a person, an accommodation; only when they asked), and for a re-grade's result
  (scorecard version 2 on) `scorecard_version` (string) saying it was re-graded and replaces the result sent before;
- cancelled: `cancelled_reason`;
- expired (the invite ran out before the candidate started): `cancelled_reason` saying so, the contract's only
  ended-without-a-result state;
- erased (the hiring team deleted the session's record on request, `DELETE /v1/sessions/{id}`): `cancelled_reason`
  saying so, the last update of the assessment, built from its id alone (nothing of the candidate is left);
- invite withheld (no mail server is configured, the organisation passed its invite e-mail limit, api.org_limits,
  the address has no form a mail server without SMTPUTF8 takes, the mail server refused it, or the e-mail job gave
  up on it: api.integrations.invites): `assessment_status` saying the invite was not e-mailed, and metadata: why
  (string) and the candidate's join link (url) while the invite is outstanding, for the recruiter to send;
  Greenhouse's test_status shows the same (`invite_withheld`, `join_url`). Every later update of the assessment
  carries both again, the link as a string saying it is no longer shown once the invite is not outstanding, so
  Ashby shows the same whether an update's metadata replaces or merges into what it holds (not documented).
Which of them a call sends is decided when it is sent (api.integrations.callbacks: a status call sent late says
where the session stands).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, Literal

from api.score_summary import summary
from grader.schemas import Facts

FieldType = Literal["numeric_score", "numeric_duration_minutes", "url", "string", "boolean_success"]
RECOMMENDATION_LABELS = {
    "strong_hire": "Strong hire",
    "hire": "Hire",
    "no_hire": "No hire",
    "strong_no_hire": "Strong no hire",
}


def field(
    identifier: str, label: str, type_: FieldType, value: str | int | float | bool, description: str = ""
) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "label": label,
        "description": description,
        "type": type_,
        "value": value,
    }


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def started(assessment_id: str, at: datetime) -> dict[str, Any]:
    return {
        "assessment_id": assessment_id,
        "timestamp": _ms(at),
        "assessment_status": field("status", "Status", "string", "Started"),
        "metadata": [],
    }


GRADING_STATUS = "Completed: grading"


def grading(assessment_id: str, at: datetime) -> dict[str, Any]:
    """The interview is over and its scorecard is being graded (minutes, or longer when grading is retried); the
    result follows as its own update."""
    return {
        "assessment_id": assessment_id,
        "timestamp": _ms(at),
        "assessment_status": field("status", "Status", "string", GRADING_STATUS),
        "metadata": [],
    }


def cancelled(assessment_id: str, at: datetime, *, where: str = "Shadows") -> dict[str, Any]:
    """`where` the hiring team cancelled it: in Shadows (the cancellation's own call), or in Ashby (a status call
    sent late, after Ashby's own assessment.cancel, says so rather than put Started back)."""
    return {
        "assessment_id": assessment_id,
        "timestamp": _ms(at),
        "cancelled_reason": field(
            "cancelled_reason", "Cancelled", "string", f"The hiring team cancelled this interview in {where}."
        ),
        "metadata": [],
    }


EXPIRED_REASON = "The invite expired before the candidate started the interview."


def expired(assessment_id: str, at: datetime) -> dict[str, Any]:
    """The invite ran out unused: Ashby's ended-without-a-result state, as for a cancellation, with the reason."""
    return {
        "assessment_id": assessment_id,
        "timestamp": _ms(at),
        "cancelled_reason": field("cancelled_reason", "Cancelled", "string", EXPIRED_REASON),
        "metadata": [],
    }


ERASED_REASON = (
    "The hiring team deleted this interview's record in Shadows on request: nothing of it is kept, and its report"
    " link no longer opens."
)


def erased(assessment_id: str, at: datetime) -> dict[str, Any]:
    """The session's record was erased: Ashby's ended-without-a-result state, with why; nothing follows."""
    return {
        "assessment_id": assessment_id,
        "timestamp": _ms(at),
        "cancelled_reason": field("cancelled_reason", "Cancelled", "string", ERASED_REASON),
        "metadata": [],
    }


INVITE_WITHHELD_STATUS = "Invite not e-mailed: send the candidate the interview link"
INVITE_WITHHELD_REASONS = {
    "rate_limited": (
        "Your organisation passed its limit of invite e-mails from Shadows, so this candidate was not e-mailed."
    ),
    "unsendable_address": (
        "The candidate's e-mail address has characters before the @ that mail servers do not all accept, so "
        "this candidate was not e-mailed."
    ),
    "address_refused": (
        "The mail server refused the candidate's e-mail address, so this candidate was not e-mailed. Check the "
        "address in Ashby."
    ),
    "email_failed": (
        "Shadows could not hand the invite e-mail to its mail server, so this candidate was not e-mailed."
    ),
    "email_not_configured": (
        "Shadows sends no invite e-mails here (no mail server is set up), so this candidate was not e-mailed."
    ),
}


JOIN_URL_LABEL = "Candidate's interview link"
JOIN_URL_WITHDRAWN = (
    "No longer shown: the invite is no longer outstanding (the interview started or ended, was cancelled, or the"
    " invite expired)."
)
INVITE_FIELDS = ("invite_withheld", "join_url")


def invite_fields(reason: str, join_url: str | None) -> list[dict[str, Any]]:
    """The metadata of a withheld invite: why (string), and the candidate's join link (url) while the invite is
    outstanding, else a string saying it is no longer shown. Both go in every update of such an assessment
    (`with_invite_fields`): Ashby does not document whether an update's metadata replaces what it holds or merges
    into it by identifier, and a link left out of a later update stayed on the candidate's profile under the second
    reading, admitting whoever of the hiring team opened it during the interview."""
    text = INVITE_WITHHELD_REASONS.get(reason, INVITE_WITHHELD_REASONS["rate_limited"])
    link = (
        field(
            "join_url",
            JOIN_URL_LABEL,
            "url",
            join_url,
            "Send it to the candidate yourself; it works until the invite expires.",
        )
        if join_url is not None
        else field("join_url", JOIN_URL_LABEL, "string", JOIN_URL_WITHDRAWN)
    )
    return [field("invite_withheld", "Invite e-mail", "string", text), link]


def with_invite_fields(body: dict[str, Any], reason: str, join_url: str | None) -> dict[str, Any]:
    """`body` with the withheld invite's fields in its metadata (in place of any it had): what Ashby shows is then
    the same whether it merges an update's metadata into what it holds or replaces it."""
    kept = [m for m in body["metadata"] if m["identifier"] not in INVITE_FIELDS]
    return {**body, "metadata": kept + invite_fields(reason, join_url)}


def invite_withheld(assessment_id: str, at: datetime, join_url: str | None, reason: str) -> dict[str, Any]:
    """`reason`: ats_assessments.invite_withheld (`rate_limited`, `unsendable_address`, `address_refused`,
    `email_failed`, `email_not_configured`)."""
    return {
        "assessment_id": assessment_id,
        "timestamp": _ms(at),
        "assessment_status": field("status", "Status", "string", INVITE_WITHHELD_STATUS),
        "metadata": invite_fields(reason, join_url),
    }


def regraded_note(version: int) -> str:
    return f"Scorecard version {version}: re-graded, it replaces the result Shadows sent before."


def interview_minutes(version: dict[str, Any]) -> int | None:
    """The time the candidate used, in whole minutes: the facts' `time_used_s`, which stops at the interview's own end
    (grader/time_used.py), or None when the version has none. Never `ended_at - started_at`: that is when the session
    was closed, up to an hour late when the interviewer's completion was lost (the stall sweep), which a recruiter
    reads as a candidate who overran (a 45-minute interview sent as 105)."""
    facts = version.get("facts")
    used = Facts.model_validate(facts).time_used_s if facts else None
    return None if used is None else round(used / 60)


ASKED_FOR = {"human_interview": "An interview with a person", "accommodation": "An accommodation"}


def result(
    assessment_id: str,
    at: datetime,
    version: dict[str, Any],
    session: dict[str, Any],
    profile_url: str,
    asked_for: Collection[str] = (),
) -> dict[str, Any]:
    """`asked_for`: the kinds of request the candidate made on their interview page (`human_interview`,
    `accommodation`), said beside the result in fixed words (their message is on the report)."""
    s = summary(version)
    if s["status"] == "ready" and s["score"] is not None:
        outcome = field(
            "score", "Score", "numeric_score", s["score"], "0-100, from the scorecard's four dimensions"
        )
    else:
        outcome = field("score", "Score", "string", "Not scored: a person needs to review this interview")
    metadata = []
    if s["recommendation"]:
        metadata.append(
            field("recommendation", "Recommendation", "string", RECOMMENDATION_LABELS[s["recommendation"]])
        )
    minutes = interview_minutes(version)
    if minutes is not None:
        metadata.append(field("duration", "Interview length", "numeric_duration_minutes", minutes))
    hidden = s["tests"]["hidden"]
    if hidden is not None:
        metadata.append(
            field("tests_passed", "Hidden tests passed", "string", f"{hidden['passed']}/{hidden['total']}")
        )
        metadata.append(
            field(
                "all_tests_passed",
                "All hidden tests passed",
                "boolean_success",
                hidden["total"] > 0 and hidden["passed"] == hidden["total"],
            )
        )
    metadata.append(
        field(
            "needs_human_review", "Needs human review", "string", "Yes" if s["needs_human_review"] else "No"
        )
    )
    asked = [label for kind, label in ASKED_FOR.items() if kind in asked_for]
    if asked:
        metadata.append(
            field(
                "candidate_requests",
                "Candidate asked for",
                "string",
                "; ".join(asked),
                "On their interview page, before or during the interview; their message is on the organisation's"
                " own Shadows report page.",
            )
        )
    if s["version"] > 1:
        # A re-grade's result replaces the one Ashby holds: said so, or the recruiter sees a score change with no
        # word why (Greenhouse's test_status and the webhooks carry the version too).
        metadata.append(field("scorecard_version", "Re-graded", "string", regraded_note(s["version"])))
    return {
        "assessment_id": assessment_id,
        "timestamp": _ms(at),
        "assessment_status": field("status", "Status", "string", "Completed"),
        "assessment_profile_url": field("report", "Shadows report", "url", profile_url),
        "assessment_result": outcome,
        "metadata": metadata,
    }
