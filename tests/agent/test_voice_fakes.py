"""The scripted candidate (tests.fakes.voice) keeps its own order on a loaded box: the voice tests stand on it.

Timeline seconds run 20 times faster than real ones, so a stall of the event loop of a tenth of a second reads as
seconds. Whatever a stall delays, a transcript never comes before the speech it transcribes began, and time stands
still for every reader while the script waits for the agent (Timeline.hold)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from livekit import rtc
from livekit.agents import stt, vad

from tests.fakes.voice import FRAME_S, SAMPLE_RATE, FakeSTT, FakeVAD, Timeline, TimelineClock, Utterance


def _frame() -> rtc.AudioFrame:
    n = int(SAMPLE_RATE * FRAME_S)
    return rtc.AudioFrame(
        data=b"\x00\x00" * n, sample_rate=SAMPLE_RATE, num_channels=1, samples_per_channel=n
    )


async def _until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(6_000):  # a minute
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never: {what}")


async def test_a_phrase_is_never_transcribed_before_the_vad_let_it_start_though_the_loop_stalled():
    """The VAD lets a phrase start only once the gate holds (the turn before it decided). A stall of the event loop
    just after a phrase (a loaded box) ran the timeline past the next phrase's end: the STT, on its own time, sent
    that phrase's transcript at once, before the VAD had even reached the gate, and livekit joined it to the turn
    still being decided (two phrases, one turn, one turn decision short)."""
    opened = False
    asked = [0]

    def gate(i: int) -> bool:
        if i == 1:
            asked[0] += 1
        return i == 0 or opened

    tl = Timeline([Utterance(0.0, 0.5, "first"), Utterance(1.5, 2.0, "second")], speed=20.0, gate=gate)
    vad_stream, stt_stream = FakeVAD(tl).stream(), FakeSTT(tl).stream()
    order: list[str] = []

    async def read_vad() -> None:
        async for ev in vad_stream:
            if ev.type in (vad.VADEventType.START_OF_SPEECH, vad.VADEventType.END_OF_SPEECH):
                order.append(ev.type.value)

    async def read_stt() -> None:
        async for ev in stt_stream:
            if ev.type == stt.SpeechEventType.FINAL_TRANSCRIPT:
                order.append(ev.alternatives[0].text)
                if ev.alternatives[0].text == "first":
                    # The loop stalls (6 timeline seconds) before the VAD ends the phrase: a loaded box.
                    time.sleep(0.3)  # noqa: ASYNC251 - the stall is the point

    vad_stream.push_frame(_frame())
    stt_stream.push_frame(_frame())
    readers = [asyncio.create_task(read_vad()), asyncio.create_task(read_stt())]
    try:
        await _until(lambda: order.count("end_of_speech") == 1, "the first phrase ended")
        await _until(lambda: asked[0] >= 5, "the VAD waits at the gate")
        before_gate = list(order)
        opened = True
        await _until(lambda: "second" in order and order.count("end_of_speech") == 2, "the second phrase")
    finally:
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        await vad_stream.aclose()
        await stt_stream.aclose()
    assert "second" not in before_gate, before_gate
    assert order.index("second") > [i for i, e in enumerate(order) if e == "start_of_speech"][1], order


async def test_time_stands_still_during_a_hold_for_a_reader_woken_in_a_stall():
    """While the script waits at the gate, the timeline (and the interview's clock on it) reads one time for every
    reader: a reader woken in a stall of the loop before the hold's own task saw the stall's time go by."""
    opened = False
    asked = [0]

    def gate(i: int) -> bool:
        asked[0] += 1
        return opened

    tl = Timeline([Utterance(1.0, 2.0, "hello")], speed=20.0, gate=gate)
    clock = TimelineClock(tl)
    tl.begin()
    held = asyncio.create_task(tl.hold(0))
    await _until(lambda: asked[0] >= 2, "the hold waits at the gate")
    start = clock.now()
    time.sleep(0.2)  # noqa: ASYNC251 - the loop stalls (4 timeline seconds): the point
    assert clock.now() == start
    polled = asked[0]
    await _until(lambda: asked[0] >= polled + 3, "the hold went on waiting after the stall")
    assert clock.now() == start
    opened = True
    await held
    assert clock.now() >= start
