"""Words in other shapes, read as the note's word they are: families of agent.notes_readings.

One reading each, a word read as the note's word it is (never a note's word itself): doubled or tripled letters
("wwaallkk"); letters interleaved with others ("wxaxlxk", any letter between, or before; a word of
``INTERLEAVED_MIN`` letters, shorter ones beside it: "thanks" holds "tak"); vowels dropped ("wlk th rry", a first
vowel kept or not, also "y"), a skeleton of 3 letters or more, of 2 ("mp") beside those."""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.notes_splice import spliced
from agent.notes_tables import Tables
from agent.notes_words import STOPWORDS, stem

INTERLEAVED_MIN = (
    7  # letters: a shorter word read as interleaved only beside a longer one ("thanks" has "tak")
)

_ALNUM = re.compile(r"[A-Za-z0-9]+")
_VOWELS = re.compile(r"[aeiou]")
_VOWELS_Y = re.compile(r"[aeiouy]")


def skeletons(targets: frozenset[str]) -> dict[str, str]:
    """Each of ``targets`` with its vowels dropped (its first vowel kept or not, "y" among them or not) -> the
    target."""
    out: dict[str, str] = {}
    for t in sorted(targets, key=lambda w: (len(w), w)):  # an ambiguous skeleton: the shortest word
        for skel in {_VOWELS.sub("", t), t[0] + _VOWELS.sub("", t[1:]), _VOWELS_Y.sub("", t)}:
            if len(skel) >= 2 and skel != t:
                out.setdefault(skel, t)
    return out


def doubled(w: str, tab: Tables) -> str | None:
    for k in (2, 3):
        if len(w) >= 2 * k and len(w) % k == 0 and all(w[i::k] == w[::k] for i in range(1, k)):
            return w[::k]
    return None


def interleaved(w: str, tab: Tables) -> str | None:
    if len(w) < 5:
        return None
    for read in (w[::2], w[1::2]):
        if read in tab.lex.known or stem(read) in tab.lex.known:
            return read
    return None


def unvowelled(w: str, tab: Tables) -> str | None:
    return tab.skeletons.get(w) if not _VOWELS.search(w[1:]) else None


def shapes(read: Callable[[str, Tables], str | None], shortest: int) -> Callable[[str, Tables], list[str]]:
    """A family of letter shapes as one decoder: each word (not a note's word, nor a common word) read as the note's
    word it is; words shorter than ``shortest`` only once a longer one was read so."""

    def decode(text: str, tab: Tables) -> list[str]:
        found: list[tuple[re.Match[str], str]] = []
        longer = False
        for m in _ALNUM.finditer(text):
            w = m.group().lower()
            if w in tab.lex.known or w in STOPWORDS or len(w) < 2:
                continue
            got = read(w, tab)
            if got is not None and got != w and (got in tab.lex.known or stem(got) in tab.lex.known):
                found.append((m, got))
                longer = longer or (len(w) >= shortest and (got in tab.targets or stem(got) in tab.targets))
        if not longer:
            return []
        return [spliced(text, ((m.start(), m.end(), got) for m, got in found))]

    return decode


SHAPES: tuple[tuple[str, Callable[[str, Tables], str | None], int], ...] = (
    ("doubled", doubled, 3),
    ("interleaved", interleaved, INTERLEAVED_MIN),
    ("unvowelled", unvowelled, 3),
)
