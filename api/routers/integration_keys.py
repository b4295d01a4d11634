"""Organisation routes for the keys an ATS uses to call us: one live key per ATS, shown once, revocable.

Issuing a key rotates the ATS's key: the report links an ATS holds are bound to the key it held (api.share_links), so
they die with it, and a job handing the ATS links bound to the new key (`hand_over_profile_links`) is queued with the
new key, not left to the hourly sweep: Greenhouse and Ashby showed a dead report link for up to an hour after it.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.api_keys import hold_caller
from api.db import integration_keys_repo
from api.db.pool import Conn
from api.deps import DbConn, Org, OrgCaller, Settings
from api.integrations import keys
from api.integrations.callbacks import hand_over_profile_links
from api.jobs.enqueue import enqueue
from api.openapi_errors import BODY, DB, error_responses
from api.org_limits import count_key_issue
from api.settings import ApiSettings

router = APIRouter(prefix="/v1/integrations", tags=["integrations"])


class IntegrationKey(BaseModel):
    key: str = Field(
        description="Give it to the ATS (as the Basic username, blank password). Shown only here."
    )
    prefix: str
    created_at: datetime


async def _rotate(
    conn: Conn, settings: ApiSettings, org: Org, provider: keys.Provider, ashby_api_key: str | None = None
) -> IntegrationKey:
    """Issue the new key and, in the same transaction, queue the job that hands the ATS links bound to it (one
    waiting job per organisation and ATS, however many keys are issued: its queueing lock). Only while the API key
    that asked is unrevoked (`api.api_keys.hold_caller`: 401 and nothing issued otherwise)."""
    org_id = org.id
    async with conn.transaction():
        issued = await keys.issue(conn, settings, org_id, provider, provider_api_key=ashby_api_key)
        await enqueue(
            conn,
            hand_over_profile_links,
            queueing_lock=f"hand_over_profile_links:{org_id}:{provider}",
            organization_id=str(org_id),
            provider=provider,
        )
        await hold_caller(conn, org.key_id)
    return IntegrationKey(key=issued.key, prefix=issued.prefix, created_at=issued.created_at)


class AshbyKeyRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"ashby_api_key": "your Ashby API key"}]}
    )

    ashby_api_key: str = Field(
        min_length=8,
        max_length=512,
        description="Your Ashby API key with the candidatesWrite permission: Shadows reports results with it "
        "(assessment.update). Stored sealed, never shown again.",
    )

    @field_validator("ashby_api_key")
    @classmethod
    def _printable(cls, v: str) -> str:
        # Spaces around it are a copy's, not the key's: kept, every update went to Ashby with a key it refused
        # (401), retried for days, then failed. A space inside it (or a colon) cannot be in an Ashby key either.
        v = v.strip()
        if len(v) < 8 or not v.isascii() or not v.isprintable() or ":" in v or " " in v:
            raise ValueError("must be the API key exactly as Ashby shows it")
        return v


@router.post(
    "/greenhouse/keys",
    status_code=201,
    response_model=IntegrationKey,
    responses=error_responses(*DB, 401, 429),
)
async def create_greenhouse_key(
    org: OrgCaller, conn: DbConn, settings: Settings, request: Request
) -> IntegrationKey:
    """A key for Greenhouse's Assessment Partner integration. Issuing one revokes the previous key (and hands
    Greenhouse report links bound to the new one at once). Past
    SHADOWS_API_INTEGRATION_KEY_RATE_LIMIT (both ATSs together): 429 `rate_limited`, and the previous key stays."""
    await count_key_issue(request.app.state.ratelimits, settings, org.id, "integration_key")
    return await _rotate(conn, settings, org, "greenhouse")


@router.delete("/greenhouse/keys", status_code=204, responses=error_responses(*DB, 401))
async def revoke_greenhouse_key(org: OrgCaller, conn: DbConn) -> Response:
    """Revoke the Greenhouse key: Greenhouse's calls are refused (401) from now on."""
    async with conn.transaction():
        await integration_keys_repo.revoke_keys(conn, org.id, "greenhouse")
        await hold_caller(conn, org.key_id)
    return Response(status_code=204)


@router.post(
    "/ashby/keys",
    status_code=201,
    response_model=IntegrationKey,
    responses=error_responses(*BODY, *DB, 401, 429),
)
async def create_ashby_key(
    body: AshbyKeyRequest, org: OrgCaller, conn: DbConn, settings: Settings, request: Request
) -> IntegrationKey:
    """A key for Ashby's assessment integration, and your Ashby API key for our updates back. Issuing one revokes
    the previous key. Past SHADOWS_API_INTEGRATION_KEY_RATE_LIMIT (both ATSs together): 429 `rate_limited`."""
    await count_key_issue(request.app.state.ratelimits, settings, org.id, "integration_key")
    return await _rotate(conn, settings, org, "ashby", body.ashby_api_key)


@router.delete("/ashby/keys", status_code=204, responses=error_responses(*DB, 401))
async def revoke_ashby_key(org: OrgCaller, conn: DbConn) -> Response:
    """Revoke the Ashby key (and forget your Ashby API key's use: updates to Ashby stop)."""
    async with conn.transaction():
        await integration_keys_repo.revoke_keys(conn, org.id, "ashby")
        await hold_caller(conn, org.key_id)
    return Response(status_code=204)
