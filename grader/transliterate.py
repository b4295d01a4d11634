# ruff: noqa: RUF001, RUF003  # tables of Cyrillic and Greek letters, some of which look like Latin ones
"""A Latin name written in another script: Cyrillic, Greek, Arabic or Devanagari ("Ада", "Άντα", "محمد", "प्रिया" for
Ada, Ada, Mohammed and Priya), as a candidate may write their name in a comment or say it to a speech-to-text set to
another language. grader/redact.py replaces a word of those scripts whose sound, read letter by letter, is a name
part's.

A word is read into Latin letters (`romanise`: one common transliteration of each script) and both it and the name
part are reduced to a coarse key of their sound (`sound_key`): digraphs that spell one sound become one letter
(`ph` f, `th` t, `kh` h, `zh`/`dzh`/`dj` j, `ou` u), `c` reads as `s` or `k`, `w` as `v`, `y` as `i`, Greek's `nt`
and `mp` as `d` and `b`, and doubled letters as one. The word is the name when the keys are equal, or, for a name
part whose consonants are four or more (and in Arabic, written without its short vowels, three or more), when their
consonants are: "Лавлейс" and "Ловелас" are both Lovelace. A name spelled by its sound in ways this does not reduce
to one key ("Чжан" for Zhang) stays, as does a name with a part of two letters or an everyday word (`Will`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The scripts read here, with the invisible characters that can sit inside a word (soft hyphen, zero-width ones).
OTHER_SCRIPT_WORD = re.compile(
    "[\u0370-\u03ff\u1f00-\u1fff\u0400-\u04ff\u0500-\u052f\u0620-\u064a\u0660-\u06d3\u0900-\u0963\u0966-\u097f]"
    "[\u0370-\u03ff\u1f00-\u1fff\u0400-\u04ff\u0500-\u052f\u0620-\u065f\u0670-\u06d3\u0900-\u0963\u0966-\u097f"
    "\u00ad\u200b-\u200f\u2060]*"
)

CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i i ye g u".split(),  # noqa: SIM905  # a letter list reads better as text
        strict=True,
    )
)
GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "a v g d e z i th i k l m n ks o p r s s t i f kh ps o".split(),  # noqa: SIM905  # a letter list reads better as text
        strict=True,
    )
)
# Greek pairs that spell one sound: "ου" u, "αι" e, "ει"/"οι" i, "μπ" b, "ντ" d, "γκ"/"γγ" g.
GREEK_PAIRS = {
    "ου": "u",
    "αι": "e",
    "ει": "i",
    "οι": "i",
    "μπ": "b",
    "ντ": "d",
    "γκ": "g",
    "γγ": "ng",
    "γι": "y",
}
ARABIC = dict(
    zip(
        "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي",
        "_ a a u i i a b a t th j h kh d dh r z s sh s d t z _ gh f q k l m n h u a i".split(),  # noqa: SIM905  # a letter list reads better as text
        strict=True,
    )
)
# Devanagari: consonants (read with their inherent "a" unless a vowel sign or a virama follows), vowels, and signs.
DEVANAGARI_CONSONANTS = dict(
    zip(
        "कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसहळ",
        "k kh g gh n ch chh j jh n t th d dh n t th d dh n p ph b bh m y r l v sh sh s h l".split(),  # noqa: SIM905  # a letter list reads better as text
        strict=True,
    )
)
DEVANAGARI_VOWELS = dict(zip("अआइईउऊऋएऐओऔ", "a a i i u u ri e ai o au".split(), strict=True))  # noqa: SIM905
DEVANAGARI_SIGNS = dict(zip("ािीुूृेैोौंँः", "a i i u u ri e ai o au n n h".split(), strict=True))  # noqa: SIM905
VIRAMA = "\u094d"


# One table for the scripts read letter by letter (Cyrillic, Greek without its accents, Arabic): `str.translate`.
_TABLE: dict[int, str | None] = {
    ord(c): v.strip("_") for table in (CYRILLIC, GREEK, ARABIC) for c, v in table.items()
}
_TABLE.update({ord(c.upper()): v.strip("_") for c, v in CYRILLIC.items()})
_TABLE.update({ord(c): None for c in "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060"})
_MARKS = re.compile("[\u0300-\u036f\u064b-\u065f\u0670]")  # Greek accents and breathings, Arabic vowel signs
_GREEK_PAIR = re.compile("|".join(GREEK_PAIRS))
_DEVANAGARI = re.compile("[\u0900-\u097f]")


def romanise(word: str) -> str:
    """`word` (Cyrillic, Greek, Arabic or Devanagari) in lower-case Latin letters, letter by letter."""
    if _DEVANAGARI.search(word) is None:
        if max(word) >= "\u0370" and any(
            "\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff" for c in word
        ):
            word = _MARKS.sub("", unicodedata.normalize("NFD", word)).lower()  # Greek: without its accents
            word = _GREEK_PAIR.sub(lambda m: GREEK_PAIRS[m.group()], word)
        return _MARKS.sub("", word).translate(_TABLE)
    return _devanagari(word)


def _devanagari(word: str) -> str:
    out: list[str] = []
    chars = [c for c in unicodedata.normalize("NFC", word) if unicodedata.category(c) != "Cf"]
    i = 0
    while i < len(chars):
        c = chars[i]
        if c in DEVANAGARI_CONSONANTS:
            out.append(DEVANAGARI_CONSONANTS[c])
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if after == "\u093c":  # nukta: the same letter, near enough
                i += 1
                after = chars[i + 1] if i + 1 < len(chars) else ""
            if after == VIRAMA:
                i += 1
            elif (after not in DEVANAGARI_SIGNS or after in "ंँः") and i + 1 < len(chars):
                out.append("a")  # the inherent vowel, silent at the end of a word ("राम" is Ram)
        elif c in DEVANAGARI_VOWELS:
            out.append(DEVANAGARI_VOWELS[c])
        elif c in DEVANAGARI_SIGNS:
            out.append(DEVANAGARI_SIGNS[c])
        else:
            out.append(romanise(c) if c != "\u0964" else "")
        i += 1
    return "".join(out)


# Spellings of one sound, read the same on both sides (applied in order to a lower-case Latin word).
_SOUNDS = (
    ("sch", "sh"), ("tch", "ch"), ("dzh", "j"), ("zh", "j"), ("dj", "j"), ("dg", "j"), ("ph", "f"), ("th", "t"),
    ("kh", "h"), ("ck", "k"), ("gh", "g"), ("ou", "u"), ("ch", "\x00"), ("ts", "c"), ("tz", "c"), ("q", "k"),
    ("x", "ks"), ("w", "v"), ("y", "i"), ("mp", "b"), ("mb", "b"), ("nt", "d"), ("nd", "d"),
)  # fmt: skip
_SOFT_C = re.compile(r"c(?=[eiy])")
_VOWELS = re.compile(r"[aeiou]")
_DOUBLED = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile("[^a-z]+")


@lru_cache(maxsize=8192)
def sound_key(latin: str) -> str:
    """A coarse key of how a Latin word sounds (see the module's docstring): equal for "Priya" and "Прия"."""
    word = latin.lower() if latin.isascii() else unicodedata.normalize("NFKD", latin.lower())
    word = _NOT_LETTER.sub("", word)
    word = _SOFT_C.sub("s", word)
    for spelling, sound in _SOUNDS:
        word = word.replace(spelling, sound)
    word = word.replace("c", "k").replace("\x00", "ch")
    return _DOUBLED.sub(r"\1", word)


def consonants(key: str) -> str:
    return _DOUBLED.sub(r"\1", _VOWELS.sub("", key))


class OtherScriptNames:
    """The name parts (Latin, three letters or more, not everyday words) as their sound keys; `spans` finds the
    words of another script in a text that read as one of them."""

    def __init__(self, parts: set[str]) -> None:
        keys = {sound_key(p) for p in parts if len(p) >= 3 and p.isascii() and p.isalpha()}
        self.keys = frozenset(k for k in keys if len(k) >= 3)
        self.skeletons = frozenset(s for k in self.keys if len(s := consonants(k)) >= 3)
        # Arabic has no p or v (a name's p is written b, its v f).
        self.arabic_keys = frozenset(k.replace("p", "b").replace("v", "f") for k in self.keys)
        self.arabic_skeletons = frozenset(s.replace("p", "b").replace("v", "f") for s in self.skeletons)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def is_name(self, word: str) -> bool:
        key = sound_key(romanise(word))
        if key in self.keys:
            return True
        if not any("\u0620" <= c <= "\u06d3" for c in word):
            skeleton = consonants(key)
            return len(skeleton) >= 4 and skeleton in self.skeletons
        # Arabic, written without its short vowels: the consonants, also without the article al- ("الفارسي").
        if key in self.arabic_keys:
            return True
        skeletons = {consonants(key), consonants(key.removeprefix("al"))}
        return any(s in self.arabic_skeletons for s in skeletons if len(s) >= 3)

    def spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """`_Rule.refine` for a word of another script (`OTHER_SCRIPT_WORD`): its span if it is a name."""
        return [(start, end)] if self.is_name(text[start:end]) else []
