"""Nothing after the end (agent/after_end.py), through the real AgentSession: a run at the judge that returns once
the interview has ended sends no `test_report`, asks the model for no reply and says nothing, whether livekit-agents
still waited for it or had handed it to its background runner (its 5 s ``INTERRUPTION_TIMEOUT``), and a reply
livekit asks for on its own after the end is not asked of the model. Fail on the code before the fix."""

from __future__ import annotations

import asyncio

import pytest

from agent.ending import conclude
from agent.state import Phase
from agent.turns import text_turn
from tests.agent.ending_support import HeldRun, RunningInterview
from tests.agent.test_ending import GOODBYE, Interview
from tests.agent.test_tools import CODE
from tests.fakes.llm import FakeResponse, FakeToolCall, call, say

RESULT = "One of the two examples passes."


def _running(api: HeldRun) -> RunningInterview:
    return RunningInterview(
        [
            say("Let's code."),
            FakeResponse("Sure, running it now.", [FakeToolCall("run_tests")]),
            say(GOODBYE),
            say(RESULT),  # what a reply asked for after the end would say
        ],
        api,
    )


async def _run_in_flight(iv: RunningInterview, api: HeldRun) -> None:
    await iv.start()
    iv.state.editor.ingest(CODE, {"version": "2", "language": "python"})
    iv.session.generate_reply(user_input="Please run my code.")
    await asyncio.wait_for(api.started.wait(), 30)


def _after(iv: RunningInterview, count: int) -> list[str]:
    """What was said or sent after the first ``count`` entries of the timeline."""
    return iv.timeline[count:]


def _end_recorded(iv: RunningInterview) -> int:
    """How many events were recorded up to the END (the `end` phase change) included."""
    types = [(e["type"], e.get("payload", {}).get("to")) for e in iv.sink.events]
    return max(i for i, (kind, to) in enumerate(types) if kind == "phase_change" and to == "end") + 1


@pytest.mark.parametrize("handed_off", [False, True])
async def test_a_run_that_returns_after_the_end_button_sends_asks_and_says_nothing(handed_off: bool):
    """End pressed while a run is at the judge. ``handed_off``: the run returns after livekit gave up waiting for it
    (5 s on) and handed it to its background runner, which asked the model for a reply to its result; else it
    returns while livekit still waits. Either way the page was sent a `test_report` after `ended`, and with the
    hand-off the result was spoken after the goodbye (a fourth model request)."""
    api = HeldRun()
    iv = _running(api)
    await _run_in_flight(iv, api)
    assert (await iv.request())["status"] == "ending"
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    requests, seen, recorded = len(iv.llm.requests), len(iv.timeline), len(iv.sink.events)
    assert iv.timeline[-1] == "event:ended"

    if handed_off:
        await asyncio.sleep(5.5)  # livekit-agents' INTERRUPTION_TIMEOUT: the run goes on in the background
    api.release.set()
    for _ in range(200):
        await asyncio.sleep(0.01)

    assert _after(iv, seen) == []  # no test_report, no line said
    assert iv.channel.of_type("test_report") == []
    assert len(iv.llm.requests) == requests  # no model request after the end
    assert [t for t in iv.timeline if t.startswith("said:")][-1] == f"said:{GOODBYE}"
    assert len(iv.sink.events) == recorded == _end_recorded(iv)  # nothing recorded after the END
    await iv.session.aclose()


async def test_a_run_that_returns_after_time_ran_out_is_neither_shown_nor_spoken():
    """The interview ends on time (the overtime's ``conclude``) while a reply waits for its run: that reply is not
    interrupted, and the run returning after the end sent its `test_report` and had the model asked for the reply to
    it, said after the end."""
    api = HeldRun()
    iv = _running(api)
    await _run_in_flight(iv, api)
    for _ in range(300):  # "running it now" is said: the reply now only waits for the run
        if "said:Sure, running it now." in iv.timeline:
            break
        await asyncio.sleep(0.01)
    assert await conclude(iv.state, "time_up")
    requests, seen = len(iv.llm.requests), len(iv.timeline)
    assert iv.timeline[-1] == "event:ended"

    api.release.set()
    for _ in range(200):
        await asyncio.sleep(0.01)

    assert _after(iv, seen) == []
    assert iv.channel.of_type("test_report") == []
    assert len(iv.llm.requests) == requests
    assert iv.finished == ["time_up"]
    await iv.session.aclose()


async def test_a_reply_livekit_asks_for_on_its_own_after_the_end_asks_the_model_nothing():
    """livekit-agents asks for a reply to a tool's late result with ``session.generate_reply`` (its tool executor's
    deferred reply), which no check of ours sees before the model is asked: after the end, the llm_node asks
    nothing, so nothing is said after the goodbye, whatever the tool was."""
    api = HeldRun()
    iv = _running(api)
    await iv.start()
    assert (await iv.request())["status"] == "ending"
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    requests, seen = len(iv.llm.requests), len(iv.timeline)

    handle = iv.session.generate_reply(instructions="The tool call run_tests has finished; tell the user.")
    await asyncio.wait_for(handle.wait_for_playout(), 30)

    assert len(iv.llm.requests) == requests
    assert _after(iv, seen) == []
    await iv.session.aclose()


class HeldClassifier:
    """A classifier that answers "yes" (the turn is addressed; the candidate asks to end) once ``release`` is set."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.release = asyncio.Event()

    async def addressed(self, conversation: str, latest: str, nonce: str) -> bool | None:
        return True

    async def yes_no(self, question: str, words: str, nonce: str) -> bool | None:
        self.asked.set()
        await self.release.wait()
        return True


async def test_end_interview_waiting_for_the_classifier_when_the_end_button_is_pressed_notes_and_says_nothing():
    """``end_interview`` asks the classifier whether the candidate's words ask to stop; the End button pressed while
    it waited ended the interview, and the tool then recorded its "shall we stop here?" (`end_confirm`) after the END
    and answered it for the model to say."""
    iv = Interview(
        Phase.CODING,
        [say("Let's code."), call("end_interview", reason="candidate_request"), say(GOODBYE), say(RESULT)],
    )
    classifier = HeldClassifier()
    iv.state.classifier = classifier  # type: ignore[assignment]  # the two calls the interview makes of it
    iv.state.candidate_spoke = True
    await iv.start()
    turn = asyncio.create_task(text_turn(iv.session, "Let us wrap this thing up for today"))
    await asyncio.wait_for(classifier.asked.wait(), 30)
    assert (await iv.request())["status"] == "ending"
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    requests, seen, recorded = len(iv.llm.requests), len(iv.timeline), len(iv.sink.events)

    classifier.release.set()
    await asyncio.wait_for(turn, 30)
    for _ in range(200):
        await asyncio.sleep(0.01)

    kinds = [e["payload"].get("kind") for e in iv.sink.events if e["type"] == "note"]
    assert "end_confirm" not in kinds and "end_refused" not in kinds
    assert len(iv.sink.events) == recorded
    assert len(iv.llm.requests) == requests
    assert _after(iv, seen) == []
    await iv.session.aclose()
