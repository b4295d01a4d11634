"""The grading job is enqueued in the transaction that ends the session: exactly once per session, whether the
agent's completion, LiveKit's room_finished, or both (in either order, or at once) end it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import psycopg
import pytest
from psycopg.rows import DictRow, dict_row

from api.jobs.enqueue import EnqueueOutsideTransactionError, enqueue
from api.jobs.grading import grade_session
from tests.api.grading_support import complete, grading_jobs, interview, versions
from tests.conftest import ApiServer
from tests.fakes.job_tasks import record_probe

Conn = psycopg.AsyncConnection[DictRow]
Webhook = Callable[..., tuple[str, str]]


async def _room_finished(server: ApiServer, webhook: Webhook, session_id: str, event_id: str) -> str:
    body, auth = webhook("room_finished", room=f"shadows-{session_id}", event_id=event_id)
    r = await server.client.post(
        "/v1/livekit/webhook",
        content=body,
        headers={"Authorization": auth, "content-type": "application/json"},
    )
    assert r.status_code == 200, r.text
    return str(r.json()["status"])


async def _assert_one_pending_version_and_job(db: Conn, session_id: str) -> None:
    rows = await versions(db, session_id)
    assert [(v["version"], v["status"], v["trigger"]) for v in rows] == [(1, "pending", "session_end")]
    jobs = await grading_jobs(db, session_id)
    assert len(jobs) == 1
    job = jobs[0]
    assert job["args"] == {"session_id": session_id, "version": 1}
    assert (job["status"], job["queue_name"], job["lock"]) == ("todo", "grading", f"grade:{session_id}")


async def test_completion_enqueues_one_grading_job_and_a_pending_version(
    api_server: ApiServer, db: Conn
) -> None:
    s = await interview(api_server)
    assert await grading_jobs(db, s["id"]) == []

    assert (await complete(api_server, s["id"]))["status"] == "completed"
    assert (await complete(api_server, s["id"]))["status"] == "completed"  # the agent retries: still one

    await _assert_one_pending_version_and_job(db, s["id"])


async def test_room_finished_without_completion_enqueues_one_grading_job(
    api_server: ApiServer, db: Conn, webhook: Webhook
) -> None:
    s = await interview(api_server)

    assert await _room_finished(api_server, webhook, s["id"], "EV_1") == "abandoned"
    assert await _room_finished(api_server, webhook, s["id"], "EV_2") == "unchanged"

    await _assert_one_pending_version_and_job(db, s["id"])


@pytest.mark.parametrize("first", ["completion", "room_finished"])
async def test_completion_and_room_finished_together_enqueue_one_job(
    api_server: ApiServer, db: Conn, webhook: Webhook, first: str
) -> None:
    s = await interview(api_server)
    if first == "completion":
        await complete(api_server, s["id"])
        assert await _room_finished(api_server, webhook, s["id"], "EV_1") == "unchanged"
    else:
        assert await _room_finished(api_server, webhook, s["id"], "EV_1") == "abandoned"
        # The webhook overtook the agent's last call: `complete` still counts (issue #7) and grades only once.
        assert (await complete(api_server, s["id"]))["status"] == "completed"

    await _assert_one_pending_version_and_job(db, s["id"])


async def test_completion_and_room_finished_at_the_same_time_enqueue_one_job(
    api_server: ApiServer, db: Conn, webhook: Webhook
) -> None:
    sessions = [await interview(api_server) for _ in range(5)]

    await asyncio.gather(
        *(complete(api_server, s["id"]) for s in sessions),
        *(_room_finished(api_server, webhook, s["id"], f"EV_{s['id']}") for s in sessions),
    )

    for s in sessions:
        await _assert_one_pending_version_and_job(db, s["id"])


async def test_cancelled_or_unstarted_sessions_are_not_graded(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(f"/v1/sessions/{s['id']}/cancel", headers=api_server.org_headers())
    assert r.status_code == 200
    assert (await complete(api_server, s["id"]))["status"] == "cancelled"

    assert await grading_jobs(db) == []
    assert await versions(db, s["id"]) == []


async def test_completion_whose_job_cannot_be_enqueued_does_not_complete_either(
    api_server: ApiServer, db: Conn
) -> None:
    """The status change and the job commit together: a refused job insert rolls the completion back."""
    s = await interview(api_server)
    await db.execute(
        """
        create function refuse_jobs() returns trigger language plpgsql as $$
        begin raise exception 'queue refused'; end; $$;
        create trigger refuse_jobs before insert on procrastinate_jobs for each row execute function refuse_jobs();
        """
    )

    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete", json={}, headers=api_server.internal_headers()
    )

    assert r.status_code == 500
    cur = await db.execute("select status from sessions where id = %s", (s["id"],))
    assert (await cur.fetchone())["status"] == "in_progress"  # type: ignore[index]  # the session exists
    assert await versions(db, s["id"]) == []

    await db.execute("drop trigger refuse_jobs on procrastinate_jobs")
    assert (await complete(api_server, s["id"]))[
        "status"
    ] == "completed"  # the agent's retry now goes through
    await _assert_one_pending_version_and_job(db, s["id"])


# --- the enqueue helper ------------------------------------------------------------------------------------------


async def _probe_jobs(db: Conn) -> list[str]:
    cur = await db.execute(
        "select args->>'key' as key from procrastinate_jobs where task_name = 'tests.record_probe'"
    )
    return sorted(r["key"] for r in await cur.fetchall())


async def test_enqueue_commits_and_rolls_back_with_the_callers_transaction(db_url: str, db: Conn) -> None:
    async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as conn:
        with pytest.raises(RuntimeError, match="boom"):
            async with conn.transaction():
                assert await enqueue(conn, record_probe, key="rolled_back") is not None
                raise RuntimeError("boom")
        async with conn.transaction():
            job_id = await enqueue(conn, record_probe, key="committed")
            # Not visible to anyone else before the commit.
            assert await _probe_jobs(db) == []

    assert await _probe_jobs(db) == ["committed"]
    cur = await db.execute("select id, status::text as status from procrastinate_jobs")
    assert [(r["id"], r["status"]) for r in await cur.fetchall()] == [(job_id, "todo")]


async def test_enqueue_refuses_a_connection_outside_a_transaction(db_url: str, db: Conn) -> None:
    async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as conn:
        with pytest.raises(EnqueueOutsideTransactionError):
            await enqueue(conn, record_probe, key="autocommit")
    assert await _probe_jobs(db) == []


async def test_enqueue_with_a_taken_queueing_lock_returns_none_and_keeps_the_transaction_usable(
    db_url: str, db: Conn
) -> None:
    async with (
        await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as conn,
        conn.transaction(),
    ):
        first = await enqueue(conn, record_probe, queueing_lock="probe", key="first")
        second = await enqueue(conn, record_probe, queueing_lock="probe", key="second")
        await conn.execute("create table after_refusal (x int)")  # the transaction is still alive
        third = await enqueue(conn, record_probe, queueing_lock="other", key="third")

    assert first is not None and third is not None and second is None
    assert await _probe_jobs(db) == ["first", "third"]
    cur = await db.execute("select to_regclass('after_refusal') is not null as ok")
    assert (await cur.fetchone())["ok"]  # type: ignore[index]  # one row


async def test_a_fresh_interviews_grading_is_taken_before_regrades_queued_ahead_of_it(
    api_server: ApiServer, db: Conn
) -> None:
    # Any organisation may re-grade each of its finished sessions (one pending version at a time per session). The
    # grading queue was first come, first served: an organisation re-grading its history queued ahead of every
    # other organisation's interviews that ended after, whose scorecards waited behind all of it.
    _, other_key = await api_server.create_org("Other Org")
    old = [await interview(api_server, key=other_key) for _ in range(2)]
    for s in old:
        await complete(api_server, s["id"])
    await db.execute("update scorecards set status = 'failed', reason = 'x', completed_at = now()")
    await db.execute("update procrastinate_jobs set status = 'succeeded'")
    for s in old:
        r = await api_server.client.post(
            f"/v1/sessions/{s['id']}/grade", json={}, headers=api_server.org_headers(other_key)
        )
        assert r.status_code == 202, r.text
    fresh = await interview(api_server)
    await complete(api_server, fresh["id"])
    cur = await db.execute("select args from procrastinate_fetch_job_v2(array['grading']::varchar[], null)")
    assert (await cur.fetchone())["args"]["session_id"] == fresh["id"]  # type: ignore[index]  # a job is due


async def test_grading_job_arguments_carry_ids_only(api_server: ApiServer, db: Conn) -> None:
    s = await interview(api_server)
    await complete(api_server, s["id"])
    (job,) = await grading_jobs(db, s["id"])
    assert set(job["args"]) == {"session_id", "version"}
    assert grade_session.name == "grade_session"  # stored with queued jobs: renaming it orphans them


# --- queue metrics ------------------------------------------------------------------------------------------------


def _sample(text: str, name: str, labels: str = "") -> float:
    prefix = f"{name}{{{labels}}} " if labels else f"{name} "
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, (prefix, [line for line in text.splitlines() if line.startswith(name)])
    return float(lines[0][len(prefix) :])


async def test_metrics_report_grading_lag_and_queue_depth(api_server: ApiServer, db: Conn) -> None:
    s = await interview(api_server)
    await complete(api_server, s["id"])
    await db.execute(
        "update scorecards set created_at = now() - interval '2 minutes' where session_id = %s", (s["id"],)
    )
    await db.execute(
        "update procrastinate_events set at = now() - interval '90 seconds' where job_id = %s",
        ((await grading_jobs(db, s["id"]))[0]["id"],),
    )

    text = (await api_server.client.get("/metrics")).text

    assert 119 <= _sample(text, "shadows_grading_lag_seconds") < 200
    assert _sample(text, "shadows_queue_jobs", 'queue="grading",status="todo"') == 1
    assert _sample(text, "shadows_queue_jobs", 'queue="grading",status="doing"') == 0
    assert 89 <= _sample(text, "shadows_queue_oldest_waiting_seconds", 'queue="grading"') < 200

    await db.execute(
        "update scorecards set status = 'failed', reason = 'x', completed_at = now() where session_id = %s",
        (s["id"],),
    )
    await db.execute("update procrastinate_jobs set status = 'succeeded'")
    text = (await api_server.client.get("/metrics")).text
    assert _sample(text, "shadows_grading_lag_seconds") == 0
    assert "shadows_queue_jobs{" not in text


async def test_the_graded_bundle_carries_the_questions_starter_code(api_server: ApiServer, db: Conn) -> None:
    """The code the candidate's editor starts with is no credit of theirs (grader/credit.py): the grader is told it."""
    from api.db import bundle_repo

    s = await api_server.create_session()
    bundle = await bundle_repo.load_bundle_input(db, s["id"])
    assert bundle is not None
    cur = await db.execute(
        "select language, code from starter_codes where question_id = %s", (bundle.question.id,)
    )
    stored = {r["language"]: r["code"] for r in await cur.fetchall()}
    assert stored and bundle.question.starter_code == stored
