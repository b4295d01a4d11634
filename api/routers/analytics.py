"""Analytics for an organisation: the summary figures as JSON, and an HTML page that tables and charts them."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.analytics import DateRange, Summary, date_range, summarize
from api.deps import DbConn, Org, OrgCaller, Settings
from api.openapi_errors import DB, error_responses
from api.org_slots import OrgSlots
from api.report_pages import page_headers
from api.templating import render, stylesheet
from api.web_assets import ANALYTICS_ENTRY, WebAssets

router = APIRouter(prefix="/v1/analytics", tags=["analytics"])


async def range_query(
    start: Annotated[date | None, Query(alias="from", description="First day, inclusive (UTC)")] = None,
    end: Annotated[
        date | None, Query(alias="to", description="Last day, inclusive (UTC); default today")
    ] = None,
) -> DateRange:
    return date_range(start, end)


Range = Annotated[DateRange, Depends(range_query)]


async def _figures(request: Request, conn: DbConn, org: Org, rng: DateRange, settings: Settings) -> Summary:
    """The figures, within one of the organisation's analytics slots (`api.org_slots`): a few at once per
    organisation, past that a 429 `analytics_busy` before any query."""
    slots: OrgSlots = request.app.state.analytics_slots
    with slots.hold(org.id):
        return await summarize(conn, org.id, rng, timeout_s=settings.analytics_timeout_s)


@router.get("/summary", response_model=Summary, responses=error_responses(*DB, 401, 422, 429))
async def read_analytics_summary(
    request: Request, org: OrgCaller, conn: DbConn, rng: Range, settings: Settings
) -> Summary:
    """Counts by status, completion rate, recommendation distribution, average and distribution per dimension,
    per-question pass rate and median time to the first passing run, average hints, and scorecards needing human
    review, for the sessions created from `from` to `to` (ISO dates, inclusive, UTC; default the last 30 days
    including today). They may take `SHADOWS_API_ANALYTICS_TIMEOUT_S` (15 s) to compute; past it, 503
    `analytics_timeout`. At most SHADOWS_API_ANALYTICS_PER_ORG computed at once for an organisation (and
    SHADOWS_API_ANALYTICS_CONCURRENCY in all, per process); past either, 429 `analytics_busy` with Retry-After."""
    return await _figures(request, conn, org, rng, settings)


@router.get("", response_class=HTMLResponse, responses=error_responses(*DB, 401, 422, 429))
async def read_analytics_page(
    request: Request, org: OrgCaller, conn: DbConn, rng: Range, settings: Settings
) -> HTMLResponse:
    """The same figures as an HTML page with charts (same `from` and `to`, and the same bounds)."""
    summary = await _figures(request, conn, org, rng, settings)
    assets: WebAssets = request.app.state.web_assets
    nonce = secrets.token_urlsafe(18)
    html = render(
        "analytics.html",
        css=stylesheet("report.css"),
        nonce=nonce,
        print_mode=False,
        org_name=org.name,
        summary=summary,
        data=summary.model_dump(mode="json", by_alias=True),
        bundle=assets.entry(ANALYTICS_ENTRY),
    )
    return HTMLResponse(html, headers=page_headers(nonce))
