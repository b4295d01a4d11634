"""Agent redispatch reservations: a session's redispatch is reserved before LiveKit is asked, confirmed (counted in
`sessions.agent_redispatches`) once it dispatched, and given back when it did not. A reservation that is neither
(the database failed during the give-back, the process died while LiveKit answered) lapses at its expiry, so a
failure can never use a redispatch up for nothing. The expiry outlasts the LiveKit calls a reservation covers; if
the database fails after LiveKit dispatched, the lapsed reservation errs towards one dispatch too many, never a lost
one."""

from __future__ import annotations

from uuid import UUID

from api.db.pool import Conn

# LiveKit is asked at most twice per reservation (ListParticipants, CreateDispatch), each call bounded to 10 s.
RESERVATION_TTL_S = 60


async def reserve(
    conn: Conn, session_id: str, limit: int, *, webhook_id: str | None = None, running_only: bool = False
) -> UUID | None:
    """In a transaction: reserve one of the session's redispatches; None when confirmed and live reservations
    already reach `limit`, when the session has finished (cancelled, completed, abandoned: decided under the row
    lock, so a cancellation committed since the caller read the session is seen), or, with `running_only`, when it
    is not in progress. The session row is locked so that concurrent reservations count each other."""
    cur = await conn.execute(
        "select agent_redispatches, status from sessions where id = %s for update", (session_id,)
    )
    row = await cur.fetchone()
    if row is None or row["status"] not in ("scheduled", "in_progress"):
        return None
    if running_only and row["status"] != "in_progress":
        return None
    await conn.execute(
        "delete from agent_redispatch_reservations where session_id = %s and expires_at <= now()",
        (session_id,),
    )
    cur = await conn.execute(
        "select count(*) as n from agent_redispatch_reservations where session_id = %s", (session_id,)
    )
    live = (await cur.fetchone() or {"n": 0})["n"]
    if row["agent_redispatches"] + live >= limit:
        return None
    cur = await conn.execute(
        """
        insert into agent_redispatch_reservations (session_id, webhook_id, expires_at)
        values (%s, %s, now() + make_interval(secs => %s)) returning id
        """,
        (session_id, webhook_id, RESERVATION_TTL_S),
    )
    created = await cur.fetchone()
    assert created is not None  # an insert returns its row
    return UUID(str(created["id"]))


async def confirm(conn: Conn, reservation: UUID) -> None:
    """LiveKit dispatched: the reservation becomes one of the session's counted redispatches (also when it lapsed
    meanwhile: the dispatch happened)."""
    await conn.execute(
        """
        with taken as (delete from agent_redispatch_reservations where id = %s returning session_id)
        update sessions set agent_redispatches = agent_redispatches + 1 where id in (select session_id from taken)
        """,
        (reservation,),
    )


async def give_back(conn: Conn, reservation: UUID) -> None:
    """LiveKit did not dispatch: the reservation stops counting now rather than at its expiry."""
    await conn.execute("delete from agent_redispatch_reservations where id = %s", (reservation,))


async def webhook_reservation_state(conn: Conn, webhook_id: str) -> str | None:
    """For a webhook id already stored: 'pending' while its reservation is live (the first delivery may still be
    waiting on LiveKit), 'lapsed' when it expired unresolved, None when it has none (applied, or no redispatch)."""
    cur = await conn.execute(
        "select expires_at > now() as live from agent_redispatch_reservations where webhook_id = %s",
        (webhook_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return "pending" if row["live"] else "lapsed"


async def forget_lapsed_webhook(conn: Conn, webhook_id: str) -> bool:
    """In a transaction: drop a webhook whose reservation lapsed unresolved, with the reservation, so that its
    redelivery is applied afresh. False when another delivery got there first."""
    cur = await conn.execute(
        "delete from agent_redispatch_reservations where webhook_id = %s and expires_at <= now() returning id",
        (webhook_id,),
    )
    if await cur.fetchone() is None:
        return False
    await conn.execute("delete from livekit_webhook_events where id = %s", (webhook_id,))
    return True
