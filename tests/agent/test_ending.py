"""The candidate's End button (`interview.end` RPC) on a real AgentSession with a scripted model: it ends the
interview in any phase without a confirmation question, through the same ending as `end_interview` (goodbye, END,
`ended`, completion), once, and only for this room's candidate with a small, well-formed payload."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from livekit import rtc
from livekit.agents import AgentSession, ConversationItemAddedEvent, llm

from agent.ending import MAX_END_PAYLOAD_BYTES, EndRequests
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeSink, OrderedChannel, make_context, test_settings
from tests.fakes.llm import FakeLLM, call, say

CANDIDATE = "candidate-ada"
GOODBYE = "Thanks for your time today, Ada. Goodbye!"


class Interview:
    def __init__(self, phase: Phase, script: list[Any]) -> None:
        self.timeline: list[str] = []
        self.channel = OrderedChannel(self.timeline)
        self.sink = FakeSink()
        _, self.state = build_interview(
            make_context(), api=None, recorder=self.sink, clock=ManualClock(), channel=self.channel,
            settings=test_settings(),
        )  # fmt: skip
        self.finished: list[str] = []

        async def on_end(reason: str) -> None:
            self.finished.append(reason)

        self.state.on_end = on_end
        self.phase = phase
        self.llm = FakeLLM(script)
        self.session = AgentSession[InterviewState](llm=self.llm, userdata=self.state)
        self.identity: str | None = CANDIDATE
        self.ends = EndRequests(self.session, self.state, lambda: self.identity, goodbye_timeout_s=30)

        def on_item(ev: ConversationItemAddedEvent) -> None:
            if isinstance(ev.item, llm.ChatMessage) and ev.item.role == "assistant":
                self.timeline.append(f"said:{(ev.item.text_content or '').strip()}")

        self.session.on("conversation_item_added", on_item)

    async def start(self) -> None:
        await self.session.start(make_phase_agent(self.phase, self.state))
        for _ in range(6000):  # the phase's entry reply has been said; up to a minute on a loaded box
            if any(t.startswith("said:") for t in self.timeline):
                return
            await asyncio.sleep(0.01)

    async def request(self, payload: str = '{"reason":"candidate_request"}', caller: str = CANDIDATE) -> Any:
        raw = await self.ends.handle(rtc.RpcInvocationData("req-1", caller, payload, 8.0))
        return json.loads(raw)


@pytest.mark.parametrize("phase", [Phase.GREETING, Phase.CODING, Phase.TESTING])
async def test_end_button_ends_any_phase_with_a_goodbye_before_ended_and_completes_once(phase: Phase):
    iv = Interview(phase, [say("Let's begin."), say(GOODBYE)])
    await iv.start()
    requests_before = len(iv.llm.requests)

    reply = await iv.request()
    assert reply == {"ok": True, "status": "ending", "reason": "candidate_request"}
    assert iv.state.ended  # claimed before the RPC answered: the model's own end_interview is now a no-op
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)  # must end: up to a minute on a loaded box

    # No confirmation question, whatever the phase: one goodbye, generated without tools, then `ended`.
    assert len(iv.llm.requests) == requests_before + 1
    goodbye_request = iv.llm.requests[-1]
    assert goodbye_request["tool_choice"] == "none"
    assert any("goodbye" in text.lower() for text in iv.llm.texts(-1))
    said = [t for t in iv.timeline if t.startswith("said:")]
    assert said[-1] == f"said:{GOODBYE}"
    assert iv.timeline.index(f"said:{GOODBYE}") < iv.timeline.index("event:ended")
    assert iv.channel.of_type("ended") == [{"type": "ended", "reason": "candidate_request"}]
    assert iv.finished == ["candidate_request"]  # the job's end callback: flush the log, complete via the API
    assert iv.state.phase == Phase.END and iv.state.end_reason == "candidate_request"
    assert iv.channel.attributes["interview.phase"] == "end"
    assert iv.sink.of_type("phase_change")[-1]["payload"] == {"from": phase.value, "to": "end"}
    assert {"kind": "end_requested", "via": "end_button", "phase": phase.value} in [
        e["payload"] for e in iv.sink.of_type("note")
    ]

    # Pressed again (a double click, a retry after a slow answer): nothing more happens.
    again = await iv.request()
    assert again == {"ok": True, "status": "already_ended", "reason": "candidate_request"}
    await asyncio.sleep(0.05)
    assert iv.finished == ["candidate_request"]
    assert len(iv.channel.of_type("ended")) == 1
    assert len(iv.llm.requests) == requests_before + 1
    await iv.session.aclose()


async def test_two_simultaneous_end_requests_end_the_interview_once():
    iv = Interview(Phase.CODING, [say("Let's code."), say(GOODBYE)])
    await iv.start()
    replies = await asyncio.gather(iv.request(), iv.request(), iv.request())
    assert sorted(r["status"] for r in replies) == ["already_ended", "already_ended", "ending"]
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)  # must end: up to a minute on a loaded box
    assert iv.finished == ["candidate_request"]
    assert len(iv.channel.of_type("ended")) == 1
    await iv.session.aclose()


async def test_end_button_after_the_model_ended_the_interview_changes_nothing():
    iv = Interview(
        Phase.WRAP_UP, [say("Any questions?"), call("end_interview", reason="completed"), say(GOODBYE)]
    )
    await iv.start()
    result = await iv.session.run(user_input="No questions, thank you!")
    result.expect.contains_function_call(name="end_interview")
    for _ in range(6000):  # must happen: up to a minute on a loaded box
        if iv.finished:
            break
        await asyncio.sleep(0.01)
    requests_before = len(iv.llm.requests)
    reply = await iv.request()
    assert reply == {"ok": True, "status": "already_ended", "reason": "completed"}
    assert iv.ends.task is None
    assert iv.finished == ["completed"]
    assert len(iv.llm.requests) == requests_before
    await iv.session.aclose()


async def test_the_model_cannot_end_again_after_the_end_button():
    iv = Interview(Phase.WRAP_UP, [say("Any questions?"), say(GOODBYE), call("end_interview"), say("Bye.")])
    await iv.start()
    await iv.request()
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)  # must end: up to a minute on a loaded box
    requests_before = len(iv.llm.requests)
    result = await iv.session.run(user_input="Bye!")
    result.expect.no_more_events()  # a turn after the end reaches no model, so no tool either
    assert len(iv.llm.requests) == requests_before
    assert iv.finished == ["candidate_request"]
    assert len(iv.channel.of_type("ended")) == 1
    await iv.session.aclose()


@pytest.mark.parametrize("caller", ["someone-else", "", "agent-interviewer", CANDIDATE.upper()])
async def test_only_the_rooms_candidate_can_end_the_interview(caller: str):
    iv = Interview(Phase.CODING, [say("Let's code."), say(GOODBYE)])
    await iv.start()
    requests_before = len(iv.llm.requests)
    with pytest.raises(rtc.RpcError) as e:
        await iv.request(caller=caller)
    assert e.value.code == rtc.RpcError.ErrorCode.APPLICATION_ERROR and e.value.message == "not_candidate"
    assert not iv.state.ended and iv.state.phase == Phase.CODING
    assert iv.channel.of_type("ended") == [] and iv.finished == []
    assert len(iv.llm.requests) == requests_before
    await iv.session.aclose()


async def test_before_the_candidate_is_known_nobody_can_end_the_interview():
    iv = Interview(Phase.GREETING, [say("Hello."), say(GOODBYE)])
    iv.identity = None
    await iv.start()
    with pytest.raises(rtc.RpcError, match="not_candidate"):
        await iv.request()
    assert not iv.state.ended
    await iv.session.aclose()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ('{"reason":"candidate_request","pad":"' + "x" * MAX_END_PAYLOAD_BYTES + '"}', "payload_too_large"),
        (
            '{"reason":"' + "é" * (MAX_END_PAYLOAD_BYTES // 2 + 1) + '"}',
            "payload_too_large",
        ),  # bytes, not chars
        ('{"reason":"time_up"}', "invalid_reason"),  # a client cannot claim the clock ran out
        ('{"reason":"no_show"}', "invalid_reason"),
        ('{"reason":["candidate_request"]}', "invalid_reason"),
        ("[]", "invalid_payload"),
        ('"candidate_request"', "invalid_payload"),
        ("{not json", "invalid_payload"),
        ("[" * 500 + "]" * 500, "invalid_payload"),
    ],
)
async def test_malformed_or_oversized_end_requests_are_refused_and_change_nothing(payload: str, code: str):
    iv = Interview(Phase.CODING, [say("Let's code."), say(GOODBYE)])
    await iv.start()
    with pytest.raises(rtc.RpcError) as e:
        await iv.request(payload)
    assert e.value.message == code
    assert not iv.state.ended and iv.finished == [] and iv.channel.of_type("ended") == []
    await iv.session.aclose()


@pytest.mark.parametrize("payload", ["", "{}", '{"reason":"candidate_request","client":"web"}'])
async def test_an_empty_or_minimal_payload_is_a_candidate_request(payload: str):
    iv = Interview(Phase.APPROACH, [say("Tell me your plan."), say(GOODBYE)])
    await iv.start()
    assert (await iv.request(payload))["status"] == "ending"
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)  # must end: up to a minute on a loaded box
    assert iv.finished == ["candidate_request"]
    await iv.session.aclose()


async def test_nothing_the_candidate_says_after_the_end_reaches_the_model_or_its_tools():
    """After the End button the interviewer of the phase it was pressed in stays the session's agent, tools and all,
    until the job shuts down: a typed or spoken turn in that window was answered by a model that could still give a
    hint, run the tests on code edited after the end, or record a complexity, all stamped after the interview
    ended. A turn after the end is kept in the transcript, unanswered, and decided as such."""
    from agent.turns import text_turn

    iv = Interview(
        Phase.CODING, [say("Let's code."), say(GOODBYE), call("give_hint"), say("Here is a hint.")]
    )
    await iv.start()
    await iv.request()
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)  # must end: up to a minute on a loaded box
    requests_before = len(iv.llm.requests)
    assert await text_turn(iv.session, "Can you give me a hint?") is None
    result = await iv.session.run(user_input="I'm stuck, can you help me?")
    result.expect.no_more_events()
    await asyncio.sleep(0.05)
    assert len(iv.llm.requests) == requests_before
    assert iv.sink.of_type("hint") == [] and iv.sink.of_type("tool_call") == []
    decisions = [e["payload"] for e in iv.sink.of_type("note") if e["payload"]["kind"] == "turn_decision"]
    assert [(d["reply"], d["reason"]) for d in decisions[-2:]] == [(False, "ended"), (False, "ended")]
    users = [i.text_content for i in iv.session.history.items if i.type == "message" and i.role == "user"]
    assert users[-2:] == ["Can you give me a hint?", "I'm stuck, can you help me?"]
    await iv.session.aclose()


async def test_the_goodbye_after_end_interview_cannot_give_a_hint_or_record_anything():
    """``end_interview``'s goodbye is generated after the tool returns, with the phase's tools still offered: a
    model that called one there added a hint or a claimed complexity to the record after the end."""
    script = [
        say("What is the complexity?"),
        call("end_interview"),
        call("record_complexity", time="O(1)", space="O(1)"),
    ]
    iv = Interview(Phase.COMPLEXITY, [*script, say(GOODBYE)])
    iv.state.user_turns = iv.state.phase_entered_turn + 1
    await iv.start()
    iv.state.remaining_s = lambda: 0.0  # type: ignore[method-assign]  # time is up: the end needs no confirmation
    result = await iv.session.run(user_input="It is linear, I think.")
    outputs = [e.item for e in result.events if e.type == "function_call_output"]
    assert [o.name for o in outputs] == ["end_interview", "record_complexity"]
    assert outputs[1].is_error and "has ended" in outputs[1].output
    notes = [e["payload"]["kind"] for e in iv.sink.of_type("note")]
    assert "complexity_claimed" not in notes
    await iv.session.aclose()
