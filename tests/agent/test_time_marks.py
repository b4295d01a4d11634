"""The time warnings when several marks come due at once: a clock that jumps (forward, across two marks, across the
end, backward), a loop that stalls while a warning waits to be said, and the candidate ending the interview in the
same instant, through the real AgentSession, the TimeKeeper's own loop and a ManualClock. The rules held: at most one
warning per mark, in order, the latest mark reached the only one said, none more than a minute late or once time is
up, and nothing recorded or said after the end but the goodbye. The jump, stall, wrap-up and two-mark tests fail on
the code before the fix (a pass that warned for every mark it found reached, one after the other); the others (just
before a mark, a mark 30 s late, the End button in the same instant as a jump) held already and keep holding."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from livekit.agents import AgentSession, llm

from agent.ending import EndRequests
from agent.phases import WrapUpAgent
from agent.state import InterviewState, Phase
from agent.timekeeper import TimeKeeper
from tests.agent.test_ending import GOODBYE, Interview
from tests.fakes.clock import ManualClock
from tests.fakes.llm import FakeLLM, FakeResponse, say

WRAP = "We need to stop here, thank you."
_ASKS = (
    (re.compile(r"about (\d+) minutes remain"), None),
    (re.compile(r"Say a brief, warm goodbye"), GOODBYE),
    (re.compile(r"Time is up\."), WRAP),
)


def _respond(ctx: llm.ChatContext, _tools: list[str]) -> FakeResponse:
    """Answers what it was last asked for: a time warning with its minutes, the goodbye, the time-up line."""
    text = "\n".join(item.text_content or "" for item in ctx.items if item.type == "message")
    best: tuple[int, FakeResponse] = (-1, say("Let's code."))
    for pattern, line in _ASKS:
        for m in pattern.finditer(text):
            if m.start() > best[0]:
                best = (m.start(), say(line if line is not None else f"About {m.group(1)} minutes left."))
    return best[1]


class JumpClock(ManualClock):
    """A ManualClock whose time can also jump: forward at once (a paused process resumed, a stalled loop), or back."""

    async def jump(self, seconds: float) -> None:
        if seconds >= 0:
            await self.advance(seconds, step=max(seconds, 1e-9))
        else:
            self._now += seconds
            for _ in range(5):
                await asyncio.sleep(0)


class Timed(Interview):
    """``Interview`` (tests/agent/test_ending.py) with a model that answers what it is asked, ``left`` seconds to
    go, and the TimeKeeper running as in a job (10 and 5 minute warnings)."""

    def __init__(self, left: float) -> None:
        super().__init__(Phase.CODING, [say("unused")])
        self.clock = JumpClock()
        self.state.clock = self.clock
        self.state.t0 = self.clock.now()
        self.state.remaining_at_t0 = left
        self.llm = FakeLLM(responder=_respond)
        self.session = AgentSession[InterviewState](llm=self.llm, userdata=self.state)
        self.ends = EndRequests(self.session, self.state, lambda: self.identity, goodbye_timeout_s=30)
        self.session.on("conversation_item_added", self._said)
        self.keeper: TimeKeeper | None = None
        self.task: asyncio.Task[Any] | None = None

    def _said(self, ev: Any) -> None:
        if isinstance(ev.item, llm.ChatMessage) and ev.item.role == "assistant":
            self.timeline.append(f"said:{(ev.item.text_content or '').strip()}")

    async def begin(self) -> None:
        await self.start()
        self.keeper = TimeKeeper(self.session, self.state, self.clock, warnings_min=(10, 5), overtime_s=180.0)
        self.task = asyncio.create_task(self.keeper.run())
        await self.idle()

    async def idle(self, rounds: int = 30) -> None:
        """Let the session and the keeper run what is due now (the clock does not move)."""
        for _ in range(rounds):
            await asyncio.sleep(0.01)

    def warned(self) -> list[int]:
        return [e["payload"]["minutes_left"] for e in self.sink.of_type("time_warning")]

    def said(self) -> list[str]:
        return [t.removeprefix("said:") for t in self.timeline if t.startswith("said:")]

    def warnings_said(self) -> list[str]:
        return [s for s in self.said() if s.startswith("About")]

    def after_end(self) -> list[dict[str, Any]]:
        """What was recorded after the END phase change."""
        types = [(e["type"], e["payload"]) for e in self.sink.events]
        ends = [i for i, (t, p) in enumerate(types) if t == "phase_change" and p.get("to") == "end"]
        return [] if not ends else self.sink.events[ends[0] + 1 :]

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        await self.session.aclose()


async def test_a_jump_across_two_marks_says_only_the_latest():
    """10:30 left, then the clock jumps to 4:50: one pass found both marks due and warned for 10 minutes, then 5."""
    iv = Timed(630)
    await iv.begin()
    await iv.clock.jump(340)
    await iv.idle()
    assert iv.warned() == [5]
    assert iv.warnings_said() == ["About 5 minutes left."]
    await iv.clock.advance(60, step=5)
    await iv.idle()
    assert iv.warned() == [5]  # nothing more until time is up
    await iv.close()


async def test_a_jump_across_the_end_gives_no_warning_only_the_time_up():
    """10:30 left, then the clock jumps 10 s past the end: both warnings were recorded after the time was up."""
    iv = Timed(630)
    await iv.begin()
    await iv.clock.jump(640)
    await iv.idle(100)
    assert iv.warned() == []
    assert iv.warnings_said() == []
    assert iv.channel.of_type("time_up") == [{"type": "time_up"}]
    await iv.close()


@pytest.mark.parametrize(("to", "expected"), [(270, [5]), (210, [])])
async def test_a_late_mark_is_said_within_a_minute_and_passed_over_after(to: float, expected: list[int]):
    """5:30 left, the clock jumps to 4:30 (said: 30 s late) or 3:30 (passed over: "about five minutes" would be
    wrong by a minute and a half; it was said)."""
    iv = Timed(330)
    await iv.begin()
    await iv.clock.jump(330 - to)
    await iv.idle()
    assert iv.warned() == expected
    assert iv.warnings_said() == [f"About {m} minutes left." for m in expected]
    await iv.close()


async def test_just_before_a_mark_waits_for_it_then_warns_once():
    iv = Timed(630)
    await iv.begin()
    await iv.clock.jump(29)  # 10:01 left
    await iv.idle()
    assert iv.warned() == []
    await iv.clock.advance(2, step=0.5)
    await iv.idle()
    assert iv.warned() == [10]
    await iv.clock.advance(30, step=5)
    await iv.idle()
    assert iv.warned() == [10]
    assert iv.warnings_said() == ["About 10 minutes left."]
    await iv.close()


async def test_a_clock_that_goes_back_brings_no_earlier_mark_again():
    """After a jump across both marks ("5" said) the clock goes back 7 minutes: passing 10 minutes again says
    nothing, nor does passing 5 again."""
    iv = Timed(630)
    await iv.begin()
    await iv.clock.jump(340)  # 4:50
    await iv.idle()
    await iv.clock.jump(-420)  # 11:50
    await iv.idle()
    await iv.clock.advance(420, step=5)  # back to 4:50, through both marks
    await iv.idle()
    assert iv.warned() == [5]
    assert iv.warnings_said() == ["About 5 minutes left."]
    await iv.close()


@pytest.mark.parametrize("jump_to", [290, -10])
async def test_a_warning_whose_wait_stalls_past_the_next_mark_is_not_said(jump_to: float):
    """The 10-minute warning waits for the candidate to stop talking; meanwhile the loop stalls (the clock jumps) to
    4:50 or past the end. "About 10 minutes left" was said after that, and with 4:50 left "5" after it, or past the
    end a 5-minute warning recorded after the time was up."""
    iv = Timed(605)
    await iv.begin()
    iv.session._update_user_state("speaking")
    await iv.clock.advance(5, step=0.5)  # 10:00: the warning is recorded, and waits
    await iv.idle()
    assert iv.warned() == [10]
    await iv.clock.jump(600 - jump_to)
    iv.session._update_user_state("listening")
    await iv.clock.advance(1, step=0.5)
    await iv.idle(100)
    if jump_to > 0:
        assert iv.warned() == [10, 5]
        assert iv.warnings_said() == ["About 5 minutes left."]
    else:
        assert iv.warned() == [10]
        assert iv.warnings_said() == []
        assert WRAP in iv.said()
    await iv.close()


async def test_the_end_button_while_a_two_mark_pass_waits_records_nothing_after_the_end():
    """A jump across both marks while the candidate talks: the warning waits for quiet, the candidate presses End.
    The pass then warned for the next mark, recorded after the END."""
    iv = Timed(630)
    await iv.begin()
    iv.session._update_user_state("speaking")
    await iv.clock.jump(340)
    await iv.idle()
    assert (await iv.request())["status"] == "ending"
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    iv.session._update_user_state("listening")
    await iv.clock.advance(2, step=0.5)
    await iv.idle(100)
    assert iv.after_end() == []
    assert iv.said()[-1] == GOODBYE
    assert iv.warnings_said() == []
    assert len(iv.warned()) <= 1
    await iv.close()


@pytest.mark.parametrize("end_first", [True, False])
@pytest.mark.parametrize("jump", [340, 640])
async def test_the_end_button_in_the_same_instant_as_a_jump(end_first: bool, jump: float):
    """The End button and a jump across marks (or the end) in the same instant, either first: after the END nothing
    is recorded, no `time_up` follows `ended`, and the goodbye is the last thing said."""
    iv = Timed(630)
    await iv.begin()
    if end_first:
        request = asyncio.ensure_future(iv.request())
        await iv.clock.jump(jump)
    else:
        iv.clock._now += jump  # not yet seen by the keeper, which wakes after the request
        request = asyncio.ensure_future(iv.request())
        await iv.clock.jump(0)
    assert (await request)["status"] == "ending"
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    await iv.clock.advance(200, step=5)
    await iv.idle(100)
    assert iv.after_end() == []
    assert iv.said()[-1] == GOODBYE
    events = [e["type"] for e in iv.channel.events]
    assert "ended" in events and "time_up" not in events[events.index("ended") :]
    assert iv.finished == ["candidate_request"]
    await iv.close()


@pytest.mark.parametrize("rounds", [0, 1, 3, 8, 30])
@pytest.mark.parametrize("jump", [340, 640])
async def test_the_end_button_at_any_step_after_a_jump(rounds: int, jump: float):
    """The End button pressed a few loop steps after a jump across both marks (or the end), wherever the keeper is
    then (recording, telling the page, waiting, handing over to wrap-up): the record holds at most one warning and
    nothing after the END, and the goodbye is the last thing said."""
    iv = Timed(630)
    await iv.begin()
    await iv.clock.jump(jump)
    for _ in range(rounds):
        await asyncio.sleep(0)
    assert (await iv.request())["status"] == "ending"
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    await iv.clock.advance(200, step=5)
    await iv.idle(100)
    assert iv.after_end() == []
    assert iv.said()[-1] == GOODBYE
    assert iv.warned() in (([], [5]) if jump < 600 else ([],))
    events = [e["type"] for e in iv.channel.events]
    assert "time_up" not in events[events.index("ended") :]
    assert events.count("ended") == 1
    await iv.close()


async def test_a_warning_kept_waiting_into_the_wrap_up_is_not_said():
    """The 10-minute warning waits for the candidate to stop talking, and meanwhile the interview moves on to the
    wrap-up (its tool's handoff). A warning recorded in the wrap-up is not said; one recorded before it was, after."""
    iv = Timed(605)
    await iv.begin()
    iv.session._update_user_state("speaking")
    await iv.clock.advance(5, step=0.5)  # 10:00: recorded, waiting
    await iv.idle()
    assert iv.warned() == [10]
    iv.session.update_agent(WrapUpAgent(iv.state, chat_ctx=iv.session.current_agent.chat_ctx))
    await iv.idle()
    iv.session._update_user_state("listening")
    await iv.clock.advance(1, step=0.5)
    await iv.idle(100)
    assert iv.state.phase == Phase.WRAP_UP
    assert iv.warnings_said() == []
    await iv.close()
