"""Organisation routes over a session's stored data: its artifacts (with signed download URLs) and its erasure;
plus the download route behind the `local` storage backend's signed URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from api.db import artifacts_repo, sessions_repo
from api.deps import DbConn, OrgCaller, Settings
from api.erasure import delete_session
from api.errors import NotFoundError
from api.ids import SessionId
from api.openapi_errors import DB, error_responses
from api.storage import LocalStorage, StorageBackend

router = APIRouter(tags=["sessions"])


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
    """The session's stored artifacts (`session.json`, `report.pdf`, `resume.pdf`), each with a signed URL that
    downloads it without credentials for SHADOWS_API_STORAGE_SIGNED_URL_S seconds. Written when the interview ends
    and after each grading; erased by retention and deletion."""
    if await sessions_repo.get_session(conn, session_id, organization_id=org.id) is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    storage = _storage(request)
    ttl = settings.storage_signed_url_s
    out = []
    for row in await artifacts_repo.list_artifacts(conn, session_id):
        url = await storage.signed_url(row["storage_key"], ttl)
        out.append(
            ArtifactOut(
                name=row["name"],
                content_type=row["content_type"],
                size_bytes=row["size_bytes"],
                sha256=row["sha256"],
                written_at=row["written_at"],
                url=settings.public_url.rstrip("/") + url if url.startswith("/") else url,
                url_expires_at=datetime.now(UTC) + timedelta(seconds=ttl),
            )
        )
    return ArtifactPage(data=out)


@router.get("/v1/artifacts/{token}", response_class=Response, include_in_schema=False)
async def download_artifact(token: Annotated[str, Path(max_length=700)], request: Request) -> Response:
    """A `local` backend signed URL (the `supabase` backend's URLs point at Supabase)."""
    storage = _storage(request)
    key = storage.open_signed(token) if isinstance(storage, LocalStorage) else None
    data = await storage.get(key) if key else None
    if data is None or key is None:
        raise NotFoundError("Not found.", code="not_found")
    name = key.rsplit("/", 1)[-1]
    media = {"json": "application/json", "pdf": "application/pdf"}.get(
        name.rsplit(".", 1)[-1], "application/octet-stream"
    )
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


@router.delete(
    "/v1/sessions/{session_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(*DB, 401, 404, 409),
)
async def erase_session(session_id: SessionId, request: Request, org: OrgCaller, conn: DbConn) -> Response:
    """Erase the session and everything recorded about it: events, transcript, runs, scorecards, share links and
    stored artifacts, and the candidate unless another session refers to them. Irreversible; logged without
    personal data. 409 `session_in_progress` while the interview runs (cancel it first)."""
    await delete_session(conn, _storage(request), session_id, org.id)
    return Response(status_code=204)
