"""The calling organisation's own settings: name, slug (its /embed/{slug} page), logo, the origins allowed to
embed the candidate page, and its interview policies."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter
from psycopg.errors import UniqueViolation
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.api_keys import hold_caller
from api.db import orgs_repo
from api.deps import DbConn, OrgCaller
from api.embed_origins import ORIGIN_INPUT_MAX, normalise, origin_problem
from api.errors import ConflictError, NotFoundError
from api.openapi_errors import BODY, DB, error_responses
from api.schemas import name_line

router = APIRouter(prefix="/v1/organization", tags=["organization"])

# Matched whole (`fullmatch`): with `re.match`, a `$` anchor also matches before a final newline, and a slug "acme\n"
# passed here to fail the column's check (a 500).
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class Organization(BaseModel):
    id: UUID
    name: str
    slug: str = Field(description="The candidate page for iframes is /embed/{slug}")
    logo_url: str | None
    embed_origins: list[str] = Field(
        description="Origins allowed to frame /embed/{slug} (CSP frame-ancestors)"
    )
    allow_text_only: bool = Field(description="Candidates may start without voice when voice cannot connect")
    allow_resubmission: bool = Field(description="Candidates may submit again after their final answer")
    retention_days: int = Field(
        description="How long interview records are kept; stated in the candidate notice"
    )
    created_at: datetime


class OrganizationUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"embed_origins": ["https://ats.example.com"], "allow_text_only": True}]
        },
    )

    name: str | None = Field(default=None, min_length=1, max_length=200)
    slug: str | None = Field(default=None, min_length=1, max_length=48)
    logo_url: str | None = Field(
        default=None, max_length=2000, description="https URL; empty string clears it"
    )
    # Each origin bounded before it is read (a host name is at most 253 characters: `origin_problem`).
    embed_origins: list[Annotated[str, Field(max_length=ORIGIN_INPUT_MAX)]] | None = Field(
        default=None,
        max_length=20,
        description="https origins (`https://*.example.com` for subdomains, never over a public suffix such as "
        "`*.co.uk`); plain http only for localhost",
    )
    allow_text_only: bool | None = None
    allow_resubmission: bool | None = None
    retention_days: int | None = Field(default=None, ge=1, le=3650)

    # Shown to candidates (their page, the notice they agree to, the invite e-mail): one line, no bidirectional
    # controls, something visible, as a person's name (`api.schemas.name_line`).
    _name = field_validator("name")(name_line)

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str | None) -> str | None:
        if v is not None and not SLUG.fullmatch(v):
            raise ValueError("lower-case letters and digits, separated by single hyphens")
        return v

    @field_validator("logo_url")
    @classmethod
    def _logo(cls, v: str | None) -> str | None:
        if v and (not v.startswith("https://") or any(c.isspace() or c in "\"'<>" for c in v)):
            raise ValueError("must be an https URL")
        return v

    @field_validator("embed_origins")
    @classmethod
    def _origins(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return None
        cleaned = []
        for origin in v:
            o = normalise(origin)
            if problem := origin_problem(o):
                raise ValueError(f"{origin!r} {problem}")
            if o not in cleaned:
                cleaned.append(o)
        return cleaned


def _view(row: dict[str, Any]) -> Organization:
    return Organization(**{k: row[k] for k in Organization.model_fields})


@router.get("", response_model=Organization, responses=error_responses(*DB, 401, 404))
async def read_organization(org: OrgCaller, conn: DbConn) -> Organization:
    """The organisation that owns the API key."""
    row = await orgs_repo.get_org(conn, org.id)
    if row is None:
        raise NotFoundError("Organisation not found.", code="organization_not_found")
    return _view(row)


@router.patch("", response_model=Organization, responses=error_responses(*BODY, *DB, 401, 404, 409))
async def update_organization(body: OrganizationUpdate, org: OrgCaller, conn: DbConn) -> Organization:
    """Change settings; fields left out stay as they are. A slug another organisation uses is a 409."""
    changes = body.model_dump(exclude_unset=True)
    if changes.get("logo_url") == "":
        changes["logo_url"] = None
    for required in (
        "name",
        "slug",
        "embed_origins",
        "allow_text_only",
        "allow_resubmission",
        "retention_days",
    ):
        if required in changes and changes[required] is None:
            del changes[required]  # null for a required setting means "leave it"
    try:
        async with conn.transaction():
            row = await orgs_repo.update_org(conn, org.id, changes)
            await hold_caller(
                conn, org.key_id
            )  # a key revoked since it was let in changes nothing (api.api_keys)
    except UniqueViolation as e:
        raise ConflictError("Another organisation uses that slug.", code="slug_taken") from e
    if row is None:
        raise NotFoundError("Organisation not found.", code="organization_not_found")
    return _view(row)
