"""Webhook endpoints and their deliveries (the outbox rows), in Postgres. Request slots: `outbound_leases_repo`."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from psycopg.types.json import Jsonb

from api.db import attempts_repo
from api.db.pool import Conn

# Until when a retired secret still signs beside the current one (null: none does).
ENDPOINT_COLUMNS = """
  id, organization_id, url, event_types, enabled, description, disabled_reason, disabled_at, created_at, updated_at,
  (select max(r.expires_at) from webhook_retired_secrets r
    where r.endpoint_id = webhook_endpoints.id and r.expires_at > now()) as previous_secret_expires_at
"""
# Retired secrets signing at once, the newest: each adds a signature to every delivery's header. Rotating past it
# within the overlap stops the oldest early.
MAX_RETIRED_SECRETS = 4
DELIVERY_COLUMNS = """
  id, seq, endpoint_id, session_id, event_type, message_id, payload, status, attempts, schedule_offset,
  next_attempt_at, last_attempt_at, last_status_code, last_error, last_response, created_at, delivered_at, replays
"""


# --- endpoints -----------------------------------------------------------------------------------------------


async def create_endpoint(
    conn: Conn,
    organization_id: UUID,
    *,
    url: str,
    event_types: list[str],
    description: str | None,
    secret_sealed: str,
    cap: int,
) -> dict[str, Any] | None:
    """Insert the endpoint unless the organisation already has `cap` (None then). Counted under a lock on the
    organisation's row, so parallel creates cannot together pass the cap (each sees the others' rows)."""
    async with conn.transaction():
        await conn.execute("select 1 from organizations where id = %s for no key update", (organization_id,))
        cur = await conn.execute(
            "select count(*) as n from webhook_endpoints where organization_id = %s", (organization_id,)
        )
        row = await cur.fetchone()
        if row is not None and int(row["n"]) >= cap:
            return None
        cur = await conn.execute(
            f"""
            insert into webhook_endpoints (organization_id, url, event_types, description, secret)
            values (%s, %s, %s, %s, %s)
            returning {ENDPOINT_COLUMNS}
            """,  # noqa: S608  # constant column list
            (organization_id, url, event_types, description, secret_sealed),
        )
        return await cur.fetchone()


async def list_endpoints(conn: Conn, organization_id: UUID) -> list[dict[str, Any]]:
    cur = await conn.execute(
        f"select {ENDPOINT_COLUMNS} from webhook_endpoints where organization_id = %s order by created_at, id",  # noqa: S608  # constant column list
        (organization_id,),
    )
    return await cur.fetchall()


async def get_endpoint(conn: Conn, organization_id: UUID, endpoint_id: UUID) -> dict[str, Any] | None:
    cur = await conn.execute(
        f"select {ENDPOINT_COLUMNS} from webhook_endpoints where id = %s and organization_id = %s",  # noqa: S608  # constant column list
        (endpoint_id, organization_id),
    )
    return await cur.fetchone()


async def update_endpoint(
    conn: Conn,
    organization_id: UUID,
    endpoint_id: UUID,
    *,
    url: str | None,
    event_types: list[str] | None,
    description: str | None,
    clear_description: bool,
    enabled: bool | None,
) -> dict[str, Any] | None:
    """Apply the given changes. Enabling clears why it was disabled; disabling by the organisation says so."""
    cur = await conn.execute(
        f"""
        update webhook_endpoints set
          url = coalesce(%(url)s, url),
          event_types = coalesce(%(types)s, event_types),
          description = case when %(clear)s then null else coalesce(%(description)s, description) end,
          enabled = coalesce(%(enabled)s, enabled),
          disabled_reason = case when %(enabled)s is true then null
                                 when %(enabled)s is false and enabled then 'disabled_by_organization'
                                 else disabled_reason end,
          disabled_at = case when %(enabled)s is true then null
                             when %(enabled)s is false and enabled then now()
                             else disabled_at end
        where id = %(id)s and organization_id = %(org)s
        returning {ENDPOINT_COLUMNS}
        """,  # noqa: S608  # constant column list
        {
            "url": url,
            "types": event_types,
            "description": description,
            "clear": clear_description,
            "enabled": enabled,
            "id": endpoint_id,
            "org": organization_id,
        },
    )
    return await cur.fetchone()


# The answers whose wait is the receiver's own ask (`Retry-After`: api.webhooks.slots.PAUSE_STATUSES).
WAIT_ANSWERS = (429, 503)


async def resume_for_new_url(conn: Conn, endpoint_id: UUID) -> int:
    """The endpoint was given another URL (in that transaction; the caller ends its pause with it): a new receiver,
    which asked for no wait. Its pending deliveries put off by the old receiver's pause, or waiting out a
    `Retry-After` the old receiver answered them (429, 503), are due again as the schedule has them: the first at
    once, the others at their own next attempt. Jobs keep their ids (and places). Before, they kept the old receiver's
    wait, up to the schedule's longest delay (24 h by default), though the pause was said to end. How many jobs.
    The jobs are moved in a statement of their own, once every row is held (`attempts_repo.move_due_jobs`)."""
    cur = await conn.execute(
        """
        update webhook_deliveries d
        set next_attempt_at = case when d.last_status_code = any(%(codes)s) then least(d.next_attempt_at, now())
                                   else d.next_attempt_at end
        where d.endpoint_id = %(ep)s and d.status = 'pending'
        returning d.id, greatest(d.next_attempt_at, now()) as at
        """,
        {"ep": endpoint_id, "codes": list(WAIT_ANSWERS)},
    )
    return await attempts_repo.move_due_jobs(conn, "webhook_deliveries", await cur.fetchall())


async def delete_endpoint(conn: Conn, organization_id: UUID, endpoint_id: UUID) -> bool:
    cur = await conn.execute(
        "delete from webhook_endpoints where id = %s and organization_id = %s returning id",
        (endpoint_id, organization_id),
    )
    return await cur.fetchone() is not None


async def rotate_secret(
    conn: Conn, organization_id: UUID, endpoint_id: UUID, new_sealed: str, overlap_s: int
) -> dict[str, Any] | None:
    """`new_sealed` becomes the current secret; the current one is retired and keeps signing for `overlap_s` more
    seconds, as do the ones retired before it for the rest of their own overlap (at most MAX_RETIRED_SECRETS, the
    newest). Rotations of one endpoint are serialised on its row."""
    async with conn.transaction():
        cur = await conn.execute(
            "select secret from webhook_endpoints where id = %s and organization_id = %s for update",
            (endpoint_id, organization_id),
        )
        current = await cur.fetchone()
        if current is None:
            return None
        await conn.execute(
            """
            insert into webhook_retired_secrets (endpoint_id, secret, expires_at)
            values (%s, %s, now() + make_interval(secs => %s))
            """,
            (endpoint_id, current["secret"], overlap_s),
        )
        await conn.execute(
            """
            delete from webhook_retired_secrets r
            where r.endpoint_id = %(ep)s and (r.expires_at <= now() or r.id not in (
              select k.id from webhook_retired_secrets k where k.endpoint_id = %(ep)s and k.expires_at > now()
              order by k.retired_at desc, k.id desc limit %(keep)s))
            """,
            {"ep": endpoint_id, "keep": MAX_RETIRED_SECRETS},
        )
        cur = await conn.execute(
            f"update webhook_endpoints set secret = %s where id = %s returning {ENDPOINT_COLUMNS}",  # noqa: S608  # constant column list
            (new_sealed, endpoint_id),
        )
        return await cur.fetchone()


# --- the delivery log ----------------------------------------------------------------------------------------


async def list_deliveries(
    conn: Conn,
    endpoint_id: UUID,
    *,
    status: str | None,
    before_seq: int | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Newest first, keyset-paginated on `seq` (the order they were written)."""
    cur = await conn.execute(
        f"""
        select {DELIVERY_COLUMNS} from webhook_deliveries
        where endpoint_id = %(ep)s
          and (%(status)s::text is null or status = %(status)s)
          and (%(before)s::bigint is null or seq < %(before)s)
        order by seq desc
        limit %(limit)s
        """,  # noqa: S608  # constant column list
        {
            "ep": endpoint_id,
            "status": status,
            "before": before_seq,
            "limit": limit,
        },
    )
    return await cur.fetchall()


async def get_delivery(conn: Conn, endpoint_id: UUID, delivery_id: UUID) -> dict[str, Any] | None:
    cur = await conn.execute(
        f"select {DELIVERY_COLUMNS} from webhook_deliveries where id = %s and endpoint_id = %s",  # noqa: S608  # constant column list
        (delivery_id, endpoint_id),
    )
    return await cur.fetchone()


async def replay_delivery(conn: Conn, delivery_id: UUID, max_replays: int) -> dict[str, Any] | None:
    """Send a finished delivery again: pending, a fresh retry schedule, one more of its `replays`, and a job behind
    the session's earlier ones on this endpoint. None when it was replayed `max_replays` times already, when it is
    still pending (its own retries are under way) or still in flight: a request of it holds a live lease (a 410
    from another delivery failed it mid-request, and the endpoint was enabled again before that request ended); a
    replay then would send it twice at once. One conditional update of the row: concurrent replays (on any replica)
    wait for each other's and see its count, so together they never pass the bound."""
    async with conn.transaction():
        cur = await conn.execute(
            f"""
            update webhook_deliveries set status = 'pending', schedule_offset = attempts, next_attempt_at = now(),
              delivered_at = null, replays = replays + 1
            where id = %s and status <> 'pending' and replays < %s
              and not exists (select 1 from outbound_leases l
                              where l.holder_id = webhook_deliveries.id and l.expires_at > now())
            returning {DELIVERY_COLUMNS}
            """,  # noqa: S608  # constant column list
            (delivery_id, max_replays),
        )
        row = await cur.fetchone()
        if row is None:
            return None
        await conn.execute(
            """
            select outbox_defer_job('deliver_webhook', 'webhooks',
                                    'webhook:' || %(ep)s::text || ':' || coalesce(%(s)s, ''),
                                    jsonb_build_object('delivery_id', %(id)s::text))
            """,
            {"ep": row["endpoint_id"], "s": row["session_id"], "id": row["id"]},
        )
    return row


# --- what the delivery job uses ------------------------------------------------------------------------------


async def load_for_delivery(conn: Conn, delivery_id: UUID) -> dict[str, Any] | None:
    """A delivery with what sending it needs: its endpoint's URL, state and sealed secrets."""
    cur = await conn.execute(
        """
        select d.id, d.endpoint_id, d.session_id, d.event_type, d.message_id, d.payload, d.status, d.attempts,
               d.schedule_offset,
               e.organization_id, e.url, e.enabled, e.secret,
               array(select r.secret from webhook_retired_secrets r where r.endpoint_id = e.id and r.expires_at > now()
                     order by r.retired_at desc, r.id desc) as retired_secrets
        from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
        where d.id = %s
        """,
        (delivery_id,),
    )
    return await cur.fetchone()


RefreshedField = Literal["report_url", "current_scorecard"]


async def replace_data_field(conn: Conn, delivery_id: UUID, key: RefreshedField, value: Any) -> None:
    """Store what a pending delivery now carries in `data.<key>` (a live `report_url`, the `current_scorecard` that
    stands), so that its log shows what is sent."""
    await conn.execute(
        """
        update webhook_deliveries set payload = jsonb_set(payload, array['data', %(key)s], %(value)s)
        where id = %(id)s and status = 'pending' and payload->'data' ? %(key)s
        """,
        {"key": key, "value": Jsonb(value), "id": delivery_id},
    )


async def endpoint_state(conn: Conn, endpoint_id: UUID, *, lock: bool = False) -> dict[str, Any] | None:
    """The endpoint's `url` and `enabled` now (None once deleted). With `lock`, in a transaction: its row is held
    until the commit (`for no key update`: new deliveries still reference it meanwhile), so a change of it
    (disabling it, another URL, its deletion) waits for what the caller records, or is seen by it. Exclusive, not
    shared: two deliveries answered 410 at once each disable the endpoint, and two shared holders both upgrading
    would deadlock."""
    query = (
        "select url, enabled from webhook_endpoints where id = %s for no key update"
        if lock
        else "select url, enabled from webhook_endpoints where id = %s"
    )
    cur = await conn.execute(query, (endpoint_id,))
    return await cur.fetchone()


async def disable_endpoint(conn: Conn, endpoint_id: UUID, reason: str, *, url: str) -> int:
    """Stop sending to an endpoint (the receiver at `url` answered 410 Gone): its pending deliveries fail, nothing
    new is written for it until the organisation enables it again. How many pending deliveries failed. Nothing
    changes once the endpoint has another URL: the old receiver's 410 says nothing of the new one."""
    async with conn.transaction():
        await conn.execute(
            """
            update webhook_endpoints set enabled = false, disabled_reason = %s, disabled_at = now()
            where id = %s and url = %s and enabled
            """,
            (reason, endpoint_id, url),
        )
        cur = await conn.execute(
            """
            update webhook_deliveries set status = 'failed', last_error = 'endpoint_disabled'
            where endpoint_id = %s and status = 'pending'
              and exists (select 1 from webhook_endpoints e where e.id = %s and e.url = %s)
            """,
            (endpoint_id, endpoint_id, url),
        )
    return cur.rowcount
