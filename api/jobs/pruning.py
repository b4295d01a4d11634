"""Pruning rows that serve nothing any more, run by the hourly retention job (`apply_retention`) whether or not a
retention period is set. Each table below grew for ever before; each rule keeps a row exactly as long as it can
still matter:

- `livekit_webhook_events` (the dedup of LiveKit's webhooks): kept LIVEKIT_WEBHOOK_KEEP (7 days). A webhook older
  than LIVEKIT_WEBHOOK_MAX_AGE (1 day, by its signed `created_at`) is refused as stale before the dedup is read
  (`api.routers.livekit_webhook`), so a pruned id can never be replayed;
- `share_links`: a day after their expiry (their tokens carry the expiry, signed, and are refused before any read);
- `integration_keys`: 30 days after their revocation (a revoked key is refused like an unknown one);
- `api_keys` (an organisation's own): 30 days after their revocation, as integration keys, once no share link
  minted with the key is left (the list of a session's links names the key that minted each: a leaked key's links
  are found by it). A legal hold keeps the prefix of the key that placed or lifted it, and loses only its id. The
  keys a pruned key issued keep its prefix, and move up to its issuer for the walk of a revocation `with_issued`
  (`api_keys_repo.move_issued_up`, in the delete's transaction): revoking a leaked key still reaches what the keys
  it issued issued after one of those is pruned (the chain is never cut, and no revoked row is kept for it);
- `ats_response_errors` (what Greenhouse reports it could not use): 30 days after they were received;
- `session_idempotency_keys` (the stored first answers of POST /v1/sessions, `api.idempotency`): IDEMPOTENCY_KEEP
  (24 hours) after the key was claimed, when a retry with the key no longer gets the first answer;
- `webhook_deliveries` (the delivery log): a delivered or failed delivery, DELIVERY_KEEP (90 days) after its last
  attempt (or its creation, if it failed unattempted). A pending one is never pruned, however old: it is still owed
  to its receiver. A pruned delivery can no longer be replayed (404), and ordering is unaffected: only a pending
  delivery holds back its session's later ones.
- `ats_callbacks` of kind `erased` (Ashby's notice that a session was erased, which outlives its session): as
  deliveries, DELIVERY_KEEP after its last attempt once delivered or failed. The session's other calls go with it.

Deletes go in batches of PRUNE_BATCH rows, at most PRUNE_MAX_PER_TABLE a run per table (a backlog goes over several
runs), and skip rows another transaction holds. A table in BEFORE_DELETE has its batch's rows locked first and handed
to its hook, in the delete's transaction.

The same job folds `grading_usage_changes` (a row per change of a scorecard's usage) into the `grading_usage` totals
(`fold_usage_changes`), by the statement each `/metrics` scrape runs (`api.ops_metrics.MOVE_USAGE_CHANGES`), in the
same batches and bound: the changes table stays small where nothing scrapes `/metrics`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import structlog

from api.db import api_keys_repo, idempotency_repo
from api.db.pool import Conn, Pool, connection
from api.ops_metrics import move_usage_changes

log = structlog.get_logger(__name__)

LIVEKIT_WEBHOOK_MAX_AGE = timedelta(days=1)
LIVEKIT_WEBHOOK_KEEP = timedelta(days=7)
SHARE_LINK_KEEP_AFTER_EXPIRY = timedelta(days=1)
REVOKED_KEY_KEEP = timedelta(days=30)
RESPONSE_ERROR_KEEP = timedelta(days=30)
DELIVERY_KEEP = timedelta(days=90)
IDEMPOTENCY_KEEP = timedelta(hours=idempotency_repo.KEEP_HOURS)
ERASED_NOTICE_SPENT = "kind = 'erased' and status <> 'pending'"  # as ats_callbacks_erased_spent_idx
PRUNE_BATCH = 1000
PRUNE_MAX_PER_TABLE = 50_000

# table, the timestamp (a column, or an expression of its columns) that says when a row is spent, how long after it
# the row goes, and what else a spent row must be (a condition on its columns; each rule has a matching index)
RULES: tuple[tuple[str, str, timedelta, str], ...] = (
    ("livekit_webhook_events", "received_at", LIVEKIT_WEBHOOK_KEEP, "true"),
    ("share_links", "expires_at", SHARE_LINK_KEEP_AFTER_EXPIRY, "true"),
    ("integration_keys", "revoked_at", REVOKED_KEY_KEEP, "true"),
    (
        "api_keys",
        "revoked_at",
        REVOKED_KEY_KEEP,
        "not exists (select from share_links l where l.api_key_id = api_keys.id)",
    ),
    ("ats_response_errors", "received_at", RESPONSE_ERROR_KEEP, "true"),
    ("session_idempotency_keys", "created_at", IDEMPOTENCY_KEEP, "true"),
    # A delivery failed without an attempt (its endpoint answered 410 to another) has no last attempt.
    ("webhook_deliveries", "coalesce(last_attempt_at, created_at)", DELIVERY_KEEP, "status <> 'pending'"),
    # Ashby's notice of an erased session: it outlives its session, so nothing else removes it.
    ("ats_callbacks", "coalesce(last_attempt_at, created_at)", DELIVERY_KEEP, ERASED_NOTICE_SPENT),
)

# What must happen, in the delete's transaction, before a batch of a table's rows goes (its ids, locked).
BEFORE_DELETE: dict[str, Callable[[Conn, list[Any]], Awaitable[None]]] = {
    "api_keys": api_keys_repo.move_issued_up,
}


async def _delete_batch(pool: Pool, table: str, column: str, also: str, before: datetime) -> int:
    pick = f"select id from {table} where {column} < %s and {also} limit %s for update skip locked"  # noqa: S608  # table, column and condition come from RULES
    async with connection(pool) as conn:
        hook = BEFORE_DELETE.get(table)
        if hook is None:
            cur = await conn.execute(f"delete from {table} where id in ({pick})", (before, PRUNE_BATCH))  # noqa: S608  # as above
            return cur.rowcount
        async with conn.transaction():
            cur = await conn.execute(pick, (before, PRUNE_BATCH))
            ids = [r["id"] for r in await cur.fetchall()]
            if ids:
                await hook(conn, ids)
                await conn.execute(f"delete from {table} where id = any(%s)", (ids,))  # noqa: S608  # as above
            return len(ids)


async def database_now(pool: Pool) -> datetime:
    """The database's clock, which wrote every timestamp these jobs compare. The worker's own clock may be wrong
    (a host that jumped ahead, a VM resumed from a snapshot): read from it, a clock days ahead erased records and
    pruned rows that many days early, which nothing undoes."""
    async with connection(pool) as conn:
        cur = await conn.execute("select now() as now")
        row = await cur.fetchone()
    assert row is not None  # select now() returns one row
    now: datetime = row["now"]
    return now


async def prune(pool: Pool, *, now: datetime | None = None) -> dict[str, int]:
    """Delete the spent rows of each table in RULES (as of `now`, the database's clock unless given); returns how
    many went, per table."""
    now = now or await database_now(pool)
    removed: dict[str, int] = {}
    for table, column, keep, also in RULES:
        total = 0
        while total < PRUNE_MAX_PER_TABLE:
            went = await _delete_batch(pool, table, column, also, now - keep)
            total += went
            if went < PRUNE_BATCH:
                break
        removed[table] = total
    log.info("pruning.run", **removed)
    return removed


async def fold_usage_changes(pool: Pool) -> int:
    """Move the grading usage's changes into its totals, PRUNE_BATCH a statement, up to PRUNE_MAX_PER_TABLE; returns
    how many moved. Changes a scrape is moving meanwhile are skipped, not waited for (that scrape moves them)."""
    total = 0
    while total < PRUNE_MAX_PER_TABLE:
        async with connection(pool) as conn:
            moved = await move_usage_changes(conn, PRUNE_BATCH)
        total += moved
        if moved < PRUNE_BATCH:
            break
    log.info("pruning.usage_changes_folded", moved=total)
    return total
