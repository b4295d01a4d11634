"""A dead job's spool, replayed by another process on its host, does not keep the dead job's claim alive.

The replay sends the spool as the job that wrote it, and the API renewed the lease of whoever holds the session on
any of its posts: a job that died before joining the room (no leave reported), whose spool another job on the host
replayed on its own start, had its lease renewed by 40 s, and the job waiting to take the candidate over (for 50 s)
could give up before it ran out. Its events are still stored while it holds the session; they renew nothing.
Against the real API and Postgres."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from agent.api_client import ApiClient
from agent.context import EventIn
from agent.spool import append_lines, write_owner
from agent.spool_replay import replay_spools

pytestmark = pytest.mark.db


async def _seconds_left(db: Any, sid: str) -> float:
    cur = await db.execute(
        "select extract(epoch from lease_until - now())::float8 as left from session_interviewers "
        "where session_id = %s",
        (sid,),
    )
    return float((await cur.fetchone())["left"])


async def test_a_dead_jobs_replayed_spool_is_stored_but_does_not_renew_its_lease(
    api_server: Any, db: Any, tmp_path: Path
) -> None:
    sid = (await api_server.consented_session(difficulty="Easy", language="python"))["id"]
    async with ApiClient(api_server.url, api_server.internal_token, job_id="AJ_dead") as dead:
        await dead.start_session(sid)
    # It died before joining the room, a while ago: its lease has two seconds left.
    await db.execute(
        "update session_interviewers set lease_until = now() + interval '2 seconds' where session_id = %s",
        (sid,),
    )
    spool = tmp_path / f"{sid}.jsonl"
    line = EventIn(idempotency_key="agent:transcript:crash", type="transcript",
                   payload={"role": "user", "text": "Said just before the crash."})  # fmt: skip
    append_lines(spool, [line])
    write_owner(spool, "AJ_dead")

    async with ApiClient(api_server.url, api_server.internal_token, job_id="AJ_host") as host:
        assert await replay_spools(host, tmp_path, max_wait=10) == {spool.name: True}
    cur = await db.execute(
        "select payload->>'text' as text from session_events where session_id = %s and type = 'transcript'",
        (sid,),
    )
    assert [r["text"] for r in await cur.fetchall()] == ["Said just before the crash."]  # still its session
    assert await _seconds_left(db, sid) < 3  # not renewed by a replay

    await asyncio.sleep(2.2)
    async with ApiClient(api_server.url, api_server.internal_token, job_id="AJ_waiting") as waiting:
        context = await waiting.start_session(
            sid
        )  # the lease ran out: the waiting job takes the candidate over
    assert [e.payload["text"] for e in context.events if e.type == "transcript"] == [
        "Said just before the crash."
    ]
