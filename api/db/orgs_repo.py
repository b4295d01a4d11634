"""Organisations and their API keys."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.db.pool import Conn
from api.security import digest, new_api_key


async def create_org(conn: Conn, name: str) -> tuple[UUID, str]:
    """A new organisation and its first API key; the raw key is returned once and only its hash is stored."""
    key = new_api_key()
    async with conn.transaction():
        cur = await conn.execute("insert into organizations (name) values (%s) returning id", (name,))
        row = await cur.fetchone()
        assert row is not None
        await conn.execute(
            "insert into api_keys (organization_id, key_hash, prefix, name) values (%s, %s, %s, %s)",
            (row["id"], digest(key), key[:8], "default"),
        )
    return row["id"], key


async def org_for_key(conn: Conn, key_hash: bytes) -> dict[str, Any] | None:
    cur = await conn.execute(
        """
        select k.id as key_id, k.key_hash, o.id as organization_id, o.name
        from api_keys k join organizations o on o.id = k.organization_id
        where k.key_hash = %s and k.revoked_at is null
        """,
        (key_hash,),
    )
    return await cur.fetchone()
