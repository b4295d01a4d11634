"""Request slots of outgoing calls to customers' receivers (webhook deliveries, calls back to an ATS), in Postgres.

A call takes one slot of its target (a webhook endpoint, an organisation's Greenhouse or Ashby integration) and,
with it, one of its organisation's slots, or neither; both caps hold across every worker. Leases expire by
themselves, so a worker that dies mid-request frees its slot after `ttl_s`.

A target that answered "wait" (429 or 503 with `Retry-After`) is paused for the organisation: `pause`, `paused_for`.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from api.db.pool import Conn

Taken = Literal["taken", "target_busy", "organization_busy"]


def webhook_target(endpoint_id: UUID | str) -> str:
    return f"webhook:{endpoint_id}"


def ats_target(provider: str) -> str:
    return f"ats:{provider}"


async def acquire(
    conn: Conn,
    organization_id: UUID,
    target: str,
    holder_id: UUID,
    *,
    target_cap: int,
    organization_cap: int,
    ttl_s: float,
) -> Taken:
    """Take a slot of `target` and of its organisation for `holder_id` (`taken`, its lease renewed if it held one),
    or say which cap is full. Serialised per organisation (a transaction-scoped advisory lock), so concurrent
    workers cannot both take the last slot."""
    async with conn.transaction():
        await conn.execute(
            "select pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"outbound_lease:{organization_id}",)
        )
        await conn.execute(
            "delete from outbound_leases where organization_id = %s and expires_at <= now()",
            (organization_id,),
        )
        cur = await conn.execute(
            """
            select count(*) filter (where holder_id <> %(h)s) as organization,
                   count(*) filter (where holder_id <> %(h)s and target = %(t)s) as target
            from outbound_leases where organization_id = %(o)s
            """,
            {"h": holder_id, "t": target, "o": organization_id},
        )
        row = await cur.fetchone()
        if row is not None and int(row["target"]) >= target_cap:
            return "target_busy"
        if row is not None and int(row["organization"]) >= organization_cap:
            return "organization_busy"
        await conn.execute(
            """
            insert into outbound_leases (organization_id, target, holder_id, expires_at)
            values (%s, %s, %s, now() + make_interval(secs => %s))
            on conflict (organization_id, target, holder_id) do update set expires_at = excluded.expires_at
            """,
            (organization_id, target, holder_id, ttl_s),
        )
    return "taken"


async def release(conn: Conn, organization_id: UUID, target: str, holder_id: UUID) -> None:
    await conn.execute(
        "delete from outbound_leases where organization_id = %s and target = %s and holder_id = %s",
        (organization_id, target, holder_id),
    )


async def pause(conn: Conn, organization_id: UUID, target: str, seconds: float) -> None:
    """Send the organisation nothing more to `target` for `seconds` (a pause already longer stands). Its pauses
    that have passed go as it does, so an organisation keeps at most one row per target it calls."""
    await conn.execute(
        "delete from outbound_pauses where organization_id = %s and until <= now()", (organization_id,)
    )
    await conn.execute(
        """
        insert into outbound_pauses (organization_id, target, until)
        values (%s, %s, now() + make_interval(secs => %s))
        on conflict (organization_id, target) do update set until = greatest(outbound_pauses.until, excluded.until)
        """,
        (organization_id, target, seconds),
    )


async def unpause(conn: Conn, organization_id: UUID, target: str) -> None:
    """End the organisation's pause of `target`: a webhook endpoint given a new URL (a new receiver, which asked
    for no wait) or deleted."""
    await conn.execute(
        "delete from outbound_pauses where organization_id = %s and target = %s", (organization_id, target)
    )


async def paused_for(conn: Conn, organization_id: UUID, target: str) -> float | None:
    """The seconds left of the organisation's pause of `target`, or None when it is not paused."""
    cur = await conn.execute(
        "select extract(epoch from until - now())::float8 as left_s from outbound_pauses"
        " where organization_id = %s and target = %s and until > now()",
        (organization_id, target),
    )
    row = await cur.fetchone()
    return None if row is None else max(0.0, float(row["left_s"]))
