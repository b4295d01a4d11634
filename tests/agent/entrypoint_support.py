"""The agent's real job code (`agent.worker.entrypoint`) in a fake LiveKit job, for the tests of how a job starts,
or declines, a session (the `agent_job` fixture, tests/agent/conftest.py): what the job would tell the candidate
captured (``told``, instead of joining the room to say it), its settings pointed at the test API (``point_at``,
`get_settings` read afresh), the reasons it asks its job to shut down with captured (``reasons``), and the shutdown
callbacks that a fake job never runs itself run when it ends (``job``, ``run``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from livekit.agents import JobContext
from livekit.agents.testing import fake_job_context

import agent.worker as worker
from agent.settings import get_settings


class AgentJob:
    """One test's fake jobs: ``told`` and ``reasons`` gather what every job of the test said and shut down with."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.told: list[str] = []  # the codes of `tell_candidate_and_leave`, in order
        self.reasons: list[str] = []  # the reasons of `ctx.shutdown`, in order
        monkeypatch.setattr(worker, "tell_candidate_and_leave", self._tell)

    async def _tell(self, ctx: Any, code: str, *, console: bool) -> None:
        self.told.append(code)

    def point_at(self, api_url: str, api_token: str, spool_dir: Path, **env: str) -> None:
        """The worker's settings from here on: the API at ``api_url`` with ``api_token``, its spool in
        ``spool_dir``, and any other `SHADOWS_AGENT_*` variable in ``env``; restored after the test."""
        self.monkeypatch.setenv("SHADOWS_AGENT_API_URL", api_url)
        self.monkeypatch.setenv("SHADOWS_AGENT_API_TOKEN", api_token)
        self.monkeypatch.setenv("SHADOWS_AGENT_SPOOL_DIR", str(spool_dir))
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    @asynccontextmanager
    async def job(self, session_id: str, *, job_id: str = "fake-job") -> AsyncIterator[JobContext]:
        """A fake job dispatched for ``session_id``, its shutdown captured; its shutdown callbacks run on the way
        out, whatever the body did (a fake job never runs them itself)."""
        with fake_job_context(job_id=job_id, job_metadata=json.dumps({"session_id": session_id})) as ctx:
            self.monkeypatch.setattr(ctx, "shutdown", lambda reason="": self.reasons.append(reason))
            try:
                yield ctx
            finally:
                first: BaseException | None = None
                for callback in ctx._shutdown_callbacks:  # all run, as a real job's: one failing stops none
                    try:
                        await callback("test")
                    except BaseException as e:
                        first = first or e
                if first is not None:
                    raise first

    async def run(self, session_id: str, *, job_id: str = "fake-job", timeout_s: float = 30) -> list[str]:
        """The entrypoint run to its end in a job for ``session_id``; the reasons that job shut down with."""
        first = len(self.reasons)
        async with self.job(session_id, job_id=job_id) as ctx:
            await asyncio.wait_for(worker.entrypoint(ctx), timeout_s)
        return self.reasons[first:]
