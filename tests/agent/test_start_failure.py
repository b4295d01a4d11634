"""An interview that never started (a provider or the room failed at `session.start`) is not completed: the job
tells the candidate (`start_failed`, with retry) and leaves the session running, so that the next job (LiveKit's
leave redispatches it, or the page's retry) or the candidate's rejoin can start it. Completed as `agent_shutdown`,
one provider hiccup at start had used up the candidate's interview."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from livekit.agents import AgentSession
from livekit.agents.testing import fake_job_context

import agent.worker as worker
from agent.settings import get_settings

pytestmark = pytest.mark.db


async def test_a_failed_start_tells_the_candidate_and_leaves_the_session_to_start_again(
    api_server: Any, db: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sid = (await api_server.consented_session(difficulty="Easy", language="python"))["id"]
    told: list[str] = []

    async def tell(ctx: Any, code: str, *, console: bool) -> None:
        told.append(code)

    def build(
        settings: Any, **kwargs: Any
    ) -> AgentSession[Any]:  # no providers; its start fails as one would
        session: AgentSession[Any] = AgentSession(userdata=kwargs.get("userdata"))

        async def start(**_: Any) -> None:
            raise RuntimeError("the TTS provider refused the connection")

        setattr(session, "start", start)  # noqa: B010  # an instance's method, replaced
        return session

    monkeypatch.setattr(worker, "tell_candidate_and_leave", tell)
    monkeypatch.setattr(worker, "build_session", build)
    monkeypatch.setenv("SHADOWS_AGENT_API_URL", api_server.url)
    monkeypatch.setenv("SHADOWS_AGENT_API_TOKEN", api_server.internal_token)
    monkeypatch.setenv("SHADOWS_AGENT_SPOOL_DIR", str(tmp_path))
    get_settings.cache_clear()
    reasons: list[str] = []
    try:
        with fake_job_context(job_id="AJ_failing", job_metadata=json.dumps({"session_id": sid})) as ctx:
            monkeypatch.setattr(ctx, "shutdown", lambda reason="": reasons.append(reason))
            ctx.proc.userdata["vad"] = object()
            await worker.entrypoint(ctx)
            for callback in ctx._shutdown_callbacks:  # a fake job never runs them itself
                await callback("test")
    finally:
        get_settings.cache_clear()
    assert told == ["start_failed"] and reasons == ["start_failed"]
    cur = await db.execute("select status, end_reason from sessions where id = %s", (sid,))
    assert await cur.fetchone() == {"status": "in_progress", "end_reason": None}
