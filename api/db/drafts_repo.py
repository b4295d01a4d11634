"""The candidate's saved code per session and language (the page's autosave); the latest save wins."""

from __future__ import annotations

from typing import Any

from api.db.pool import Conn


async def save_draft(conn: Conn, session_id: str, language: str, code: str) -> dict[str, Any]:
    cur = await conn.execute(
        """
        insert into session_drafts (session_id, language, code) values (%s, %s, %s)
        on conflict (session_id, language) do update set
          code = excluded.code, revision = session_drafts.revision + 1, updated_at = now()
        returning language, revision, updated_at
        """,
        (session_id, language, code),
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def list_drafts(conn: Conn, session_id: str) -> list[dict[str, Any]]:
    cur = await conn.execute(
        "select language, code, revision, updated_at from session_drafts where session_id = %s order by language",
        (session_id,),
    )
    return await cur.fetchall()
