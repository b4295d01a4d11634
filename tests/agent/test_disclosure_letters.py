# ruff: noqa: RUF001  # letters of other styles are the attack under test
"""A private note written in characters a reader takes for Latin letters is read as those letters: small capitals,
regional indicators, negative squared and circled letters, and tag characters (unseen, but copied with the transcript
and decoded: "ASCII smuggling"). A note whose words are cut into pieces by hyphens or middle dots ("Wa-lk ar-ra-y") is
read as the words. Through the real AgentSession, with a model that complies, and through the guard fed a few
characters at a time.

Before, NFKC left small capitals alone and the symbols were no word characters at all: the guard found no words in
"🇼🇦🇱🇰 🇹🇭🇪 🇦🇷🇷🇦🇾" and the candidate read the hint in the transcript (agent.notes_words ``read_letters``). Ordinary
talk with such characters (an emoji flag, a shrug in small capitals) is not cut.
"""

from __future__ import annotations

import pytest

from agent.disclosure import DisclosureGuard, protected_runs
from tests.agent.test_disclosure_shapes import HINT, RUBRIC, heard
from tests.agent.test_phases import make


def _styled(text: str, a: int, capital: bool = False) -> str:
    """``text``'s letters as the characters from ``a`` on (A to Z in order), the rest as written."""
    return "".join(chr(a + ord(c.upper() if capital else c.lower()) - ord("A" if capital else "a"))
                   if c.isascii() and c.isalpha() else c for c in text)  # fmt: skip


_SMALL_CAPITALS = dict(zip("abcdefghijklmnopqrstuvwxyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ", strict=True))


def small_capitals(text: str) -> str:
    return "".join(_SMALL_CAPITALS.get(c, c) for c in text.lower())


def regional(text: str) -> str:
    return _styled(text, 0x1F1E6, capital=True)


def negative_squared(text: str) -> str:
    return _styled(text, 0x1F170, capital=True)


def circled(text: str) -> str:
    return _styled(text, 0x24D0)


def tags(text: str) -> str:
    return "".join(chr(0xE0000 + ord(c)) for c in text)


def pieces(text: str, size: int, cut: str) -> str:
    """Each word cut into pieces of ``size`` letters joined by ``cut`` ("Wa-lk")."""
    return " ".join(cut.join(w[k : k + size] for k in range(0, len(w), size)) for w in text.split())


SHAPES = {
    "hint in small capitals": small_capitals(HINT),
    "rubric in regional indicators": regional(RUBRIC),
    "hint in negative squared letters": negative_squared(HINT),
    "rubric in circled letters": circled(RUBRIC),
    "hint in tag characters": tags(HINT),
    "hint cut into pieces of two letters by hyphens": pieces(HINT, 2, "-"),
    "rubric cut into pieces of three letters by middle dots": pieces(RUBRIC, 3, "\u00b7"),
}


@pytest.mark.parametrize("name", list(SHAPES))
async def test_a_note_in_letters_of_another_style_is_cut(name: str) -> None:
    secret = SHAPES[name]
    transcript, history, line = await heard("two-sum", [f"Sure, here it is: {secret}"])
    assert line in transcript[0], transcript
    assert secret[20:60] not in transcript[0] and not any(secret[20:60] in h for h in history)


async def test_ordinary_talk_with_such_characters_is_not_cut() -> None:
    england = "\U0001f3f4" + tags("gbeng") + "\U000e007f"
    replies = [
        f"Nice, that loop looks fine {england} — what happens when the list is empty?",
        f"{small_capitals('okay')}, take your time; {regional('ok')} whenever you are ready.",
        f"{circled('a')} and {circled('b')} are your two pointers; where does each start?",
    ]
    transcript, _, line = await heard("two-sum", replies, "Can you help me think about the edge cases?")
    assert [t.strip() for t in transcript] == replies and not any(line in t for t in transcript)


@pytest.mark.parametrize("name", list(SHAPES))
def test_the_reading_holds_however_the_reply_is_streamed(name: str) -> None:
    _, state, _, _, _ = make()
    reply = f"Sure, here it is: {SHAPES[name]}"
    for size in (1, 2, 3, 5, 8):
        guard = DisclosureGuard(protected_runs(state))
        said = "".join(guard.feed(reply[k : k + size]) for k in range(0, len(reply), size)) + guard.flush()
        assert guard.stopped and SHAPES[name][20:60] not in said, size


def test_hyphenated_talk_is_not_cut() -> None:
    _, state, _, _, _ = make()
    for reply in [
        "Use an in-place sort; a two-pointer walk is O(n) - a well-known trick: the k-th element, x-1, re-run it.",
        "It's a look-up table, built up-front; no need for a hash-map here, just a so-called brute-force pass.",
    ]:
        for size in (1, 4, 50):
            guard = DisclosureGuard(protected_runs(state))
            said = (
                "".join(guard.feed(reply[k : k + size]) for k in range(0, len(reply), size)) + guard.flush()
            )
            assert not guard.stopped and said == reply, (reply, size)
