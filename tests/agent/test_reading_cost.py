"""The rules that read each candidate turn (agent.addressing, through agent.turn_readings) do work that grows with
the turn's length, never with its square: a run of hesitations ("um um um ...") once cost asks_to_end ~0.11 s of
event-loop CPU at 4,000 characters and four times that at 8,000, because the pause pattern was tried from each space
of the run the hesitations left. Checked by structure, never by timing."""

from __future__ import annotations

import re

import pytest

from agent import addressing, turn_readings


class _Spy:
    """A compiled pattern that records the texts it is applied to."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.texts: list[str] = []

    def sub(self, repl: str, text: str) -> str:
        self.texts.append(text)
        return self.pattern.sub(repl, text)


@pytest.mark.parametrize("run", [2, 50, 4_000])
def test_pause_is_never_tried_from_inside_a_run_of_spaces(run: int) -> None:
    # Each start inside the run would read the rest of it again: n starts times n spaces.
    text = "a" + " " * run + ", b"
    starts = [at for at in range(len(text)) if turn_readings.PAUSE.match(text, at)]
    assert starts == [1, len(text) - 3]
    assert turn_readings.PAUSE.sub(" ", text) == "a b"


@pytest.mark.parametrize(
    "turn",
    [
        "um " * 1_500,
        "uh, " * 1_000,
        "um - " * 800,
        "hmm... erm " * 400,
        "so um " * 700 + "stop",
    ],
)
def test_the_pause_pattern_reads_text_with_its_spaces_collapsed(
    monkeypatch: pytest.MonkeyPatch, turn: str
) -> None:
    spy = _Spy(turn_readings.PAUSE)
    monkeypatch.setattr(turn_readings, "PAUSE", spy)
    # Read afresh: a turn read earlier in this process is remembered (readings_of, explicit_request).
    turn_readings.readings_of.cache_clear()
    addressing._explicit_request.cache_clear()
    addressing.asks_to_end(turn)
    addressing.confirms(turn)
    addressing.explicit_request(turn)
    assert spy.texts
    assert all("  " not in text for text in spy.texts)


def test_the_readings_are_unchanged() -> None:
    assert turn_readings.unpaused("i need to, uh, stop.") == "i need to stop"
    assert turn_readings.unpaused("um   um , ,  so - yes") == "so yes"
    assert turn_readings.unpaused(" , stop") == "stop"
    assert addressing.asks_to_end("um " * 1_300 + "i need to stop") is True
    assert addressing.confirms("um " * 1_300 + "yes, thanks") is True
    assert addressing.confirms("um, " * 900 + "no, not yet") is False
    assert addressing.explicit_request("uh " * 1_300 + "can i get a hint") == "hint"
    assert addressing.asks_to_end("um " * 1_300) == addressing.asks_to_end("um um")
