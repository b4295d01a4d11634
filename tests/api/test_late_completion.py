"""The agent's completion after its session was ended without it, and the time such an ending records.

LiveKit's `room_finished` (or the stall sweep) may end a session before the agent's completion arrives: `abandoned`
(`room_finished`), or `completed` as `ended_agent_lost` when the interviewer had recorded the END. That ending
queues its end event for the organisation's webhook endpoints and one grading, in its transaction. A late
completion inside the grace replaced the ending's code and reason whatever had gone out: a receiver held
`ended_agent_lost` (or `abandoned`) and a scorecard graded the draft, while the record said `completed` with the
agent's code. Now it replaces the ending only while nothing of it has gone out (no grading started, no end event
sent), and then the queued end event says what the record says; otherwise it is refused whole, 409
`ending_already_reported`. And `ended_at` of a session ended without its agent is the END's time, not the time
LiveKit or the sweep (an hour later) came by."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from api.db import endings_repo
from api.jobs.lapsed_sessions import abandon_stalled_sessions
from tests.api.test_ended_then_lost import (
    DRAFT,
    HANDED_IN,
    Conn,
    _end_events,
    _ending,
    _gradings,
    _room_finished,
    _session,
    holder,  # noqa: F401  # a fixture
    hooked,  # noqa: F401  # a fixture
)
from tests.api.test_one_interviewer import World, world  # noqa: F401  # `world` is a fixture

# How an ending without the agent went out before its late completion came: the fixture's change to the queue.
GONE_OUT = {
    # A worker took the grading job: it reads the record now.
    "grading_taken": "update procrastinate_jobs set status = 'doing' where task_name = 'grade_session'"
    " and args->>'session_id' = %(id)s",
    # The grading failed once and waits for its retry: it has read the record.
    "grading_retrying": "update procrastinate_jobs set attempts = 1 where task_name = 'grade_session'"
    " and args->>'session_id' = %(id)s",
    # The scorecard is stored.
    "graded": "update scorecards set status = 'failed', reason = 'grader_error', completed_at = now()"
    " where session_id = %(id)s",
    # The end event reached the endpoint.
    "event_delivered": "update webhook_deliveries set status = 'delivered', attempts = 1, delivered_at = now()"
    " where session_id = %(id)s and event_type like 'session.%%'",
    # The end event was tried once (the endpoint may have taken it) and waits for a retry.
    "event_tried": "update webhook_deliveries set attempts = 1 where session_id = %(id)s"
    " and event_type in ('session.completed', 'session.abandoned')",
    # A worker is sending the end event now.
    "event_sending": "update procrastinate_jobs set status = 'doing' where task_name = 'deliver_webhook'"
    " and args->>'delivery_id' in (select id::text from webhook_deliveries where session_id = %(id)s"
    " and event_type in ('session.completed', 'session.abandoned'))",
}


async def _ended_without_agent(w: World, db: Conn, *, ended: bool) -> dict[str, Any]:
    """A session that LiveKit's room_finished ended before its agent's completion: `ended_agent_lost` after the
    END, `abandoned` without one."""
    s = await _session(w, ended=ended)
    finished = await w.webhook(_room_finished(s, f"EV_rf_{s['id']}"))
    assert finished.json()["status"] == ("completed" if ended else "abandoned"), finished.text
    return s


@pytest.mark.parametrize("ended", [True, False], ids=["ended_agent_lost", "abandoned"])
@pytest.mark.parametrize("how", list(GONE_OUT))
async def test_a_late_completion_after_the_ending_went_out_is_refused_and_stores_nothing(
    hooked: World,  # noqa: F811  # the fixture
    db: Conn,
    how: str,
    ended: bool,
) -> None:
    s = await _ended_without_agent(hooked, db, ended=ended)
    before = await _ending(db, s["id"])
    events = await _end_events(db, s["id"])
    cur = await db.execute(GONE_OUT[how], {"id": s["id"]})
    assert cur.rowcount >= 1, how
    late = await hooked.complete(s["id"], "AJ_holder", HANDED_IN)
    assert late.status_code == 409, late.text
    assert late.json()["error"]["code"] == "ending_already_reported"
    # The record, the end event and the grading are the ending's, as they went out.
    assert await _ending(db, s["id"]) == before
    assert before["final_code"] == DRAFT
    assert before["end_reason"] == ("ended_agent_lost" if ended else "room_finished")
    assert await _end_events(db, s["id"]) == events
    assert await _gradings(db, s["id"]) == (1, 1)


async def test_a_late_completion_before_anything_went_out_replaces_the_ending_and_its_queued_event(
    hooked: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    lost = await _ended_without_agent(hooked, db, ended=True)
    left = await _ended_without_agent(hooked, db, ended=False)
    for s in (lost, left):
        done = await hooked.complete(s["id"], "AJ_holder", HANDED_IN)
        assert (done.status_code, done.json()["status"]) == (200, "completed"), done.text
        ending = await _ending(db, s["id"])
        assert (ending["status"], ending["end_reason"], ending["final_code"]) == (
            "completed",
            "completed",
            HANDED_IN,
        )
        # The waiting grading reads the replaced record: still one.
        assert await _gradings(db, s["id"]) == (1, 1)
    # The queued event says what the record says; the abandonment that never went out is withdrawn.
    assert await _end_events(db, lost["id"]) == [("session.completed", "completed")]
    assert await _end_events(db, left["id"]) == [("session.completed", "completed")]


async def test_no_worker_takes_the_grading_while_a_late_completion_replaces_the_ending(
    hooked: World,  # noqa: F811  # the fixture
    db: Conn,
    holder: Conn,  # noqa: F811  # the fixture
) -> None:
    # Checked, then replaced: a worker that took the grading job in between graded the draft while the record
    # said the agent's code. The replacement holds the waiting job until it commits; the worker skips it.
    s = await _ended_without_agent(hooked, db, ended=True)

    async def fetch(queue: str) -> Any:
        cur = await db.execute(
            "select id from procrastinate_fetch_job_v2(array[%s]::varchar[], null)", (queue,)
        )
        row = await cur.fetchone()
        return row["id"] if row else None

    async with holder.transaction():
        status = await endings_repo.mark_completed(
            holder, s["id"], final_code=HANDED_IN, language="python", reason="completed", after_abandon_s=300
        )
        assert status == "completed"
        # Skipped while the replacement is open: the grading, and the sending of the end event.
        assert await asyncio.wait_for(fetch("grading"), 30) is None
        assert await asyncio.wait_for(fetch("webhooks"), 30) is None
    # Then taken, reading the replaced record and sending the restated event.
    assert await fetch("grading") is not None
    assert await fetch("webhooks") is not None
    assert (await _ending(db, s["id"]))["final_code"] == HANDED_IN
    assert await _end_events(db, s["id"]) == [("session.completed", "completed")]


async def _end_at(db: Conn, sid: str, at: str) -> datetime:
    """Move the stored END to `at` (SQL, relative to the session's start or now); returns its time. The log is
    append-only (a trigger): the test lifts it for this one update."""
    async with db.transaction():
        await db.execute("alter table session_events disable trigger session_events_no_update")
        cur = await db.execute(
            f"update session_events e set created_at = {at} from sessions s"  # the test's constants
            " where e.session_id = %s and s.id = e.session_id and e.type = 'phase_change' returning e.created_at",
            (sid,),
        )
        row = await cur.fetchone()
        await db.execute("alter table session_events enable trigger session_events_no_update")
    assert row is not None
    return row["created_at"]  # type: ignore[no-any-return]


async def _times(db: Conn, sid: str) -> tuple[datetime, datetime, datetime]:
    cur = await db.execute("select started_at, ended_at, now() as now from sessions where id = %s", (sid,))
    row = await cur.fetchone()
    assert row is not None
    return row["started_at"], row["ended_at"], row["now"]


async def test_a_session_the_sweep_completed_ended_when_its_interviewer_recorded_the_end(
    hooked: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    s = await _session(hooked, ended=True)
    await db.execute("update sessions set started_at = now() - interval '3 hours' where id = %s", (s["id"],))
    end = await _end_at(db, s["id"], "s.started_at + interval '40 minutes'")
    assert await abandon_stalled_sessions(db) == 1
    ended = (await _times(db, s["id"]))[1]
    assert ended == end  # not the sweep's time, two hours later
    # The timeline's length reads the same end.
    r = await hooked.client.get(
        f"/v1/sessions/{s['id']}/timeline", headers={"Authorization": f"Bearer {hooked.key}"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["session"]["ended_s"] == 40 * 60
    # The agent's completion, two hours after the END, is long past the grace: nothing of it is stored.
    late = await hooked.complete(s["id"], "AJ_holder", HANDED_IN)
    assert (late.status_code, late.json()["status"]) == (200, "completed"), late.text
    assert await _ending(db, s["id"]) == {
        "status": "completed",
        "end_reason": "ended_agent_lost",
        "final_code": DRAFT,
        "language": "python",
        "ended": True,
    }
    assert await _end_events(db, s["id"]) == [("session.completed", "ended_agent_lost")]
    assert (await _times(db, s["id"]))[1] == ended


async def test_room_finished_after_the_end_records_the_ends_time_within_the_session(
    hooked: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    # The END stored 30 s before LiveKit closed the room; one stored "before" the start (a start recorded late),
    # one "after" now (a clock ahead): ended_at stays between the start and now.
    s, early, ahead = [await _session(hooked, ended=True) for _ in range(3)]
    await db.execute(
        "update sessions set started_at = now() - interval '20 minutes' where id = %s", (s["id"],)
    )
    end = await _end_at(db, s["id"], "now() - interval '30 seconds'")
    await _end_at(db, early["id"], "s.started_at - interval '5 minutes'")
    await _end_at(db, ahead["id"], "now() + interval '1 hour'")
    for one in (s, early, ahead):
        finished = await hooked.webhook(_room_finished(one, f"EV_rf_{one['id']}"))
        assert finished.json()["status"] == "completed", finished.text
    assert (await _times(db, s["id"]))[1] == end
    started, ended, _ = await _times(db, early["id"])
    assert ended == started
    started, ended, now = await _times(db, ahead["id"])
    assert started <= ended <= now
    assert now - ended < timedelta(minutes=5)
    # The agent's completion inside the grace still replaces the ending; the END's time stays the end.
    done = await hooked.complete(s["id"], "AJ_holder", HANDED_IN)
    assert done.json()["status"] == "completed", done.text
    assert (await _ending(db, s["id"]))["final_code"] == HANDED_IN
    assert (await _times(db, s["id"]))[1] == end
