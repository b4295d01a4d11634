"""Report routes: the report page, its PDF and its replay's timeline for an organisation key (or a practice
candidate's invite, who gets the coaching view); the same page and timeline through a share link or a view token;
and a practice candidate's coaching link."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from api import org_limits, page_reads, report_limits, share_links, timeline_reads, view_tokens
from api.db import sessions_repo
from api.db.pool import Conn, connection
from api.deps import DbConn, Settings
from api.errors import ApiError, ForbiddenError, NotFoundError
from api.ids import LinkToken, SessionId
from api.openapi_errors import DB, error_responses
from api.pdf import PdfRenderer
from api.ratelimits import Count, RateLimits
from api.report_pages import JSON_HEADERS, error_response, report_html, report_response
from api.report_view import load_report
from api.routers.scorecards import CandidateReader, admit_reader, count_read, counted_reader, scorecard_reader
from api.run_admission import PRACTICE_TENANT
from api.settings import ApiSettings
from api.timeline import Timeline, View
from api.web_assets import WebAssets

router = APIRouter(tags=["reports"])
Reader = Annotated[Any, Depends(counted_reader)]  # an invite's client address counted before its lookup


@dataclass(frozen=True)
class Opened:
    session: dict[str, Any]
    view: View
    source: view_tokens.Source | None = None  # what a view token minted for this reader is bound to
    link_id: UUID | None = None  # the share link it was opened through
    counted: report_limits.Counted | None = None  # the buckets its read was counted in


async def _readable(conn: Conn, session_id: str, reader: Any) -> Opened:
    """An organisation's own session (org view), or a practice candidate's own session (coaching view)."""
    if isinstance(reader, CandidateReader):
        if reader.session["id"] != session_id:
            raise NotFoundError("Session not found.", code="session_not_found")
        if not reader.session["practice"]:
            raise ForbiddenError(
                "The results of this interview go to the company that scheduled it.", code="report_not_shared"
            )
        return Opened(reader.session, "coach", view_tokens.Source.invite(reader.session["invite_hash"]))
    session = await sessions_repo.get_session(conn, session_id, organization_id=reader.id)
    if session is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    return Opened(session, "org", view_tokens.Source.key(reader.key_id))


def _assets(request: Request) -> WebAssets:
    assets: WebAssets = request.app.state.web_assets
    return assets


def _timeline_url(token: str) -> str:
    return f"{share_links.REPORTS_PATH}{token}/timeline"


def _counted(reader: Any) -> report_limits.Counted:
    """Where `count_read` (and `counted_reader`, for an invite's address) counted a read by `reader`."""
    if isinstance(reader, CandidateReader):
        return report_limits.Counted(client=True, link=report_limits.practice_bucket(reader.session["id"]))
    return report_limits.Counted(org=reader.id)


def _page_key(opened: Opened, *, with_legal_hold: bool = False) -> str:
    """What a page's size is remembered by (api/page_reads.py): its session, view and whether it shows a hold."""
    return f"{opened.session['id']}:{opened.view}:{int(with_legal_hold)}"


async def timeline_response(request: Request, conn: Conn, settings: ApiSettings, opened: Opened) -> Response:
    """The timeline, its size counted on top of the read (api/timeline_reads.py)."""
    assert opened.counted is not None
    return await timeline_reads.timeline_response(
        request, conn, settings, opened.session, opened.view, opened.counted
    )


# --- with an organisation key (or a practice candidate's invite) ---------------------------------------------


@router.get(
    "/v1/sessions/{session_id}/report",
    response_class=HTMLResponse,
    responses=error_responses(*DB, 401, 403, 404, 429),
)
async def read_report(
    session_id: SessionId, request: Request, reader: Reader, conn: DbConn, settings: Settings
) -> Response:
    """The report page (HTML): recommendation and dimensions with bands, rubric, strengths and concerns, facts,
    integrity observations, the replay and the whole transcript; every citation links to its moment. A practice
    candidate (invite as bearer) gets the coaching view, without bands, scores or recommendation. Reads are
    limited per organisation (SHADOWS_API_REPORT_READ_ORG_RATE_LIMIT), a practice invite's per session and client
    address, and a large page by its size too (api/page_reads.py): 429 `rate_limited` with Retry-After."""
    await count_read(request, settings, reader)
    opened = await _readable(conn, session_id, reader)
    assert opened.source is not None
    source = opened.source
    with_legal_hold = not isinstance(reader, CandidateReader)

    async def render() -> HTMLResponse:
        token, _ = view_tokens.mint(settings, session_id, opened.view, "timeline", source)
        page = await load_report(
            conn,
            opened.session,
            view=opened.view,
            timeline_url=_timeline_url(token),
            assets=_assets(request),
            with_legal_hold=with_legal_hold,
        )
        return report_response(page)

    key = _page_key(opened, with_legal_hold=with_legal_hold)
    return await page_reads.counted_page(request, settings, _counted(reader), key, render)


@router.get(
    "/v1/sessions/{session_id}/timeline",
    response_model=Timeline,
    responses=error_responses(*DB, 401, 403, 404, 429),
)
async def read_timeline(
    session_id: SessionId, request: Request, reader: Reader, conn: DbConn, settings: Settings
) -> Response:
    """The interview on one timeline for the replay: `{"session": {...}, "events": [...]}` in time order. Every
    event has `seq`, `t` (seconds from the start) and `type`; snapshots carry the full code, runs and submissions
    their verdict, counts and code. Code stored past the session's budget is not kept: such an event carries
    `code_omitted: true` and `code_bytes` (a snapshot's `code` is "", a run's null). Limited as the report page is
    (429 `rate_limited`), each MiB of it counting as one more read; `ETag`, and 304 for `If-None-Match`."""
    await count_read(request, settings, reader)
    opened = await _readable(conn, session_id, reader)
    return await timeline_response(
        request, conn, settings, dataclasses.replace(opened, counted=_counted(reader))
    )


CLIENT_CLOSED_REQUEST = (
    499  # the access log's status for a request whose client left first (nobody receives it)
)


async def _unless_the_client_leaves(request: Request, work: Awaitable[bytes]) -> bytes | None:
    """`work`'s result, or None once the client has disconnected (`work` cancelled). A PDF request waits up to
    `SHADOWS_API_PDF_QUEUE_WAIT_S` for Chromium: a client that gave up kept its place in the queue, and its
    organisation's share of it, for the rest of that wait."""
    task = asyncio.ensure_future(work)

    async def left() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    watcher = asyncio.ensure_future(left())
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    if task.cancelled() or (not task.done()):
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return None
    return task.result()


async def _count_practice_pdf(ratelimits: RateLimits, settings: ApiSettings, session_id: str) -> None:
    """A practice candidate's PDFs are counted, per session and for every practice session together, before
    anything is read or printed. Anyone may start a practice session, and its invite opens the report for as long
    as the session is kept: uncounted, one invite kept Chromium printing (half a second of CPU each) for ever, the
    queue's bounds only saying how many at once. Counted in both or in neither: a PDF refused while all practice
    PDFs are at capacity spends nothing of its session's own allowance."""
    await ratelimits.hit_all(
        [
            Count(
                "practice_pdf",
                settings.practice_pdf_rate_limit,
                session_id,
                "Too many PDFs of this report; try again later.",
            ),
            Count(
                "practice_pdf_all",
                settings.practice_pdf_global_rate_limit,
                "all",
                "Practice report PDFs are at capacity; try again later.",
                code="practice_busy",
            ),
        ]
    )


@router.get(
    "/v1/sessions/{session_id}/report.pdf",
    response_class=Response,
    responses=error_responses(*DB, 401, 403, 404, 429),
)
async def read_report_pdf(session_id: SessionId, request: Request, settings: Settings) -> Response:
    """The report page printed to PDF (for an ATS to attach): the same content, with the runs and the final code
    in place of the interactive replay. 503 `pdf_unavailable` when this host cannot print; 503 `pdf_busy` (with
    Retry-After) when too many PDFs wait, or this organisation already has a few waiting or printing. An
    organisation's PDFs are limited across its sessions (SHADOWS_API_REPORT_PDF_RATE_LIMIT, 429 `rate_limited`); a
    practice candidate's per session (SHADOWS_API_PRACTICE_PDF_RATE_LIMIT, 429 `rate_limited`) and for all practice
    sessions together (429 `practice_busy`), with Retry-After."""
    # Read on a connection of its own, returned before the render: a render waits for one of a few Chromium slots
    # and runs for seconds, and a connection held meanwhile by each waiting request would drain the pool. Taken
    # once the reader is admitted (`admit_reader`): a refusal takes none.
    await admit_reader(request, settings)
    async with connection(request.app.state.pool) as conn:
        reader = await scorecard_reader(request, conn, settings)
        opened = await _readable(conn, session_id, reader)
        if isinstance(reader, CandidateReader):
            await _count_practice_pdf(request.app.state.ratelimits, settings, session_id)
        else:
            await org_limits.count_report_pdf(request.app.state.ratelimits, settings, reader.id)
        page = await load_report(
            conn,
            opened.session,
            view=opened.view,
            timeline_url=None,
            assets=_assets(request),
        )
    renderer: PdfRenderer = request.app.state.pdf
    html, _ = report_html(page, print_mode=True)
    # One organisation, or all practice candidates together, holds only a few places in the queue for Chromium.
    tenant = PRACTICE_TENANT if isinstance(reader, CandidateReader) else str(reader.id)
    pdf = await _unless_the_client_leaves(request, renderer.render(html, tenant=tenant))
    if pdf is None:
        return Response(status_code=CLIENT_CLOSED_REQUEST)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            **JSON_HEADERS,
            "Content-Disposition": f'inline; filename="shadows-report-{session_id}.pdf"',
        },
    )


class CoachingLink(BaseModel):
    report_url: str
    expires_at: datetime


@router.post(
    "/v1/sessions/{session_id}/coaching-link",
    response_model=CoachingLink,
    responses=error_responses(*DB, 401, 403, 404),
)
async def create_coaching_link(
    session_id: SessionId, reader: Reader, conn: DbConn, settings: Settings
) -> CoachingLink:
    """A practice candidate's link to their coaching report (invite as bearer), for a browser to open: it lasts
    SHADOWS_API_REPORT_VIEW_MINUTES. Organisations share reports with `POST /v1/sessions/{id}/share` instead."""
    opened = await _readable(conn, session_id, reader)
    if opened.view != "coach":
        raise ForbiddenError(
            "Share an organisation's report with POST /v1/sessions/{id}/share.", code="not_a_practice_session"
        )
    assert opened.source is not None
    token, expires_at = view_tokens.mint(settings, session_id, "coach", "report", opened.source)
    return CoachingLink(report_url=share_links.report_url(settings, token), expires_at=expires_at)


# --- through a share link or a view token --------------------------------------------------------------------


def _check_token(settings: ApiSettings, token: str, *, page: bool) -> view_tokens.ViewGrant | UUID:
    """A token's grant (a view token) or link id (a share link) from its signature and expiry alone, no database
    read; `share_link_invalid` / `share_link_expired` otherwise."""
    if token.startswith(view_tokens.PREFIX):
        grant = view_tokens.check(settings, token)
        # A page needs a `report` grant; its timeline a `timeline` or `report` one; an `artifacts` grant neither.
        if grant.scope not in (("report",) if page else ("timeline", "report")):
            raise share_links.ShareLinkInvalidError("This link is not valid.")
        return grant
    link_id, _ = share_links.check_token(settings, token)
    return link_id


async def _open_checked(
    conn: Conn, settings: ApiSettings, token: str, checked: view_tokens.ViewGrant | UUID
) -> Opened:
    if isinstance(checked, view_tokens.ViewGrant):
        # Checked on every use: the key or invite it was minted for must still be live.
        return Opened(await view_tokens.open_session(conn, checked), checked.view, source=checked.source)
    shared = await share_links.verify(conn, settings, token)
    session = await sessions_repo.get_session(conn, shared.session_id, organization_id=shared.organization_id)
    if session is None:
        raise share_links.ShareLinkInvalidError("This link is not valid.")
    return Opened(session, "org", link_id=shared.link_id)


@dataclass(frozen=True)
class Verified:
    """A token whose signature and expiry hold, counted per client address and per link."""

    token: str
    checked: view_tokens.ViewGrant | UUID
    link: str


async def _verify_token(request: Request, settings: ApiSettings, token: str, *, page: bool) -> Verified:
    """A token's signature and expiry, checked with no database read and before any pooled connection is taken (an
    anonymous burst of altered links held the whole pool and its queue otherwise): one that fails counts in the
    budget of reads that open nothing (every caller together; past it 429 `report_links_busy` at once), then per
    client address. One that passes counts per client address, then per link (`report_limits.token_bucket`)."""
    try:
        checked = _check_token(settings, token, page=page)
    except ApiError as e:
        if e.code in ERROR_PAGES:
            await report_limits.count_unverified(request, settings)
            await report_limits.count_client(request, settings)
        raise
    await report_limits.count_client(request, settings)
    link = report_limits.token_bucket(checked)
    await report_limits.count_link(request, settings, link)
    return Verified(token, checked, link)


async def _open_token(request: Request, conn: Conn, settings: ApiSettings, verified: Verified) -> Opened:
    """What a verified token opens (api/report_limits.py). A token the database refuses (revoked, its session gone)
    counts in the budget of reads that open nothing too; one minted for a key counts as a read by its organisation
    once the key is checked."""
    token, checked, link = verified.token, verified.checked, verified.link
    try:
        opened = await _open_checked(conn, settings, token, checked)
    except ApiError as e:
        if e.code in ERROR_PAGES:
            await report_limits.count_unverified(request, settings)
        raise
    organization_id = opened.session["organization_id"] or None
    counted = report_limits.Counted(client=True, link=link)
    if isinstance(checked, view_tokens.ViewGrant) and checked.source.kind == "key":
        if organization_id:
            await report_limits.count_org(request, settings, organization_id)
            counted = dataclasses.replace(counted, org=organization_id)
    elif organization_id:
        counted = dataclasses.replace(
            counted, shared_org=organization_id
        )  # a share link: its size per organisation
    return dataclasses.replace(opened, counted=counted)


ERROR_PAGES = {
    "share_link_invalid": (
        "This link is not valid",
        "Check that it was copied whole, or ask for a new link.",
    ),
    "share_link_expired": ("This link has expired", "Share links last a limited time. Ask for a new link."),
    "share_link_revoked": (
        "This link was revoked",
        "Whoever shared it has withdrawn it. Ask for a new link.",
    ),
}


# The shared page answers an altered, expired or revoked link with a page that says so, not with JSON.
SHARED_PAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **error_responses(*DB, 429),
    404: {
        "description": (
            "The link is not one we issued (an HTML page says so); a path that is not plain (an escape, a `;`, a "
            "non-ASCII byte) is the edge's JSON `not_found` (api/path_guard.py)."
        ),
        "content": {
            "text/html": {},
            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}},
        },
    },
    410: {
        "description": "The link has expired or was revoked (an HTML page says so).",
        "content": {"text/html": {}},
    },
}


@router.get(f"{share_links.REPORTS_PATH}{{token}}", response_class=HTMLResponse, responses=SHARED_PAGE_ERRORS)
async def read_shared_report(token: LinkToken, request: Request, settings: Settings) -> Response:
    """The report page through a share link (no other credentials). Expired, revoked or altered links answer with
    a page that says so (410 or 404). Reads are limited per client address and per link (a view token minted for
    a key: per organisation), a large page by its size too (api/page_reads.py): 429 `rate_limited` with
    Retry-After. A link that opens nothing counts in a budget for every caller together: past it 429
    `report_links_busy`, without the page (api/report_limits.py)."""
    try:
        verified = await _verify_token(request, settings, token, page=True)
    except ApiError as e:
        return _error_page(e)
    # A pooled connection only for a token whose signature holds; returned before the response is sent.
    async with connection(request.app.state.pool) as conn:
        try:
            opened = await _open_token(request, conn, settings, verified)
        except ApiError as e:
            return _error_page(e)

        async def render() -> HTMLResponse:
            page = await load_report(
                conn,
                opened.session,
                view=opened.view,
                timeline_url=_timeline_url(token),
                assets=_assets(request),
            )
            return report_response(page)

        assert opened.counted is not None
        return await page_reads.counted_page(request, settings, opened.counted, _page_key(opened), render)


def _error_page(e: ApiError) -> HTMLResponse:
    """The page that says a link is altered, expired or revoked; any other error is raised as it is."""
    if e.code not in ERROR_PAGES:
        raise e
    title, message = ERROR_PAGES[e.code]
    return error_response(e.status, title, message)


@router.get(
    f"{share_links.REPORTS_PATH}{{token}}/timeline",
    response_model=Timeline,
    responses=error_responses(*DB, 404, 410, 429),
)
async def read_shared_timeline(token: LinkToken, request: Request, settings: Settings) -> Response:
    """The timeline a shared report page loads; the same JSON as `GET /v1/sessions/{id}/timeline`. Limited as the
    shared page is (429 `rate_limited`; `report_links_busy`), each MiB of it counting as one more read; `ETag`,
    and 304 for `If-None-Match`."""
    verified = await _verify_token(request, settings, token, page=False)
    async with connection(request.app.state.pool) as conn:  # only for a token whose signature holds
        opened = await _open_token(request, conn, settings, verified)
        return await timeline_response(request, conn, settings, opened)
