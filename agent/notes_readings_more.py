# ruff: noqa: RUF001  # dashes drawn as others are what this module reads
"""More whole-reply readings for agent.notes_readings: Morse code said as words or drawn with other symbols, letters
with one symbol between them, a Caesar shift with a key of its own per word, and a key repeated over the letters.

- **Morse code as words** (``morse_forms``): "dit dah", "di-dah-dit", "dot dash" (also "dih", "dash", any case),
  or two other symbols for dot and dash ("*~* ~~~", "o=o", "010 0 1010"): rewritten as dots and dashes, then read
  as Morse code is (``agent.notes_readings._morse``). Between the syllables or symbols of a reply the narrowest cut
  ("-", a space) is inside a letter, the next ("," or a space) between letters, any wider ("/", "|", "  ", a new
  line) between words. A run of symbols is read both ways round (which is the dot is not said).
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

import functools
import re
from collections.abc import Callable, Collection, Mapping

from agent.notes_decode import _ONSETS

_MIN_RUN = 3
_SYLLABLE = r"(?:dit|dih|di|dot|dah|dash)"
_SYLLABLES = re.compile(rf"(?<![A-Za-z]){_SYLLABLE}(?:[ \t,;/|\-–]+{_SYLLABLE})*(?![A-Za-z])", re.IGNORECASE)
_SYLLABLE_SPLIT = re.compile(r"([ \t,;/|\-–\n]+)")
_DOT_SYLLABLES = frozenset({"dit", "dih", "di", "dot"})
# A code drawn in two symbols: no letter, no digit but 0 and 1; "/", "|", "," and ";" cut between codes.
_SYMBOL = r"[^\sA-Za-z2-9/|,;]{1,8}"
_SYMBOL_RUN = re.compile(rf"(?<!\S){_SYMBOL}(?:(?:[ \t]*[/|,;])*[ \t]+{_SYMBOL}){{{_MIN_RUN - 1},}}(?!\S)")
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
    runs = []
    for m in _SYMBOL_RUN.finditer(text):
        run, end = m.group(), m.end()
        if _two_symbols(run) is None and run[-1] in ".!?":  # the sentence's full stop: "~*~. Anything else?"
            run, end = run[:-1], end - 1
        pair = _two_symbols(run)
        if pair is not None:
            runs.append((m.start(), end, run, pair))
    for way in (0, 1) if runs else ():
        parts: list[str] = []
        at = 0
        for start, end, run, pair in runs:
            table = str.maketrans(pair[way] + pair[1 - way], ".-")
            toks = _CODE_SPLIT.split(run.strip())
            parts += [
                text[at:start],
                " ",
                _as_codes([t.translate(table) for t in toks[::2]], toks[1::2], False),
                " ",
            ]
            at = end
        out.append("".join([*parts, text[at:]]))
    return out


def _two_symbols(run: str) -> str | None:
    """The two symbols a run of codes is drawn in (not dots and dashes already: agent.notes_readings reads them)."""
    chars = set(_CODE_SPLIT.sub("", run))
    if len(chars) != 2 or chars <= _STANDARD:
        return None
    return "".join(sorted(chars))


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
    out: list[str] = []
    at = 0
    for m, got in found:
        out += [text[at : m.start()], got]
        at = m.end()
    return ["".join([*out, text[at:]])]


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
