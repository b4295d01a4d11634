"""A call id is a job's, not the interview's: providers that number their calls per process give a restarted job's
calls the ids an earlier job's had, and every job's calls and their outputs come back to the model all the same
(agent.resume ``build_resume``). Each job runs through the real AgentSession and the real OpenAI plugin against its
own local fake server (a new process: it numbers its calls from the start again), with capture; a job's log is the
record of the jobs before it, as the API stores it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from livekit.plugins import openai

from agent.context import SessionContext, SessionEvent
from agent.state import Phase
from agent.turns import text_turn
from tests.agent.restart_support import Job, log
from tests.fakes.interview import make_context
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.session import settle
from tests.fakes.two_sum_interview import interviewer_model

ASK = "I'm stuck, could I get a hint?"


async def _job(context: SessionContext, record: list[SessionEvent] | None) -> tuple[list[SessionEvent], Any]:
    """One job (the first when ``record`` is None): the candidate asks for a hint and is given it. Returns the
    record with this job's events after it, and the model requests this job made."""
    job = Job(context, events=record)
    job.state.candidate_spoke = True
    async with FakeOpenAIServer(responder=interviewer_model) as server:
        model = openai.LLM(model="fake-model", base_url=server.url, api_key="sk-fake")
        async with job.running(
            model, phase=Phase.CODING if record is None else None, capture=True, loops=False
        ) as session:
            handle = await text_turn(session, ASK)
            if handle is not None:
                await handle
            await settle(session)
    before = record or []
    after = [e.model_copy(update={"seq": len(before) + e.seq}) for e in log(job.sink)]
    return [*before, *after], server.requests


def _calls(body: dict[str, Any]) -> tuple[list[tuple[str, str]], Counter[str]]:
    """A request's tool calls (id, name) and how many tool outputs answer each id."""
    calls = [
        (c["id"], c["function"]["name"])
        for m in body["messages"] if m.get("role") == "assistant"
        for c in m.get("tool_calls") or []
    ]  # fmt: skip
    outputs = Counter(m["tool_call_id"] for m in body["messages"] if m.get("role") == "tool")
    return calls, outputs


async def test_a_third_job_keeps_the_calls_of_a_second_job_that_reused_the_first_jobs_call_ids() -> None:
    """The second job's give_hint had the first job's call id (each process numbers its calls from 1): the third job's
    restored conversation dropped it and its output as a duplicate, and the interviewer forgot the second hint."""
    context = make_context()
    first, _ = await _job(context, None)
    second, second_requests = await _job(context, first)
    recorded = [
        e.payload["call_id"] for e in second if e.type == "tool_call" and e.payload["name"] == "give_hint"
    ]
    assert len(recorded) == 2 and recorded[0] == recorded[1]  # the reuse the test is about
    assert [e.payload["index"] for e in second if e.type == "hint"] == [1, 2]

    # The second job's model request after its own give_hint held the first job's call too, each answered once.
    calls, outputs = _calls(second_requests[-1])
    assert [name for _, name in calls].count("give_hint") == 2
    assert len({i for i, _ in calls}) == len(calls) and all(outputs[i] == 1 for i, _ in calls)

    third, third_requests = await _job(context, second)
    calls, outputs = _calls(third_requests[0])
    hints = [i for i, name in calls if name == "give_hint"]
    assert len(hints) == 2 and len(set(hints)) == 2
    assert all(outputs[i] == 1 for i, _ in calls) and sum(outputs.values()) == len(calls)
    said = [m["content"] for m in third_requests[0]["messages"] if m.get("role") == "tool"]
    assert any(str(s).startswith("Hint 1") for s in said) and any(str(s).startswith("Hint 2") for s in said)
    assert [e.payload["index"] for e in third if e.type == "hint"] == [1, 2, 3]
