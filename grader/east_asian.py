# ruff: noqa: RUF001  # tables of Cyrillic, kana and Hangul letters
"""Chinese, Japanese and Korean names across scripts (grader/transliterate.py, grader/redact.py):

- a Latin (pinyin, Hepburn) name written in Cyrillic by the Russian conventions, which spell by sound rather than
  letter by letter: Palladius for Chinese ("Zhang" Чжан, "Xiaoming" Сяомин, "Jing" Цзин), Polivanov for Japanese
  ("Shinji" Синдзи, "Tsuchiya" Цутия), and the usual Cyrillic of the common Korean family names ("Park" Пак, "Choi"
  Чхве or Цой): `russian_spellings`;
- Hangul and kana read into Latin letters (Revised Romanisation, Hepburn) and compared in a coarse form of each
  language's Latin spellings (`korean_form`: `Kim` and 김 "gim", `Jiwoo` and 지우 "jiu"; `japanese_form`: `Shinji`
  and シンジ, `Yuuki` and ゆうき), for a Latin name written in them (`LatinNamesInHangulOrKana`) and for a name on
  file in them written in Latin letters (grader/transliterate.py `LatinReadings`).

A part is read by the convention whose syllables it parses into (a name that is not pinyin gets no Palladius form).
Han characters are read into pinyin by grader/han_names.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

# Palladius: pinyin initials and finals (after an initial) in Cyrillic.
_PY_INITIALS = {
    "zh": "чж", "ch": "ч", "sh": "ш", "b": "б", "p": "п", "m": "м", "f": "ф", "d": "д", "t": "т", "n": "н",
    "l": "л", "g": "г", "k": "к", "h": "х", "j": "цз", "q": "ц", "x": "с", "r": "ж", "z": "цз", "c": "ц", "s": "с",
}  # fmt: skip
_PY_FINALS = {
    "a": "а", "o": "о", "e": "э", "ai": "ай", "ei": "эй", "ao": "ао", "ou": "оу", "an": "ань", "en": "энь",
    "ang": "ан", "eng": "эн", "ong": "ун", "er": "эр", "i": "и", "ia": "я", "ie": "е", "iao": "яо", "iu": "ю",
    "ian": "янь", "in": "инь", "iang": "ян", "ing": "ин", "iong": "юн", "u": "у", "ua": "уа", "uo": "о",
    "uai": "уай", "ui": "уй", "uan": "уань", "un": "унь", "uang": "уан", "v": "юй", "ve": "юэ", "ue": "юэ",
}  # fmt: skip
# Syllables without an initial, as pinyin writes them (y-, w-, or a vowel).
_PY_ALONE = {
    "yi": "и", "ya": "я", "ye": "е", "yao": "яо", "you": "ю", "yan": "янь", "yin": "инь", "yang": "ян", "ying": "ин",
    "yong": "юн", "yu": "юй", "yue": "юэ", "yuan": "юань", "yun": "юнь", "wu": "у", "wa": "ва", "wo": "во",
    "wai": "вай", "wei": "вэй", "wan": "вань", "wen": "вэнь", "wang": "ван", "weng": "вэн", "a": "а", "o": "о",
    "e": "э", "ai": "ай", "ei": "эй", "ao": "ао", "ou": "оу", "an": "ань", "en": "энь", "ang": "ан", "eng": "эн",
    "er": "эр",
}  # fmt: skip


def _pinyin_syllables() -> dict[str, str]:
    table = dict(_PY_ALONE)
    for ini, cyr in _PY_INITIALS.items():
        for fin, fcyr in _PY_FINALS.items():
            if ini in ("j", "q", "x") and fin in ("u", "ue", "un", "uan"):
                fcyr = {"u": "юй", "ue": "юэ", "un": "юнь", "uan": "юань"}[fin]  # ju is jü
            elif fin == "i" and ini in ("z", "c", "s"):
                fcyr = "ы"
            table[ini + fin] = cyr + fcyr
    return table


PINYIN = _pinyin_syllables()

# Polivanov: Hepburn syllables in Cyrillic.
_JA_VOWELS = {"a": "а", "i": "и", "u": "у", "e": "э", "o": "о"}
_JA_ROWS = {
    "k": "к", "s": "с", "t": "т", "n": "н", "h": "х", "m": "м", "r": "р", "g": "г", "z": "дз", "d": "д", "b": "б",
    "p": "п",
}  # fmt: skip
_JA_Y = {"a": "я", "u": "ю", "o": "ё"}


def _hepburn_syllables() -> dict[str, str]:
    table = dict(_JA_VOWELS)
    for row, cyr in _JA_ROWS.items():
        for v, vcyr in _JA_VOWELS.items():
            table[row + v] = cyr + vcyr
        for v, ycyr in _JA_Y.items():
            table[row + "y" + v] = cyr + ycyr
    table |= {
        "shi": "си",
        "chi": "ти",
        "tsu": "цу",
        "fu": "фу",
        "ji": "дзи",
        "zu": "дзу",
        "n": "н",
        "wa": "ва",
    }
    table |= {"ya": "я", "yu": "ю", "yo": "ё", "wo": "о"}
    for v, ycyr in _JA_Y.items():
        table |= {"sh" + v: "с" + ycyr, "ch" + v: "т" + ycyr, "j" + v: "дз" + ycyr}
    table |= {"she": "сэ", "che": "тэ", "je": "дзэ"}
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"), ("ee", "e")):
        table |= {k[:-1] + long: c for k, c in list(table.items()) if k.endswith(short) and len(k) > 1}
    return table


HEPBURN = _hepburn_syllables()
_GEMINATES = {"k": "к", "s": "с", "t": "т", "p": "п", "c": "т"}  # a small tsu: "Hattori" Хаттори, "Matcha"

# The common Korean family names in their Latin spellings, with their Hangul and their usual Cyrillic.
KOREAN_FAMILY = {
    "kim": ("김", "ким"), "gim": ("김", "ким"), "lee": ("이", "ли"), "yi": ("이", "ли"), "rhee": ("이", "ли"),
    "park": ("박", "пак"), "pak": ("박", "пак"), "bak": ("박", "пак"), "choi": ("최", "чхве цой"),
    "choe": ("최", "чхве цой"), "jung": ("정", "чон"), "jeong": ("정", "чон"), "chung": ("정", "чон"),
    "kang": ("강", "кан"), "gang": ("강", "кан"), "cho": ("조", "чо"), "jo": ("조", "чо"), "yoon": ("윤", "юн"),
    "yun": ("윤", "юн"), "jang": ("장", "чан"), "chang": ("장", "чан"), "lim": ("임", "лим им"),
    "im": ("임", "лим им"), "han": ("한", "хан"), "oh": ("오", "о"), "seo": ("서", "со"), "suh": ("서", "со"),
    "shin": ("신", "син шин"), "sin": ("신", "син"), "kwon": ("권", "квон"), "hwang": ("황", "хван"),
    "ahn": ("안", "ан"), "song": ("송", "сон"), "yoo": ("유", "ю"), "ryu": ("류", "рю"), "hong": ("홍", "хон"),
    "jeon": ("전", "чон"), "chun": ("전", "чон"), "ko": ("고", "ко"), "moon": ("문", "мун"), "mun": ("문", "мун"),
    "yang": ("양", "ян"), "son": ("손", "сон"), "sohn": ("손", "сон"), "bae": ("배", "пэ"), "baek": ("백", "пэк"),
    "paik": ("백", "пэк"), "heo": ("허", "хо"), "hur": ("허", "хо"), "nam": ("남", "нам"), "noh": ("노", "но"),
    "roh": ("노", "но"),
}  # fmt: skip


def _parses(word: str, table: dict[str, str], geminates: bool, limit: int = 4) -> list[str]:
    """`word` read as a sequence of `table`'s syllables, in Cyrillic: up to `limit` readings."""
    longest = max(map(len, table))

    @cache
    def rest(i: int) -> tuple[str, ...]:
        if i == len(word):
            return ("",)
        out: list[str] = []
        if (
            geminates
            and i + 1 < len(word)
            and word[i] in _GEMINATES
            and word[i + 1] == word[i].replace("c", "t")
        ):
            out += [_GEMINATES[word[i]] + r for r in rest(i + 1)]
        for n in range(min(longest, len(word) - i), 0, -1):
            if (syllable := table.get(word[i : i + n])) is not None:
                out += [syllable + r for r in rest(i + n)]
            if len(out) >= limit:
                break
        return tuple(out[:limit])

    return list(rest(0))


def russian_spellings(part: str) -> set[str]:
    """The Cyrillic a Russian text writes a Chinese, Japanese or Korean name part in (see the module's docstring)."""
    word = part.lower()
    if not word.isascii() or not word.isalpha():
        return set()
    found = set(_parses(word.replace("ü", "v"), PINYIN, geminates=False))
    found |= set(_parses(word, HEPBURN, geminates=True))
    if word in KOREAN_FAMILY:
        found |= set(KOREAN_FAMILY[word][1].split())
    return found


# Revised Romanisation of a Hangul syllable's initial, vowel and final.
_RR_INITIAL = "g kk n d tt r m b pp s ss _ j jj ch k t p h".split()  # noqa: SIM905  # a letter list reads better as text
_RR_VOWEL = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()  # noqa: SIM905
_RR_FINAL = "_ k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()  # noqa: SIM905


def hangul_syllable(c: str) -> str:
    code = ord(c) - 0xAC00
    initial, vowel, final = code // 588, (code % 588) // 28, code % 28
    return (_RR_INITIAL[initial] + _RR_VOWEL[vowel] + _RR_FINAL[final]).replace("_", "")


_KOREAN_FOLDS = (
    ("oo", "u"), ("ee", "i"), ("eo", "o"), ("eu", "u"), ("ae", "e"), ("oe", "e"), ("ui", "i"), ("wu", "u"),
    ("ch", "j"), ("sh", "s"), ("g", "k"), ("d", "t"), ("b", "p"), ("r", "l"), ("y", "i"),
)  # fmt: skip
_DOUBLED = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile("[^a-z]+")


@lru_cache(maxsize=4096)
def korean_form(latin: str) -> str:
    """A coarse form of a Korean name's Latin spellings: plain and aspirated, voiced and voiceless consonants as
    one, `r` as `l`, and the vowels' spellings (`eo`, `oo`, `ee`) as one vowel."""
    word = _NOT_LETTER.sub("", latin.lower())
    for spelling, sound in _KOREAN_FOLDS:
        word = word.replace(spelling, sound)
    return _DOUBLED.sub(r"\1", word)


# Hepburn of the kana: one per syllable (a small ya, yu, yo joins the syllable before it).
_KANA = dict(
    zip(
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
        "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ",
        "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo "  # noqa: SIM905  # a letter list reads better as text
        "ya yu yo ra ri ru re ro wa o n ga gi gu ge go za ji zu ze zo da ji zu de do ba bi bu be bo pa pi pu pe po "
        "vu".split(),
        strict=True,
    )
)
_SMALL = {"ャ": "ya", "ュ": "yu", "ョ": "yo", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}
HIRAGANA_OFFSET = 0x60  # ぁ (U+3041) + 0x60 is ァ (U+30A1)


def _katakana(c: str) -> str:
    return chr(ord(c) + HIRAGANA_OFFSET) if "\u3041" <= c <= "\u3096" else c


def kana_units(text: str) -> list[tuple[int, int, str]]:
    """The syllables of a run of kana as `(start, end, Hepburn)`; a small tsu doubles the next consonant, a long
    vowel mark is left out."""
    units: list[tuple[int, int, str]] = []
    double = False
    for i, raw in enumerate(text):
        c = _katakana(raw)
        if c in ("ッ", "ー"):
            double = double or c == "ッ"
            units.append((i, i + 1, ""))
            continue
        if c in _SMALL and units and units[-1][2]:
            start, _, before = units.pop()
            stem = before[:-1] if c in "ャュョ" and before.endswith("i") else before
            stem = stem[:-1] if stem.endswith("y") else stem
            sound = _SMALL[c]
            if stem in ("sh", "ch", "j") and sound.startswith("y"):
                sound = sound[1:]
            units.append((start, i + 1, stem + sound))
            continue
        sound = _KANA.get(c, "")
        if double and sound:
            sound = ("t" if sound.startswith("ch") else sound[0]) + sound
        double = False
        units.append((i, i + 1, sound))
    return units


_JAPANESE_FOLDS = (
    ("tch", "tt"), ("sh", "sy"), ("ch", "ty"), ("ts", "t"), ("j", "zy"), ("fu", "hu"), ("syi", "si"), ("tyi", "ti"),
    ("zyi", "zi"), ("di", "zi"), ("du", "zu"), ("l", "r"), ("v", "b"), ("ou", "o"), ("oh", "o"),
)  # fmt: skip
_LONG_VOWEL = re.compile(r"([aeiou])\1+")


@lru_cache(maxsize=4096)
def japanese_form(latin: str) -> str:
    """A coarse form of a Japanese name's Latin spellings (Hepburn and Kunrei alike, long vowels as short: `Shinji`
    and `Sinzi`, `Yuuki`, `Yūki` and `Yuki`, `Ohno` and `Ono`)."""
    word = _NOT_LETTER.sub("", latin.lower())
    for spelling, sound in _JAPANESE_FOLDS:
        word = word.replace(spelling, sound)
    return _LONG_VOWEL.sub(r"\1", word)


# A run of Hangul syllables or of kana (with the long vowel mark; without the middle dot that parts a name).
HANGUL_OR_KANA = re.compile("[\uac00-\ud7a3]+|[\u3041-\u3096\u30a1-\u30fa\u30fc]+")
MAX_UNITS = 8  # syllables in one name part


def units_of(run: str) -> list[tuple[int, int, str]]:
    """The syllables of a run of Hangul or kana (`HANGUL_OR_KANA`) as `(start, end, Latin)`."""
    if "\uac00" <= run[0] <= "\ud7a3":
        return [(i, i + 1, hangul_syllable(c)) for i, c in enumerate(run)]
    return kana_units(run)


def form_of(run: str, latin: str) -> str:
    """The coarse form (`korean_form`, `japanese_form`) of `latin`, read from `run` (Hangul or kana)."""
    return korean_form(latin) if "\uac00" <= run[0] <= "\ud7a3" else japanese_form(latin)


def name_spans(
    run: str, offset: int, is_name: Callable[[str, str], bool], family: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """The spans (plus `offset`) of the syllables of `run` that `is_name(run, latin)` takes for a name part, the
    longest first from the left; a family name's syllable in `family` only at the run's start and followed by a
    name part (alone, 이 is also "this"); adjacent parts as one span."""
    units = units_of(run)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        for j in range(min(len(units), i + MAX_UNITS), i, -1):
            latin = "".join(u[2] for u in units[i:j])
            if latin and is_name(run, latin):
                spans.append((units[i][0], units[j - 1][1]))
                i = j
                break
        else:
            i += 1
    if family and run[0] in family and spans and spans[0][0] == 1:
        spans.insert(0, (0, 1))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [(offset + start, offset + end) for start, end in merged]


class LatinNamesInHangulOrKana:
    """A Latin name's parts (three letters or more) in Hangul or kana: `spans` is a `Rule.refine` for a run
    (`HANGUL_OR_KANA`) of the original text."""

    def __init__(self, parts: set[str]) -> None:
        latin = [p.lower() for p in parts if p.isascii() and p.isalpha() and len(p) >= 3]
        self.korean = frozenset(korean_form(p) for p in latin)
        self.japanese = frozenset(japanese_form(p) for p in latin)
        self.family = frozenset(KOREAN_FAMILY[p][0] for p in latin if p in KOREAN_FAMILY)

    def __bool__(self) -> bool:
        return bool(self.korean)

    def _is_name(self, run: str, latin: str) -> bool:
        if "\uac00" <= run[0] <= "\ud7a3":
            return korean_form(latin) in self.korean
        return japanese_form(latin) in self.japanese

    def spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        return name_spans(text[start:end], start, self._is_name, self.family)
