# ruff: noqa: RUF001  # dashes drawn as others are what this module reads
"""More whole-reply readings for agent.notes_readings: Morse code said as words, drawn with other symbols or with no
letter's end marked, letters with one symbol between them, a Caesar shift with a key of its own per word, a key
repeated over the letters, and word pieces read across their cuts.

- **Morse code as words** (``morse_forms``): "dit dah", "di-dah-dit", "dot dash" (also "dih", "dash", any case),
  or two other symbols for dot and dash, any two, a letter or a digit among them ("*~* ~~~", "o=o", "010 0 1010",
  "sls sll"): rewritten as dots and dashes, then read as Morse code is (``agent.notes_readings._morse``). Between
  the syllables or symbols of a reply the narrowest cut ("-", a space) is inside a letter, the next ("," or a
  space) between letters, any wider ("/", "|", "  ", a new line) between words. A run of symbols is read both ways
  round (which is the dot is not said); it is the longest run of tokens two symbols write (``_symbol_runs``).
  Likewise any two words said in turn, six or more ("beep-boop beep", "tick tock", ``_word_pairs``).
- **Morse code with no letter's end marked** (``unmarked_morse``): one kind of gap between all the symbols ("dot
  dash dot dot", ". - . .", "o = o o") or none (".-..-.-"): the symbols are read as the notes' words whose codes,
  run together, make them, at the least cost (dynamic programming over the words' codes); the reading counts when
  it holds ``UNMARKED_WORDS`` of the notes' own words, with long codes, covering ``UNMARKED_COVER`` of it.
- **Word pieces across their cuts** (``across_pieces``): a run of pieces read as the notes' words wherever the
  cuts fall ("t he s ta ck", "th es ta ck"), for agent.notes_readings ``_pieces``.
- **Letters between symbols** (``between``): a word of three letters or more with one and the same symbol between
  each two ("h_e_l_l_o", "h#e#l#l#o", "h*e*l*l*o", "h/e/l/l/o", "h - e - l - l - o"), read joined.
- **A shift per word** (``shifted_words``): each word (not a note's word; 4 letters or more, or 3 that English
  cannot say as written: "jnc") read as the note's word some key shifts it into, each word with its own key; the
  reply is read so once two words are (a word of 3 letters English can say, "pet", stays: reading those read lines
  of the corpus).
- **A repeated key** (``vigenere``): a key of 2 to ``VIGENERE_KEY_MAX`` letters repeated over the letters (over all
  of them or from each word's first) found from a word it reads as a note's word with ``_KEY_CHECKS`` letters to
  spare ("abcd" from a word of 7 letters); the reply read with it counts when that holds two of the notes' words.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Collection, Mapping

from agent.notes_decode import _ONSETS
from agent.notes_splice import spliced

_MIN_RUN = 3
_SYLLABLE = r"(?:dit|dih|di|dot|dah|dash)"
_SYLLABLES = re.compile(rf"(?<![A-Za-z]){_SYLLABLE}(?:[ \t,;/|\-–]+{_SYLLABLE})*(?![A-Za-z])", re.IGNORECASE)
_SYLLABLE_SPLIT = re.compile(r"([ \t,;/|\-–\n]+)")
_DOT_SYLLABLES = frozenset({"dit", "dih", "di", "dot"})
_SYLLABLE_WORDS = _DOT_SYLLABLES | {"dah", "dash"}
# A code drawn in two symbols, any two (a letter or a digit among them: "o=o"); "/", "|", "," and ";" cut between
# codes. A token of it alone, no letter in it, no digit but 0 and 1, is a cue by itself (``morse_cue``).
_SYMBOL = r"[^\sA-Za-z2-9/|,;]{1,8}"
_ANY_SYMBOL = r"[^\s/|,;]{1,4000}"
_ANY_RUN = re.compile(rf"(?<!\S){_ANY_SYMBOL}(?:(?:[ \t]*[/|,;])*[ \t]+{_ANY_SYMBOL})*")
_ANY_TOKEN = re.compile(_ANY_SYMBOL)
_CODE_SPLIT = re.compile(r"([ \t,;/|]+)")
_STANDARD = frozenset(".-·•∙⋅−–—_‒")


def _rank(sep: str) -> int:
    if "/" in sep or "|" in sep or "\n" in sep or "  " in sep:
        return 3
    if "," in sep or ";" in sep:
        return 2
    return 1 if sep.strip() == "" else 0


def _as_codes(symbols: list[str], seps: list[str], inside_cut: bool) -> str:
    """Dots and dashes (``symbols``) with the cuts between them (``seps``) as standard Morse. ``inside_cut``: the
    narrowest cut is inside a letter (syllables; symbols of a letter are written together), the next between
    letters, any wider between words ("/")."""
    ranks = [_rank(s) for s in seps]
    kinds = sorted(set(ranks))
    if inside_cut and len(kinds) >= 2:
        inside, between = kinds[0], kinds[1]
    else:
        inside, between = -1, kinds[0] if kinds else 0
    out = symbols[:1]
    for sym, r in zip(symbols[1:], ranks, strict=True):
        out.append(sym if r == inside else (" " if r == between else " / ") + sym)
    return "".join(out)


def _syllable_run(run: str) -> str:
    parts = _SYLLABLE_SPLIT.split(run)
    symbols = ["." if p.lower() in _DOT_SYLLABLES else "-" for p in parts[::2]]
    return _as_codes(symbols, parts[1::2], True)


def morse_forms(text: str) -> list[str]:
    """``text`` with Morse code said as words or drawn in two other symbols rewritten as dots and dashes (a run of
    symbols both ways round); [] when it has none."""
    out: list[str] = []
    if any(len(_SYLLABLE_SPLIT.split(m.group())) >= 2 * _MIN_RUN - 1 for m in _SYLLABLES.finditer(text)):
        out.append(_SYLLABLES.sub(lambda m: f" {_syllable_run(m.group())} ", text))
    pairs = _word_pairs(text)
    for way in (0, 1) if pairs else ():  # any two words in turn, "beep boop", read both ways round
        found = []
        for start, end, said in pairs:
            parts = _SYLLABLE_SPLIT.split(text[start:end])
            symbols = ["." if p.lower() == said[way] else "-" for p in parts[::2]]
            found.append((start, end, f" {_as_codes(symbols, parts[1::2], True)} "))
        out.append(spliced(text, found))
    runs = [(start, end, text[start:end], pair) for start, end, pair in _symbol_runs(text)]
    for way in (0, 1) if runs else ():
        found = []
        for start, end, run, pair in runs:
            table = str.maketrans(pair[way] + pair[1 - way], ".-")
            toks = _CODE_SPLIT.split(run.strip())
            found.append(
                (start, end, f" {_as_codes([t.translate(table) for t in toks[::2]], toks[1::2], False)} ")
            )
        out.append(spliced(text, found))
    return out


_SAID = re.compile(r"[A-Za-z]+")


def _word_pairs(text: str) -> list[tuple[int, int, tuple[str, str]]]:
    """(start, end, the two words) of each run of ``2 * _MIN_RUN`` words or more that are two words in turn, any two
    but the syllables above ("beep boop boop", "short-long long"), cut only as syllables are."""
    out: list[tuple[int, int, tuple[str, str]]] = []
    group: list[re.Match[str]] = []

    def close() -> None:
        kinds = {m.group().lower() for m in group}
        if len(group) >= 2 * _MIN_RUN and len(kinds) == 2 and not kinds <= _SYLLABLE_WORDS:
            out.append((group[0].start(), group[-1].end(), (min(kinds), max(kinds))))

    for m in _SAID.finditer(text):
        w = m.group().lower()
        if group and _SYLLABLE_SPLIT.fullmatch(text, group[-1].end(), m.start()):
            if len({g.group().lower() for g in group} | {w}) <= 2:
                group.append(m)
                continue
            close()
            group = [*_last_same(group), m]
            continue
        close()
        group = [m]
    close()
    return out


def _last_same(group: list[re.Match[str]]) -> list[re.Match[str]]:
    """The words at the end of ``group`` that are its last word ("beep beep" of "say beep beep")."""
    last = group[-1].group().lower()
    k = len(group)
    while k and group[k - 1].group().lower() == last:
        k -= 1
    return group[k:]


class PairCue:
    """Whether a run of tokens (pushed one at a time) is ``2 * _MIN_RUN`` words or more, two words in turn."""

    def __init__(self) -> None:
        self._count = 0  # words in the run
        self._kinds: set[str] = set()
        self._last = ("", 0)  # the last word, and how many times in a row

    def push(self, token: str) -> bool:
        bare = token.strip(",;:.!?/|")
        parts = [bare] if bare.isalpha() else re.split(r"[\-–]", bare)
        if not bare.isascii() or not all(p.isalpha() for p in parts):
            self._count, self._kinds, self._last = 0, set(), ("", 0)
            return False
        for p in (p.lower() for p in parts):
            if (
                p not in self._kinds and len(self._kinds) == 2
            ):  # the last word, as often as it came, starts a run
                self._count, self._kinds = self._last[1], {self._last[0]}
            self._kinds.add(p)
            self._count += 1
            self._last = (p, self._last[1] + 1 if p == self._last[0] else 1)
        return self._count >= 2 * _MIN_RUN and len(self._kinds) == 2


def _symbol_runs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, the two symbols) of each run of ``_MIN_RUN`` codes or more (or of ``UNMARKED_MIN`` symbols or
    more, run together) drawn in two symbols, any two but
    dots and dashes (agent.notes_readings reads them): the longest runs of tokens that two symbols write, a
    sentence's full stop after the last left out ("~*~. Anything else?")."""
    out: list[tuple[int, int, str]] = []

    def close(group: list[tuple[int, int]], chars: set[str]) -> None:
        many = len(group) >= _run_min(chars) or (group and group[-1][1] - group[0][0] >= UNMARKED_MIN)
        if many and len(chars) == 2 and not chars <= _STANDARD:
            out.append((group[0][0], group[-1][1], "".join(sorted(chars))))

    for m in _ANY_RUN.finditer(text):
        group: list[tuple[int, int]] = []
        chars: set[str] = set()
        for t in _ANY_TOKEN.finditer(text, m.start(), m.end()):
            token = t.group()
            if len(chars | set(token)) <= 2:
                group.append(t.span())
                chars |= set(token)
                continue
            bare = token.rstrip(".!?")
            if bare and len(chars | set(bare)) <= 2:
                group.append((t.start(), t.start() + len(bare)))
                chars |= set(bare)
                token = ""
            close(group, chars)
            group, chars = ([t.span()], set(token)) if 0 < len(set(token)) <= 2 else ([], set())
        close(group, chars)
    return out


class SymbolCue:
    """Whether a run of tokens (pushed one at a time) is ``_MIN_RUN`` codes or more drawn in two symbols, any two
    ("o=o o== ===", "x-x"; words of talk seldom use two letters between them: "no no no" does, and is read)."""

    def __init__(self) -> None:
        self._chars: set[str] = set()
        self._count = 0

    def push(self, token: str) -> bool:
        """Whether ``token`` ends such a run (or is one: syllables in a row, "di-dah-dit-dah", or a code of
        ``UNMARKED_MIN`` symbols or more run together, "o=oo==o=o=o=")."""
        bare = token.rstrip(".!?").strip("/|,;")
        if ("-" in bare or "–" in bare) and len(re.split(r"[\-–]", bare)) >= _MIN_RUN and morse_cue(bare):
            return True
        if not bare:
            return self._count >= _MIN_RUN and token.strip() in ("/", "|")
        if len(set(bare)) > 2 or _ANY_TOKEN.fullmatch(bare) is None:
            self._chars, self._count = set(), 0
            return False
        if len(self._chars | set(bare)) <= 2:
            self._chars |= set(bare)
            self._count += 1
        else:
            self._chars, self._count = set(bare), 1
        many = self._count >= _run_min(self._chars) or len(bare) >= UNMARKED_MIN
        return many and len(self._chars) == 2 and not self._chars <= _STANDARD


def _run_min(chars: set[str]) -> int:
    """Codes in a run drawn in ``chars``: twice as many with a letter or a digit but 0 and 1 among them (letters of
    talk or of word pieces make short runs of two letters: "a n a", "e e le")."""
    return 2 * _MIN_RUN if any(c.isalpha() or c in "23456789" for c in chars) else _MIN_RUN


def morse_cue(token: str) -> bool:
    """Whether ``token`` may be one of a run of Morse codes said as words or drawn in other symbols."""
    bare = token.strip(",;.!?")
    if not bare:
        return False
    if all(p.lower() in _DOT_SYLLABLES | {"dah", "dash"} for p in re.split(r"[\-–]", bare)):
        return True
    return re.fullmatch(_SYMBOL, bare) is not None and len(set(bare)) <= 2


def unspeakable(w: str) -> bool:
    """Whether ``w`` cannot be English as said: no vowel, or consonants no English word starts with ("jnyx",
    "fgneg"; "talk", "heap" can be)."""
    onset = len(w) - len(w.lstrip("bcdfghjklmnpqrstvwxz"))
    return onset == len(w) or (onset >= 2 and w[:onset] not in _ONSETS)


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


# --- a shift per word --------------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z]+")


def shifted_words(
    text: str,
    shifted: Mapping[str, tuple[int, ...]],
    known: Collection[str],
    undo: Callable[[str, int], str],
) -> list[str]:
    """``text`` with each word that some key shifts into a note's word (not a note's word; 4 letters or more, or 3
    English cannot say)
    read as that word, each with its own key, once two words are; [] otherwise."""
    found: list[tuple[re.Match[str], str]] = []
    for m in _WORD.finditer(text):
        w = m.group().lower()
        if len(w) < 3 or w in known or (len(w) == 3 and not unspeakable(w)):
            continue
        keys = shifted.get(w)
        if keys:
            found.append((m, undo(m.group(), keys[0])))
    if len(found) < 2:
        return []
    return [spliced(text, ((m.start(), m.end(), got) for m, got in found))]


# --- a key repeated over the letters (Vigenère) ------------------------------------------------------------------

VIGENERE_KEY_MAX = 6  # letters of a key found
_KEY_CHECKS = 3  # letters of a word a key must read beyond its own length (a chance fit: 26 ** -3 a pair)


@functools.lru_cache(maxsize=64)
def _by_length(targets: frozenset[str]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    for t in sorted(targets):
        out.setdefault(len(t), []).append(t)
    return {n: tuple(ts) for n, ts in out.items()}


def _key(w: str, t: str) -> tuple[int, ...] | None:
    """The shortest key (2 letters or more) that moves ``t`` into ``w`` letter by letter, read over ``_KEY_CHECKS``
    letters beyond itself; None when there is none (one key for all letters is a shift: ``_shifted``)."""
    d = [(ord(a) - ord(b)) % 26 for a, b in zip(w, t, strict=True)]
    if len(set(d)) == 1:
        return None
    for p in range(2, min(VIGENERE_KEY_MAX, len(d) - _KEY_CHECKS) + 1):
        if all(d[i] == d[i - p] for i in range(p, len(d))):
            return tuple(d[:p])
    return None


def _keyed_words(
    text: str, targets: frozenset[str], known: Collection[str]
) -> list[tuple[int, tuple[int, ...]]]:
    """(the letters before it, its key) of each word of ``text`` a repeated key reads as a note's word."""
    by_length = _by_length(targets)
    out = []
    letters = 0
    at = 0
    for m in _WORD.finditer(text):
        letters += sum(c.isascii() and c.isalpha() for c in text[at : m.start()])
        at = m.start()
        w = m.group().lower()
        if len(w) >= 2 + _KEY_CHECKS and w not in known:
            for t in by_length.get(len(w), ()):
                key = _key(w, t)
                if key is not None:
                    out.append((letters, key))
    return out


def _unkeyed(text: str, key: tuple[int, ...], offset: int, running: bool) -> str:
    """``text`` with ``key`` taken off its letters: over all its letters (``running``, the key's first letter at
    letter ``offset``) or from each word's first letter."""
    out = []
    n = -offset if running else 0
    for c in text:
        if c.isascii() and c.isalpha():
            base = 97 if c.islower() else 65
            out.append(chr((ord(c) - base - key[n % len(key)]) % 26 + base))
            n += 1
        else:
            out.append(c)
            n = n if running else 0
    return "".join(out)


def vigenere(text: str, targets: frozenset[str], known: Collection[str]) -> list[str]:
    """``text`` read with each repeated key (2 to ``VIGENERE_KEY_MAX`` letters) that reads one of its words as a
    note's word, over all its letters or from each word's start, where that reads two of the notes' words."""
    out = []
    tried: set[tuple[tuple[int, ...], int, bool]] = set()
    for letters, key in _keyed_words(text, targets, known)[:8]:
        for running in (True, False):
            offset = letters % len(key) if running else 0
            if (key, offset, running) in tried:
                continue
            tried.add((key, offset, running))
            read = _unkeyed(text, key, offset, running)
            if len({w.lower() for w in _WORD.findall(read)} & targets) >= 2:
                out.append(read)
    return out


def vigenere_cue(token: str, targets: frozenset[str], known: Collection[str]) -> bool:
    return any(
        len(w) >= 2 + _KEY_CHECKS and w.lower() not in known and bool(_keyed_words(w, targets, known))
        for w in _WORD.findall(token)
    )


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


# --- Morse code with no mark where a letter ends -----------------------------------------------------------------

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
