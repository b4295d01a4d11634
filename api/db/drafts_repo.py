"""The candidate's saved code per session and language (the page's autosave); the latest save wins."""

from __future__ import annotations

from typing import Any

from api.db import interviewers_repo
from api.db.pool import Conn
from api.errors import ConflictError, NotFoundError


async def save_draft(
    conn: Conn, session_id: str, language: str, code: str, base_revision: int | None = None
) -> dict[str, Any] | None:
    """Store the code as the language's draft. With `base_revision` (the revision the page's code was edited from,
    0 for none yet) only if nothing else saved since; None when something did (another tab or device). 404 when the
    session is gone; 409 `session_finished` once its interviewer recorded the interview's END: the code was final
    then, and a draft saved during the goodbye would be the final code of an ending without the agent's completion
    (`endings_repo.end_unattended` prefers the newest draft)."""
    if base_revision is None:
        sql = """
        insert into session_drafts (session_id, language, code) values (%s, %s, %s)
        on conflict (session_id, language) do update set
          code = excluded.code, revision = session_drafts.revision + 1, updated_at = now()
        returning language, revision, updated_at
        """
        params: tuple[Any, ...] = (session_id, language, code)
    elif base_revision == 0:
        sql = """
        insert into session_drafts (session_id, language, code) values (%s, %s, %s)
        on conflict (session_id, language) do nothing
        returning language, revision, updated_at
        """
        params = (session_id, language, code)
    else:
        sql = """
        update session_drafts set code = %s, revision = revision + 1, updated_at = now()
        where session_id = %s and language = %s and revision = %s
        returning language, revision, updated_at
        """
        params = (code, session_id, language, base_revision)
    async with conn.transaction():
        # Held until the draft is in: a session erased since the caller read it (ended and deleted meanwhile) is
        # seen here; the insert failed on the foreign key (a 500). A share lock, which the END's append (its row
        # lock) waits for and which waits for it: an END that committed first is seen, never missed.
        cur = await conn.execute("select 1 from sessions where id = %s for share", (session_id,))
        if await cur.fetchone() is None:
            raise NotFoundError("Session not found.", code="session_not_found")
        if await interviewers_repo.ending_recorded(conn, session_id):
            raise ConflictError("This interview has ended; the code is final.", code="session_finished")
        cur = await conn.execute(sql, params)
        return await cur.fetchone()


async def drafts_bytes(conn: Conn, session_id: str) -> int:
    """The UTF-8 bytes of the session's saved drafts, from each value's stored length (no draft is read)."""
    cur = await conn.execute(
        "select coalesce(sum(octet_length(code)), 0) as n from session_drafts where session_id = %s",
        (session_id,),
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def list_drafts(conn: Conn, session_id: str) -> list[dict[str, Any]]:
    cur = await conn.execute(
        "select language, code, revision, updated_at from session_drafts where session_id = %s order by language",
        (session_id,),
    )
    return await cur.fetchall()
