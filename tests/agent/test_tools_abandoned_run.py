"""A run_tests call cancelled while it waits (the reply interrupted: livekit cancels the tools of an interrupted
speech), or whose request timed out, drops the request, but the API goes on running it and holds the session's one
run until it is stored. The next run_tests is refused 429 run_in_progress, likely by this job's own earlier run: it
was blamed on the candidate alone ("their Run or Submit is in progress; do not call run_tests again for now")."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from livekit.agents import ToolError

from agent.errors import ApiUnavailableError
from agent.tools import (
    ABANDONED_RUN_BOUND_S,
    CANDIDATE_RUN_IN_PROGRESS,
    EARLIER_RUN_IN_PROGRESS,
    JUDGE_BUSY,
    run_tests,
)
from tests.agent.test_tools import CODE, REPORT, make
from tests.agent.test_tools_guards import run_in_progress
from tests.fakes.interview import FakeRunClient


class ServerKeepsRunning(FakeRunClient):
    """The first run never answers (the judge still at it); every later one is refused as the API refuses it."""

    def __init__(self, first: Exception | None = None) -> None:
        super().__init__(REPORT)
        self.first = first
        self.started = asyncio.Event()
        self.n = 0

    async def run_tests(
        self, session_id: str, language: str, code: str, mode: str = "run", t: float | None = None
    ) -> dict[str, Any]:
        self.n += 1
        if self.n == 1:
            self.started.set()
            if self.first is not None:
                raise self.first
            await asyncio.sleep(3600)
        raise run_in_progress()


async def _refusal(context: Any) -> str:
    with pytest.raises(ToolError) as refused:
        await run_tests(context)
    return str(refused.value)


async def test_a_run_refused_behind_this_job_s_own_interrupted_run_is_not_blamed_on_the_candidate() -> None:
    api = ServerKeepsRunning()
    state, _, _, clock = make(api=api)
    state.editor.ingest(CODE, {"version": "2"})
    context: Any = SimpleNamespace(userdata=state)
    first = asyncio.create_task(run_tests(context))
    await api.started.wait()
    first.cancel()  # the candidate spoke over the reply
    with pytest.raises(asyncio.CancelledError):
        await first
    assert not state.run_in_flight
    said = await _refusal(context)
    assert said == EARLIER_RUN_IN_PROGRESS
    # Past the dropped run's bound, a refusal is the candidate's run again.
    await clock.advance(ABANDONED_RUN_BOUND_S + 1, step=ABANDONED_RUN_BOUND_S + 1)
    assert await _refusal(context) == CANDIDATE_RUN_IN_PROGRESS


async def test_a_run_refused_behind_this_job_s_timed_out_run_is_not_blamed_on_the_candidate() -> None:
    api = ServerKeepsRunning(first=ApiUnavailableError("api_timeout", "ReadTimeout"))
    state, _, _, _ = make(api=api)
    state.editor.ingest(CODE, {"version": "2"})
    context: Any = SimpleNamespace(userdata=state)
    assert await _refusal(context) == JUDGE_BUSY
    assert await _refusal(context) == EARLIER_RUN_IN_PROGRESS
