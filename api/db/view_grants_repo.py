"""What a view token (`api.view_tokens`) is checked against on every use: the credential it was minted for must
still be live, and the session must still be that credential's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.db.pool import Conn
from api.db.sessions_repo import SESSION_COLUMNS


async def session_for_key(conn: Conn, session_id: str, key_id: UUID) -> dict[str, Any] | None:
    """The session, while the organisation API key `key_id` is unrevoked and the session is its organisation's."""
    cur = await conn.execute(
        f"""
        select {SESSION_COLUMNS} from sessions s left join candidates c on c.id = s.candidate_id
        join api_keys k on k.organization_id = s.organization_id
        where s.id = %s and k.id = %s and k.revoked_at is null
        """,  # noqa: S608  # constant column list
        (session_id, key_id),
    )
    return await cur.fetchone()


async def session_with_invite(conn: Conn, session_id: str) -> dict[str, Any] | None:
    """The session and its invite's hash (the caller compares it with the one the token was minted for)."""
    cur = await conn.execute(
        f"""
        select {SESSION_COLUMNS}, s.invite_hash from sessions s left join candidates c on c.id = s.candidate_id
        where s.id = %s
        """,  # noqa: S608  # constant column list
        (session_id,),
    )
    return await cur.fetchone()
