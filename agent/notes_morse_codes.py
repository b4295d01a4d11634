"""Morse code's letter codes, and dots and dashes with no letter's end marked read as the notes' words.

- **Morse code with no letter's end marked** (``unmarked_morse``): one kind of gap between all the symbols ("dot
  dash dot dot", ". - . .", "o = o o") or none (".-..-.-"): the symbols are read as the notes' words whose codes,
  run together, make them, at the least cost (dynamic programming over the words' codes); the reading counts when
  it holds ``UNMARKED_WORDS`` of the notes' own words, with long codes, covering ``UNMARKED_COVER`` of it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

MORSE = {
    ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g", "....": "h", "..": "i",
    ".---": "j", "-.-": "k", ".-..": "l", "--": "m", "-.": "n", "---": "o", ".--.": "p", "--.-": "q", ".-.": "r",
    "...": "s", "-": "t", "..-": "u", "...-": "v", ".--": "w", "-..-": "x", "-.--": "y", "--..": "z",
    "-----": "0", ".----": "1", "..---": "2", "...--": "3", "....-": "4", ".....": "5", "-....": "6",
    "--...": "7", "---..": "8", "----.": "9",
}  # fmt: skip
_LETTER_CODES = {letter: code for code, letter in MORSE.items()}

UNMARKED_MIN = 12  # symbols: a shorter run whose letters are not marked is not read so
# A run so read counts when its reading holds ``UNMARKED_WORDS`` of the notes' own words (3 letters or more, not
# common words) whose codes are ``UNMARKED_CODE`` symbols or more (a shorter code, "tie" is "-....", fits symbols
# drawn at random often), covering ``UNMARKED_COVER`` of its symbols. Measured: of 2,880 runs of symbols drawn at
# random (24 to 400 symbols, against the 8 questions' notes) none is read so (counting words of any code, 13);
# all 32 notes read out so are.
UNMARKED_WORDS = 3
UNMARKED_CODE = 10
UNMARKED_COVER = 0.4


def morse_words(
    vocab: Collection[str], known: Collection[str], common: Collection[str]
) -> tuple[dict[str, tuple[str, int]], frozenset[str]]:
    """Each word of the notes (``vocab``, and ``known``: their stems, with -s) as its letters' Morse codes run together
    (a word's code -> (the word, its cost: a note's own word of 3 letters or more, not a common word, 2; another 3;
    a letter 4), of two with one code the cheaper, then the longer), and every start of those codes."""
    code = _LETTER_CODES
    codes: dict[str, tuple[str, int]] = {}
    for w in {*vocab, *known}:
        if w and all(c in code for c in w):
            cost = 2 if w in vocab and len(w) >= 3 and w not in common else 3 if len(w) > 1 else 4
            key = "".join(code[c] for c in w)
            if key not in codes or (cost, -len(w), w) < (codes[key][1], -len(codes[key][0]), codes[key][0]):
                codes[key] = (w, cost)
    return codes, frozenset(c[:n] for c in codes for n in range(1, len(c) + 1))


_UNREAD = 4  # a symbol read as no word


def unmarked_morse(
    segments: list[str],
    codes: Mapping[str, tuple[str, int]],
    starts: Collection[str],
    targets: Collection[str],
) -> str | None:
    """Dots and dashes with no mark where a letter ends (``segments``: a word ends between two) read as the notes'
    words whose codes run together make them (``codes``, ``starts``: ``morse_words``) at the least cost (a word
    its own, a symbol of none ``_UNREAD``); None unless that reads ``UNMARKED_WORDS`` of ``targets`` (the notes' own
    words) of ``UNMARKED_CODE`` symbols or more, covering ``UNMARKED_COVER`` of the symbols."""
    out: list[str] = []
    strong: set[str] = set()
    covered = total = 0
    for seg in segments:
        n = len(seg)
        total += n
        cost = list(range(0, _UNREAD * n + 1, _UNREAD))  # each symbol read as none
        back: list[tuple[int, str]] = [(max(e - 1, 0), "") for e in range(n + 1)]
        for s in range(n):
            c = cost[s]
            e = s + 1
            while e <= n and seg[s:e] in starts:
                got = codes.get(seg[s:e])
                if got is not None and c + got[1] < cost[e]:
                    cost[e], back[e] = c + got[1], (s, got[0])
                e += 1
            if c + _UNREAD < cost[s + 1]:
                cost[s + 1], back[s + 1] = c + _UNREAD, (s, "")
        read: list[str] = []
        e = n
        while e > 0:
            s, w = back[e]
            if w:
                read.append(w)
                if w in targets and e - s >= UNMARKED_CODE:
                    strong.add(w)
                    covered += e - s
            e = s
        out += read[::-1]
    if covered < UNMARKED_COVER * total or len(strong) < UNMARKED_WORDS:
        return None
    return " " + " ".join(out) + " "


def unmarked_run(
    text: str,
    run: list[re.Match[str]],
    codes: list[str],
    morse: tuple[Mapping[str, tuple[str, int]], Collection[str]],
    targets: Collection[str],
) -> str | None:
    """A run of Morse symbols in ``text`` (its tokens ``run``, their ``codes`` as dots and dashes) with no letter's
    end marked (one symbol a token, or codes run together) read as the notes' words their codes make
    (``unmarked_morse``); a word ends at "/", "|" or a new line. None when it does not read so."""
    segments = [""]
    at = 0
    for n, token in enumerate(run):
        if token.group()[0] in "/|" or (n and "\n" in text[run[n - 1].end() : token.start()]):
            segments.append("")
        if token.group()[0] not in "/|":
            segments[-1] += codes[at]
            at += 1
    if sum(map(len, segments)) < UNMARKED_MIN:
        return None
    return unmarked_morse([s for s in segments if s], *morse, targets)
