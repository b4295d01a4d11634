"""Organisation routes for sessions: schedule, read, cancel, update (the list and export are in history.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api import idempotency, org_limits, report_limits
from api.api_keys import hold_caller
from api.db import artifacts_repo, events_repo, idempotency_repo, questions_repo, runs_repo, sessions_repo
from api.db.pool import connection
from api.deps import BriefOrgCaller, DbConn, Org, OrgCaller, Settings
from api.errors import (
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    UnprocessableError,
    UnsupportedMediaTypeError,
)
from api.ids import SessionId
from api.json_keys import refuse_repeated_keys
from api.media_types import MULTIPART, media_type
from api.openapi_errors import BODY, DB, error_responses
from api.pdf_text import ResumeParser
from api.scheduling import schedule_session
from api.schemas import (
    SESSION_CREATE_EXAMPLE,
    SessionCreate,
    SessionCreated,
    SessionDetail,
    SessionSummary,
    SessionUpdate,
)
from api.sealing import sealer
from api.session_summary import summary

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])


def _inline_schema(model: type[SessionCreate]) -> dict[str, Any]:
    """The model's JSON schema with its nested models inlined. The body is read by hand (JSON or multipart), so
    FastAPI never adds SessionCreate to #/components/schemas and a $ref to it would dangle."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return dict(resolve(schema))


CREATE_OPENAPI: dict[str, Any] = {
    "parameters": [idempotency.OPENAPI_PARAMETER],
    "responses": {"201": {"headers": idempotency.OPENAPI_REPLAYED_HEADER}},
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _inline_schema(SessionCreate), "example": SESSION_CREATE_EXAMPLE},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["payload"],
                    "properties": {
                        "payload": {"type": "string", "description": "SessionCreate as a JSON string"},
                        "resume": {"type": "string", "format": "binary", "description": "Résumé PDF"},
                    },
                }
            },
        },
    },
}


async def _read_create_body(
    request: Request, settings: Settings, org: Org
) -> tuple[SessionCreate, bytes | None]:
    """The request and, for a multipart one, the uploaded résumé PDF."""
    kind = media_type(request.scope)
    try:
        if kind == MULTIPART:
            form = await request.form(max_files=1, max_fields=4)
            raw = form.get("payload")
            if not isinstance(raw, str):
                raise UnprocessableError("Form field 'payload' (JSON) is required.", code="validation_error")
            refuse_repeated_keys(raw, "payload")
            body = SessionCreate.model_validate_json(raw)
            upload = form.get("resume")
            data: bytes | None = None
            if upload is not None and not isinstance(upload, str):
                data = await upload.read(settings.max_resume_bytes + 1)
                if len(data) > settings.max_resume_bytes:
                    raise PayloadTooLargeError("The résumé PDF is too large.")
                parser: ResumeParser = request.app.state.resume_parser
                resume_text = await parser.text(data, tenant=str(org.id))
                body = body.model_copy(update={"resume_text": resume_text})
            return body, data
        # JSON as FastAPI reads it on the routes that declare their body: unlabelled, `application/json` or any
        # `application/...+json`; anything else is 415 (api.error_rendering).
        if (
            kind is None
            or kind == "application/json"
            or (kind.startswith("application/") and kind.endswith("+json"))
        ):
            raw_body = await request.body()
            refuse_repeated_keys(
                raw_body
            )  # api.json_guard has already; a route parsing a body itself says so too
            return SessionCreate.model_validate_json(raw_body), None
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "body"
        raise UnprocessableError(f"{field}: {err['msg']}", code="validation_error") from e
    raise UnsupportedMediaTypeError("Send application/json or multipart/form-data.")


@router.post(
    "",
    status_code=201,
    response_model=SessionCreated,
    openapi_extra=CREATE_OPENAPI,
    responses=error_responses(*BODY, *DB, 401, 409, 429),
)
async def create_session(
    request: Request, response: Response, org: BriefOrgCaller, settings: Settings
) -> SessionCreated:
    """Schedule an interview for a candidate. The response's `invite` is shown once, or again to a retry with the
    same `Idempotency-Key` (24 hours; the same key with another body: 422 `idempotency_key_mismatch`; a key whose
    session was erased: 409 `idempotency_key_erased`; a stored answer that can no longer be read: 409
    `idempotency_answer_unreadable`, naming the session; neither schedules anything). At most
    SHADOWS_API_SESSION_CREATE_RATE_LIMIT per organisation (with its ATS-created sessions; a retry counts): past it
    429 `session_rate_limited` with Retry-After. A key revoked while the request was under way schedules nothing
    (401 `invalid_api_key`)."""
    # Counted first: past the limit neither the body nor a résumé is read.
    await org_limits.count_session(request.app.state.ratelimits, settings, org.id)
    idempotency_key = idempotency.read_key(request)
    key_names: idempotency_repo.KeyNames | None = None
    # No database connection is held while the body arrives and the résumé is parsed (both can take seconds).
    body, resume_pdf = await _read_create_body(request, settings, org)
    # The résumé PDF is kept with the session, in its transaction, until the artifacts job stores it (api/artifacts.py).
    async with connection(request.app.state.pool) as conn:
        if idempotency_key is not None:
            key_names = idempotency.namer(settings).names(org.id, idempotency_key)
            # A key the release before stored as sent takes its HMAC: committed on its own, before the transaction
            # (which a 409 or 422 below rolls back).
            await idempotency_repo.rename_as_sent(conn, org.id, key_names)
        async with conn.transaction():
            if key_names is not None:
                request_sha256 = idempotency.fingerprint(body, resume_pdf)
                # Claimed first: a concurrent request with this key waits here for this transaction's end.
                held = await idempotency_repo.claim(conn, org.id, key_names, request_sha256)
                if held is not None:
                    if held["erased_at"] is not None:
                        raise idempotency.erased()
                    if bytes(held["request_sha256"]) != request_sha256:
                        raise idempotency.mismatch()
                    replayed = idempotency.stored_answer(sealer(settings), held)
                    response.headers[idempotency.REPLAYED_HEADER] = "true"
                    return replayed
            scheduled = await schedule_session(
                conn,
                settings,
                organization_id=org.id,
                candidate_name=body.candidate.name,
                candidate_email=str(body.candidate.email),
                candidate_external_id=body.candidate.external_id,
                question_id=body.question_id,
                difficulty=body.difficulty,
                topic=body.topic,
                language=body.language,
                duration_minutes=body.duration_minutes,
                job_description=body.job_description,
                resume_text=body.resume_text,
                metadata=body.metadata,
                role=body.role,
                languages=list(body.languages) if body.languages else None,
                extra_time_minutes=body.extra_time_minutes,
                text_only=body.text_only,
                interview_language=body.interview_language,
            )
            if resume_pdf is not None:
                await artifacts_repo.stage_resume(conn, scheduled.session["id"], resume_pdf)
            created = scheduled.response()
            if key_names is not None:
                sealed = sealer(settings).seal(created.model_dump_json())
                await idempotency_repo.store(conn, org.id, key_names, scheduled.session["id"], sealed)
            # Only while the key that asked is unrevoked: the key was checked before the body arrived and the résumé
            # was parsed (seconds), and a session hands out an invite and sets off a paid interview (api.api_keys).
            await hold_caller(conn, org.key_id)
    return created


@router.get("/{session_id}", response_model=SessionDetail, responses=error_responses(*DB, 401, 404, 429))
async def read_session(
    org: OrgCaller, session_id: SessionId, conn: DbConn, request: Request, settings: Settings
) -> SessionDetail:
    """A session with its question, event log, test runs and final code. Counted per organisation with the numbers
    of SHADOWS_API_REPORT_READ_ORG_RATE_LIMIT, in budgets of its own (apart from the report reads: an integrator
    polling details never keeps its reviewers from their reports): one a read, and one unit per MiB of its event
    log (`sessions_repo.record_bytes`) and of its runs' reports (`runs_repo.run_report_bytes`) in a size budget;
    past either 429 `rate_limited` with Retry-After, before the log or the reports are read."""
    await report_limits.count_detail(request, settings, org.id)
    row = await sessions_repo.get_session(conn, session_id, organization_id=org.id)
    if row is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    # A full record is about 25 MB of JSON and a second of the API's event loop to read out: counted by its size
    # before any of it is read, as a report's timeline is (api/timeline_reads.py).
    # The runs' reports too: up to SHADOWS_API_RUN_REPORT_BUDGET_BYTES (16 MiB) of them.
    size = await sessions_repo.record_bytes(conn, session_id) + await runs_repo.run_report_bytes(
        conn, session_id
    )
    await report_limits.count_detail_size(request, settings, org.id, size)
    question = (
        await questions_repo.read_public_question(conn, row["question_id"]) if row["question_id"] else None
    )
    events = await events_repo.list_events(conn, session_id)
    runs = await sessions_repo.list_runs(conn, session_id)
    return SessionDetail(
        **summary(row).model_dump(),
        room_name=row["room_name"],
        question=question,
        events=[{**e, "created_at": e["created_at"].isoformat()} for e in events],
        # `custom`: a run of the candidate's own inputs, which checked nothing (its `verdict` is `accepted` whenever
        # its calls returned): said at the top, where a reader of the verdict looks, not only inside `result_json`.
        runs=[
            {
                **r,
                "id": str(r["id"]),
                "created_at": r["created_at"].isoformat(),
                "custom": bool((r["result_json"] or {}).get("custom")),
            }
            for r in runs
        ],
        final_code=row["final_code"],
        job_description=row["job_description"],
        has_resume=bool(row["resume_text"]),
    )


@router.post(
    "/{session_id}/cancel", response_model=SessionSummary, responses=error_responses(*DB, 401, 404, 409)
)
async def cancel_session(org: OrgCaller, session_id: SessionId, conn: DbConn) -> SessionSummary:
    """Cancel a scheduled or running session (idempotent). A completed or abandoned session is a 409. A key revoked
    while the request was under way cancels nothing (401 `invalid_api_key`)."""
    async with conn.transaction():
        row = await sessions_repo.cancel_session(conn, session_id, org.id)
        # A cancel cannot be undone (the invite dies, a running interview ends, the ATS and the receivers are
        # told): only while the key that asked is unrevoked; the update may have waited on the session's row.
        if row is not None:
            await hold_caller(conn, org.key_id)
    if row is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    if row["status"] != "cancelled":
        raise ConflictError("This session has already finished.", code="session_finished")
    return summary(row)


@router.patch(
    "/{session_id}", response_model=SessionSummary, responses=error_responses(*BODY, *DB, 401, 404, 409)
)
async def update_session(
    session_id: SessionId, body: SessionUpdate, org: OrgCaller, conn: DbConn
) -> SessionSummary:
    """Set accommodations (`extra_time_minutes`, `text_only`), the allowed `languages` or the `role` of a session
    that has not finished. Extra time moves `ends_at` for everyone: the page, the interviewer, run limits."""
    row = await sessions_repo.get_session(conn, session_id, organization_id=org.id)
    if row is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    if row["status"] not in ("scheduled", "in_progress"):
        raise ConflictError("This session has already finished.", code="session_finished")
    if body.languages is not None and row["language"] not in body.languages:
        raise UnprocessableError("languages must include the session's language.", code="validation_error")
    updated = await sessions_repo.update_accommodations(
        conn,
        session_id,
        org.id,
        extra_time_minutes=body.extra_time_minutes,
        text_only=body.text_only,
        languages=list(body.languages) if body.languages is not None else None,
        role=body.role,
    )
    if updated is None:  # erased, or it ended after the read above (the end's commit overtook this update)
        if await sessions_repo.get_session(conn, session_id, organization_id=org.id) is None:
            raise NotFoundError("Session not found.", code="session_not_found")
        raise ConflictError("This session has already finished.", code="session_finished")
    return summary(updated)
