"""An organisation's interview history: `GET /v1/sessions`, the one list of its sessions (filtered, sorted,
cursor-paginated, each with its scorecard summary), and its streamed CSV or JSON export."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from api import read_budgets
from api.db import history_repo
from api.db.pool import Conn, connection
from api.deps import DbConn, OrgCaller, Settings
from api.errors import UnprocessableError
from api.export_slots import ExportResponse, ExportSlots
from api.export_text import escape_json
from api.history import (
    SessionFilters,
    Sort,
    decode_cursor,
    encode_cursor,
    utc,
)
from api.openapi_errors import DB, error_responses
from api.schemas import SessionPage, Status
from api.session_summary import summary
from grader.schemas import Band

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])
EXPORT_BATCH = 2000
EXPORT_SPOOL_MEMORY = 1024 * 1024  # an export's first MiB is spooled in memory, the rest in a temporary file
EXPORT_CHUNK = 256 * 1024  # written to the spool and sent in pieces of about this size


async def history_filters(
    status: Status | None = None,
    created_after: Annotated[
        datetime | None, Query(description="Inclusive (ISO 8601; no offset means UTC)")
    ] = None,
    created_before: Annotated[
        datetime | None, Query(description="Exclusive (ISO 8601; no offset means UTC)")
    ] = None,
    question_id: UUID | None = None,
    recommendation: Band | None = None,
    min_score: Annotated[
        float | None, Query(ge=1, le=4, description="Overall score of the latest ready scorecard")
    ] = None,
    max_score: Annotated[float | None, Query(ge=1, le=4)] = None,
    candidate_external_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    needs_human_review: bool | None = None,
) -> SessionFilters:
    if min_score is not None and max_score is not None and min_score > max_score:
        raise UnprocessableError("query.min_score: must not exceed max_score", code="validation_error")
    return SessionFilters(
        status=status,
        created_after=utc(created_after, "created_after"),
        created_before=utc(created_before, "created_before"),
        question_id=question_id,
        recommendation=recommendation,
        min_score=min_score,
        max_score=max_score,
        candidate_external_id=candidate_external_id,
        needs_human_review=needs_human_review,
    )


Filters = Annotated[SessionFilters, Depends(history_filters)]
SortParam = Annotated[
    Sort,
    Query(
        description="`-created_at` (newest first, default), `created_at`, `-score` or `score` (unscored last)"
    ),
]


@router.get("", response_model=SessionPage, responses=error_responses(*DB, 400, 401, 422))
async def list_sessions(
    org: OrgCaller,
    conn: DbConn,
    filters: Filters,
    sort: SortParam = "-created_at",
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Response:
    """This organisation's sessions with their scorecard summary. Filters combine with AND. Pass `next_cursor` back
    as `cursor` (with the same filters and sort) for the next page; it is null on the last one. Sessions created
    while you page never make a page repeat or skip one."""
    position = decode_cursor(cursor, sort, filters) if cursor else None
    rows = await history_repo.page(conn, org.id, filters, sort, position, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    page = SessionPage(
        data=[summary(r) for r in rows],
        next_cursor=encode_cursor(sort, filters, rows[-1]) if more and rows else None,
    )
    # Already a validated SessionPage: serialise it once (FastAPI would validate it again for response_model).
    return Response(page.model_dump_json(), media_type="application/json")


async def _blocks(
    conn: Conn, org_id: UUID, filters: SessionFilters, sort: Sort, fmt: Literal["csv", "json"]
) -> AsyncIterator[bytes]:
    """The export as PostgreSQL writes it, block by block."""
    if fmt == "csv":
        async for block in history_repo.export_csv(conn, org_id, filters, sort):
            yield block
        return
    yield b"["
    first = True
    async for rows in history_repo.export_json(conn, org_id, filters, sort, batch=EXPORT_BATCH):
        # PostgreSQL's JSON leaves DEL, C1 controls and invisible characters raw: escaped (the same JSON), row by
        # row (an ASCII row is only searched for DEL).
        yield (("\n" if first else ",\n") + ",\n".join(map(escape_json, rows))).encode()
        first = False
    yield b"\n]\n"


async def _export(
    request: Request, org_id: UUID, filters: SessionFilters, sort: Sort, fmt: Literal["csv", "json"]
) -> AsyncIterator[bytes]:
    """The export written into a spool (its first MiB in memory, the rest in a temporary file) on a connection of
    its own, returned once the last row is in; then the spool, at whatever pace the client reads it. Forwarded
    straight from the COPY or cursor, an export held its connection and transaction for as long as its client
    took to read: twenty clients of one organisation that stopped reading drained the pool for everyone."""
    spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_MEMORY)  # noqa: SIM115  # closed in `finally`
    try:
        pending = bytearray()
        async with connection(request.app.state.pool) as conn:
            async for block in _blocks(conn, org_id, filters, sort, fmt):
                pending += block
                if len(pending) >= EXPORT_CHUNK:
                    await asyncio.to_thread(spool.write, bytes(pending))  # past the first MiB, a file write
                    pending.clear()
        await asyncio.to_thread(spool.write, bytes(pending))
        await asyncio.to_thread(spool.seek, 0)
        while chunk := await asyncio.to_thread(spool.read, EXPORT_CHUNK):
            yield chunk
    finally:
        spool.close()


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}, "application/json": {}}, "description": "The sessions, streamed"},
        **error_responses(*DB, 401, 422, 429),
    },
)
async def export_sessions(
    request: Request,
    org: OrgCaller,
    settings: Settings,
    filters: Filters,
    format: Literal["csv", "json"] = "csv",  # the query parameter's documented name
    sort: SortParam = "-created_at",
) -> StreamingResponse:
    """Every session matching the filters, one row each with its scorecard summary, streamed (constant memory). CSV:
    a header row, then one line per session; every piece of a cell that a spreadsheet would read as a formula (at
    the cell's start or after a ";", "|", tab or line break) starts with an apostrophe. JSON: one array, with DEL,
    C1 controls and invisible characters as `\\u` escapes. An organisation holds at most a few exports at once (429
    `exports_busy` beyond); one left unread is ended after a while. Exports are counted in session rows per
    organisation over time (429 `rate_limited` with Retry-After beyond), before anything is written."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    media = "text/csv; charset=utf-8" if format == "csv" else "application/json"
    exports: ExportSlots = request.app.state.exports
    slot = exports.take(org.id)  # given back by the response, however it ends
    try:
        # Counted before the export is written or its response starts (a response that starts is never cut short by
        # the budget): the export itself before any query, then its rows.
        await read_budgets.count_export_attempt(request, settings, org.id)
        async with connection(request.app.state.pool) as conn:
            rows = await history_repo.export_count(conn, org.id, filters, sort)
        await read_budgets.count_export_rows(request, settings, org.id, rows)
    except BaseException:
        slot.release()
        raise
    return ExportResponse(
        _export(request, org.id, filters, sort, format),
        slot=slot,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="shadows-sessions-{stamp}.{format}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
