"""Organisations (name, slug, embedding and interview policies) and their API keys."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from uuid import UUID

from psycopg.errors import UniqueViolation

from api.db.pool import Conn
from api.security import digest, new_api_key

ORG_FIELDS = (
    "id",
    "name",
    "slug",
    "logo_url",
    "embed_origins",
    "allow_text_only",
    "allow_resubmission",
    "retention_days",
    "created_at",
)
ORG_COLUMNS = ", ".join(ORG_FIELDS)
SLUG_MAX = 40


def slugify(name: str) -> str:
    """`Acme Hiring, Inc.` -> `acme-hiring-inc`: ASCII letters and digits joined by single hyphens (the same rule
    the migration applied to existing rows); `org` when nothing is left."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:SLUG_MAX].strip("-")
    return slug or "org"


async def create_org(conn: Conn, name: str) -> tuple[UUID, str]:
    """A new organisation and its first API key; the raw key is returned once and only its hash is stored. The
    slug comes from the name, with -2, -3, ... when another organisation has it."""
    key = new_api_key()
    base = slugify(name)
    for n in range(1, 1000):
        slug = base if n == 1 else f"{base}-{n}"
        try:
            async with conn.transaction():
                cur = await conn.execute(
                    "insert into organizations (name, slug) values (%s, %s) returning id", (name, slug)
                )
                row = await cur.fetchone()
                assert row is not None
                await conn.execute(
                    "insert into api_keys (organization_id, key_hash, prefix, name) values (%s, %s, %s, %s)",
                    (row["id"], digest(key), key[:8], "default"),
                )
            return row["id"], key
        except UniqueViolation as e:
            if "slug" not in str(e.diag.constraint_name or ""):
                raise
    raise RuntimeError("no free slug")  # a thousand organisations with one name


async def org_for_key(conn: Conn, key_hash: bytes) -> dict[str, Any] | None:
    cur = await conn.execute(
        """
        select k.id as key_id, k.key_hash, k.last_used_at, o.id as organization_id, o.name
        from api_keys k join organizations o on o.id = k.organization_id
        where k.key_hash = %s and k.revoked_at is null
        """,
        (key_hash,),
    )
    return await cur.fetchone()


async def get_org(conn: Conn, org_id: UUID) -> dict[str, Any] | None:
    cur = await conn.execute(f"select {ORG_COLUMNS} from organizations where id = %s", (org_id,))  # noqa: S608  # constant column list
    return await cur.fetchone()


async def get_org_by_slug(conn: Conn, slug: str) -> dict[str, Any] | None:
    cur = await conn.execute(f"select {ORG_COLUMNS} from organizations where slug = %s", (slug,))  # noqa: S608  # constant column list
    return await cur.fetchone()


SETTABLE = (
    "name",
    "slug",
    "logo_url",
    "embed_origins",
    "allow_text_only",
    "allow_resubmission",
    "retention_days",
)


async def update_org(conn: Conn, org_id: UUID, changes: dict[str, Any]) -> dict[str, Any] | None:
    """Apply `changes` (keys from SETTABLE; a None value clears a nullable column). Raises UniqueViolation when the
    slug is taken."""
    fields = [k for k in SETTABLE if k in changes]
    if fields:
        assignments = ", ".join(f"{k} = %({k})s" for k in fields)
        await conn.execute(
            f"update organizations set {assignments} where id = %(id)s",  # noqa: S608  # names from SETTABLE
            {**{k: changes[k] for k in fields}, "id": org_id},
        )
    return await get_org(conn, org_id)
