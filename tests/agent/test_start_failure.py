"""An interview that never started (a provider or the room failed at `session.start`) is not completed: the job
tells the candidate (`start_failed`, with retry) and leaves the session running, so that the next job (LiveKit's
leave redispatches it, or the page's retry) or the candidate's rejoin can start it. Completed as `agent_shutdown`,
one provider hiccup at start had used up the candidate's interview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from livekit.agents import AgentSession

import agent.worker as worker
from tests.agent.entrypoint_support import AgentJob

pytestmark = pytest.mark.db


async def test_a_failed_start_tells_the_candidate_and_leaves_the_session_to_start_again(
    api_server: Any, db: Any, agent_job: AgentJob, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sid = (await api_server.consented_session(difficulty="Easy", language="python"))["id"]

    def build(
        settings: Any, **kwargs: Any
    ) -> AgentSession[Any]:  # no providers; its start fails as one would
        session: AgentSession[Any] = AgentSession(userdata=kwargs.get("userdata"))

        async def start(**_: Any) -> None:
            raise RuntimeError("the TTS provider refused the connection")

        setattr(session, "start", start)  # noqa: B010  # an instance's method, replaced
        return session

    monkeypatch.setattr(worker, "build_session", build)
    agent_job.point_at(api_server.url, api_server.internal_token, tmp_path)
    async with agent_job.job(sid, job_id="AJ_failing") as ctx:
        ctx.proc.userdata["vad"] = object()
        await worker.entrypoint(ctx)
    assert agent_job.told == ["start_failed"] and agent_job.reasons == ["start_failed"]
    cur = await db.execute("select status, end_reason from sessions where id = %s", (sid,))
    assert await cur.fetchone() == {"status": "in_progress", "end_reason": None}
