"""A job that holds a session but has not joined its room must not keep the session from the job that would.

The heartbeat started as soon as the job's start succeeded, before the interview was built and the room joined:
a holder stalled on its way in (a room connection that hangs, a provider that never answers) renewed its lease
for as long as it stalled, without a word to the candidate, and every other job (the page's one retry, a
redispatch) was refused, asked again for its 50 s and left: the candidate sat with no interviewer for as long as
the stall lasted. Now the claim is renewed only by a job in the room; the lease of one that is not runs out and a
waiting job takes the candidate over, and the stalled job, once it gets that far, asks before it speaks and
leaves unheard. Against the real API and Postgres; LiveKit's room is the fake job's."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from livekit.agents import AgentSession

import agent.worker as worker
from agent.api_client import ApiClient
from tests.agent.entrypoint_support import AgentJob
from tests.fakes.interview import test_settings

pytestmark = pytest.mark.db


async def _holder(db: Any, sid: str) -> str | None:
    cur = await db.execute("select job_id from session_interviewers where session_id = %s", (sid,))
    row = await cur.fetchone()
    return None if row is None else str(row["job_id"])


async def _settled(db: Any, sid: str) -> None:
    """Until the session's log stops growing (the job's recorder flushes every 0.25 s)."""
    seen = -1
    for _ in range(50):
        cur = await db.execute("select count(*) as n from session_events where session_id = %s", (sid,))
        row = await cur.fetchone()
        if row["n"] == seen:
            return
        seen = row["n"]
        await asyncio.sleep(0.5)


async def test_a_holder_stalled_before_joining_loses_the_session_to_a_waiting_job_and_never_speaks(
    api_server: Any, db: Any, agent_job: AgentJob, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sid = (await api_server.consented_session(difficulty="Easy", language="python"))["id"]
    agent_job.point_at(api_server.url, api_server.internal_token, tmp_path)

    beating = worker.keep_claim

    def fast_beats(api: Any, session_id: str, on_lost: Any, **_: Any) -> Any:  # the 10 s beat, sped up
        return beating(api, session_id, on_lost, interval_s=0.1)

    monkeypatch.setattr(worker, "keep_claim", fast_beats)
    in_join, unstalled = asyncio.Event(), asyncio.Event()

    async def stalled_join(ctx: Any) -> None:  # the room connection hangs
        in_join.set()
        await unstalled.wait()

    monkeypatch.setattr(worker, "join_room", stalled_join)
    spoke: list[bool] = []

    def build(settings: Any, **kwargs: Any) -> AgentSession[Any]:  # no providers: starting it is speaking
        session: AgentSession[Any] = AgentSession(userdata=kwargs.get("userdata"))

        async def start(**_: Any) -> None:
            spoke.append(True)

        setattr(session, "start", start)  # noqa: B010  # an instance's method, replaced
        return session

    monkeypatch.setattr(worker, "build_session", build)
    taker = ApiClient(api_server.url, api_server.internal_token, job_id="AJ_taker")
    try:
        async with agent_job.job(sid, job_id="AJ_stalled") as ctx:
            monkeypatch.setattr(ctx, "is_fake_job", lambda: False)  # a real job: it joins the room
            ctx.proc.userdata["vad"] = object()
            entry = asyncio.create_task(worker.entrypoint(ctx))
            try:
                await asyncio.wait_for(in_join.wait(), 30)
                assert await _holder(db, sid) == "AJ_stalled"
                await _settled(db, sid)  # what it recorded on its way in has reached the API
                # Time passes while it stalls: its lease is about to run out (the API's 40 s, without the wait).
                await db.execute(
                    "update session_interviewers set lease_until = now() + interval '0.5 second' "
                    "where session_id = %s",
                    (sid,),
                )
                settings = test_settings().model_copy(update={"claim_wait_s": 4.0, "claim_retry_s": 0.2})
                context, recording = await worker._claim_and_start(taker, sid, settings, console=False)
                assert context.session_id == sid and recording
                assert await _holder(db, sid) == "AJ_taker"

                unstalled.set()  # the stalled job gets into the room at last: it asks, and leaves unheard
                await asyncio.wait_for(entry, 30)
            finally:
                unstalled.set()
                if not entry.done():
                    entry.cancel()
                    await asyncio.gather(entry, return_exceptions=True)
    finally:
        await taker.aclose()

    assert agent_job.reasons == ["interviewer_replaced"] and spoke == [] and agent_job.told == []
    assert await _holder(db, sid) == "AJ_taker"
    cur = await db.execute("select status from sessions where id = %s", (sid,))
    assert (await cur.fetchone())["status"] == "in_progress"  # the stalled job did not complete it
