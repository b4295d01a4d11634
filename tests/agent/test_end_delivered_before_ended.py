"""`ended` reaches the page only once the interview's END reached the API (bounded), on a real AgentSession.

The page's End button completes the session itself when the interviewer's `ended` arrives (`POST
/v1/sessions/{id}/end`, with the editor's code as it is then), and the API keeps that code only while no END is
stored. `ended` went out as soon as the END was recorded, while the recorder still held it (sent up to 0.25 s later,
or much later with the API slow): the page's code, typed during the goodbye, overtook the END and became the final
code. The END (with the final code before it) is now delivered first, for at most `END_DELIVERY_MAX_WAIT_S`: an API
that does not answer delays the goodbye's `ended` by that much, never more."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from livekit import rtc
from livekit.agents import AgentSession, ConversationItemAddedEvent, llm

from agent import ending
from agent.context import EventIn, StoredEvent
from agent.ending import END_DELIVERY_MAX_WAIT_S, EndRequests, conclude
from agent.errors import ApiError
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.recorder import MAX_FLUSH_INTERVAL, EventRecorder
from agent.state import InterviewState, Phase
from tests.fakes.clock import ManualClock
from tests.fakes.interview import OrderedChannel, make_context, test_settings
from tests.fakes.llm import FakeLLM, say

CANDIDATE = "candidate-ada"
GOODBYE = "Thanks for your time today, Ada. Goodbye!"
END = "delivered:phase_change:end"


class EventApi:
    """The API's event append (`ApiClient.append_events`), in memory: each stored event goes into the shared
    timeline as `delivered:<type>[:<to>]`. Closed (`open.clear()`), an append waits; `down`, it fails as a 503."""

    def __init__(self, timeline: list[str]) -> None:
        self.timeline = timeline
        self.open = asyncio.Event()
        self.open.set()
        self.down = False
        self.attempts: list[str] = []
        self._seq = 0

    async def append_events(self, session_id: str, events: Sequence[EventIn]) -> list[StoredEvent]:
        self.attempts.extend(_name(e) for e in events)
        await self.open.wait()
        if self.down:
            raise ApiError("unavailable", "the API is down", status=503, retryable=True)
        stored = []
        for e in events:
            self._seq += 1
            self.timeline.append(f"delivered:{_name(e)}")
            stored.append(StoredEvent(idempotency_key=e.idempotency_key, seq=self._seq))
        return stored


def _name(e: EventIn) -> str:
    return f"{e.type}:{e.payload['to']}" if e.type == "phase_change" else str(e.type)


class Interview:
    """A coding-phase interview with a real recorder (its slowest sending interval) in front of `EventApi`."""

    def __init__(self, tmp_path: Path) -> None:
        self.timeline: list[str] = []
        self.channel = OrderedChannel(self.timeline)
        self.api = EventApi(self.timeline)
        self.recorder = EventRecorder(
            self.api, "ses_end", spool_path=tmp_path / "ses_end.jsonl", flush_interval=MAX_FLUSH_INTERVAL,
            backoff_initial=0.05, backoff_max=0.2,
        )  # fmt: skip
        _, self.state = build_interview(
            make_context(), api=None, recorder=self.recorder, clock=ManualClock(), channel=self.channel,
            settings=test_settings(),
        )  # fmt: skip
        self.finished: list[str] = []

        async def on_end(reason: str) -> None:
            self.finished.append(reason)

        self.state.on_end = on_end
        self.llm = FakeLLM([say("Let's code."), say(GOODBYE)])
        self.session = AgentSession[InterviewState](llm=self.llm, userdata=self.state)
        self.ends = EndRequests(self.session, self.state, lambda: CANDIDATE, goodbye_timeout_s=30)

        def on_item(ev: ConversationItemAddedEvent) -> None:
            if isinstance(ev.item, llm.ChatMessage) and ev.item.role == "assistant":
                self.timeline.append(f"said:{(ev.item.text_content or '').strip()}")

        self.session.on("conversation_item_added", on_item)

    async def start(self) -> None:
        await self.session.start(make_phase_agent(Phase.CODING, self.state))
        await self._until(lambda: any(t.startswith("said:") for t in self.timeline), "the entry reply")
        assert await self.recorder.flush(
            10
        )  # what the start recorded is delivered: only the ending is pending

    async def request_end(self) -> None:
        raw = await self.ends.handle(
            rtc.RpcInvocationData("req-1", CANDIDATE, '{"reason":"candidate_request"}', 8.0)
        )
        assert json.loads(raw)["status"] == "ending"

    async def _until(self, ok: Any, what: str) -> None:
        for _ in range(6000):  # up to a minute on a loaded box
            if ok():
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}")

    async def aclose(self) -> None:
        self.api.down = False
        self.api.open.set()
        await self.session.aclose()
        await self.recorder.aclose(max_wait=5)


async def test_the_end_buttons_ended_waits_for_the_end_to_reach_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The order, whatever the load on the box: the bound (its own test below) cannot run out in this one.
    monkeypatch.setattr(ending, "END_DELIVERY_MAX_WAIT_S", 60.0)
    iv = Interview(tmp_path)
    await iv.start()
    iv.api.open.clear()  # the API is slow to answer: the END is sent, not stored yet
    await iv.request_end()
    await iv._until(lambda: f"said:{GOODBYE}" in iv.timeline, "the goodbye")
    await iv._until(lambda: "phase_change:end" in iv.api.attempts, "the END's append")
    await asyncio.sleep(0.3)
    assert (
        "event:ended" not in iv.timeline
    )  # said goodbye, but the END is not stored: the page must not end yet

    iv.api.open.set()
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    assert iv.timeline.index(END) < iv.timeline.index("event:ended")
    assert iv.channel.of_type("ended") == [{"type": "ended", "reason": "candidate_request"}]
    assert iv.finished == ["candidate_request"]
    await iv.aclose()


async def test_time_ups_ended_follows_the_ends_delivery(tmp_path: Path) -> None:
    iv = Interview(tmp_path)
    await iv.start()
    assert await conclude(iv.state, "time_up")  # what the timekeeper does when the overtime is over
    # Recorded a moment ago, the END waited up to a second for the recorder's next batch; `ended` went out first.
    assert END in iv.timeline and "event:ended" in iv.timeline
    assert iv.timeline.index(END) < iv.timeline.index("event:ended")
    assert iv.finished == ["time_up"]
    await iv.aclose()


async def test_an_api_that_does_not_answer_delays_ended_by_the_bound_only(tmp_path: Path) -> None:
    assert END_DELIVERY_MAX_WAIT_S <= 3  # a goodbye is never held long by an outage
    iv = Interview(tmp_path)
    await iv.start()
    iv.api.open.clear()  # every append hangs
    started = time.monotonic()
    assert await conclude(iv.state, "time_up")
    waited = time.monotonic() - started
    assert iv.channel.of_type("ended") == [{"type": "ended", "reason": "time_up"}]
    assert END not in iv.timeline  # not delivered; still queued (and spooled) for the completion's flush
    assert "phase_change:end" in iv.api.attempts
    assert END_DELIVERY_MAX_WAIT_S - 0.1 <= waited < END_DELIVERY_MAX_WAIT_S + 1.5

    # An API failing fast (503s, retried) is waited for the same bound, no longer.
    (tmp_path / "down").mkdir()
    iv2 = Interview(tmp_path / "down")
    await iv2.start()
    iv2.api.down = True
    started = time.monotonic()
    assert await conclude(iv2.state, "time_up")
    waited = time.monotonic() - started
    assert iv2.channel.of_type("ended") == [{"type": "ended", "reason": "time_up"}]
    assert END not in iv2.timeline
    assert END_DELIVERY_MAX_WAIT_S - 0.1 <= waited < END_DELIVERY_MAX_WAIT_S + 1.5
    await iv.aclose()
    await iv2.aclose()
