# ruff: noqa: RUF001  # turned letters drawn as others are what this module reads
"""Letters written as other letters, read back: families of agent.notes_readings.

- **Shifted letters** (``shifted_letters``): a Caesar shift by any key (ROT13 among them) or the alphabet reversed
  (Atbash): the reply read with a key that reads two of its words as the notes' words, or one of ``SHIFTED_ALONE``
  letters, or, in a short reply, one of ``SHIFTED_SHORT`` letters that cannot be English as said ("jnyx"; "talk"
  can be).
- **Upside-down text** (``upside_down``): "ʎɐɹɹɐ ǝɥʇ ʞlɐʍ", read back (three of its turned letters at least).
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

from agent.notes_lexicon import unspeakable
from agent.notes_match import SINGLE_REPLY_WORDS
from agent.notes_splice import spliced
from agent.notes_tables import Tables

SHIFTED_ALONE = 6  # letters: one word read with a key alone picks that key (shorter ones: two words at least)
SHIFTED_SHORT = (
    4  # letters: the same in a short reply (a word coaxed per reply: "The next word is: fragvary.")
)

_WORD = re.compile(r"[A-Za-z]+")


def shift(text: str, key: int) -> str:
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


def shifted_table(targets: frozenset[str]) -> dict[str, tuple[int, ...]]:
    """Each of ``targets`` as written shifted by a key (26: Atbash) -> the keys that read it as that target."""
    shifted: dict[str, list[int]] = {}
    for t in targets:
        for key in range(1, 27):  # the word as written when read with ``key``
            said = shift(t, 26 - key) if key < 26 else shift(t, 26)
            shifted.setdefault(said, []).append(key)
    return {k: tuple(v) for k, v in shifted.items()}


# --- shifted letters -------------------------------------------------------------------------------------------


def shifted_letters(text: str, tab: Tables) -> list[str]:
    said = _WORD.findall(text)
    alone = SHIFTED_SHORT if len(said) <= SINGLE_REPLY_WORDS else SHIFTED_ALONE
    hits: dict[int, set[str]] = {}
    for w in {w.lower() for w in said if len(w) >= 3}:
        if w in tab.lex.known:
            continue
        for key in tab.shifted.get(w, ()):
            hits.setdefault(key, set()).add(w)
    return [
        shift(text, key)
        for key, ws in hits.items()
        if len(ws) >= 2 or any(len(w) >= SHIFTED_ALONE or (len(w) >= alone and unspeakable(w)) for w in ws)
    ]


# --- upside-down text ------------------------------------------------------------------------------------------

_TURNED = dict(zip("ɐqɔpǝɟƃɥᴉıɾʞʃlɯuodbɹsʇnʌʍxʎz", "abcdefghiijkllmnopqrstuvwxyz", strict=True))
_TURNED |= dict(zip("∀ᗺƆᗡƎℲ⅁ſꓘ⅂ꟽԀΌᴚ⊥∩ΛMX⅄ƖᄅƐㄣϛㄥ˙'¿¡", "ABCDEFGJKLMPQRTUVWXY123457.,?!", strict=True))
TURNED_ONLY = frozenset("ɐɔǝɟƃɥᴉıɾʞʃɯɹʇʌʍʎ∀ᗺƆᗡƎℲ⅁ꓘ⅂ԀᴚΛ⅄")
_TURN = str.maketrans(_TURNED)


def upside_down(text: str, tab: Tables) -> list[str]:
    if text.isascii() or sum(c in TURNED_ONLY for c in text) < 3:
        return []
    turned = text.translate(_TURN)
    return [turned[::-1], turned]  # turned round whole, or letter by letter in place


# --- a shift per word --------------------------------------------------------------------------------------------


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
    letters beyond itself; None when there is none (one key for all letters is a shift: ``shifted_letters``)."""
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
