"""No preemptive generation for a turn said while a reply is still queued, playing or ending (talked over).

livekit starts a preemptive generation from the final transcript, on a copy of the conversation taken then; a reply
the candidate talked over goes into the conversation only as it ends. An attempt started before that was discarded
at the end of the turn and the turn asked the model again: two paid requests for one answered turn (the spoken
flood test went over its budget on a loaded box). livekit's own rule skips only a reply playing uninterrupted.
"""

from __future__ import annotations

import pytest

from agent.interview import build_interview
from agent.speech_budget import withhold_preemptive_over_budget
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings


class _Speech:
    def __init__(self, *, done: bool) -> None:
        self._done = done
        self.interrupted = True

    def done(self) -> bool:
        return self._done


class _Activity:
    """The parts of livekit's AgentActivity the wrapper reads, and what it started or cancelled."""

    def __init__(self, current: _Speech | None, queued: int) -> None:
        self._current_speech = current
        self._speech_q = [(0, 0.0, object())] * queued
        self.started: list[object] = []
        self.cancelled = 0

    def on_preemptive_generation(self, info: object) -> None:
        self.started.append(info)

    def _cancel_preemptive_generation(self) -> None:
        self.cancelled += 1


class _Agent:
    def __init__(self, activity: _Activity) -> None:
        self._activity = activity


@pytest.mark.parametrize(
    ("current", "queued", "starts"),
    [
        (None, 0, True),  # the interviewer finished: the usual case keeps its head start
        (_Speech(done=True), 0, True),  # the reply ended and is in the conversation
        (_Speech(done=False), 0, False),  # talked over, still ending
        (None, 1, False),  # a reply queued, not yet playing
    ],
    ids=["idle", "reply-ended", "reply-ending", "reply-queued"],
)
def test_a_turn_said_over_a_pending_reply_starts_no_preemptive_attempt(
    current: _Speech | None, queued: int, starts: bool
) -> None:
    _, state = build_interview(make_context(), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    activity = _Activity(current, queued)
    withhold_preemptive_over_budget(_Agent(activity), state)
    activity.on_preemptive_generation("final transcript")  # the wrapper, installed in its place
    assert (activity.started == ["final transcript"]) is starts
    assert activity.cancelled == (0 if starts else 1)  # an earlier attempt of the turn, if any, is stopped
    assert state.turn_budget.withheld == 0  # not a turn over the budget
