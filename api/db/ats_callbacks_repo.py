"""Calls back to an ATS in Postgres: the queued calls, their delivery state, listing them, and sending one again."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from api.db import attempts_repo
from api.db.pool import Conn
from api.errors import NotFoundError


async def load_callback(conn: Conn, callback_id: UUID) -> dict[str, Any] | None:
    cur = await conn.execute(
        """
        select cb.id, cb.session_id, cb.organization_id, cb.provider, cb.kind, cb.scorecard_version, cb.status,
               cb.attempts, cb.created_at, a.callback_url
        from ats_callbacks cb join ats_assessments a on a.session_id = cb.session_id
        where cb.id = %s
        """,
        (callback_id,),
    )
    return await cur.fetchone()


async def delivered_any(conn: Conn, session_id: str, kinds: tuple[str, ...]) -> bool:
    """Whether a call of one of these kinds has reached the session's ATS."""
    cur = await conn.execute(
        "select exists (select 1 from ats_callbacks where session_id = %s and status = 'delivered'"
        " and kind = any(%s)) as found",
        (session_id, list(kinds)),
    )
    row = await cur.fetchone()
    return bool(row and row["found"])


CALLBACK_COLUMNS = (
    "cb.id, cb.provider, cb.kind, cb.scorecard_version, cb.status, cb.attempts, cb.last_status_code,"
    " cb.last_error, cb.last_response, cb.last_attempt_at, cb.next_attempt_at, cb.created_at, cb.delivered_at"
)


async def list_callbacks(conn: Conn, session_id: str) -> list[dict[str, Any]]:
    cur = await conn.execute(
        f"select {CALLBACK_COLUMNS} from ats_callbacks cb where cb.session_id = %s order by cb.created_at, cb.id",  # noqa: S608  # constant column list
        (session_id,),
    )
    return await cur.fetchall()


async def list_org_callbacks(
    conn: Conn,
    organization_id: UUID,
    *,
    status: str | None,
    before: tuple[datetime, UUID] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """An organisation's calls back to its ATSs across its sessions, newest first (keyset on created_at, id)."""
    cur = await conn.execute(
        f"""
        select cb.session_id, {CALLBACK_COLUMNS} from ats_callbacks cb
        where cb.organization_id = %(org)s and (%(status)s::text is null or cb.status = %(status)s)
          and (%(at)s::timestamptz is null or (cb.created_at, cb.id) < (%(at)s, %(id)s::uuid))
        order by cb.created_at desc, cb.id desc limit %(limit)s
        """,  # noqa: S608  # constant column list
        {
            "org": organization_id,
            "status": status,
            "at": before[0] if before else None,
            "id": before[1] if before else None,
            "limit": limit,
        },
    )
    return await cur.fetchall()


async def send_callback_again(conn: Conn, session_id: str, callback_id: UUID) -> dict[str, Any] | None:
    """Queue a new call like a finished one of this session (same provider, kind and scorecard version, a fresh
    retry schedule, behind the session's other calls). A scorecard's call (`result`, `completed`) is sent for the
    newest version the ATS was handed, never an older one over it (a re-grade's result sent since). None when there
    is no such call, it is still pending, or a call sending it (or the call it was itself sent again from) again
    is: the partial unique index on `resend_of` decides in the insert, so concurrent requests, on any replica,
    queue one call between them. 404 when the session is gone: its row is held (key share) for the insert, which
    failed on the foreign key when an erasure committed in between (a 500)."""
    cur = await conn.execute("select 1 from sessions where id = %s for key share", (session_id,))
    if await cur.fetchone() is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    cur = await conn.execute(
        f"""
        insert into ats_callbacks as cb (session_id, organization_id, provider, kind, scorecard_version, resend_of)
        select o.session_id, o.organization_id, o.provider, o.kind,
               case when o.scorecard_version is null then null else (
                 select max(n.scorecard_version) from ats_callbacks n
                 where n.session_id = o.session_id and n.provider = o.provider and n.kind = o.kind
               ) end,
               coalesce(o.resend_of, o.id)
        from ats_callbacks o
        where o.id = %s and o.session_id = %s and o.status <> 'pending'
        on conflict (resend_of) where status = 'pending' do nothing
        returning {CALLBACK_COLUMNS}
        """,  # noqa: S608  # constant column list
        (callback_id, session_id),
    )
    row = await cur.fetchone()
    if row is not None:
        await conn.execute(
            "select outbox_defer_job('deliver_ats_callback', 'integrations', 'ats:' || %s::text,"
            " jsonb_build_object('callback_id', %s::text))",
            (session_id, row["id"]),
        )
    return row


async def get_callback(conn: Conn, session_id: str, callback_id: UUID) -> dict[str, Any] | None:
    cur = await conn.execute(
        f"select {CALLBACK_COLUMNS} from ats_callbacks cb where cb.id = %s and cb.session_id = %s",  # noqa: S608  # constant column list
        (callback_id, session_id),
    )
    return await cur.fetchone()


async def count_resends(conn: Conn, session_id: str) -> int:
    """How many calls of this session were queued by sending one again, under a transaction-scoped lock of the
    session's resends: concurrent requests (for different calls, on any replica) count one after another, so
    together they never pass the caller's bound. Call inside the transaction that then sends one again."""
    await conn.execute("select pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"ats_resend:{session_id}",))
    cur = await conn.execute(
        "select count(*) as n from ats_callbacks where session_id = %s and resend_of is not null",
        (session_id,),
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def handed_over_version(conn: Conn, session_id: str, kind: str) -> int | None:
    """The latest scorecard version whose `kind` call (the one that hands the ATS the profile link) was queued,
    whatever its state: a pending one may already be on the wire with the link it built. None when none was."""
    cur = await conn.execute(
        "select max(scorecard_version) as version from ats_callbacks where session_id = %s and kind = %s",
        (session_id, kind),
    )
    row = await cur.fetchone()
    version: int | None = row["version"] if row else None
    return version


# The answers a new key can change: the key refused (401, 403), or its rate limit spent (429: Greenhouse and Ashby
# limit per key). A 5xx or a timeout is the ATS's own state; such a call keeps its schedule.
KEY_ANSWERS = (401, 403, 429)


async def resume_for_new_key(conn: Conn, organization_id: UUID, provider: str) -> int:
    """A new key was issued for the organisation's `provider` (in its transaction; the caller ends the
    integration's pause with it). Every call of that integration still pending is due again as the new key would
    have it: at once when it waits on what the replaced key was told (its last answer a 401, 403 or 429) or was not
    tried yet, otherwise at its own next attempt (a job the pause put off past that is brought back to it). Jobs
    keep their ids, and so their places among their sessions' calls. Before, such a call kept the wait its old key
    earned (up to the schedule's longest delay, 24 h by default) after the customer fixed the key, and could not be
    sent again meanwhile (`ats_callback_pending`). How many jobs were brought forward.

    The jobs are moved in a statement of their own, once every row is held (`move_due_jobs`), so a retry written
    while the rows were being taken is seen, or its worker sees these rows (`attempts_repo.bring_job_forward`)."""
    cur = await conn.execute(
        """
        update ats_callbacks cb
        set next_attempt_at = case when cb.attempts = 0 or cb.last_status_code = any(%(codes)s)
                                   then least(cb.next_attempt_at, now()) else cb.next_attempt_at end
        where cb.organization_id = %(o)s and cb.provider = %(p)s and cb.status = 'pending'
        returning cb.id, greatest(cb.next_attempt_at, now()) as at
        """,
        {"o": organization_id, "p": provider, "codes": list(KEY_ANSWERS)},
    )
    return await attempts_repo.move_due_jobs(conn, "ats_callbacks", await cur.fetchall())
