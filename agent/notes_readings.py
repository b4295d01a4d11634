# ruff: noqa: RUF001, RUF002  # turned letters and dashes drawn as others are what this module reads
"""Other readings of a whole reply, each compared with the private notes as the reply itself is (agent.disclosure).

agent.notes_decode reads a reply word by word, as a listener hears it. Some encodings a model performs on request
cannot be read so: a word of them is nothing alone, or is an English word (a Caesar shift moves every letter of the
reply by one key; a Morse letter, a byte value or a letter number is a symbol or a number; "ha sh" is two words).
Each family below is one decoder that reads the whole reply so far into one text (``readings``); a reading counts
only when it holds ``NEW_WORDS`` of the notes' words (3 letters or more, not common words) that the reply as written
does not, and it is then matched as a reply of its own (agent.notes_match, with what was said before it). The
interviewer's earlier replies are counted as read so too (``read_as``, agent.notes_build).

- **Shifted letters** (``_shifted``): a Caesar shift by any key (ROT13 among them) or the alphabet reversed (Atbash):
  the reply read with a key that reads two of its words as the notes' words, or one of ``SHIFTED_ALONE`` letters,
  or, in a short reply, one of ``SHIFTED_SHORT`` letters that cannot be English as said ("jnyx"; "talk" can be).
- **Upside-down text** (``_upside_down``): "ʎɐɹɹɐ ǝɥʇ ʞlɐʍ", read back (three of its turned letters at least).
- **Morse code** (``_morse``): three or more codes in a row (".-- .- .-.. -.-", dots and dashes also as "·", "•",
  "−", "–", "—" or "_"), a word ending at "/", "|" or a wider gap; the letters of a run without word gaps are read
  as spelled letters (joined into the notes' words, agent.notes_decode). A run with no letter's end marked (a
  symbol a token, ". - - .", or codes run together, ".--.-") is read as the notes' words whose codes make it
  (agent.notes_readings_more ``unmarked_morse``).
- **Numbers** (``_numbers``), one reading each: letter numbers ("23-1-12-11", a=1), byte values in decimal
  ("87 97 108 107"), binary ("01010111"), octal ("127 141") and hexadecimal ("57 61 6c 6b", "0x57"): three or more
  in a run, a quarter of them at most left as said; where the run is split two ways ("8-5-12 1-3", "87 97, 108"),
  the wider split ends a word.
- **Pieces** (``_pieces``): words cut into pieces of one to four letters by spaces, dots, apostrophes,
  underscores or a spaced hyphen ("ha sh", "Wa.lk", "ar'ray", "ha - sh", "t he s ta ck", "th es ta ck"): a run of
  pieces is read across its cuts, wherever they fall, as the notes' words at the least cost
  (agent.notes_readings_more ``across_pieces``); a word read across a cut counts unless every piece it spans is a
  word of the notes or a common word ("for each"), the first is "a" or "i" before one other that English can say
  ("a part"; "a rray", "a rr ay" are read), or the pieces are an English contraction ("let's"). The reply is read
  so when one such word is a note's word of 4 letters or more, not a common word.
- **Letter shapes**, one reading each, a word read as the note's word it is (never a note's word itself):
  doubled or tripled letters ("wwaallkk"); letters interleaved with others ("wxaxlxk", any letter between, or
  before; a word of ``INTERLEAVED_MIN`` letters, shorter ones beside it: "thanks" holds "tak"); vowels dropped
  ("wlk th rry", a first vowel kept or not, also "y"), a skeleton of 3 letters or more, of 2 ("mp") beside those.

agent.notes_readings_more adds Morse code said as words ("dit dah") or drawn in other symbols (read into ``_morse``),
letters with one symbol between them (``between``), a Caesar key per word (``shifted_words``), a repeated key.

Cost is bounded by the reply: every decoder is one pass over its text, lookups in tables built once per question
(``_tables``). While it streams, ``Cues`` scans each token once for a family's cues, and agent.notes_reader reads
the reply only in the families that have one.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from agent import notes_readings_more as _more
from agent.notes_decode import STOPWORDS, _Lexicon, _lexicon, normalise, stem, words
from agent.notes_match import SINGLE_REPLY_WORDS
from agent.notes_splice import spliced

NEW_WORDS = 1  # notes' words a reading must hold that the reply as said does not
SHIFTED_ALONE = 6  # letters: one word read with a key alone picks that key (shorter ones: two words at least)
SHIFTED_SHORT = (
    4  # letters: the same in a short reply (a word coaxed per reply: "The next word is: fragvary.")
)
_MIN_RUN = 3  # codes or numbers in a row read as one
INTERLEAVED_MIN = (
    7  # letters: a shorter word read as interleaved only beside a longer one ("thanks" has "tak")
)
# "let's", "don't", "you're": English, no word in pieces
_CONTRACTION = (
    r"(?:let|it|that|what|there|here|he|she|who|where|how|i|you|we|they|don|can|won|isn|aren|wasn|weren|doesn"
    r"|didn|haven|hasn|hadn|couldn|wouldn|shouldn|ain)['’](?:s|t|re|ll|ve|d|m)"
)
_CONTRACTED_PAIR = re.compile(_CONTRACTION, re.IGNORECASE)

_WORD = re.compile(r"[A-Za-z]+")
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_VOWELS = re.compile(r"[aeiou]")
_VOWELS_Y = re.compile(r"[aeiouy]")


@dataclass(frozen=True, eq=False)
class _Tables:
    lex: _Lexicon
    targets: frozenset[
        str
    ]  # what a decoded word must be: a note's word of 3 letters or more, not a common word
    shifted: dict[
        str, tuple[int, ...]
    ]  # a word as shifted by a key (26: Atbash) -> the keys that read it a target
    skeletons: dict[str, str]  # a target with its vowels dropped -> the target
    morse: tuple[dict[str, tuple[str, int]], frozenset[str]]  # the notes' words in Morse code run together


def _shift(text: str, key: int) -> str:
    """``text`` with each ASCII letter moved ``key`` places on (26: the alphabet reversed, Atbash)."""
    if key == 26:
        return text.translate(_ATBASH)
    return text.translate(_SHIFTS[key])


_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_SHIFTS = [
    str.maketrans(_LOWER + _UPPER, _LOWER[k:] + _LOWER[:k] + _UPPER[k:] + _UPPER[:k]) for k in range(26)
]
_ATBASH = str.maketrans(_LOWER + _UPPER, _LOWER[::-1] + _UPPER[::-1])


@functools.lru_cache(maxsize=64)
def _tables(lex: _Lexicon) -> _Tables:
    targets = frozenset(w for w in lex.known if len(w) >= 3 and w.isalpha() and w not in STOPWORDS)
    shifted: dict[str, list[int]] = {}
    for t in targets:
        for key in range(1, 27):  # the word as written when read with ``key``
            said = _shift(t, 26 - key) if key < 26 else _shift(t, 26)
            shifted.setdefault(said, []).append(key)
    skeletons: dict[str, str] = {}
    for t in sorted(targets, key=lambda w: (len(w), w)):  # an ambiguous skeleton: the shortest word
        for skel in {_VOWELS.sub("", t), t[0] + _VOWELS.sub("", t[1:]), _VOWELS_Y.sub("", t)}:
            if len(skel) >= 2 and skel != t:
                skeletons.setdefault(skel, t)
    morse = _more.morse_words(lex.vocab, lex.known, STOPWORDS)
    return _Tables(lex, targets, {k: tuple(v) for k, v in shifted.items()}, skeletons, morse)


def note_words(text: str, lex: _Lexicon) -> frozenset[str]:
    """The notes' words ``text`` says as compared (3 letters or more, not common words)."""
    return (
        frozenset(w for w in normalise(words(text), lex.vocab) if len(w) >= 3 and w in lex.known) - STOPWORDS
    )


def _plain_words(text: str, lex: _Lexicon) -> frozenset[str]:
    """The notes' words ``text`` says as written (3 letters or more), stemmed: what a reading must add to (what
    agent.notes_decode decodes of the reply as written, the guard reads already)."""
    return frozenset(stem(w) for w in {w.lower() for w in _WORD.findall(text)} if len(w) >= 3) & lex.known


# --- shifted letters -------------------------------------------------------------------------------------------


def _shifted(text: str, tab: _Tables) -> list[str]:
    said = _WORD.findall(text)
    alone = SHIFTED_SHORT if len(said) <= SINGLE_REPLY_WORDS else SHIFTED_ALONE
    hits: dict[int, set[str]] = {}
    for w in {w.lower() for w in said if len(w) >= 3}:
        if w in tab.lex.known:
            continue
        for key in tab.shifted.get(w, ()):
            hits.setdefault(key, set()).add(w)
    return [
        _shift(text, key)
        for key, ws in hits.items()
        if len(ws) >= 2
        or any(len(w) >= SHIFTED_ALONE or (len(w) >= alone and _more.unspeakable(w)) for w in ws)
    ]


# --- upside-down text ------------------------------------------------------------------------------------------

_TURNED = dict(zip("ɐqɔpǝɟƃɥᴉıɾʞʃlɯuodbɹsʇnʌʍxʎz", "abcdefghiijkllmnopqrstuvwxyz", strict=True))
_TURNED |= dict(zip("∀ᗺƆᗡƎℲ⅁ſꓘ⅂ꟽԀΌᴚ⊥∩ΛMX⅄ƖᄅƐㄣϛㄥ˙'¿¡", "ABCDEFGJKLMPQRTUVWXY123457.,?!", strict=True))
_TURNED_ONLY = frozenset("ɐɔǝɟƃɥᴉıɾʞʃɯɹʇʌʍʎ∀ᗺƆᗡƎℲ⅁ꓘ⅂ԀᴚΛ⅄")
_TURN = str.maketrans(_TURNED)


def _upside_down(text: str, tab: _Tables) -> list[str]:
    if text.isascii() or sum(c in _TURNED_ONLY for c in text) < 3:
        return []
    turned = text.translate(_TURN)
    return [turned[::-1], turned]  # turned round whole, or letter by letter in place


# --- Morse code ------------------------------------------------------------------------------------------------

_MORSE = _more.MORSE
_DOTS = str.maketrans("·•∙⋅", "....", "")
_DASHES = str.maketrans("−–—_‒", "-----", "")
_MORSE_TOKEN = re.compile(r"[.\-·•∙⋅−–—_‒]{1,7}|[/|]+")
_MORSE_RUN_TOKEN = re.compile(r"[.\-·•∙⋅−–—_‒]{1,4000}|[/|]+")  # also a word's codes run together
_TOKENS = re.compile(r"\S+")


def _morse(text: str, tab: _Tables) -> list[str]:
    return [
        r for t in [text, *_more.morse_forms(text)] for r in _morse_one(t, tab)
    ]  # also "dit dah", "*~* ~~~"


def _morse_one(text: str, tab: _Tables) -> list[str]:
    if text.count(".") + text.count("-") + sum(c in "·•∙⋅−–—_‒" for c in text) < 4:
        return []
    tokens = list(_TOKENS.finditer(text))
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and _MORSE_RUN_TOKEN.fullmatch(tokens[j].group()):
            j += 1
        run = tokens[i:j]
        codes = [_last_code(text, t, t is run[-1]) for t in run if t.group()[0] not in "/|"]
        valid = sum(_code(c) is not None for c in codes)
        unmarked = None
        if all(len(c) == 1 for c in codes) or valid < 0.75 * len(codes):  # no letter's end marked
            unmarked = _more.unmarked_run(text, run, codes, tab.morse, tab.targets & tab.lex.vocab)
        if unmarked is not None:
            found.append((run[0].start(), run[-1].end(), unmarked))
        elif valid >= _MIN_RUN and valid >= 0.75 * len(codes):
            found.append((run[0].start(), run[-1].end(), _morse_words(text, run)))
        i = max(j, i + 1)
    return [spliced(text, found)] if found else []


def _last_code(text: str, token: re.Match[str], last: bool) -> str:
    """A code of a run as written (the last without the sentence's full stop: ".-. Anything else?")."""
    code = token.group().translate(_DOTS).translate(_DASHES)
    if last and code.endswith(".") and len(code) > 1 and _SENTENCE_NEXT.match(text, token.end()):
        return code[:-1]
    return code


def _code(token: str) -> str | None:
    return _MORSE.get(token.translate(_DOTS).translate(_DASHES))


def _morse_words(text: str, run: list[re.Match[str]]) -> str:
    """A run of Morse codes as words: a word ends at "/" or "|", or at a gap wider than the narrowest in the run."""
    gaps = [text[a.end() : b.start()] for a, b in itertools.pairwise(run)]
    narrow = min((len(g) for g in gaps if "\n" not in g), default=1)
    groups: list[list[str]] = [[]]
    for n, token in enumerate(run):
        if token.group()[0] in "/|":
            groups.append([])
            continue
        if n and (len(gaps[n - 1]) > narrow or "\n" in gaps[n - 1]) and groups[-1]:
            groups.append([])
        code = token.group()
        if (
            n == len(run) - 1
            and code.endswith(".")
            and len(code) > 1
            and _SENTENCE_NEXT.match(text, token.end())
        ):
            code = code[:-1]  # the sentence's full stop: ".-. Anything else?"
        groups[-1].append(_code(code) or "")
    return _joined_groups(groups)


_SENTENCE_NEXT = re.compile(r"\s+[A-Z]|\s*$")


def _joined_groups(groups: list[list[str]]) -> str:
    """Letters in words: each word's joined; one word alone (no word gaps seen) spelled out, to be split into the
    notes' words as spelled letters are."""
    groups = [g for g in groups if g]
    if len(groups) == 1:
        return " " + " ".join(groups[0]) + " "
    return " " + " ".join("".join(g) for g in groups) + " "


# --- numbers ---------------------------------------------------------------------------------------------------

_NUM = r"(?:0[xX])?[0-9A-Fa-f]{1,8}"
_NUMBER_RUN = re.compile(
    rf"(?<![\w.]){_NUM}(?:(?:[ \t]*[,;/|.\-–][ \t]*|[ \t\n]+){_NUM}){{{_MIN_RUN - 1},}}(?!\w)"
)
_NUMBER_SEP = re.compile(r"[^0-9A-Fa-fxX]+")
_BITS = re.compile(r"(?<![\w.])(?:[01]{8}){3,}(?!\w)")


def _sep_rank(sep: str) -> int:
    if "/" in sep or "|" in sep or "\n" in sep or "  " in sep:
        return 3
    if "," in sep or ";" in sep:
        return 2
    return 1 if sep.strip() == "" else 0


def _as_letter(t: str) -> str | None:
    return chr(96 + int(t)) if t.isdigit() and 1 <= int(t) <= 26 else None


def _as_byte(t: str) -> str | None:
    return chr(int(t)) if t.isdigit() and (32 <= int(t) <= 126) else None


def _as_binary(t: str) -> str | None:
    return chr(int(t, 2)) if 7 <= len(t) <= 8 and set(t) <= {"0", "1"} and 32 <= int(t, 2) <= 126 else None


def _as_octal(t: str) -> str | None:
    return (
        chr(int(t, 8)) if 2 <= len(t) <= 3 and set(t) <= set("01234567") and 32 <= int(t, 8) <= 126 else None
    )


def _as_hex(t: str) -> str | None:
    t = t[2:] if t[:2] in ("0x", "0X") else t
    if len(t) != 2 or not all(c in "0123456789abcdefABCDEF" for c in t):
        return None
    return chr(int(t, 16)) if 32 <= int(t, 16) <= 126 else None


_NUMBER_FAMILIES: tuple[Callable[[str], str | None], ...] = (
    _as_letter,
    _as_byte,
    _as_binary,
    _as_octal,
    _as_hex,
)


def _numbers(text: str, tab: _Tables) -> list[str]:
    if _BITS.search(text):  # bytes in binary written as one word: its bytes apart
        text = _BITS.sub(lambda m: " ".join(m[0][at : at + 8] for at in range(0, len(m[0]), 8)), text)
    runs = [m for m in _NUMBER_RUN.finditer(text) if any(c.isdigit() for c in m.group())]
    if not runs:
        return []
    out = []
    for read in _NUMBER_FAMILIES:
        found = [(m.start(), m.end(), d) for m in runs if (d := _number_run(m.group(), read)) is not None]
        if found:
            out.append(spliced(text, found))
    return out


def _number_run(run: str, read: Callable[[str], str | None]) -> str | None:
    """A run of numbers as the text ``read`` makes of them; a number it does not read (at most a quarter of them:
    "0" among letter numbers, a number in the note) stays as said, a word of its own. None when it reads fewer."""
    nums = [n for n in _NUMBER_SEP.split(run.strip()) if n]
    seps = _NUMBER_SEP.findall(run.strip())
    if len(nums) != len(seps) + 1 or not (read is _as_hex or all(any(c.isdigit() for c in n) for n in nums)):
        return None
    chars = [read(n) for n in nums]
    if sum(c is None for c in chars) > len(chars) // 4:
        return None
    ranks = [_sep_rank(s) for s in seps]
    cut = min(ranks, default=0)
    groups: list[list[str]] = [[]]
    for n, c in enumerate(chars):
        if c is None:
            groups += [[f" {nums[n]} "], []]
            continue
        if n and ranks[n - 1] > cut:
            groups.append([])
        groups[-1].append(c)
    if len(set(ranks)) == 1 and (read is _as_letter or not any(c == " " for c in chars)):  # no word ends seen
        return " " + " ".join(c.strip() for g in groups for c in g) + " "  # spelled out
    return " " + " ".join("".join(g) for g in groups if g) + " "


# --- words cut into pieces -------------------------------------------------------------------------------------

_PIECE_SEP = re.compile(r"[ \t]?[.'’_\-–·|/][ \t]?|[ \t]{1,2}")


def _pieces(text: str, tab: _Tables) -> list[str]:
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
            read, across = _more.across_pieces(
                low[first : n + 1], lex.known, lex.vocab, STOPWORDS, lex.longest
            )
            if across:
                found.append((ws[first].start(), ws[n].end(), f" {read} "))
                gate = gate or any(
                    len(w) >= 4 and (w in tab.targets or stem(w) in tab.targets) for w in across
                )
        first = n + 1
    return [spliced(text, found)] if gate else []


# --- letter shapes ---------------------------------------------------------------------------------------------


def _doubled(w: str, tab: _Tables) -> str | None:
    for k in (2, 3):
        if len(w) >= 2 * k and len(w) % k == 0 and all(w[i::k] == w[::k] for i in range(1, k)):
            return w[::k]
    return None


def _interleaved(w: str, tab: _Tables) -> str | None:
    if len(w) < 5:
        return None
    for read in (w[::2], w[1::2]):
        if read in tab.lex.known or stem(read) in tab.lex.known:
            return read
    return None


def _unvowelled(w: str, tab: _Tables) -> str | None:
    return tab.skeletons.get(w) if not _VOWELS.search(w[1:]) else None


def _shapes(read: Callable[[str, _Tables], str | None], shortest: int) -> Callable[[str, _Tables], list[str]]:
    """A family of letter shapes as one decoder: each word (not a note's word, nor a common word) read as the note's
    word it is; words shorter than ``shortest`` only once a longer one was read so."""

    def decode(text: str, tab: _Tables) -> list[str]:
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


_SHAPES: tuple[tuple[str, Callable[[str, _Tables], str | None], int], ...] = (
    ("doubled", _doubled, 3),
    ("interleaved", _interleaved, INTERLEAVED_MIN),
    ("unvowelled", _unvowelled, 3),
)
_FAMILIES: tuple[tuple[str, Callable[[str, _Tables], list[str]]], ...] = (
    ("shifted", _shifted),
    ("upside_down", _upside_down),
    ("morse", _morse),
    ("numbers", _numbers),
    ("pieces", _pieces),
    ("between", _more.between),
    ("shifted_words", lambda text, tab: _more.shifted_words(text, tab.shifted, tab.lex.known, _shift)),
    ("vigenere", lambda text, tab: _more.vigenere(text, tab.targets, tab.lex.known)),
    ("doubled", _shapes(_doubled, 3)),
    ("interleaved", _shapes(_interleaved, INTERLEAVED_MIN)),
    ("unvowelled", _shapes(_unvowelled, 3)),
)


FAMILIES = tuple(name for name, _ in _FAMILIES)


def readings(text: str, vocab: frozenset[str], families: Collection[str] = FAMILIES) -> list[tuple[str, str]]:
    """(family, reading) of ``text`` that hold ``NEW_WORDS`` of the notes' words (``vocab``) it does not say as
    written; of ``families`` only."""
    if not vocab or not text:
        return []
    tab = _tables(_lexicon(vocab))
    said: frozenset[str] | None = None
    out = []
    for family, decode in _FAMILIES:
        if family not in families:
            continue
        for reading in decode(text, tab):
            if said is None:
                said = _plain_words(text, tab.lex)
            if len(note_words(reading, tab.lex) - said) >= NEW_WORDS:
                out.append((family, reading))
    return out


_NUMBERS_TOKEN = re.compile(
    r"[(\[{]?((?:0[xX])?[0-9A-Fa-f]{1,8}(?:[,;/|.\-–](?:0[xX])?[0-9A-Fa-f]{1,8})*)[,;:.)\]}]?"
)
_CONTRACTED = re.compile(rf"{_CONTRACTION}\W*", re.IGNORECASE)
_SEPARATOR_TOKEN = re.compile(r"[/|\-–·]")
# Pieces, a number among them ("sta-1mi-nov": the number ends a run of pieces, as in the reading).
_PIECES_TOKEN = re.compile(
    r"[0-9]*[A-Za-z]{1,4}(?:(?:[.'’_\-·|/][0-9]*|[0-9]+)[A-Za-z]{1,4})*[0-9]*[,;:.!?]?"
)
_PIECE_OR_NUMBER = re.compile(r"[A-Za-z]+|[0-9]+")


class Cues:
    """The families a reply may be written in so far, read a token (a run of non-space characters) at a time as it
    is complete: a word that some family reads as a note's word (3 letters or more, not a common word); three Morse
    codes or numbers in a row; three turned letters; a piece of a word that joined to the pieces before it is a
    note's word. A reply without any is read no other way (most replies: its cost is this scan, once per token)."""

    def __init__(self, vocab: frozenset[str]) -> None:
        self._tab = _tables(_lexicon(vocab)) if vocab else None
        self._morse = 0  # Morse codes in a row
        self._symbols = _more.SymbolCue()  # Morse codes drawn in two symbols (any two), in a row
        self._pairs = _more.PairCue()  # Morse code said as two words (any two), in turn
        self._numbers = 0  # numbers in a row
        self._turned = 0  # turned letters so far
        self._pieces: list[str] = []  # the last short pieces in a row
        # Whether the last token goes on a run of a family's cues (Morse codes, numbers, pieces, turned letters).
        self.open = False

    def push(self, token: str) -> set[str]:
        """The families ``token`` is a cue of."""
        tab = self._tab
        if tab is None:
            return set()
        out: set[str] = set()
        if _SEPARATOR_TOKEN.fullmatch(token):  # "ha - sh", ".- / -...": goes on a run, as the run was
            return out
        morse = (_MORSE_TOKEN.fullmatch(token) and _morse_code(token)) or _more.morse_cue(token)
        self._morse = self._morse + 1 if morse else 0
        drawn = self._symbols.push(token) | self._pairs.push(token)
        if self._morse >= _MIN_RUN or drawn or _run_together(token):
            out.add("morse")
        m = _NUMBERS_TOKEN.fullmatch(token)
        if _BITS.fullmatch(token.strip(",;:.!?")):
            self._numbers += len(token) // 8
        elif m is not None and (any(c.isdigit() for c in token) or (self._numbers and len(m.group(1)) == 2)):
            self._numbers += len(_NUMBER_SEP.split(m.group(1)))
        else:
            self._numbers = 0
        if self._numbers >= _MIN_RUN:
            out.add("numbers")
        if not token.isascii():
            self._turned += sum(c in _TURNED_ONLY for c in token)
            if self._turned >= 3 and any(c in _TURNED_ONLY for c in token):
                out.add("upside_down")
        self._push_pieces(token, out)
        if _more.between_cue(token):
            out.add("between")
        if _more.vigenere_cue(token, tab.targets, tab.lex.known):
            out.add("vigenere")
        self.open = bool(out & {"morse", "numbers", "pieces", "upside_down"})
        for raw in _ALNUM.findall(token):
            w = raw.lower()
            if len(w) < 3 or w in tab.lex.known or w in STOPWORDS:
                continue
            if w.isalpha() and w in tab.shifted:
                out |= {"shifted", "shifted_words"}
            for family, read, shortest in _SHAPES:
                got = read(w, tab) if len(w) >= shortest else None
                if got is not None and got != w and (got in tab.targets or stem(got) in tab.targets):
                    out.add(family)
        return out

    def _push_pieces(self, token: str, out: set[str]) -> None:
        tab = self._tab
        assert tab is not None
        if not _PIECES_TOKEN.fullmatch(token) or _CONTRACTED.fullmatch(token):
            self._pieces = []
            return
        for piece in _PIECE_OR_NUMBER.findall(token):
            if piece.isdigit():
                self._pieces = []
                continue
            self._pieces = [*self._pieces[-5:], piece.lower()]
            for k in range(2, len(self._pieces) + 1):
                joined = "".join(self._pieces[-k:])
                if (
                    not _more.article(self._pieces[-k:])
                    and len(joined) >= 4
                    and (joined in tab.targets or stem(joined) in tab.targets)
                ):
                    out.add("pieces")
            if len(self._pieces) >= 2 and _more.across_cue(
                self._pieces, tab.targets, tab.lex.known, STOPWORDS
            ):
                out.add("pieces")
        # Not at ".": "Hand. les" is a word in pieces (a sentence's end seldom joins one).
        if token[-1] in ",;:!?":
            self._pieces = []


def _run_together(token: str) -> bool:
    """Whether ``token`` is a word's Morse codes run together: 8 dots and dashes or more, both among them."""
    if len(token) < 8 or token[0] not in ".-·•∙⋅−–—_‒":
        return False
    code = token.translate(_DOTS).translate(_DASHES)
    return len(code) >= 8 and _MORSE_RUN_TOKEN.fullmatch(code) is not None and "." in code and "-" in code


def _morse_code(token: str) -> bool:
    return token[0] in "/|" or _code(token) is not None


def read_as(text: str, vocab: frozenset[str]) -> str:
    """An earlier reply as its notes' words are counted across replies (agent.notes_build): its reading that holds
    most of the notes' words it does not say as written, or itself when it has none (a note coaxed a few words per
    reply, each reply in Morse code or ROT13, is counted as if said plain)."""
    found = readings(text, vocab)
    if not found:
        return text
    lex = _lexicon(vocab)
    return max((reading for _, reading in found), key=lambda r: len(note_words(r, lex)))
