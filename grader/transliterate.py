# ruff: noqa: RUF001, RUF003  # tables of Cyrillic and Greek letters, some of which look like Latin ones
"""A Latin name written in another script: Cyrillic, Greek, Arabic, Devanagari or another script of India read as
Devanagari ("Ада", "Άντα", "محمد", "प्रिया", "ப்ரியா" for Ada, Ada, Mohammed, Priya and Priya), as a candidate
may write their name in a comment or say it to a speech-to-text set to another language. grader/redact.py
replaces a word of those scripts whose sound, read letter by letter, is a name part's.

A word is read into Latin letters (`romanise`: one common transliteration of each script) and both it and the name
part are reduced to a coarse key of their sound (`sound_key`): digraphs that spell one sound become one letter
(`ph` f, `th` t, `kh` h, `zh`/`dzh`/`dj` j, `ou` u), `c` reads as `s` or `k`, `w` as `v`, `y` as `i`, Greek's `nt`
and `mp` as `d` and `b`, and doubled letters as one. The word is the name when the keys are equal, or, for a name
part whose consonants are four or more (and in Arabic, written without its short vowels, three or more), when their
consonants are: "Лавлейс" and "Ловелас" are both Lovelace. A Chinese, Japanese or Korean name is also read as a
Russian text spells it by its sound ("Чжан" for Zhang, "Синдзи" for Shinji: grader/east_asian.py). A name with a
part of two letters or an everyday word (`Will`) stays.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from grader.east_asian import (
    KOREAN_FAMILY,
    hangul_syllable,
    japanese_form,
    kana_units,
    korean_form,
    russian_spellings,
)

# The other scripts of India, each laid out in Unicode as Devanagari is (the same letter at the same place in its
# block of 128): Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam. A letter of one is read as
# the Devanagari letter at its place (`_as_devanagari`); Malayalam's chillus (a consonant without its vowel) as that
# consonant with a virama.
INDIC = "\u0980-\u0d7f"
CHILLU = {"\u0d7a": "\u0923\u094d", "\u0d7b": "\u0928\u094d", "\u0d7c": "\u0930\u094d", "\u0d7d": "\u0932\u094d",
          "\u0d7e": "\u0933\u094d", "\u0d7f": "\u0915\u094d"}  # fmt: skip
TIPPI = {"\u0a70": "\u0902", "\u0a71": ""}  # Gurmukhi's nasal sign, and its sign doubling the next consonant

# The scripts read here, with the invisible characters that can sit inside a word (soft hyphen, zero-width ones).
OTHER_SCRIPT_WORD = re.compile(
    "[\u0370-\u03ff\u1f00-\u1fff\u0400-\u04ff\u0500-\u052f\u0620-\u064a\u0660-\u06d3\u0900-\u0963\u0966-\u097f"
    f"{INDIC}]"
    "[\u0370-\u03ff\u1f00-\u1fff\u0400-\u04ff\u0500-\u052f\u0620-\u065f\u0670-\u06d3\u0900-\u0963\u0966-\u097f"
    f"{INDIC}"
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
        "कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसहळऩऱऴ",
        "k kh g gh n ch chh j jh n t th d dh n t th d dh n p ph b bh m y r l v sh sh s h l n r l".split(),  # noqa: SIM905  # a letter list reads better as text
        strict=True,
    )
)
DEVANAGARI_VOWELS = dict(zip("अआइईउऊऋएऐओऔऎऒ", "a a i i u u ri e ai o au e o".split(), strict=True))  # noqa: SIM905
DEVANAGARI_SIGNS = dict(zip("ािीुूृेैोौंँःॆॊ", "a i i u u ri e ai o au n n h e o".split(), strict=True))  # noqa: SIM905
VIRAMA = "\u094d"


# One table for the scripts read letter by letter (Cyrillic, Greek without its accents, Arabic): `str.translate`.
_TABLE: dict[int, str | None] = {
    ord(c): v.strip("_") for table in (CYRILLIC, GREEK, ARABIC) for c, v in table.items()
}
_TABLE.update({ord(c.upper()): v.strip("_") for c, v in CYRILLIC.items()})
_TABLE.update({ord(c): None for c in "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060"})
_MARKS = re.compile("[\u0300-\u036f\u064b-\u065f\u0670]")  # Greek accents and breathings, Arabic vowel signs
_GREEK_PAIR = re.compile("|".join(GREEK_PAIRS))
_DEVANAGARI = re.compile(f"[\u0900-\u097f{INDIC}]")


def _as_devanagari(word: str) -> str:
    """`word` with each letter of another Indian script as the Devanagari letter at its place (`INDIC`)."""
    out: list[str] = []
    for c in unicodedata.normalize("NFC", word):
        if "\u0980" <= c <= "\u0d7f":
            c = CHILLU.get(c) or TIPPI.get(c, chr(0x900 + (ord(c) - 0x980) % 0x80))
        out.append(c)
    return "".join(out)


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
    chars = [c for c in unicodedata.normalize("NFC", _as_devanagari(word)) if unicodedata.category(c) != "Cf"]
    # Telugu, Kannada and Malayalam say a word's last inherent vowel (and write a virama where there is none):
    # "ప్రియ" is Priya there, where Hindi's "राम" is Ram.
    said_at_end = any("\u0c00" <= c <= "\u0d7f" for c in word)
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
            elif (after not in DEVANAGARI_SIGNS or after in "ंँः") and (i + 1 < len(chars) or said_at_end):
                out.append("a")  # the inherent vowel, silent at the end of a word ("राम" is Ram)
        elif c in DEVANAGARI_VOWELS:
            out.append(DEVANAGARI_VOWELS[c])
        elif c in DEVANAGARI_SIGNS:
            out.append(DEVANAGARI_SIGNS[c])
        elif not _DEVANAGARI.match(c):
            out.append(romanise(c))  # a letter of another script inside the word
        # Else a Devanagari character no table reads (a digit, a danda, a sign): nothing of the name's sound. It had
        # been read by `romanise` again, which sent it back here, for ever (a RecursionError failed the grading).
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
        latin = [p for p in parts if len(p) >= 3 and p.isascii() and p.isalpha()]
        keys = {sound_key(p) for p in latin}
        # And as a Russian text spells a Chinese, Japanese or Korean name ("Чжан" for Zhang: grader/east_asian.py).
        keys |= {sound_key(romanise(cyrillic)) for p in latin for cyrillic in russian_spellings(p)}
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
        """`Rule.refine` for a word of another script (`OTHER_SCRIPT_WORD`): its span if it is a name."""
        return [(start, end)] if self.is_name(text[start:end]) else []


# A Latin word in the matching form, with its hyphenated or apostrophised pieces ("Al-Farsi", "O'Neil").
LATIN_WORD = re.compile(r"(?<![^\W\d_])[A-Za-z]+(?:['-][A-Za-z]+)*(?![^\W\d_])")
_HANGUL = re.compile("[\uac00-\ud7a3]+")
_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc]+")
_READ_HERE = re.compile(f"[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u0620-\u06d3\u0900-\u097f{INDIC}]")


class LatinReadings:
    """A name on file in another script (Cyrillic, Greek, Arabic, Devanagari, Hangul, kana; Han in
    grader/han_names.py) as the Latin words it is written in ("Dmitry" or "Dmitriy" for Дмитрий, "Mohammed"
    for محمد, "Minjun Kim" for 김민준): `spans` is a `Rule.refine` for a `LATIN_WORD`. A reading that is an
    everyday word or shorter than three letters ("Мин", min) is left out. `parts`: the name's words as given (not
    in the matching form, which takes Hangul apart and the marks off kana)."""

    def __init__(self, parts: list[str], everyday: frozenset[str]) -> None:
        keys: set[str] = set()
        arabic: set[str] = set()
        korean: set[str] = set()
        japanese: set[str] = set()
        for part in (p for given in parts for p in given.split("\u30fb") if p):  # タナカ・ユキ
            if _READ_HERE.search(part) and (latin := romanise(part)).isalpha():
                if latin not in everyday and len(latin) >= 3:
                    (arabic if any("\u0620" <= c <= "\u06d3" for c in part) else keys).add(sound_key(latin))
            elif _HANGUL.fullmatch(part):
                syllables = [hangul_syllable(c) for c in part]
                readings = {"".join(syllables), "".join(syllables[1:]), syllables[0]}
                readings |= {latin for latin, (hangul, _) in KOREAN_FAMILY.items() if hangul == part[0]}
                korean |= {korean_form(r) for r in readings if len(r) >= 3 and r not in everyday}
            elif _KANA.fullmatch(part) and len(latin := "".join(u[2] for u in kana_units(part))) >= 3:
                japanese |= {japanese_form(latin)} if latin not in everyday else set()
        self.keys = frozenset(keys)
        self.skeletons = frozenset(s for k in keys if len(s := consonants(k)) >= 4)
        self.arabic = frozenset(
            s for k in arabic for s in (consonants(k), consonants(k.removeprefix("al"))) if len(s) >= 3
        )
        self.korean, self.japanese = frozenset(korean), frozenset(japanese)
        # A word the text uses as an everyday one is no reading of the name, however it sounds ("force" is no
        # reading of الفارسي): evidence in such words stays.
        self.everyday = everyday

    def __bool__(self) -> bool:
        return bool(self.keys or self.arabic or self.korean or self.japanese)

    def is_name(self, word: str) -> bool:
        if word.lower() in self.everyday:
            return False
        key = sound_key(word)
        if key in self.keys or (len(s := consonants(key)) >= 4 and s in self.skeletons):
            return True
        if self.arabic and consonants(key.replace("p", "b").replace("v", "f")) in self.arabic:
            return True
        return korean_form(word) in self.korean or japanese_form(word) in self.japanese

    def spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        token = text[start:end]
        if self.is_name(token):
            return [(start, end)]
        pieces = re.finditer(r"[A-Za-z]{3,}", token) if "-" in token or "'" in token else ()
        return [(start + m.start(), start + m.end()) for m in pieces if self.is_name(m.group())]
