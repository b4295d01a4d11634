"""The session foreign keys of `webhook_deliveries` and `ats_callbacks` gave way to a trigger so that an erasure's
notices outlive their session (migration 20270106090000_session_erased_notices.sql). What the keys checked is still
checked: a delivery or call of a session that does not exist is refused, and a session's delete waits for a
transaction writing one of its rows, so the row goes with it. An erasure's own notices are the exception."""

from __future__ import annotations

import secrets

import psycopg
import pytest
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Jsonb

from tests.api.history_support import insert_sessions, question_ids

Conn = psycopg.AsyncConnection[DictRow]


async def _org(db: Conn) -> str:
    cur = await db.execute(
        "insert into organizations (name, slug) values ('Acme', %s) returning id",
        ("acme-" + secrets.token_hex(4),),
    )
    return str((await cur.fetchone())["id"])  # type: ignore[index]


async def _endpoint(db: Conn, org: str, *types: str, enabled: bool = True) -> str:
    cur = await db.execute(
        "insert into webhook_endpoints (organization_id, url, secret, event_types, enabled)"
        " values (%s, 'https://hooks.example/x', 'sealed', %s, %s) returning id",
        (org, list(types), enabled),
    )
    return str((await cur.fetchone())["id"])  # type: ignore[index]


async def _org_endpoint_session(db: Conn) -> tuple[str, str, str]:
    org = await _org(db)
    endpoint = await _endpoint(db, org, "session.completed")
    qid = next(iter((await question_ids(db)).values()))
    [session] = await insert_sessions(db, org, [{"question_id": qid}])
    return org, endpoint, session


def _msg() -> str:
    return "msg_" + secrets.token_hex(16)


DELIVERY = "insert into webhook_deliveries (endpoint_id, session_id, event_type, payload, message_id)"
CALL = "insert into ats_callbacks (session_id, organization_id, provider, kind)"


async def test_a_delivery_or_call_of_a_session_that_does_not_exist_is_refused_but_an_erasure_notice_is_kept(
    db: Conn,
) -> None:
    org, endpoint, session = await _org_endpoint_session(db)
    await db.execute("delete from sessions where id = %s", (session,))
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        await db.execute(
            DELIVERY + " values (%s, %s, 'session.completed', %s, %s)",
            (endpoint, session, Jsonb({"score": 3}), _msg()),
        )
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        await db.execute(CALL + " values (%s, %s, 'ashby', 'result')", (session, org))
    # The erasure's notices name a session already gone, and a delivery of no session (a test ping) none.
    await db.execute(DELIVERY + " values (%s, %s, 'session.erased', '{}', %s)", (endpoint, session, _msg()))
    await db.execute(DELIVERY + " values (%s, null, 'session.completed', '{}', %s)", (endpoint, _msg()))
    await db.execute(CALL + " values (%s, %s, 'ashby', 'erased')", (session, org))


async def test_a_session_delete_waits_for_a_transaction_writing_one_of_its_deliveries(
    db: Conn, db_url: str
) -> None:
    org, endpoint, session = await _org_endpoint_session(db)
    async with await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row) as writer:
        await writer.execute(
            DELIVERY + " values (%s, %s, 'session.completed', %s, %s)",
            (endpoint, session, Jsonb({"score": 3}), _msg()),
        )
        await writer.execute(CALL + " values (%s, %s, 'ashby', 'result')", (session, org))
        # Uncommitted: the erasure's delete cannot pass it (it would leave both rows behind the session).
        async with await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row) as eraser:
            await eraser.execute("set lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                await eraser.execute("delete from sessions where id = %s", (session,))
            await eraser.rollback()
            await writer.commit()
            await eraser.execute("delete from sessions where id = %s", (session,))
            await eraser.commit()
    for table in ("webhook_deliveries", "ats_callbacks"):
        cur = await db.execute(f"select count(*) as n from {table} where session_id = %s", (session,))
        assert (await cur.fetchone())["n"] == 0, table  # type: ignore[index]


async def test_the_erasure_tells_every_endpoint_sent_something_of_the_session_subscribed_or_not(
    db: Conn,
) -> None:
    """An endpoint registered by an API still running the code before `session.erased` existed (or subscribed to
    other types since) holds a copy of what it was sent: it is told of the erasure too. One never sent anything of
    the session, a disabled one, and another organisation's are not."""
    org, _, session = await _org_endpoint_session(db)
    subscribed = await _endpoint(db, org, "session.erased")
    sent_to = await _endpoint(db, org, "session.completed")
    only_queued = await _endpoint(db, org, "session.completed")
    sending = await _endpoint(db, org, "session.completed")  # its first request under way, not yet recorded
    await _endpoint(db, org, "session.erased", enabled=False)
    await _endpoint(db, await _org(db), "session.erased", "session.completed")
    for endpoint, status, attempts in (
        (sent_to, "delivered", 1),
        (only_queued, "pending", 0),
        (sending, "pending", 0),
    ):
        await db.execute(
            DELIVERY[:-1] + ", status, attempts) values (%s, %s, 'session.completed', '{}', %s, %s, %s)",
            (endpoint, session, _msg(), status, attempts),
        )
    cur = await db.execute(
        "insert into procrastinate_jobs (queue_name, task_name, lock, status) values"
        " ('webhooks', 'deliver_webhook', %s, 'doing'), ('webhooks', 'deliver_webhook', %s, 'todo'),"
        " ('webhooks', 'deliver_webhook', %s, 'todo') returning id",
        (
            f"webhook:{sending}:{session}",
            f"webhook:{only_queued}:{session}",
            f"webhook:{only_queued}:{session}0",
        ),
    )
    job_ids = [r["id"] for r in await cur.fetchall()]
    async with db.transaction():  # as api.erasure.delete_session
        await db.execute("select outbox_emit_erasure(%s, %s, false)", (session, org))
        await db.execute("delete from sessions where id = %s", (session,))
    cur = await db.execute(
        "select endpoint_id::text as e, event_type from webhook_deliveries where session_id = %s", (session,)
    )
    assert sorted((r["e"], r["event_type"]) for r in await cur.fetchall()) == sorted(
        [(subscribed, "session.erased"), (sent_to, "session.erased"), (sending, "session.erased")]
    )
    # The session's waiting job is cancelled (its row is gone); the running one, and another session's whose lock
    # begins with this one's, are left as they were.
    cur = await db.execute("select id, status::text from procrastinate_jobs where id = any(%s)", (job_ids,))
    jobs = {r["id"]: r["status"] for r in await cur.fetchall()}
    assert [jobs[i] for i in job_ids] == ["doing", "cancelled", "todo"]


async def test_no_outbox_function_is_executable_by_public(db: Conn) -> None:
    """Every `outbox_` function (and the two session checks) is revoked from PUBLIC, as the first ones were: the
    erasure's, written without it, could be called by any role, Supabase's API roles included."""
    cur = await db.execute(
        """
        select p.proname from pg_proc p
        where p.pronamespace = 'public'::regnamespace
          and (p.proname like 'outbox\\_%%' or p.proname like '%%\\_session\\_check')
          and has_function_privilege('public', p.oid, 'execute')
        order by 1
        """
    )
    assert [r["proname"] for r in await cur.fetchall()] == []
