"""The End button's goodbye while a reply waits for a tool (a run the judge is still at), through the real
AgentSession: livekit-agents 1.8.9 finishes an interrupted reply that waits for a tool only when it gives up on it
(its ``INTERRUPTION_TIMEOUT``, 5 s), and the goodbye waited for that. Fails on the code before the fix."""

from __future__ import annotations

import asyncio

import pytest

from tests.agent.ending_support import RUNNING, run_in_flight
from tests.agent.test_ending import GOODBYE
from tests.fakes.llm import say


@pytest.mark.parametrize("playing", [True, False])
async def test_the_goodbye_does_not_wait_for_a_run_in_flight(playing: bool):
    """The candidate presses End while the interviewer's "running it now" plays (``playing``), or after it, while
    the reply waits for the run: the goodbye is said at once, before livekit gives up on the reply (5 s on)."""
    api, iv, running = await run_in_flight(say(GOODBYE))
    if not playing:
        for _ in range(300):  # its words are said: the reply now only waits for the run
            if any(t == f"said:{RUNNING}" for t in iv.timeline):
                break
            await asyncio.sleep(0.01)

    assert (await iv.request())["status"] == "ending"
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    assert not running.done()  # livekit still holds the interrupted reply: the goodbye did not wait for it
    said = [t for t in iv.timeline if t.startswith("said:")]
    assert said[-1] == f"said:{GOODBYE}"
    assert iv.timeline.index(f"said:{GOODBYE}") < iv.timeline.index("event:ended")
    assert iv.finished == ["candidate_request"]
    api.release.set()
    await asyncio.wait_for(running.wait_for_playout(), 30)
    await iv.session.aclose()
