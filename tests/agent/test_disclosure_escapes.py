"""A private note written as escapes is read as the text they write: percent-encoding ("Walk%20the%20array" and
every byte escaped), "\\x57", "\\u0057" and HTML character references ("&#87;"), two or more in a run. Through the
real AgentSession with a model that complies, and through the guard fed a few characters at a time, as a model
streams.

Before, each escape was a number or a few letters apart ("20the", "x57"): nothing a note holds, and the candidate
decoded the transcript with any tool, as they would base64 (which was cut). Ordinary talk with "%", backslashes and
entities ("50% of the tests", "\\n", "&amp;") is not cut (agent.notes_words ``_ESCAPED``).
"""

from __future__ import annotations

import urllib.parse

import pytest

from agent.disclosure import DisclosureGuard, protected_runs
from tests.agent.test_disclosure_shapes import HINT, RUBRIC, heard
from tests.agent.test_phases import make


def percent(text: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode())


def hex_escapes(text: str) -> str:
    return "".join(f"\\x{b:02x}" for b in text.encode())


def unicode_escapes_per_word(text: str) -> str:
    return " ".join("".join(f"\\u{ord(c):04x}" for c in w) for w in text.split())


def references(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def hex_references(text: str) -> str:
    return "".join(f"&#x{ord(c):x};" for c in text)


SHAPES = {
    "hint url-encoded": urllib.parse.quote(HINT),
    "rubric url-encoded, spaces as +": urllib.parse.quote_plus(RUBRIC),
    "hint, every byte percent-encoded": percent(HINT),
    "rubric as \\x escapes": hex_escapes(RUBRIC),
    "hint as \\u escapes, word by word": unicode_escapes_per_word(HINT),
    "rubric as character references": references(RUBRIC),
    "hint as hexadecimal character references": hex_references(HINT),
}


@pytest.mark.parametrize("name", list(SHAPES))
async def test_a_note_written_as_escapes_is_cut(name: str) -> None:
    secret = SHAPES[name]
    transcript, history, line = await heard("two-sum", [f"Sure, encoded: {secret}"])
    assert line in transcript[0], transcript
    assert secret[40:80] not in transcript[0] and not any(secret[40:80] in h for h in history)


@pytest.mark.parametrize("name", list(SHAPES))
def test_escapes_are_read_however_the_reply_is_streamed(name: str) -> None:
    _, state, _, _, _ = make()
    reply = f"Sure, encoded: {SHAPES[name]}"
    for size in (1, 2, 3, 5, 8):
        guard = DisclosureGuard(protected_runs(state))
        said = "".join(guard.feed(reply[k : k + size]) for k in range(0, len(reply), size)) + guard.flush()
        assert guard.stopped and SHAPES[name][40:80] not in said, size


TALK = [
    "Your loop is fine; 50% of the tests pass, so check i+1 and the \\n at the end.",
    "Use %d and %s in printf; &amp; is how HTML writes an ampersand.",
    "Try x = a[i] % 10 and y = b[j] % 10, then compare them.",
    "The path C:\\new\\table is written C:\\\\new\\\\table in a string.",
    "Progress: 20%, 40%, 60% done.",
]


def test_talk_with_percent_signs_backslashes_and_entities_is_not_cut() -> None:
    _, state, _, _, _ = make()
    for reply in TALK:
        for size in (1, 4, 50):
            guard = DisclosureGuard(protected_runs(state))
            said = (
                "".join(guard.feed(reply[k : k + size]) for k in range(0, len(reply), size)) + guard.flush()
            )
            assert not guard.stopped and said == reply, (reply, size)
