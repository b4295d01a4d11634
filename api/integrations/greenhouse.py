"""Greenhouse's Assessment Partner API, partner side (`/integrations/greenhouse/*`), as Greenhouse documents it:
snake_case, null rather than a missing key, errors 401 (key) and 404 (unknown test or interview).

Greenhouse authenticates with HTTP Basic: our key as the username, a blank password. `send_test` is idempotent
on Greenhouse's callback `url` (the same order again; another order on that `url` is a 409). When the scorecard is
ready or has failed, the job queue sends Greenhouse's `PATCH` to that `url` (`api.integrations.callbacks`);
Greenhouse then reads `test_status`, which is already `complete`. A failed re-grade over a ready scorecard sends
nothing: `test_status` keeps the ready score (`result_version`). A session cancelled, or whose invite expired
unused, is PATCHed too, so that Greenhouse reads `cancelled` or `expired`; and one erased on request, so that it
reads `erased` (no score, no link) in place of a result whose report no longer opens.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Annotated, Any

import httpx
import structlog
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, field_validator

from api import egress, guess_limits
from api.db import integrations_repo, report_repo
from api.deps import DbConn, Settings
from api.errors import ConflictError, NotFoundError, UnprocessableError
from api.integrations import assessments, ats_numbers
from api.integrations.keys import IntegrationCaller, admitted, authenticate
from api.integrations.partner_schemes import GREENHOUSE_SCHEME
from api.integrations.profile_links import assessment_profile_url
from api.openapi_errors import BODY, DB, error_responses
from api.schemas import name_line, optional_name_line, refuse_unstorable
from api.score_summary import flat_metadata, partner_score, summary
from api.settings import ApiSettings
from api.timestamps import utc_z, utc_z_or_none

log = structlog.get_logger(__name__)
# A body without a Content-Type is read as JSON, as Greenhouse's own examples send it (`curl -X POST .../send_test`
# with the Basic header alone). FastAPI's default since 0.165 (`strict_content_type`) reads such a body as no JSON:
# a test order was a 422 that Greenhouse's contract (401 and 404) does not have, the candidate was sent nothing and
# a `response_error` report was lost. The edge's checks (api.json_guard) apply to it as to any JSON body; the
# default guards browsers' cross-site requests, and no browser holds an ATS key (HTTP Basic, never challenged).
router = APIRouter(prefix="/integrations/greenhouse", tags=["integrations"], strict_content_type=False)

MAX_ERRORS = 100
MAX_ERROR_CHARS = 2_000
MAX_INTERVIEW_ID_CHARS = 200  # ours are `ses_` and 24 hex digits; a longer one names no interview


@guess_limits.lookup_guard
async def _admit_greenhouse(request: Request) -> None:
    admitted("greenhouse", request)


@guess_limits.lookup_guard
async def require_greenhouse(
    request: Request,
    # The document's security scheme; reads nothing (api.integrations.partner_schemes).
    _scheme: Annotated[None, Depends(GREENHOUSE_SCHEME)],
    # Solved before the connection: a refused guess takes none.
    _admitted: Annotated[None, Depends(_admit_greenhouse)],
    conn: DbConn,
) -> IntegrationCaller:
    return await authenticate(conn, "greenhouse", request)


Caller = Annotated[IntegrationCaller, Depends(require_greenhouse)]


class Test(BaseModel):
    partner_test_id: str
    partner_test_name: str


class _GreenhouseModel(BaseModel):
    # Greenhouse may add properties. A number where text is read is read as its text (Greenhouse's own examples
    # send ids as numbers where its tables say String): strictly, a 422 its contract does not have. One text per
    # number: 77, 77.0 and 7.7e1 are one JSON number and read "77" (ats_numbers), so an order sent again with
    # another spelling of a number is the same order.
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    _one_number = field_validator("*", mode="before")(ats_numbers.one_number)


class GreenhouseCandidate(_GreenhouseModel):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    preferred_name: str | None = Field(default=None, max_length=100)
    email: EmailStr
    # `resume_url` (not fetched) and `phone_number` (not stored) are not read at all: a field we neither keep nor
    # use must not refuse an order. Bounded here, a signed resume link past 2,000 characters (a temporary
    # credential, a Unicode file name percent-encoded) or a phone number written with extensions was a 422 that
    # Greenhouse's contract (401 and 404 only) does not have, and the recruiter could not send the test.
    greenhouse_profile_url: str | None = Field(default=None, max_length=2_000)

    _storable = field_validator("greenhouse_profile_url")(refuse_unstorable)
    _first = field_validator("first_name")(name_line)
    _rest = field_validator("last_name", "preferred_name")(optional_name_line)

    def display_name(self) -> str:
        first = (self.preferred_name or "").strip() or self.first_name.strip()
        return " ".join(p for p in (first, (self.last_name or "").strip()) if p)[:200]

    def other_names(self) -> tuple[str, ...]:
        """The first name when a preferred one stands in for it: not in the display name, yet the candidate may
        write or say it, so the grader must scrub it too."""
        first, preferred = self.first_name.strip(), (self.preferred_name or "").strip()
        return (first,) if preferred and preferred != first else ()


class SendTest(_GreenhouseModel):
    partner_test_id: str = Field(min_length=1, max_length=200)
    candidate: GreenhouseCandidate
    url: str = Field(min_length=1, max_length=2_000)  # `sent_by` is neither kept nor used: not read either

    _storable = field_validator("partner_test_id", "url")(refuse_unstorable)


class SendTestResult(BaseModel):
    partner_interview_id: str


Primitive = str | int | float | bool | None


class TestStatus(BaseModel):
    partner_status: str
    partner_profile_url: str | None
    partner_score: int | None
    metadata: dict[str, Primitive]


def _clipped_text(limit: int) -> Callable[[Any], str | None]:
    """Any JSON value as text of at most `limit` characters (null stays null): a report is kept as it came."""

    def as_text(value: Any) -> str | None:
        if value is None:
            return None
        return ats_numbers.as_text(value)[:limit].replace("\x00", "")

    return as_text


def _api_call(value: Any) -> str:
    return _clipped_text(100)(value) or ""


def _error_list(value: Any) -> list[str]:
    """`errors` as stored: each entry as text, at most MAX_ERRORS of MAX_ERROR_CHARS; one entry not in an array
    is an array of it."""
    entries = [] if value is None else value if isinstance(value, list) else [value]
    return [ats_numbers.as_text(e)[:MAX_ERROR_CHARS].replace("\x00", "") for e in entries[:MAX_ERRORS]]


class ResponseError(BaseModel):
    """Greenhouse's report of an answer of ours it could not use. Its contract has one answer for it, 200, and its
    own example sends the ids as numbers (`"partner_interview_id": 299506`) where its table says String: each field
    is read as text, clipped to what is kept, so that no shape of a report refuses it (a refused report is lost,
    and Greenhouse does not expect a 422). `partner_test_name` and `candidate_email` are not kept: not read."""

    model_config = ConfigDict(extra="ignore")

    api_call: Annotated[str, BeforeValidator(_api_call)] = ""
    errors: Annotated[list[str], BeforeValidator(_error_list)] = Field(default_factory=list)
    partner_test_id: Annotated[str | None, BeforeValidator(_clipped_text(200))] = None
    partner_interview_id: Annotated[str | None, BeforeValidator(_clipped_text(200))] = None


def check_callback_url(settings: ApiSettings, url: str) -> str:
    """Where the completion PATCH may go: a URL the guard accepts, and (guard on) a Greenhouse host. Returned as
    the request will go (scheme and host in lower case, IDNA, percent-encoded; ASCII), which is what is stored and
    what a repeated send_test is matched on: stored as sent, 2,000 characters of non-ASCII text were too large for
    the unique index on it (a 503 database_unavailable that Greenhouse would retry for ever)."""
    try:
        parsed = egress.parse_url(url, guard=settings.egress_guard)
    except egress.UrlRefusedError as e:
        raise UnprocessableError(f"url: {e.message}", code=e.code) from e
    if settings.egress_guard and not is_greenhouse_host(settings, egress.ascii_host(parsed)):
        raise UnprocessableError("url: not a Greenhouse address.", code="address_not_allowed")
    canonical = same_escapes(str(same_host_and_path(parsed)))
    if len(canonical) > egress.MAX_URL_CHARS:
        raise UnprocessableError(
            f"url: longer than {egress.MAX_URL_CHARS} characters once percent-encoded.", code="invalid_url"
        )
    return canonical


def same_host_and_path(url: httpx.URL) -> httpx.URL:
    """`url` with its host and path in one form, beyond what parsing already does (case, IDNA, a default port).
    A host name's final dot names the same host ("app.greenhouse.io." is "app.greenhouse.io": the absolute form of
    the name), and an empty path is "/" (RFC 3986 6.2.3): each is dropped, or added, so that the same order sent
    again with its url written so is the same interview (kept as they came, each spelling scheduled another
    interview and e-mailed another invite). An order stored before keeps its url; `send_test` still finds it.
    A name DNS cannot hold (an empty label, "app..greenhouse.io" or ".greenhouse.io", a label past 63 characters,
    the name past 253) is refused: its PATCH could never be sent, and was retried for days, then dead-lettered
    (`egress.dns_host`, which webhook endpoints' URLs go through too)."""
    try:
        url = egress.dns_host(url)
    except egress.UrlRefusedError as e:
        raise UnprocessableError(f"url: {e.message}", code=e.code) from e
    return url.copy_with(raw_path=url.raw_path or b"/")


UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def same_escapes(url: str) -> str:
    """`url` with its percent-escapes in RFC 3986's normal form (6.2.2): hex digits in upper case, an unreserved
    character unescaped. "%c3%a9" and "%C3%A9", or "%31" and "1", name the same resource, and `url` is the key a
    send_test is matched on: kept as they came, the same order sent again with its escapes written another way
    scheduled a second interview and e-mailed a second invite."""

    def normal(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in UNRESERVED else match.group(0).upper()

    return ESCAPE.sub(normal, url)


def is_greenhouse_host(settings: ApiSettings, host: str) -> bool:
    """Whether `host`, as the request names it (ASCII, an internationalised name in IDNA: `egress.ascii_host`), is
    under one of SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS, which are ASCII too. Compared in Unicode, as it was, a
    domain configured in its IDNA form ("xn--...") never matched a host under it, however the url wrote it."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in settings.greenhouse_callback_domain_list)


@router.get("/list_tests", response_model=list[Test], responses=error_responses(*DB, 401))
async def list_tests(caller: Caller, conn: DbConn) -> list[Test]:
    """The tests this organisation can send: one per difficulty (a question drawn per candidate) and each
    question of the bank."""
    return [
        Test(partner_test_id=t.id, partner_test_name=t.name) for t in await assessments.offered_tests(conn)
    ]


@router.post(
    "/send_test", response_model=SendTestResult, responses=error_responses(*BODY, *DB, 401, 409, 429)
)
async def send_test(
    body: SendTest, caller: Caller, conn: DbConn, settings: Settings, request: Request
) -> SendTestResult:
    """Schedule an interview for the candidate and e-mail them the link (when e-mail is configured). Sending
    again with the same `url` returns the same `partner_interview_id` and schedules nothing new; the same `url`
    with another test or candidate is a 409 `test_order_conflict`."""
    callback_url = check_callback_url(settings, body.url)
    # An order stored before escapes were kept in one form kept the url as the request went then.
    legacy_url = str(egress.parse_url(body.url, guard=settings.egress_guard))
    metadata: dict[str, Any] = {
        "ats": "greenhouse",
        "partner_test_id": body.partner_test_id,
        "greenhouse_profile_url": body.candidate.greenhouse_profile_url,
    }
    # What the test order is made of; not `resume_url` (re-signed on every request), `phone_number` or `sent_by`,
    # which are not kept.
    order = {
        "candidate_name": body.candidate.display_name(),
        "candidate_other_names": list(body.candidate.other_names()),
        "candidate_email": str(body.candidate.email),
        "metadata": metadata,
    }
    fingerprint = assessments.request_fingerprint(order)
    async with conn.transaction():
        await integrations_repo.claim_greenhouse_url(conn, caller.organization_id, callback_url)
        existing = await integrations_repo.greenhouse_by_url(conn, caller.organization_id, callback_url)
        if existing is None and legacy_url != callback_url:
            existing = await integrations_repo.greenhouse_by_url(conn, caller.organization_id, legacy_url)
        # An order stored before fingerprints were kept (null) keeps the answer it had: the same interview.
        if (
            existing is not None
            and existing["request_sha256"] is not None
            and not assessments.same_request(existing["request_sha256"], order)
        ):
            log.info("greenhouse.send_test_conflict", session_id=existing["session_id"])
            raise ConflictError(
                "This url already belongs to a test order for another test or candidate; a test order sent "
                "again must repeat the first one.",
                code="test_order_conflict",
            )
        if existing is not None:
            log.info("greenhouse.send_test_repeated", session_id=existing["session_id"])
            return SendTestResult(partner_interview_id=existing["session_id"])
        session_id = await assessments.create_assessment(
            conn,
            settings,
            request.app.state.ratelimits,
            caller.organization_id,
            assessments.AssessmentRequest(
                provider="greenhouse",
                partner_test_id=body.partner_test_id,
                candidate_name=body.candidate.display_name(),
                candidate_email=str(body.candidate.email),
                candidate_external_id=None,
                candidate_other_names=body.candidate.other_names(),
                metadata=metadata,
                callback_url=callback_url,
                request_sha256=fingerprint,
            ),
            caller_key_id=caller.key_id,
        )
    log.info("greenhouse.send_test", session_id=session_id)
    return SendTestResult(partner_interview_id=session_id)


async def asked_for(conn: DbConn, session_id: str) -> dict[str, Primitive]:
    """`asked_for_human_interview`, `asked_for_accommodation`: whether the candidate asked for either (fixed words
    only; the message stays on the report)."""
    kinds = {r["kind"] for r in await report_repo.accommodation_requests(conn, session_id)}
    return {
        "asked_for_human_interview": "human_interview" in kinds,
        "asked_for_accommodation": "accommodation" in kinds,
    }


async def _status(
    conn: DbConn, settings: ApiSettings, assessment: dict[str, Any], caller: IntegrationCaller
) -> TestStatus:
    session_id = assessment["session_id"]
    finished = assessments.progress(assessment, graded=False) in ("grading", "complete")
    version = await integrations_repo.result_version(conn, session_id) if finished else None
    progress = assessments.progress(assessment, graded=version is not None)
    usable = assessments.invite_outstanding(assessment)
    metadata: dict[str, Primitive] = {
        "interview_status": assessment["status"],
        "join_url": assessments.join_url(settings, assessment) if usable else None,
        "invite_expires_at": utc_z(assessment["invite_expires_at"]) if usable else None,
        # Why no invite e-mail went or will go (api.integrations.invites: no mail server set up, the organisation's
        # limit, an address no mail server takes or the mail server refused, an e-mail the job gave up on); null
        # otherwise.
        "invite_withheld": assessment["invite_withheld"],
        "started_at": utc_z_or_none(assessment["started_at"]),
        "ended_at": utc_z_or_none(assessment["ended_at"]),
        # What the candidate asked for on their interview page (the report has their words): a recruiter reading
        # the score here must know that the candidate asked for a person, or for an accommodation.
        **await asked_for(conn, session_id),
        **flat_metadata(None),
    }
    if version is None:
        return TestStatus(
            partner_status=progress, partner_profile_url=None, partner_score=None, metadata=metadata
        )
    card = summary(version)
    metadata.update(flat_metadata(card))
    return TestStatus(
        partner_status="complete",
        # Bound to the key Greenhouse called with: revoking it cuts the link (api.share_links).
        partner_profile_url=await assessment_profile_url(
            conn, settings, session_id, integration_key_id=caller.key_id
        ),
        partner_score=partner_score(card["overall_score"]),
        metadata=metadata,
    )


@router.get("/test_status", response_model=TestStatus, responses=error_responses(*DB, 401, 404, 422))
async def test_status(
    caller: Caller,
    conn: DbConn,
    settings: Settings,
    partner_interview_id: Annotated[str, Query(min_length=1)],
) -> TestStatus:
    """Where the candidate's interview stands: sent, started, grading, complete, cancelled, expired, or erased (its
    record deleted on request: no score, no link; until the erasure's PATCH is pruned, 90 days after its last
    attempt, then a 404). Complete
    once a scorecard is ready (with `partner_score`, 0-100) or has failed (no score, flagged for human review);
    `partner_profile_url` is then the report's signed link. An id that names no interview of the organisation is a
    404 whatever its length (bounded as a parameter, one longer than 200 characters was a 422: Greenhouse's
    contract has 401 and 404)."""
    if len(partner_interview_id) > MAX_INTERVIEW_ID_CHARS:
        raise NotFoundError("No interview with that partner_interview_id.", code="interview_not_found")
    assessment = await integrations_repo.get_assessment(
        conn, partner_interview_id, organization_id=caller.organization_id, provider="greenhouse"
    )
    if assessment is None:
        if await integrations_repo.erased_assessment(
            conn, partner_interview_id, organization_id=caller.organization_id, provider="greenhouse"
        ):
            return erased_status()
        raise NotFoundError("No interview with that partner_interview_id.", code="interview_not_found")
    return await _status(conn, settings, assessment, caller)


def erased_status() -> TestStatus:
    """An interview erased on request: nothing of it is kept, so no score, no link and every metadata key null but
    `interview_status` (the keys of every other state: Greenhouse shows what it last read, and a key it read before
    must not linger with the erased result). Greenhouse reads it after the erasure's PATCH."""
    metadata: dict[str, Primitive] = {
        "interview_status": "erased",
        "join_url": None,
        "invite_expires_at": None,
        "invite_withheld": None,
        "started_at": None,
        "ended_at": None,
        "asked_for_human_interview": None,
        "asked_for_accommodation": None,
        **flat_metadata(None),
    }
    return TestStatus(
        partner_status="erased", partner_profile_url=None, partner_score=None, metadata=metadata
    )


@router.post("/response_error", responses=error_responses(*BODY, *DB, 401))
async def response_error(body: ResponseError, caller: Caller, conn: DbConn) -> dict[str, int]:
    """Greenhouse reporting an answer of ours it could not use: stored and logged (without the e-mail)."""
    await integrations_repo.store_response_error(
        conn,
        caller.organization_id,
        "greenhouse",
        api_call=body.api_call,
        errors=body.errors,
        partner_test_id=body.partner_test_id,
        partner_interview_id=body.partner_interview_id,
    )
    log.warning(
        "greenhouse.response_error",
        api_call=body.api_call,
        errors=len(body.errors),
        partner_interview_id=body.partner_interview_id,
    )
    return {"status": 200}
