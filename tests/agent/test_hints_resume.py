"""A hint heard half by half is heard across a restart too: a restarted job reads from the record what the attempts
taken back played (agent.hints, agent.resume), as the job that took them back remembered it.

Each job runs through the real AgentSession, with capture, as in tests/agent/test_resume_restart.py: the first job's
record is the stored log the second job is built from. The candidate cuts in during the reply that says the hint:
the reply's text goes out only up to that point (``CutIn``), while the model generated all of it, as when
the speech is talked over.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from typing import Any

from livekit.agents import Agent, AgentSession, ModelSettings, llm

from agent.capture import attach_capture
from agent.hints import NOT_HEARD
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.agent.test_resume_restart import Job, _log, _notes
from tests.fakes.interview import make_context
from tests.fakes.llm import FakeLLM, FakeResponse, call, say
from tests.fakes.session import settle


class CutIn:
    """The reply as it reaches the candidate (the agent's transcription node): once ``stop`` has gone out, nothing
    more does. They cut in there; the model had generated the whole reply."""

    def __init__(self) -> None:
        self.stop: str | None = None
        self.reached = asyncio.Event()

    def cut_after(self, stop: str) -> None:
        self.stop, self.reached = stop, asyncio.Event()

    def install(self, agent: Agent) -> None:
        async def node(text: AsyncIterable[str], model_settings: ModelSettings) -> AsyncIterable[str]:
            sent = ""
            async for delta in text:
                at = (sent + delta).find(self.stop) if self.stop is not None else -1
                if self.stop is not None and at >= 0:
                    yield (sent + delta)[len(sent) : at + len(self.stop)]
                    self.stop = None
                    self.reached.set()
                    await asyncio.Event().wait()  # held until the interruption cancels the forwarding
                sent += delta
                yield delta

        agent.transcription_node = node  # type: ignore[method-assign]  # this agent's replies only


ASK = "I'm stuck, can I have a hint please?"
# Hint 1 of two-sum: "Start with the simplest thing that works: how would you check every pair, and what does that
# cost?" Its own words: check, cost, pair, simplest, start, work.
FIRST = "Start with the simplest thing that works: how would you check every pair, and what does that cost?"
SECOND = "Check every pair first and see what that would cost. Start with the simplest thing that works."


async def _attempt(
    job: Job, replies: list[FakeResponse], stop: str, *, resumed: bool
) -> list[dict[str, Any]]:
    """One job: the candidate asks for a hint and cuts in once ``stop`` was said; the model's requests."""
    fake = FakeLLM(replies)
    cut = CutIn()
    agent = job.agent if resumed else make_phase_agent(Phase.CODING, job.state)
    cut.install(agent)
    async with AgentSession[InterviewState](llm=fake, userdata=job.state) as session:
        await session.start(agent)
        capture = attach_capture(session, job.sink, job.state.elapsed_s)
        await settle(session)
        cut.cut_after(stop)
        handle = await text_turn(session, ASK)
        assert handle is not None
        await asyncio.wait_for(cut.reached.wait(), 30)
        session.interrupt()
        await handle
        await settle(session)
        capture.detach()
    return fake.requests


async def test_a_hint_heard_half_before_a_restart_and_half_after_it_is_given() -> None:
    """Before, what the attempts taken back played was summed within one job only: a candidate who heard part of a
    hint, then the rest of it from a restarted job, had heard it all and the record said no hint was given."""
    context = make_context()
    first = Job(context)
    first.state.candidate_spoke = True
    # "Start with the simplest" played: 2 of the hint's 6 own words, less than half.
    await _attempt(first, [say("Go on."), call("give_hint"), say(FIRST)], "the simplest", resumed=False)
    assert first.sink.of_type("hint") == [] and first.state.hints_given == 0
    [note] = _notes(first.sink, "hint_unheard")
    assert note["index"] == 1

    second = Job(context, events=_log(first.sink))
    requests = await _attempt(
        second, [say("Where were we?"), call("give_hint"), say(SECOND)], "every pair", resumed=True
    )
    # "Check every pair" played: 2 more of its 6 words, less than half again; 4 of 6 over both jobs.
    assert [(e["payload"]["index"], e["payload"]["interrupted"]) for e in second.sink.of_type("hint")] == [
        (1, True)
    ]
    assert second.state.hints_given == 1
    # The restored conversation says the first attempt's hint was not given, as the first job's did.
    restored = requests[0]["chat_ctx"]
    outputs = [
        i.output for i in restored.items if isinstance(i, llm.FunctionCallOutput) and i.name == "give_hint"
    ]
    assert outputs == [NOT_HEARD]


async def test_the_same_part_heard_again_after_a_restart_is_not_more_of_the_hint() -> None:
    context = make_context()
    first = Job(context)
    first.state.candidate_spoke = True
    await _attempt(first, [say("Go on."), call("give_hint"), say(FIRST)], "the simplest", resumed=False)
    second = Job(context, events=_log(first.sink))
    await _attempt(
        second, [say("Where were we?"), call("give_hint"), say(FIRST)], "the simplest", resumed=True
    )
    assert second.sink.of_type("hint") == [] and second.state.hints_given == 0
    [note] = _notes(second.sink, "hint_unheard")
    assert note["heard"] == ["simplest", "start"]  # of the six words the replies said


def test_what_the_record_says_was_heard_counts_only_as_the_hints_own_words() -> None:
    """The record is read back, not trusted: words that are not the hint's, an index past the hints, or values of
    another type count for nothing."""
    from agent.context import SessionEvent

    def note(payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "note", {"kind": "hint_unheard", "phase": "coding", **payload}

    specs = [
        ("transcript", {"role": "assistant", "text": "Hi.", "item_id": "a"}),
        note(
            {"index": 1, "said": ["start", "simplest", "solution", "x" * 500], "heard": ["start", "solution"]}
        ),
        note({"index": 1, "said": ["work"], "heard": ["work"]}),  # a later attempt adds to the earlier one's
        note({"index": 9, "said": ["start"], "heard": ["start"]}),
        note({"index": 2, "said": "exact value", "heard": ["exact"]}),
        note({"index": 3, "said": [1, None, {"a": 1}], "heard": [2]}),
    ]
    events = [
        SessionEvent(seq=i, type=t, t=float(i), idempotency_key=f"k{i}", payload=p)
        for i, (t, p) in enumerate(specs, 1)
    ]
    job = Job(make_context(), events=events)
    assert job.state.hint_heard == {
        1: (frozenset({"start", "simplest", "work"}), frozenset({"start", "work"}))
    }
