"""After the end, a phase tool (agent/phases.py: ``begin_problem`` ... ``wrap_up``) does nothing, through the real
AgentSession: a model reply asked for before the end whose phase change is executed after it recorded a refused phase
change (a `note` after the END in the record) and answered the model for a reply. Fail on the code before the fix."""

from __future__ import annotations

import asyncio

from agent.ending import conclude
from agent.state import Phase
from agent.turns import text_turn
from tests.agent.test_ending import Interview
from tests.fakes.llm import call, say


async def test_a_phase_change_the_end_overtook_records_and_answers_nothing():
    """Time runs out while the model is still answering the candidate's "let's move on" (a slow first chunk); its
    reply then calls ``discuss_complexity``, executed after the end."""
    iv = Interview(
        Phase.TESTING, [say("Let's test it."), call("discuss_complexity"), say("Now, the complexity.")]
    )
    iv.state.candidate_spoke = True
    await iv.start()
    iv.llm.slow = {1: 1.5}  # the second model request: the answer to the candidate's turn
    turn = asyncio.create_task(text_turn(iv.session, "All the tests pass now, let us move on please"))
    for _ in range(3000):
        if len(iv.llm.requests) >= 2:
            break
        await asyncio.sleep(0.01)
    assert len(iv.llm.requests) == 2 and not iv.state.ended
    assert await conclude(iv.state, "time_up")
    requests, seen, recorded = len(iv.llm.requests), len(iv.timeline), len(iv.sink.events)

    await asyncio.wait_for(turn, 30)
    for _ in range(300):
        await asyncio.sleep(0.01)

    kinds = [e["payload"].get("kind") for e in iv.sink.events if e["type"] == "note"]
    assert "phase_change_refused" not in kinds
    assert [e["type"] for e in iv.sink.events[recorded:]] == []  # nothing recorded after the END
    assert len(iv.llm.requests) == requests
    assert iv.timeline[seen:] == []
    assert iv.state.phase == Phase.END
    await iv.session.aclose()
