"""What the whole-reply readings (agent.notes_readings) share.

The tables built once per question that each family's decoder reads, and how many codes or numbers in a row are
read as one."""

from __future__ import annotations

from dataclasses import dataclass

from agent.notes_lexicon import Lexicon

MIN_RUN = 3  # codes or numbers in a row read as one


@dataclass(frozen=True, eq=False)
class Tables:
    lex: Lexicon
    targets: frozenset[
        str
    ]  # what a decoded word must be: a note's word of 3 letters or more, not a common word
    shifted: dict[
        str, tuple[int, ...]
    ]  # a word as shifted by a key (26: Atbash) -> the keys that read it a target
    skeletons: dict[str, str]  # a target with its vowels dropped -> the target
    morse: tuple[dict[str, tuple[str, int]], frozenset[str]]  # the notes' words in Morse code run together
