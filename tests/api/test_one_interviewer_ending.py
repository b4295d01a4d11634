"""The interviewer's leave at the end of an interview does not hand the session to another job before it completes.

livekit disconnects a job from its room before its shutdown callbacks flush the log and complete the session, so
LiveKit's `participant_left` for the holder arrives, at every ending, while the session still runs. It released
the claim at once and redispatched (the candidate was still on the page): the job dispatched on it claimed the
session first, resumed the ended interview, and the holder's last events (its goodbye, the candidate's last words)
and its completion with the final code were refused as another job's. A holder that recorded the interview's end
keeps the session until it completes; only when it dies first does its lease run out and the next job finish the
ending. Its leave redispatches nothing: the job dispatched on it was refused at its start, found the session
completed and left, using up one of the session's redispatches at every normal ending. A holder that leaves
mid-interview (a crash) is still redispatched, once per webhook and at most the session's limit."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.api.test_one_interviewer import (  # noqa: F401  # `world` is a fixture
    Conn,
    World,
    _status,
    _texts,
    agent_left,
    world,
)


async def _ended(w: World, sid: str, job_id: str) -> httpx.Response:
    """The interviewer's END (agent.ending.enter_end), recorded before it says goodbye and leaves."""
    end = {"idempotency_key": f"agent:phase_change:{job_id}:end", "type": "phase_change",
           "payload": {"from": "wrap_up", "to": "end"}}  # fmt: skip
    return await w.client.post(
        f"/v1/internal/sessions/{sid}/events", json={"events": [end]}, headers=w.job(job_id)
    )


async def test_the_holder_leaving_after_the_end_keeps_the_session_until_it_completes(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    s = await world.running_session()
    sid = s["id"]
    assert (await world.start(sid, "AJ_holder")).status_code == 200
    assert (await _ended(world, sid, "AJ_holder")).status_code == 200

    # It leaves the room (the candidate is still on the page), then flushes and completes; nothing is dispatched.
    left = await world.webhook(agent_left(s["room"], "AJ_holder", "EV_holder_done"))
    assert left.json()["status"] == "interview_ended"
    assert world.livekit.dispatches == []
    refused = await world.start(sid, "AJ_dispatched")  # any other job meanwhile (the page's call for one)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "interviewer_present"
    assert (await world.events(sid, "AJ_holder", "Thank you, goodbye.")).status_code == 200
    done = await world.complete(sid, "AJ_holder", "print('final')")
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text

    late = await world.start(sid, "AJ_dispatched")  # it asks again: the interview is over
    assert late.status_code == 409 and late.json()["error"]["code"] == "session_finished"
    assert await _texts(db, sid) == ["Thank you, goodbye."]
    cur = await db.execute("select final_code from sessions where id = %s", (sid,))
    assert (await cur.fetchone())["final_code"] == "print('final')"  # type: ignore[index]  # it exists


async def test_a_holder_that_dies_after_the_end_before_completing_is_finished_by_the_next_job(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("api.db.interviewers_repo.LEASE_S", 1)
    s = await world.running_session()
    sid = s["id"]
    assert (await world.start(sid, "AJ_holder")).status_code == 200
    assert (await _ended(world, sid, "AJ_holder")).status_code == 200
    left = await world.webhook(agent_left(s["room"], "AJ_holder", "EV_holder_died"))
    assert left.json()["status"] == "interview_ended"
    assert world.livekit.dispatches == []
    assert (await world.start(sid, "AJ_dispatched")).status_code == 409  # a job the page called meanwhile

    await asyncio.sleep(1.3)  # it died before completing: its lease runs out, and the waiting job asks again
    assert (await world.start(sid, "AJ_dispatched")).status_code == 200
    done = await world.complete(sid, "AJ_dispatched", "print('resumed')")
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    assert await _status(db, sid) == "completed"


async def test_a_holder_leaving_mid_interview_is_still_released_at_once(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    s = await world.running_session()
    sid = s["id"]
    assert (await world.start(sid, "AJ_crashed")).status_code == 200
    assert (await world.events(sid, "AJ_crashed", "Halfway through.")).status_code == 200
    left = await world.webhook(agent_left(s["room"], "AJ_crashed", "EV_crashed_left"))
    assert left.json()["status"] == "redispatched"
    assert len(world.livekit.dispatches) == 1
    again = await world.webhook(agent_left(s["room"], "AJ_crashed", "EV_crashed_left"))  # LiveKit redelivers
    assert again.json()["status"] == "duplicate"
    assert len(world.livekit.dispatches) == 1
    assert (await world.start(sid, "AJ_next")).status_code == 200  # no wait for the crashed job's lease
    assert await _texts(db, sid) == ["Halfway through."]


async def test_crashes_mid_interview_are_redispatched_up_to_the_limit_and_the_last_ending_is_not(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    assert world.settings.agent_redispatch_limit == 2
    s = await world.running_session()
    sid = s["id"]
    outcomes = []
    for n in range(3):  # three jobs in turn crash mid-interview
        job = f"AJ_crash_{n}"
        assert (await world.start(sid, job)).status_code == 200
        assert (await world.events(sid, job, f"Line {n}.")).status_code == 200
        outcomes.append((await world.webhook(agent_left(s["room"], job, f"EV_crash_{n}"))).json()["status"])
    assert outcomes == ["redispatched", "redispatched", "redispatch_limit"]
    assert len(world.livekit.dispatches) == 2

    # The last job ends the interview normally: its leave before its completion dispatches nothing.
    assert (await world.start(sid, "AJ_last")).status_code == 200
    assert (await _ended(world, sid, "AJ_last")).status_code == 200
    left = await world.webhook(agent_left(s["room"], "AJ_last", "EV_last_left"))
    assert left.json()["status"] == "interview_ended"
    assert len(world.livekit.dispatches) == 2
    done = await world.complete(sid, "AJ_last", "print('last')")
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    cur = await db.execute("select agent_redispatches from sessions where id = %s", (sid,))
    assert (await cur.fetchone())["agent_redispatches"] == 2  # type: ignore[index]  # it exists
