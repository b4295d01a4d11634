"""An interview that ran to its end is completed, even when its agent is lost before its completion call.

The interviewer records the interview's END (its `phase_change` to `end`), says goodbye, leaves the room, then
flushes its log and posts `/complete`. A crash or a lost connection between the END and that call left the session
to LiveKit's `room_finished` or, when that was lost too, to the stall sweep, which both marked it `abandoned`: the
report, the webhooks to integrators and the ATS then said the candidate abandoned an interview that had ended. With
the END recorded, either ending completes the session (`end_reason` `ended_agent_lost`) with the final code an
ending without code handed in keeps (the newest draft here), emits `session.completed` and requests one grading.
Without an END they abandon it as before. A late completion racing `room_finished` ends in one state, with one
grading and one end event, whichever of the two commits first."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow, dict_row

from api.jobs.lapsed_sessions import abandon_stalled_sessions
from tests.api.conftest import signed_webhook
from tests.api.lock_support import until_blocked
from tests.api.test_one_interviewer import World, world  # noqa: F401  # `world` is a fixture
from tests.api.test_one_interviewer_ending import _ended

Conn = psycopg.AsyncConnection[DictRow]
DRAFT = "def solve():\n    return 'draft'\n"
HANDED_IN = "print('final')"
END_EVENTS = ("session.completed", "session.abandoned", "session.cancelled")


@pytest.fixture
async def holder(db_url: str) -> AsyncIterator[Conn]:
    """A second connection, to hold a session's row while requests queue behind it."""
    async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture
async def hooked(world: World) -> World:  # noqa: F811  # the fixture
    """The world, its organisation with a webhook endpoint subscribed to the end events (none is delivered here:
    the test reads what was queued)."""
    r = await world.client.post(
        "/v1/webhook-endpoints",
        json={"url": "http://127.0.0.1:9/hooks", "event_types": list(END_EVENTS)},
        headers={"Authorization": f"Bearer {world.key}"},
    )
    assert r.status_code == 201, r.text
    return world


async def _session(w: World, *, ended: bool) -> dict[str, Any]:
    """A running interview held by `AJ_holder`, whose candidate saved a draft; with `ended`, the holder recorded
    the interview's END."""
    s = await w.running_session()
    assert (await w.start(s["id"], "AJ_holder")).status_code == 200
    draft = await w.client.put(
        f"/v1/sessions/{s['id']}/drafts/python",
        json={"code": DRAFT},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert draft.status_code == 200, draft.text
    if ended:
        assert (await _ended(w, s["id"], "AJ_holder")).status_code == 200
    return s


def _room_finished(s: dict[str, Any], event_id: str) -> tuple[str, str]:
    return signed_webhook("room_finished", room=s["room"], event_id=event_id, created_at=int(time.time()))


async def _ending(db: Conn, sid: str) -> dict[str, Any]:
    cur = await db.execute(
        "select status, end_reason, final_code, language, ended_at is not null as ended from sessions where id = %s",
        (sid,),
    )
    row = await cur.fetchone()
    assert row is not None
    return dict(row)


async def _gradings(db: Conn, sid: str) -> tuple[int, int]:
    """(scorecard versions, grade_session jobs) of the session."""
    cur = await db.execute("select count(*) as n from scorecards where session_id = %s", (sid,))
    versions = (await cur.fetchone())["n"]  # type: ignore[index]  # a count
    cur = await db.execute(
        "select count(*) as n from procrastinate_jobs where task_name = 'grade_session' and args->>'session_id' = %s",
        (sid,),
    )
    jobs = (await cur.fetchone())["n"]  # type: ignore[index]  # a count
    return int(versions), int(jobs)


async def _end_events(db: Conn, sid: str) -> list[tuple[str, str | None]]:
    """The end events queued for the session's webhook endpoint: (type, its `end_reason`)."""
    cur = await db.execute(
        "select event_type, payload->'data'->>'end_reason' as reason from webhook_deliveries"
        " where session_id = %s and event_type = any(%s) order by seq",
        (sid, list(END_EVENTS)),
    )
    return [(r["event_type"], r["reason"]) for r in await cur.fetchall()]


async def _ended_once(
    db: Conn, sid: str, status: str, reason: str, code: str, event: tuple[str, str | None]
) -> None:
    """The session ended as `status` with `reason` and `code` (python), graded once (one version, one job), and
    its webhook endpoint was sent `event` alone (type, `end_reason`)."""
    assert await _ending(db, sid) == {
        "status": status,
        "end_reason": reason,
        "final_code": code,
        "language": "python",
        "ended": True,
    }
    assert await _gradings(db, sid) == (1, 1)
    assert await _end_events(db, sid) == [event]


async def test_room_finished_after_the_end_completes_the_session(
    hooked: World,
    db: Conn,
) -> None:
    s = await _session(hooked, ended=True)
    # The holder crashed after its END: no completion comes, LiveKit closes the room.
    finished = await hooked.webhook(_room_finished(s, "EV_rf_ended"))
    assert finished.status_code == 200 and finished.json()["status"] == "completed", finished.text
    await _ended_once(
        db, s["id"], "completed", "ended_agent_lost", DRAFT, ("session.completed", "ended_agent_lost")
    )
    # Another room_finished (a second delivery id): nothing changes.
    again = await hooked.webhook(_room_finished(s, "EV_rf_ended_again"))
    assert again.json()["status"] == "unchanged"
    assert await _gradings(db, s["id"]) == (1, 1)
    assert await _end_events(db, s["id"]) == [("session.completed", "ended_agent_lost")]


async def test_the_stall_sweep_after_the_end_completes_the_session(
    hooked: World,
    db: Conn,
) -> None:
    s = await _session(hooked, ended=True)
    # Both the completion and room_finished were lost: the sweep finds it an hour past its end.
    await db.execute("update sessions set started_at = now() - interval '3 hours' where id = %s", (s["id"],))
    assert await abandon_stalled_sessions(db) == 1
    assert await abandon_stalled_sessions(db) == 0
    await _ended_once(
        db, s["id"], "completed", "ended_agent_lost", DRAFT, ("session.completed", "ended_agent_lost")
    )


async def test_without_an_end_room_finished_and_the_sweep_still_abandon(
    hooked: World,
    db: Conn,
) -> None:
    # The interviewer crashed mid-interview: nothing says the interview ended.
    by_room = await _session(hooked, ended=False)
    assert (await hooked.events(by_room["id"], "AJ_holder", "Halfway through.")).status_code == 200
    finished = await hooked.webhook(_room_finished(by_room, "EV_rf_mid"))
    assert finished.json()["status"] == "abandoned"
    stalled = await _session(hooked, ended=False)
    await db.execute(
        "update sessions set started_at = now() - interval '3 hours' where id = %s", (stalled["id"],)
    )
    assert await abandon_stalled_sessions(db) == 1
    for s, reason in ((by_room, "room_finished"), (stalled, "stalled")):
        await _ended_once(db, s["id"], "abandoned", reason, DRAFT, ("session.abandoned", reason))


async def _race(
    w: World, db: Conn, holder: Conn, s: dict[str, Any], *, first: str
) -> tuple[httpx.Response, httpx.Response]:
    """room_finished and the holder's late completion, both queued behind the session's row (held by the test),
    `first` ("webhook" or "complete") queued first and so applied first once the row is let go."""

    def webhook() -> asyncio.Task[httpx.Response]:
        return asyncio.create_task(w.webhook(_room_finished(s, f"EV_race_{first}")))

    def complete() -> asyncio.Task[httpx.Response]:
        return asyncio.create_task(w.complete(s["id"], "AJ_holder", HANDED_IN))

    async with holder.transaction():
        await holder.execute("select 1 from sessions where id = %s for update", (s["id"],))
        one = webhook() if first == "webhook" else complete()
        await until_blocked(db, one, first)
        two = complete() if first == "webhook" else webhook()
        await until_blocked(db, two, "the other ending", waiting=2)
    finished, done = await asyncio.gather(one, two)
    return (finished, done) if first == "webhook" else (done, finished)


async def test_room_finished_overtaking_a_late_completion_ends_in_one_state_with_one_grading(
    hooked: World,
    db: Conn,
    holder: Conn,
) -> None:
    s = await _session(hooked, ended=True)
    finished, done = await _race(hooked, db, holder, s, first="webhook")
    assert finished.json()["status"] == "completed", finished.text
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    # The agent was not lost after all: its completion, inside the grace and before anything of the unattended
    # ending went out, keeps its code and reason, and the queued end event says the same.
    await _ended_once(db, s["id"], "completed", "completed", HANDED_IN, ("session.completed", "completed"))


async def test_a_completion_overtaking_room_finished_ends_in_one_state_with_one_grading(
    hooked: World,
    db: Conn,
    holder: Conn,
) -> None:
    s = await _session(hooked, ended=True)
    finished, done = await _race(hooked, db, holder, s, first="complete")
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    assert finished.json()["status"] == "unchanged", finished.text
    await _ended_once(db, s["id"], "completed", "completed", HANDED_IN, ("session.completed", "completed"))
