# ruff: noqa: RUF001  # dashes drawn as others are what this module reads
"""Words written apart, read joined: families of agent.notes_readings.

- **Pieces** (``word_pieces``): words cut into pieces of one to four letters by spaces, dots, apostrophes,
  underscores or a spaced hyphen ("ha sh", "Wa.lk", "ar'ray", "ha - sh", "t he s ta ck", "th es ta ck"): a run of
  pieces is read across its cuts, wherever they fall, as the notes' words at the least cost (``across_pieces``); a
  word read across a cut counts unless every piece it spans is a word of the notes or a common word ("for each"),
  the first is "a" or "i" before one other that English can say ("a part"; "a rray", "a rr ay" are read), or the
  pieces are an English contraction ("let's"). The reply is read so when one such word is a note's word of 4
  letters or more, not a common word.
- **Letters between symbols** (``between``): a word of three letters or more with one and the same symbol between
  each two ("h_e_l_l_o", "h#e#l#l#o", "h*e*l*l*o", "h/e/l/l/o", "h - e - l - l - o"), read joined.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Collection

from agent.notes_lexicon import unspeakable
from agent.notes_splice import spliced
from agent.notes_tables import Tables
from agent.notes_words import STOPWORDS, stem

# "let's", "don't", "you're": English, no word in pieces
CONTRACTION = (
    r"(?:let|it|that|what|there|here|he|she|who|where|how|i|you|we|they|don|can|won|isn|aren|wasn|weren|doesn"
    r"|didn|haven|hasn|hadn|couldn|wouldn|shouldn|ain)['’](?:s|t|re|ll|ve|d|m)"
)
_CONTRACTED_PAIR = re.compile(CONTRACTION, re.IGNORECASE)

_WORD = re.compile(r"[A-Za-z]+")


# --- words cut into pieces -------------------------------------------------------------------------------------

_PIECE_SEP = re.compile(r"[ \t]?[.'’_\-–·|/][ \t]?|[ \t]{1,2}")


def word_pieces(text: str, tab: Tables) -> list[str]:
    ws = list(_WORD.finditer(text))
    low = [m.group().lower() for m in ws]
    short = [len(w) <= 4 for w in low]
    apart = [  # the word and the next are pieces of one word as written: short, and only a piece's cut between
        short[n]
        and short[n + 1]
        and _PIECE_SEP.fullmatch(text, ws[n].end(), ws[n + 1].start()) is not None
        and not _CONTRACTED_PAIR.fullmatch(text, ws[n].start(), ws[n + 1].end())
        for n in range(len(ws) - 1)
    ]
    if not any(apart):
        return []
    found: list[tuple[int, int, str]] = []
    gate = False
    first = 0
    for n in range(len(ws)):
        if n < len(apart) and apart[n]:
            continue
        if n > first:  # pieces first..n in a run
            lex = tab.lex
            read, across = across_pieces(low[first : n + 1], lex.known, lex.vocab, STOPWORDS, lex.longest)
            if across:
                found.append((ws[first].start(), ws[n].end(), f" {read} "))
                gate = gate or any(
                    len(w) >= 4 and (w in tab.targets or stem(w) in tab.targets) for w in across
                )
        first = n + 1
    return [spliced(text, found)] if gate else []


def article(pieces: list[str]) -> bool:
    """Whether the first of ``pieces`` is "a" or "i" before a word ("a part", "i dent"), not a piece of one: two
    pieces only, the second one English can say ("a rray", "i ndex", "a rr ay" are a word in pieces)."""
    return pieces[0] in ("a", "i") and len(pieces) == 2 and not unspeakable(pieces[1])


# --- letters with one symbol between them ----------------------------------------------------------------------

_BETWEEN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]( ?)([^\sA-Za-z0-9]{1,3})\1[A-Za-z](?:\1\2\1[A-Za-z]){1,}(?![A-Za-z0-9])"
)
_NOT_LETTERS = re.compile(r"[^A-Za-z]+")


def between(text: str, _tab: object = None) -> list[str]:
    """``text`` with each word written as letters with one symbol between them read joined; [] when none is."""
    if not _BETWEEN.search(text):
        return []
    return [_BETWEEN.sub(lambda m: _NOT_LETTERS.sub("", m.group()), text)]


def between_cue(token: str) -> bool:
    return _BETWEEN.search(token) is not None


# --- a run of word pieces read across its cuts -----------------------------------------------------------------

_KEEP, _WORD_COST, _LETTER = 2, 1, 3  # a piece kept as said, a word of the notes read, a letter of neither
_AS_SAID, _NEITHER, _NOTE_WORD, _ACROSS = range(4)


def across_pieces(
    pieces: list[str], known: Collection[str], letters: Collection[str], common: Collection[str], longest: int
) -> tuple[str, list[str]]:
    """A run of word pieces (``pieces``, lower case, each cut from the next as a word's pieces are) read as the
    notes' words (``known``; of one letter, ``letters``) across its cuts, wherever they fall: all its letters
    joined ("t he s ta ck", "th es ta ck": "thestack") and read as the notes' words, pieces kept as said and
    letters of neither, at the least cost (a word 1, a piece kept 2, a letter 3; ties: kept). (what the run reads
    as, the words read across a cut); a word across a cut is read only as a piece's join is (``joinable``)."""
    joined = "".join(pieces)
    n = len(joined)
    prefixes = _prefixes(frozenset(known), frozenset(letters))
    piece_at: list[int] = []
    starts: dict[int, int] = {}
    for p, piece in enumerate(pieces):
        starts[len(piece_at)] = p
        piece_at += [p] * len(piece)
    inf = (_LETTER + 1) * (n + 1)
    cost = [0] + [inf] * n
    back: list[tuple[int, int]] = [(0, _AS_SAID)] * (n + 1)
    for s in range(n):
        c = cost[s]
        if c >= inf:
            continue
        if s in starts and c + _KEEP < cost[e := s + len(pieces[starts[s]])]:  # the piece as said
            cost[e], back[e] = c + _KEEP, (s, _AS_SAID)
        if c + _LETTER < cost[s + 1]:
            cost[s + 1], back[s + 1] = c + _LETTER, (s, _NEITHER)
        for e in range(s + 1, min(n, s + longest) + 1):
            if joined[s:e] not in prefixes:
                break
            if c + _WORD_COST >= cost[e] or joined[s:e] not in (known if e - s > 1 else letters):
                continue
            first, last = piece_at[s], piece_at[e - 1]
            if first == last and s in starts and e - s == len(pieces[first]):
                cost[e], back[e] = c + _WORD_COST, (s, _NOTE_WORD)
            elif joinable(pieces[first : last + 1], known, common):
                cost[e], back[e] = c + _WORD_COST, (s, _ACROSS)
    out: list[tuple[str, int]] = []
    e = n
    while e > 0:
        s, kind = back[e]
        if kind == _NEITHER and out and out[-1][1] == _NEITHER:  # letters of neither in a row: one word
            out[-1] = (joined[s] + out[-1][0], kind)
        else:
            out.append((joined[s:e], kind))
        e = s
    out.reverse()
    return " ".join(w for w, _ in out), [w for w, kind in out if kind == _ACROSS]


@functools.lru_cache(maxsize=64)
def _prefixes(known: frozenset[str], letters: frozenset[str]) -> frozenset[str]:
    return frozenset(w[:k] for w in known | {w for w in letters if len(w) == 1} for k in range(1, len(w) + 1))


def joinable(pieces: list[str], known: Collection[str], common: Collection[str]) -> bool:
    """Whether a word read across the cuts of ``pieces`` (it spans them, the first and last perhaps in part) is
    read: not when they are all words of the notes or common words ("for each"), nor all single letters (spelled,
    agent.notes_decode), nor "a" or "i" before a word English can say (``article``)."""
    return (
        not all(p in known or p in common for p in pieces)
        and not all(len(p) == 1 for p in pieces)
        and not article(pieces)
    )


def across_cue(
    pieces: list[str], targets: Collection[str], known: Collection[str], common: Collection[str]
) -> bool:
    """Whether a note's word of 4 letters or more (``targets``) ends in the last of ``pieces`` (a run of word
    pieces so far), read from an earlier one across the cuts, as ``across_pieces`` would read it."""
    joined = "".join(pieces)
    n = len(joined)
    starts = list(itertools.accumulate((len(p) for p in pieces), initial=0))
    lo = starts[-2]
    for e in range(lo + 1, n + 1):
        for s in range(max(0, e - 24), lo):
            if e - s >= 4 and joined[s:e] in targets:
                first = bisect.bisect_right(starts, s) - 1
                if joinable(pieces[first:], known, common):
                    return True
    return False
