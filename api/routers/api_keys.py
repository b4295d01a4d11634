"""Organisation routes for its own API keys: list them, issue another (shown once), revoke one (`api.api_keys`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api import api_keys, keyset
from api.db import api_keys_repo
from api.deps import DbConn, OrgCaller, Settings
from api.openapi_errors import BODY, DB, error_responses
from api.org_limits import count_key_issue
from api.schemas import optional_name_line

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])


class ApiKeyOut(BaseModel):
    id: UUID
    name: str | None
    prefix: str = Field(description="The key's first 8 characters, to tell keys apart; never the key itself.")
    created_at: datetime
    last_used_at: datetime | None = Field(
        description="When a request last used it (kept to the minute); null if never."
    )
    revoked_at: datetime | None = Field(description="When it was revoked; null while it is active.")
    issued_by_key_id: UUID | None = Field(
        description="The key whose request issued this one; null for a key made by the operator's CLI (and once "
        "that key's row is deleted, 30 days after its revocation)."
    )
    issued_by_prefix: str | None = Field(
        description="That key's prefix (kept after its row is deleted); null for a key made by the operator's CLI."
    )


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The API key (Bearer shk_…). Shown only here: store it now.")


class ApiKeyRevoked(ApiKeyOut):
    also_revoked: list[ApiKeyOut] = Field(
        default_factory=list,
        description="With `with_issued=true`: the keys this one issued, directly or through others, revoked now.",
    )


class ApiKeyPage(BaseModel):
    data: list[ApiKeyOut]
    next_cursor: str | None = None


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "ATS production"}]})

    name: str | None = Field(
        default=None, max_length=api_keys.NAME_MAX, description="A label for people (one line)."
    )
    _name = field_validator("name")(optional_name_line)


def _out(row: dict[str, Any]) -> ApiKeyOut:
    return ApiKeyOut(
        **{k: row[k] for k in ApiKeyOut.model_fields if k != "issued_by_prefix"},
        issued_by_prefix=row["issued_by_key_prefix"],
    )


@router.get("", response_model=ApiKeyPage, responses=error_responses(*DB, 400, 401))
async def list_api_keys(
    org: OrgCaller,
    conn: DbConn,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=keyset.MAX_CHARS)] = None,
) -> ApiKeyPage:
    """The organisation's API keys, active and revoked (for 30 days after their revocation), newest first;
    `next_cursor` pages on. Never a key itself."""
    after = keyset.decode(cursor) if cursor is not None else None
    rows, next_cursor = keyset.page(
        await api_keys_repo.list_keys(conn, org.id, limit + 1, after), limit, "created_at"
    )
    return ApiKeyPage(data=[_out(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "", status_code=201, response_model=ApiKeyCreated, responses=error_responses(*BODY, *DB, 401, 409, 429)
)
async def create_api_key(
    org: OrgCaller,
    conn: DbConn,
    settings: Settings,
    request: Request,
    response: Response,
    body: ApiKeyCreate | None = None,
) -> ApiKeyCreated:
    """Issue another API key, returned once. The organisation's other keys keep working: rotate by creating one,
    moving your callers to it, then revoking the old. At most 20 active keys (409 `api_key_limit_reached`). Past
    SHADOWS_API_API_KEY_ISSUE_RATE_LIMIT: 429 `rate_limited` with Retry-After, and nothing is stored. A revoked key
    is listed for 30 days, then deleted."""
    await count_key_issue(request.app.state.ratelimits, settings, org.id, "api_key")
    response.headers["Cache-Control"] = "no-store"  # the one answer that carries the key
    row, key = await api_keys.issue(conn, org.id, (body.name or None) if body else None, caller=org.key_id)
    return ApiKeyCreated(**_out(row).model_dump(), key=key)


@router.delete("/{key_id}", response_model=ApiKeyRevoked, responses=error_responses(*DB, 401, 404, 409))
async def revoke_api_key(
    key_id: Annotated[str, Path(max_length=64)],
    org: OrgCaller,
    conn: DbConn,
    with_issued: Annotated[
        bool,
        Query(
            description="Also revoke every key this key issued, and those they issued, on down (for a leaked key)."
        ),
    ] = False,
) -> ApiKeyRevoked:
    """Revoke a key (idempotent): requests with it are refused (401) from the next one on, on every replica. The key
    making this call may revoke itself. With `with_issued=true` the keys it issued (`issued_by_key_id`), directly
    or through others, are revoked with it, in one transaction (even when the key itself was revoked before), and
    listed in `also_revoked`. The organisation's last active key cannot be revoked here (409 `last_api_key`, nothing
    revoked): create another first. Another organisation's key id is a 404 `api_key_not_found`."""
    try:
        parsed = UUID(key_id)
    except ValueError as e:  # an id that cannot exist is a 404 too
        raise api_keys.not_found() from e
    row, also = await api_keys.revoke_with_issued(
        conn, parsed, org.id, with_issued=with_issued, caller=org.key_id
    )
    return ApiKeyRevoked(**_out(row).model_dump(), also_revoked=[_out(r) for r in also])
