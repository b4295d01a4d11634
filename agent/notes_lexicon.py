"""The notes' lexicon, and one word read as the notes' words it encodes.

Leetspeak, words run together, masked letters, pig latin, letters reversed, base64 and hexadecimal: agent.notes_decode
applies them, and its docstring says when."""

from __future__ import annotations

import base64
import functools
import itertools
from dataclasses import dataclass

from agent.notes_words import STOPWORDS, stem

JOINED_COVER = 0.8  # of a word run together, what the notes' words must cover (the rest: single letters)
JOINED_MIN = 6  # letters: shorter words run together are mostly ordinary words ("into", "input")
ENCODED_MIN = 8  # characters: a shorter word is not read as hexadecimal or base64
REVERSED_ALONE = 6  # letters: a reversed word this long is decoded alone (English pairs this long are rare)

_LEET = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s"}
_LEET_CHARS = frozenset(_LEET)
_VOWELS = frozenset("aeiou")

# The consonants an English word can start with, two or three of them (any one can).
_ONSETS_TEXT = """bl br ch chl chr cl cr dr dw fl fr gh gl gn gr kl kn kr ph phl phr pl pr ps rh sc sch scr sh shr sk sl
    sm sn sp sph spl spr sq st str sv sw th thr tr tw vl wh wr zh"""
_ONSETS = frozenset(_ONSETS_TEXT.split())


@dataclass(frozen=True, eq=False)  # one per vocab (``lexicon``): compared by identity
class Lexicon:
    vocab: frozenset[str]
    known: frozenset[str]  # the notes' words, their stems and the stems with -s: what a decoded word must be
    parts: frozenset[str]  # what a word run together may start with: the notes' words and their stems
    longest: int


@functools.lru_cache(maxsize=64)
def lexicon(vocab: frozenset[str]) -> Lexicon:
    stems = {stem(w) for w in vocab if len(w) > 1}
    parts = frozenset({w for w in vocab if len(w) > 1} | stems)
    parts = frozenset(w for w in parts if len(w) > 2 or w in STOPWORDS)  # "re", "ab": not words of their own
    known = frozenset({w for w in vocab if len(w) > 1} | stems | {s + "s" for s in stems})
    return Lexicon(vocab, known, parts, max((len(w) for w in known), default=0))


@functools.lru_cache(maxsize=16384)
def decoded_word(w: str, lex: Lexicon) -> tuple[str, ...] | None:
    """``w`` (not a note's word) as the notes' words it encodes by leetspeak, running together or pig latin; None
    when it encodes none."""
    known = lex.known
    if "*" in w:
        return _masked(w, lex)
    if not w.isalpha():
        if not any(c.isalpha() for c in w) or not (_LEET_CHARS & set(w)):
            return None
        options = [_LEET.get(c, c) for c in w]
        if sum(len(o) > 1 for o in options) > 3:
            return None
        for letters in itertools.product(*options):
            if (plain := "".join(letters)) in known:
                return (plain,)
        return None
    if len(w) >= JOINED_MIN and (pieces := _joined(w, lex)) is not None:
        return pieces
    if len(w) >= 5 and w.endswith("ay"):
        core = w[:-2]
        for k in range(1, 4):  # "ashhay": consonants moved behind
            front, back = core[-k:], core[:-k]
            if len(core) > k and not (_VOWELS & set(front)) and back[0] in _VOWELS and front + back in known:
                return (front + back,)
        for tail in ("w", "y", "h", ""):  # "indexway", "indexyay", "indexay": a word starting with a vowel
            base = core[: len(core) - len(tail)]
            if core.endswith(tail) and len(base) >= 3 and base[0] in _VOWELS and base in known:
                return (base,)
    return None


def _masked(w: str, lex: Lexicon) -> tuple[str, ...] | None:
    """``w`` with letters masked by ``*`` ("h*sh", "s*nt*n*l"), one star a letter, as the note word it fits; None
    unless two letters or more are left and at most half of it is masked ("n*m", "a*b" of talk about code stay)."""
    stars = w.count("*")
    if len(w) < 3 or stars * 2 > len(w) or len(w) - stars < 2 or not w.replace("*", "").isalpha():
        return None
    fits = sorted(
        k for k in lex.known if len(k) == len(w) and all(a in ("*", b) for a, b in zip(w, k, strict=True))
    )
    return (fits[0],) if fits else None


def _joined(w: str, lex: Lexicon) -> tuple[str, ...] | None:
    """``w`` split into the notes' words (the last may take an -s; "a" and "i" among them), fewest pieces
    ("usesahashmap"): two words of 2 letters or more at least, covering ``JOINED_COVER`` of it, one not a common
    word ("banana" is no "banan a"). English compounds of common words ("cannot", "within", "another",
    "everyone") and of a word and a syllable ("person", "restart": "re" is no word of its own) stay whole."""
    n = len(w)
    inf = 3 * n + 1
    cost = [0] + [inf] * n
    back = [0] * (n + 1)
    for start in range(n):  # forward, from the ends reached only: most words reach none past their start
        c = cost[start]
        if c >= inf:
            continue
        if w[start] in lex.vocab and c + 3 < cost[start + 1]:  # "a", "i": a letter that is a word
            cost[start + 1], back[start + 1] = c + 3, start
        for end in range(start + 2, min(n, start + lex.longest) + 1):
            if c + 1 < cost[end]:
                piece = w[start:end]
                if piece in lex.parts or (end == n and len(piece) > 3 and piece in lex.known):
                    cost[end], back[end] = c + 1, start
    if cost[n] >= inf:
        return None
    pieces: list[str] = []
    end = n
    while end > 0:
        pieces.append(w[back[end] : end])
        end = back[end]
    pieces.reverse()
    words_ = [p for p in pieces if len(p) > 1]
    if (
        len(words_) < 2
        or sum(map(len, words_)) < JOINED_COVER * n
        or all(p in STOPWORDS or stem(p) in STOPWORDS for p in words_)
    ):
        return None
    return tuple(pieces)


def reversed_word(w: str, lex: Lexicon) -> str | None:
    back = w[::-1]
    return back if len(w) >= 2 and w.isalpha() and back in lex.known else None


def reads_reversed(said: str) -> bool:
    """Whether a word that is a note's word backwards, said alone, is read as that word: when it is long
    (``REVERSED_ALONE``), or cannot be English as said, since it starts with consonants no English word starts with
    ("hsah", "tsoc"; "keep", "pool", "pam" can be, and stay as said). A word of three letters or fewer, or without a
    vowel, may be an acronym or a code name ("lru", "dfs", "ptr") and stays."""
    if len(said) >= REVERSED_ALONE:
        return True
    if len(said) < 4:  # "lru", "dfs": acronyms
        return False
    onset = len(said) - len(said.lstrip("bcdfghjklmnpqrstvwxz"))
    return 2 <= onset < len(said) and said[:onset] not in _ONSETS


def unspeakable(w: str) -> bool:
    """Whether ``w`` cannot be English as said: no vowel, or consonants no English word starts with ("jnyx",
    "fgneg"; "talk", "heap" can be)."""
    onset = len(w) - len(w.lstrip("bcdfghjklmnpqrstvwxz"))
    return onset == len(w) or (onset >= 2 and w[:onset] not in _ONSETS)


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


@functools.lru_cache(maxsize=4096)
def encoded_text(raw: str) -> str | None:
    """``raw`` (a word as written, case kept) as the text it encodes in hexadecimal or base64, when it is
    ``ENCODED_MIN`` characters or more and decodes to printable text, mostly letters and spaces; else None. Base64
    broken into several words by its "+" and "/" is decoded a piece at a time, each at the alignment that reads
    (a word at a piece's edge may be lost: the rules allow for a word missing)."""
    raw = raw.rstrip("=")
    if len(raw) < ENCODED_MIN or not raw.isascii() or (raw.isalpha() and raw.islower()):
        return None
    if not raw.replace("+", "").replace("/", "").isalnum():
        return None
    tries: list[bytes] = []
    if len(raw) % 2 == 0 and _HEX_DIGITS.issuperset(raw):
        tries.append(bytes.fromhex(raw))
    for skip in range(4):
        piece = raw[skip:]
        piece = piece[:-1] if len(piece) % 4 == 1 else piece + "=" * (-len(piece) % 4)
        if len(piece) >= ENCODED_MIN:
            tries.append(base64.b64decode(piece))
    for data in tries:
        text = data.decode("latin-1")
        if text.isprintable() and sum(c.isalpha() or c == " " for c in text) >= 0.7 * len(text):
            return text
    return None
