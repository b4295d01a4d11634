"""Sessions an ATS asks for: the tests we offer it, scheduling the candidate's session with its ATS record (and
the invite e-mail), and how the session's state reads to the ATS."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import structlog

from api import org_limits
from api.db import integrations_repo, questions_repo
from api.db.pool import Conn
from api.errors import NotFoundError
from api.integrations import keys
from api.integrations.invites import (
    INVITE_EMAIL_NOT_CONFIGURED,
    INVITE_UNSENDABLE_ADDRESS,
    ascii_address,
    send_invite_email,
)
from api.jobs.enqueue import enqueue
from api.ratelimits import RateLimits
from api.scheduling import schedule_session
from api.sealing import sealer
from api.settings import ApiSettings

log = structlog.get_logger(__name__)

DIFFICULTY_PREFIX = "difficulty:"
QUESTION_PREFIX = "question:"
DEFAULT_DURATION_MINUTES = 45


class UnknownTestError(NotFoundError):
    code = "test_not_found"


@dataclass(frozen=True)
class Test:
    id: str
    name: str
    description: str


async def offered_tests(conn: Conn) -> list[Test]:
    """One test per difficulty (a question drawn per candidate, so candidates cannot share answers), then each
    question of the bank by name."""
    questions = await integrations_repo.list_tests(conn)
    tests = [
        Test(
            f"{DIFFICULTY_PREFIX}{d.lower()}",
            f"AI coding screen ({d.lower()})",
            f"A {d.lower()} coding question drawn for each candidate; about {DEFAULT_DURATION_MINUTES} minutes "
            "with an AI interviewer that talks it through and runs the candidate's tests.",
        )
        for d in ("Easy", "Medium", "Hard")
        # drawn like an organisation's session (`resolve_test`): never among the questions practice offers
        if any(q["difficulty"] == d and not q["practice"] for q in questions)
    ]
    tests += [
        Test(
            f"{QUESTION_PREFIX}{q['slug']}",
            f"AI coding screen: {q['title']} ({q['difficulty'].lower()})",
            f"The question \u201c{q['title']}\u201d for every candidate; about {DEFAULT_DURATION_MINUTES} minutes.",
        )
        for q in questions
    ]
    return tests


async def resolve_test(conn: Conn, test_id: str) -> UUID:
    """The question an order for `test_id` gives this candidate: the question named, or one drawn from the
    difficulty's. UnknownTestError for an id that is not offered now, by the rule `offered_tests` lists by: a
    difficulty without a question left in the bank is unknown like a question that is gone (taken on its name
    alone, an ATS still holding it had its order counted against the session limit, then refused with a 422 in
    neither ATS's shape)."""
    if test_id.startswith(DIFFICULTY_PREFIX):
        difficulty = test_id.removeprefix(DIFFICULTY_PREFIX).capitalize()
        if difficulty in ("Easy", "Medium", "Hard"):
            drawn = await questions_repo.pick_question(
                conn, question_id=None, difficulty=difficulty, topic=None, practice=False
            )
            if drawn is not None:
                return UUID(str(drawn["id"]))
    elif test_id.startswith(QUESTION_PREFIX):
        row = await integrations_repo.question_by_slug(conn, test_id.removeprefix(QUESTION_PREFIX))
        if row is not None:
            return UUID(str(row["id"]))
    raise UnknownTestError("No test with that id.")


@dataclass(frozen=True)
class AssessmentRequest:
    provider: str
    partner_test_id: str
    candidate_name: str
    candidate_email: str
    candidate_external_id: str | None
    metadata: dict[str, Any]
    callback_url: str | None = None
    external_candidate_id: str | None = None
    external_application_id: str | None = None
    candidate_other_names: tuple[str, ...] = ()  # only for the grader to scrub (api.db.bundle_repo)
    request_sha256: bytes | None = (
        None  # what the ATS asked for (`request_fingerprint`), to tell a retry apart
    )


# Mail servers and providers treat an address in either case as one mailbox (and its domain is case-blind by rule).
EMAIL_KEYS = frozenset({"candidate_email"})


def _digest(parameters: Any) -> bytes:
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).digest()


def _same_text(value: Any, key: str = "") -> Any:
    """`value` with every string in Unicode's composed form (NFC), and the e-mail address in lower case: the same
    text written with other code points is the same request. Only canonical equivalents are merged ("e" + U+0301
    and "é"), never look-alikes of another script ("Ada" with a Cyrillic A, U+0410, is another name) nor
    compatibility forms (a fullwidth A, U+FF21)."""
    if isinstance(value, dict):
        return {k: _same_text(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_same_text(v, key) for v in value]
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value)
    return text.lower() if key in EMAIL_KEYS else text


def request_key(value: str) -> str:
    """An ATS's id that a start is matched on (Ashby's candidate), in the form `_same_text` gives the fingerprint's
    text: an id written with other code points that read the same is the same key, so that the look-up agrees
    with the fingerprint (matched as it came, a retry with the id decomposed scheduled a second interview)."""
    return unicodedata.normalize("NFC", value)


def request_key_forms(value: str) -> tuple[str, ...]:
    """The forms a stored request key may have, `request_key`'s first: keys stored before were kept as they came."""
    return tuple(dict.fromkeys((request_key(value), value, unicodedata.normalize("NFD", value))))


def request_fingerprint(parameters: dict[str, Any]) -> bytes:
    """SHA-256 of the parameters of an ATS's start request that shape the assessment (the test, who is invited
    where, what the session records), in one canonical JSON form, its text in one Unicode form (`_same_text`). A
    start sent again with the same request key (Greenhouse's callback `url`, Ashby's candidate) is a retry when its
    fingerprint is the stored one, and a conflicting request otherwise. Values that change between retries by
    design (Greenhouse's re-signed `resume_url`, Ashby's application `status`) and values we do not keep are left
    out by the caller.

    Before, the text was hashed as it came: the same name sent composed once and decomposed once ("José" as "e" +
    U+0301, which some systems and keyboards write), or the address with another case ("Ada@Example.com"), was a
    409 conflict for the very order that had been scheduled."""
    return _digest(_same_text(parameters))


def same_request(stored: bytes | None, parameters: dict[str, Any]) -> bool:
    """Whether a start with `parameters` is the one whose fingerprint was `stored`: by `request_fingerprint`, or by
    the fingerprint of the text as it came, which assessments scheduled before `_same_text` existed keep (their
    retries must still find them). None (stored before fingerprints were kept) matches nothing."""
    if stored is None:
        return False
    return bytes(stored) in (request_fingerprint(parameters), _digest(parameters))


async def create_assessment(
    conn: Conn,
    settings: ApiSettings,
    ratelimits: RateLimits,
    organization_id: UUID,
    req: AssessmentRequest,
    *,
    caller_key_id: UUID,
) -> str:
    """Schedule the candidate's session and its ATS record, and queue the invite e-mail when SMTP is configured
    (without it, the record says `email_not_configured` and Ashby is told as for the limit below).
    Run inside the caller's transaction (the session, the record and the e-mail job commit together).

    The session counts against the organisation's session limit (RateLimitedError `session_rate_limited`, nothing
    stored) once its test is known to exist; its e-mail against the invite limit, past which it is withheld and the
    record says so (api.org_limits), and Ashby is told with an `assessment.update` (kind `invite_withheld`,
    api.integrations.callbacks).
    """
    # The test first: an order refused for its test (a stale id an ATS keeps sending) must not use up the limit.
    question_id = await resolve_test(conn, req.partner_test_id)
    await org_limits.count_session(ratelimits, settings, organization_id)
    scheduled = await schedule_session(
        conn,
        settings,
        organization_id=organization_id,
        candidate_name=req.candidate_name,
        candidate_email=req.candidate_email,
        candidate_external_id=req.candidate_external_id,
        question_id=question_id,
        difficulty=None,
        topic=None,
        language="python",
        duration_minutes=DEFAULT_DURATION_MINUTES,
        job_description=None,
        resume_text=None,
        metadata=req.metadata,
        candidate_other_names=req.candidate_other_names,
    )
    session_id = str(scheduled.session["id"])
    withheld: str | None = None
    if settings.smtp_url is None:
        # No e-mail goes at all: recorded and told like a limit (Greenhouse's test_status, Ashby's update with the
        # join link), else an Ashby recruiter had no way to reach the candidate.
        send, withheld = False, INVITE_EMAIL_NOT_CONFIGURED
    elif ascii_address(req.candidate_email) is None:
        # Known now, not only when the e-mail job runs (which could only log it): told like a limit, not counted.
        send, withheld = False, INVITE_UNSENDABLE_ADDRESS
    else:
        send = await org_limits.invite_allowed(ratelimits, settings, organization_id)
        withheld = None if send else org_limits.INVITE_RATE_LIMITED
    if withheld:
        log.warning(
            "invite_email.withheld",
            session_id=session_id,
            organization_id=str(organization_id),
            reason=withheld,
        )
    await integrations_repo.insert_assessment(
        conn,
        session_id=session_id,
        organization_id=organization_id,
        provider=req.provider,
        partner_test_id=req.partner_test_id,
        callback_url=req.callback_url,
        external_candidate_id=req.external_candidate_id,
        external_application_id=req.external_application_id,
        join_url_sealed=sealer(settings).seal(scheduled.join_url),
        invite_withheld=withheld,
        request_sha256=req.request_sha256,
    )
    if send:
        await enqueue(conn, send_invite_email, queueing_lock=f"invite:{session_id}", session_id=session_id)
    elif withheld and req.provider == "ashby":
        # Ashby reads nothing of ours (Greenhouse reads test_status): tell it, ahead of the session's other calls.
        await conn.execute("select outbox_emit_ats_callback(%s, 'ashby', 'invite_withheld')", (session_id,))
    # Only while the ATS key that asked is live: rotated while the order waited (on its lock), it schedules nothing.
    await keys.hold_caller(conn, caller_key_id)
    return session_id


def join_url(settings: ApiSettings, assessment: dict[str, Any]) -> str:
    return sealer(settings).open(assessment["join_url_sealed"])


def invite_outstanding(assessment: dict[str, Any], now: datetime | None = None) -> bool:
    """Whether the invite still waits on the candidate: scheduled, unexpired. The join link admits whoever holds it,
    so it is shown to the ATS (for a recruiter to resend) only then: once the interview has started the candidate
    holds it already, and an ATS keeps what it last read on the candidate's profile for its whole team."""
    now = now or datetime.now(UTC)
    return assessment["status"] == "scheduled" and bool(assessment["invite_expires_at"] > now)


def progress(assessment: dict[str, Any], graded: bool, now: datetime | None = None) -> str:
    """sent | started | grading | complete | cancelled | expired: where the candidate's interview stands."""
    status = assessment["status"]
    if status == "scheduled":
        return "sent" if invite_outstanding(assessment, now) else "expired"
    if status == "in_progress":
        return "started"
    if status == "cancelled":
        return "cancelled"
    return "complete" if graded else "grading"
