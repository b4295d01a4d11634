"""An agent from before claims (no `X-Shadows-Agent-Job`: a rolling deploy) that the start lets interview must be able
to record and complete that interview.

Its start is accepted once no job holds the session (the holder left the room, or its lease ran out), but its
events, runs and completion were refused as long as any claim row existed, live or not: the candidate was
interviewed, and nothing of it (no transcript, no code, no ending) reached the record, which then ended as
abandoned. A header-less call is accepted exactly when its start would be; while a job holds the session it is
still refused."""

from __future__ import annotations

import asyncio

import pytest

from tests.api.test_one_interviewer import (  # noqa: F401  # `world` is a fixture
    Conn,
    World,
    _status,
    _texts,
    agent_left,
    world,
)


async def test_an_unnamed_agent_redispatched_after_the_holder_left_records_and_completes(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    s = await world.running_session()
    sid = s["id"]
    assert (await world.start(sid, "AJ_new")).status_code == 200
    assert (await world.events(sid, "AJ_new", "Before the crash.")).status_code == 200
    while_held = await world.events(sid, None, "While another job holds it.")
    assert while_held.status_code == 409 and while_held.json()["error"]["code"] == "interviewer_present"

    # The holder crashed: LiveKit's leave releases it and redispatches; an agent from before claims answers.
    left = await world.webhook(agent_left(s["room"], "AJ_new", "EV_new_left"))
    assert left.json()["status"] == "redispatched"
    assert (await world.start(sid, None)).status_code == 200
    resumed = await world.events(sid, None, "Heard by the old agent.")
    assert resumed.status_code == 200, resumed.text
    done = await world.complete(sid, None, "print('old agent')")
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    assert await _texts(db, sid) == ["Before the crash.", "Heard by the old agent."]
    assert await _status(db, sid) == "completed"


async def test_an_unnamed_agent_writes_once_the_holders_lease_ran_out_and_not_while_it_is_renewed(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("api.db.interviewers_repo.LEASE_S", 1)
    s = await world.running_session()
    sid = s["id"]
    assert (await world.start(sid, "AJ_gone")).status_code == 200
    assert (await world.start(sid, None)).status_code == 409  # the lease is live: refused, as its writes
    assert (await world.events(sid, None, "Too early.")).status_code == 409

    await asyncio.sleep(1.3)  # the holder died before joining the room: no leave, its lease ran out
    assert (await world.start(sid, None)).status_code == 200
    assert (await world.events(sid, None, "After the lease.")).status_code == 200

    # A job that claims it now holds it again: the unnamed agent's writes are refused from here on.
    assert (await world.start(sid, "AJ_next")).status_code == 200
    assert (await world.events(sid, None, "After the next claim.")).status_code == 409
    assert (await world.complete(sid, None, "print('old agent')")).status_code == 409
    assert await _texts(db, sid) == ["After the lease."]
    assert await _status(db, sid) == "in_progress"
