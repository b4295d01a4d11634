"""Organisation routes over a session's stored data: its artifacts (with download URLs) and its erasure; plus the
download route behind those URLs.

A download URL is `<public_url>/v1/artifacts/<token>/<name>`: the token is a view token of scope `artifacts`
(`api.view_tokens`) bound to the organisation key that listed it, checked in Postgres on every download, so it
dies with that key (revoked), with the session (erased) and with the signing key (rotated); otherwise it lasts
SHADOWS_API_STORAGE_SIGNED_URL_S. The API reads the object from storage and serves it, whichever the backend: a
storage backend's own signed URL (Supabase's) cannot be taken back. A download holds one of its organisation's
download slots (SHADOWS_API_ARTIFACT_DOWNLOAD_PER_ORG, and SHADOWS_API_ARTIFACT_DOWNLOAD_CONCURRENCY in all, per
process) until its client has read it; past either, 429 `artifacts_busy` with Retry-After, before storage is
read. Downloads through the URLs one key listed for a session are counted in number too
(SHADOWS_API_ARTIFACT_DOWNLOAD_RATE_LIMIT, api/report_limits.py; 429 `rate_limited`), before anything is read;
and every download of the organisation's artifacts in MiB, by the object's recorded size
(SHADOWS_API_ARTIFACT_DOWNLOAD_MIB_RATE_LIMIT, api/read_budgets.py; 429 `rate_limited`), before storage is read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from api import idempotency, read_budgets, report_limits, view_tokens
from api.db import artifacts_repo, sessions_repo
from api.db.pool import connection
from api.deps import DbConn, OrgCaller, Settings
from api.erasure import delete_session
from api.errors import NotFoundError
from api.export_slots import ExportResponse, ExportSlots
from api.ids import LinkToken, SessionId
from api.openapi_errors import DB, error_responses
from api.storage import StorageBackend

router = APIRouter(tags=["sessions"])
MAX_ARTIFACT_NAME = 100  # our names are a few characters (`session.json`); a longer one names nothing


class ArtifactOut(BaseModel):
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    written_at: datetime
    url: str
    url_expires_at: datetime


class ArtifactPage(BaseModel):
    data: list[ArtifactOut]


def _storage(request: Request) -> StorageBackend:
    storage: StorageBackend = request.app.state.storage
    return storage


@router.get(
    "/v1/sessions/{session_id}/artifacts",
    response_model=ArtifactPage,
    responses=error_responses(*DB, 401, 404),
)
async def list_artifacts(
    session_id: SessionId, request: Request, org: OrgCaller, conn: DbConn, settings: Settings
) -> ArtifactPage:
    """The session's stored artifacts (`session.json`, `report.pdf`, `resume.pdf`), each with a URL that downloads
    it without other credentials for SHADOWS_API_STORAGE_SIGNED_URL_S seconds, while the key that listed it is live.
    Written when the interview ends and after each grading; erased by retention and deletion."""
    if await sessions_repo.get_session(conn, session_id, organization_id=org.id) is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    token, expires_at = view_tokens.mint(
        settings,
        session_id,
        "org",
        "artifacts",
        view_tokens.Source.key(org.key_id),
        lifetime=timedelta(seconds=settings.storage_signed_url_s),
    )
    base = f"{settings.public_url.rstrip('/')}/v1/artifacts/{token}/"
    return ArtifactPage(
        data=[
            ArtifactOut(
                name=row["name"],
                content_type=row["content_type"],
                size_bytes=row["size_bytes"],
                sha256=row["sha256"],
                written_at=row["written_at"],
                url=base + quote(row["name"], safe=""),
                url_expires_at=expires_at,
            )
            for row in await artifacts_repo.list_artifacts(conn, session_id)
        ]
    )


@router.get(
    "/v1/artifacts/{token}/{name}",
    response_class=Response,
    include_in_schema=False,
    responses=error_responses(*DB, 404, 410, 429),
)
async def download_artifact(
    token: LinkToken,
    name: str,
    request: Request,
    settings: Settings,
) -> Response:
    """One artifact of the session the token was listed for (see the module docstring)."""
    grant = view_tokens.check(settings, token)
    if grant.scope != "artifacts" or len(name) > MAX_ARTIFACT_NAME:
        raise NotFoundError("Not found.", code="not_found")
    # Counted per the key's URLs for the session before any read: slots bound downloads at once, not how many.
    await report_limits.count_artifact_download(request, settings, grant)
    # Checked, then released before the (possibly slow) read from storage.
    async with connection(request.app.state.pool) as conn:
        # The key still live, the session still its organisation's.
        session = await view_tokens.open_session(conn, grant)
        row = await artifacts_repo.get_artifact(conn, grant.session_id, name)
    if row is None:
        raise NotFoundError("Not found.", code="not_found")
    # Counted by size in the organisation's download budget, before the slot and the storage read.
    await read_budgets.count_download(request, settings, session["organization_id"], row["size_bytes"])
    # One of the organisation's download slots from the read until its client has read it all: the object is held
    # in memory whole, and unbounded, one URL fetched a hundred times at once held a hundred copies of it.
    slots: ExportSlots = request.app.state.artifact_slots
    slot = slots.take(session["organization_id"])
    try:
        data = await _storage(request).get(row["storage_key"])
    except BaseException:
        slot.release()
        raise
    if data is None:
        slot.release()
        raise NotFoundError("Not found.", code="not_found")
    return ExportResponse(
        _pieces(data),
        slot=slot,
        media_type=row["content_type"],
        headers={
            "Content-Length": str(len(data)),
            "Content-Disposition": f'attachment; filename="{row["name"]}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


DOWNLOAD_PIECE = 256 * 1024


async def _pieces(data: bytes) -> AsyncIterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), DOWNLOAD_PIECE):
        yield bytes(view[start : start + DOWNLOAD_PIECE])


@router.delete(
    "/v1/sessions/{session_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(*DB, 401, 404, 409),
)
async def erase_session(
    session_id: SessionId, request: Request, org: OrgCaller, conn: DbConn, settings: Settings
) -> Response:
    """Erase the session and everything recorded about it: events, transcript, runs, scorecards, share links and
    stored artifacts, and the candidate unless another session refers to them. Irreversible; logged without
    personal data. 409 `session_in_progress` while the interview runs (cancel it first); 409
    `session_on_legal_hold` while it is on legal hold (lift it first: `DELETE /v1/sessions/{id}/legal-hold`)."""
    await delete_session(
        conn, _storage(request), session_id, org.id, caller=org.key_id, key_namer=idempotency.namer(settings)
    )
    return Response(status_code=204)
