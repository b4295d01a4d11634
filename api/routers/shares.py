"""Organisation routes for report share links: mint one, list a session's links, revoke one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, ConfigDict, Field

from api import share_links
from api.api_keys import hold_caller
from api.db import sessions_repo, share_links_repo
from api.deps import DbConn, OrgCaller, Settings
from api.errors import NotFoundError
from api.ids import SessionId
from api.integrations import profile_links
from api.openapi_errors import BODY, DB, error_responses

router = APIRouter(prefix="/v1/sessions", tags=["reports"])
MAX_LINKS_LISTED = 100


class ShareCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in_days: int | None = Field(
        default=None, ge=1, le=365, description="Lifetime; default SHADOWS_API_SHARE_LINK_DAYS (14)"
    )


class ShareCreated(BaseModel):
    id: UUID
    session_id: str
    report_url: str = Field(description="Opens the report without an API key until it expires or is revoked.")
    expires_at: datetime


class ShareLinkOut(BaseModel):
    id: UUID
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool
    key_prefix: str | None = Field(
        description="The prefix of the key it was minted with: an organisation API key (the link outlives it) or "
        "an ATS integration key (the link dies with it); null for links Shadows minted itself (a webhook's "
        "report_url, `shadows share`)."
    )


class ShareLinkPage(BaseModel):
    data: list[ShareLinkOut]


@router.post(
    "/{session_id}/share",
    status_code=201,
    response_model=ShareCreated,
    responses=error_responses(*BODY, *DB, 401, 404, 409),
)
async def create_share_link(
    session_id: SessionId,
    org: OrgCaller,
    conn: DbConn,
    settings: Settings,
    body: Annotated[ShareCreate | None, Body()] = None,
) -> ShareCreated:
    """A signed link to this session's report for someone without an API key (a hiring manager, an ATS profile).
    It expires after `expires_in_days` (default 14, at most SHADOWS_API_SHARE_LINK_MAX_DAYS) and opens the report
    and its replay, nothing else. It outlives the API key that minted it (revoke it here). 409
    `too_many_share_links` once the session has SHADOWS_API_SHARE_LINKS_PER_SESSION unexpired links (revoked ones
    count until they expire)."""
    async with conn.transaction():  # the link outlives its key: minted only while the key that asks is live
        link = await share_links.mint(
            conn,
            settings,
            session_id,
            expires_in_days=body.expires_in_days if body else None,
            organization_id=org.id,
            capped=True,
            api_key_id=org.key_id,
        )
        await hold_caller(conn, org.key_id)
    return ShareCreated(
        id=link.id, session_id=session_id, report_url=link.report_url, expires_at=link.expires_at
    )


async def _own_session(conn: DbConn, session_id: str, org_id: UUID) -> None:
    if await sessions_repo.get_session(conn, session_id, organization_id=org_id) is None:
        raise NotFoundError("Session not found.", code="session_not_found")


@router.get("/{session_id}/share", response_model=ShareLinkPage, responses=error_responses(*DB, 401, 404))
async def list_share_links(session_id: SessionId, org: OrgCaller, conn: DbConn) -> ShareLinkPage:
    """This session's share links, newest first (the latest 100). URLs are shown once, when minted."""
    await _own_session(conn, session_id, org.id)
    now = datetime.now(UTC)
    rows = await share_links_repo.list_links(conn, session_id, org.id, MAX_LINKS_LISTED)
    return ShareLinkPage(
        data=[
            ShareLinkOut(
                id=r["id"],
                created_at=r["created_at"],
                expires_at=r["expires_at"],
                revoked_at=r["revoked_at"],
                active=r["revoked_at"] is None and not r["integration_key_revoked"] and r["expires_at"] > now,
                key_prefix=r["key_prefix"],
            )
            for r in rows
        ]
    )


@router.delete("/{session_id}/share/{link_id}", status_code=204, responses=error_responses(*DB, 401, 404))
async def revoke_share_link(
    session_id: SessionId, link_id: UUID, org: OrgCaller, conn: DbConn, settings: Settings
) -> Response:
    """Revoke a share link (idempotent). Its URL stops working at once. When it is the link an ATS holds as the
    candidate's profile URL (Greenhouse, Ashby), the ATS is handed a new one."""
    async with conn.transaction():
        await share_links.revoke(conn, session_id, org.id, link_id)
        await profile_links.profile_link_revoked(conn, settings, session_id, link_id)
    return Response(status_code=204)
