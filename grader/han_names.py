"""A name on file in Han characters (张伟, 欧阳娜娜, 黑 Hè as a surname) as it is written in Latin letters: its pinyin,
read with pypinyin (offline), with or without tone marks or tone numbers ("Zhāng Wěi", "zhang1 wei3"), with the
syllables spaced, hyphenated or joined ("Xiao Ming", "Xiao-ming", "Xiaoming"), in either order ("Zhang Wei",
"Wei Zhang"), and ü as u, v or yu ("Lü", "Lv", "Lyu"). grader/redact.py builds its rules from `HanName`s.

The name is split into its family name (the first character, or two for a compound one: 欧阳, 司马) and its given
name. Each character is read in all of its readings (heteronyms: 单 dan, chan and shan), except a family name's
character whose reading as a family name is known (`FAMILY_READINGS`: 单 is Shan, 曾 Zeng, 黑 He as a family name),
which is read only so: pypinyin 0.55 has no surname mode, and its readings of 黑 miss He.

Which forms are replaced where (the rule for short syllables; docs/grading.md):
- the whole name, every syllable in order (family name first or last): always, in any case, in speech, output and
  code (a segment of an identifier too: `zhang_wei_solution`, `ZhangWei42`); joined with nothing between family and
  given name only when that makes six letters or more (`zhangwei`; "Li An" is not `lian`), as for a Latin name;
- a part of two syllables or more (a compound family name, a given name "Xiaoming") of five letters or more: as a
  distinctive Latin part, alone in any case;
- a part of one syllable (most family names, many given names): of Mandarin's ~400 syllables a great many are also
  English words or identifiers (li, he, an, ma, xu, long, sun, tan, min, ping, lang, song): alone it is replaced only
  when written as a name (`Li`, `LI`) and not at the start of a sentence, the rule for a Latin part that is an
  everyday word; unless its spelling is one English never has, which makes it as distinctive as a longer name: five
  letters or more (`zhang`, `huang`, `xiong`), or three or more opening with `zh`, `x` or `q` (`zhou`, `xie`, `qiu`).
  A short part of two syllables ("Lili", "Nana") is treated the same way;
- the Han form: the whole name, and a family or given name of two characters or more, anywhere, also inside other
  Chinese words (grader/redact.py's rule for caseless parts); a single character alone stays (张 is also a measure
  word, 伟 a part of 伟大).

Not read: other romanisations (Wade-Giles "Hsu", Cantonese "Chan", Japanese readings of kanji: 田中 is read as
Mandarin "Tian Zhong", not "Tanaka"), which need a dictionary of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
# A name in Han characters, possibly spaced or with a middle dot between family and given name.
HAN_NAME = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+"
    "(?:[\\s\u00b7\u30fb]+[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+)?"
)
MAX_CHARACTERS = 6  # a longer "name" is not one (a transliterated foreign name, a sentence)
MAX_READINGS = 4  # of one character

# Compound family names (simplified and traditional).
COMPOUND_FAMILY = frozenset(
    """
    欧阳 歐陽 司马 司馬 诸葛 諸葛 上官 东方 東方 皇甫 尉迟 尉遲 公孙 公孫 慕容 长孙 長孫 宇文 司徒 夏侯 令狐 万俟 萬俟
    独孤 獨孤 澹台 澹臺 端木 轩辕 軒轅 南宫 南宮 西门 西門 百里 呼延 闻人 聞人 赫连 赫連 申屠 太史 司空 钟离 鍾離 鲜于
    鮮于 闾丘 閭丘 第五 左丘 东郭 東郭 拓跋 完颜 完顏
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# Family names read otherwise than as the character's commonest reading, or only in one of its readings.
FAMILY_READINGS = {
    "单": ("shan",), "單": ("shan",), "解": ("xie",), "曾": ("zeng",), "区": ("ou",), "區": ("ou",),
    "仇": ("qiu",), "朴": ("piao",), "樸": ("piao",), "查": ("zha",), "乐": ("yue", "le"), "樂": ("yue", "le"),
    "盖": ("ge", "gai"), "蓋": ("ge", "gai"), "缪": ("miao",), "繆": ("miao",), "翟": ("zhai", "di"),
    "覃": ("qin", "tan"), "沈": ("shen",), "任": ("ren",), "柏": ("bai",), "员": ("yun",), "員": ("yun",),
    "秘": ("bi",), "召": ("shao",), "种": ("chong",), "種": ("chong",), "繁": ("po",), "宿": ("su",),
    "隗": ("wei", "kui"), "句": ("gou",), "能": ("nai",), "黑": ("he",), "尉": ("yu", "wei"), "费": ("fei",),
    "費": ("fei",), "燕": ("yan",), "莘": ("shen",), "阚": ("kan",), "闞": ("kan",), "薄": ("bo",), "折": ("she",),
    "褚": ("chu",), "冼": ("xian",), "洗": ("xian",), "华": ("hua",), "華": ("hua",), "纪": ("ji",), "紀": ("ji",),
    "藏": ("zang",), "曲": ("qu",), "长": ("chang",), "長": ("chang",), "重": ("chong",), "都": ("du",),
    "石": ("shi",), "尹": ("yin",), "许": ("xu",), "許": ("xu",), "叶": ("ye",), "葉": ("ye",), "万": ("wan",),
    "萬": ("wan",), "郇": ("xun", "huan"), "贲": ("ben",), "相": ("xiang",), "从": ("cong",),
}  # fmt: skip


def is_han_name(term: str) -> bool:
    """A name on file written in Han characters (one or two words of them)."""
    return HAN_NAME.fullmatch(term.strip()) is not None


@lru_cache(maxsize=4096)
def readings(character: str) -> tuple[str, ...]:
    """The pinyin of one Han character, without tones, every reading (up to `MAX_READINGS`), ü as v."""
    from pypinyin import Style, pinyin  # 0.5 s to import: only for a name in Han characters

    read = pinyin(character, style=Style.NORMAL, heteronym=True, errors="ignore")
    found = read[0] if read else []
    return tuple(r for r in dict.fromkeys(found) if r.isascii() and r.isalpha())[:MAX_READINGS]


def _spellings(syllable: str) -> set[str]:
    """A syllable as it is written: ü (pypinyin's v) as v, u or yu ("Lv", "Lu", "Lyu")."""
    if "v" not in syllable:
        return {syllable}
    return {syllable, syllable.replace("v", "u"), syllable.replace("v", "yu")}


def _family_and_given(term: str) -> tuple[str, str]:
    words = [w for w in re.split("[\\s\u00b7\u30fb]+", term.strip()) if w]
    if len(words) == 2:
        return words[0], words[1]
    chars = words[0]
    cut = 2 if chars[:2] in COMPOUND_FAMILY and len(chars) > 2 else 1
    return chars[:cut], chars[cut:]


@dataclass(frozen=True)
class Part:
    """A family or given name: its Han form and, per character, its syllables."""

    han: str
    syllables: tuple[tuple[str, ...], ...]

    def regex(self, capital: bool = False) -> str:
        """The part in pinyin: each syllable with an optional tone number, the syllables joined directly or by a
        space, a hyphen, an apostrophe or an underscore (`Xiaoming`, `Xiao Ming`, `Xiao-ming`, `xiao_ming`);
        `capital`: written as a name, its first letter a capital (`Xu`, `XU`, not `xu`)."""
        one = []
        for i, spellings in enumerate(self.syllables):
            ordered = sorted(spellings, key=len, reverse=True)
            if capital and i == 0:
                alternatives = [f"(?-i:{re.escape(s[0].upper())}){re.escape(s[1:])}" for s in ordered]
            else:
                alternatives = [re.escape(s) for s in ordered]
            one.append("(?:" + "|".join(alternatives) + ")[1-5]?")
        return r"(?:[ '_-]?)".join(one)

    def alone(self) -> bool:
        """Replaced alone in any case: a distinctive syllable, or two or more of five letters or more (the module's
        docstring); else only written as a name."""
        if len(self.syllables) == 1:
            return any(map(distinctive_syllable, self.syllables[0]))
        joined = self.joined()
        return bool(joined) and min(map(len, joined)) >= 5

    def joined(self) -> set[str]:
        """Every spelling of the part joined (`xiaoming`), when one syllable each (`Part.syllables`) has few."""
        out = {""}
        for options in self.syllables:
            out = {a + b for a in out for b in options}
            if len(out) > 64:
                return set()
        return out

    def shortest(self) -> int:
        return sum(min(map(len, s)) for s in self.syllables)


def _part(han: str, family: bool) -> Part | None:
    if family and han in FAMILY_READINGS:
        return Part(han, (tuple(s for r in FAMILY_READINGS[han] for s in _spellings(r)),))
    syllables: list[tuple[str, ...]] = []
    for c in han:
        chosen = FAMILY_READINGS.get(c) if family else None
        found = chosen or readings(c)
        if not found:
            return None  # a character pypinyin cannot read: the part is not read at all
        syllables.append(tuple(sorted({s for r in found for s in _spellings(r)})))
    return Part(han, tuple(syllables))


def distinctive_syllable(syllable: str) -> bool:
    """A one-syllable part spelled as English never is (five letters or more, or three or more opening with `zh`,
    `x` or `q`): alone it is replaced in any case; any other only when written as a name."""
    return len(syllable) >= 5 or (len(syllable) >= 3 and syllable.startswith(("zh", "x", "q")))


@dataclass(frozen=True)
class HanName:
    """One name on file in Han characters, read into the forms grader/redact.py replaces (the module's docstring)."""

    family: Part
    given: Part | None

    @property
    def whole(self) -> list[str]:
        """Regexes of the whole name in pinyin, family name first and last; the two parts joined by whitespace, a
        `.`, `_`, `-` or `'`, a change of case (`ZhangWei`), or directly when that makes six letters or more."""
        if self.given is None:
            return []
        direct = self.family.shortest() + self.given.shortest() >= 6
        joint = r"(?:\s+|[._'-]" + ("?" if direct else r"|(?-i:(?<=[a-z0-9])(?=[A-Z]))") + ")"
        # A name of short syllables only (Xu Long, Li An) is in any case only joined as one word of six letters or
        # more (`xulong`); spaced or parted, only written as a name: "long xu" is a Java declaration.
        capital = not (self.family.alone() or self.given.alone())
        forms = []
        if capital and direct:
            forms += [
                f"{self.family.regex()}{self.given.regex()}",
                f"{self.given.regex()}{self.family.regex()}",
            ]
        family, given = self.family.regex(capital), self.given.regex(capital)
        return [*forms, f"{family}{joint}{given}", f"{given}{joint}{family}"]

    @property
    def parts(self) -> list[Part]:
        return [p for p in (self.family, self.given) if p is not None]

    def han_parts(self) -> list[str]:
        """The Han form of each part of two characters or more (欧阳, 娜娜), a name alone, and of the whole name
        without a space (张伟 for "张 伟" on file)."""
        return [*(p.han for p in self.parts if len(p.han) >= 2), "".join(p.han for p in self.parts)]


@dataclass(frozen=True)
class HanForms:
    """What grader/redact.py replaces for the names in Han characters (the module's docstring): `always`, regexes
    replaced in any case everywhere (the whole names first, then the long parts spaced or hyphenated); `wholes`, the
    whole names' regexes, also as a segment of an identifier, with `needles` (one of which each of their matches
    holds); `alone`,
    parts replaced alone in any case (distinctive); `as_names`, parts replaced only written as a name; `han`, the
    Han forms of parts of two characters or more."""

    always: list[str]
    wholes: list[str]
    needles: frozenset[str]
    alone: frozenset[str]
    as_names: frozenset[str]
    han: list[str]

    def __bool__(self) -> bool:
        return bool(self.always or self.alone or self.as_names)


def han_forms(terms: Iterable[str]) -> HanForms:
    names = han_names(terms)
    wholes: list[str] = []
    spaced: list[str] = []
    needles: set[str] = set()
    alone: set[str] = set()
    as_names: set[str] = set()
    for name in names:
        wholes += name.whole
        if name.whole:
            needles |= set(name.family.syllables[0])
        for part in name.parts:
            if len(part.syllables) == 1:  # each spelling on its own: 吕 as `lyu` is alone, as `lu` not
                for syllable in part.syllables[0]:
                    (alone if distinctive_syllable(syllable) else as_names).add(syllable)
            elif part.alone():
                alone |= part.joined()
                spaced.append(part.regex())
            else:
                as_names |= part.joined()
    han = [h for name in names for h in name.han_parts()]
    return HanForms(
        [*wholes, *spaced], wholes, frozenset(needles), frozenset(alone), frozenset(as_names), han
    )


def han_names(terms: Iterable[str]) -> list[HanName]:
    """The names on file among `terms` written in Han characters, read (a term inside another one, such as a part
    of a spaced name, once, in the longer one)."""
    han_terms = sorted(
        {t.strip() for t in terms if is_han_name(t) and len(HAN.findall(t)) <= MAX_CHARACTERS},
        key=len,
        reverse=True,
    )
    out: list[HanName] = []
    kept: list[str] = []
    for term in han_terms:
        bare = "".join(HAN.findall(term))
        if len(bare) < 2 or any(bare in k for k in kept):
            continue
        kept.append(bare)
        family_han, given_han = _family_and_given(unicodedata.normalize("NFC", term))
        family = _part(family_han, family=True)
        given = _part(given_han, family=False) if given_han else None
        if family is not None and (given is not None or not given_han):
            out.append(HanName(family, given))
    return out
