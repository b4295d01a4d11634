# ruff: noqa: RUF001  # full-width punctuation of Chinese and Japanese
"""A name after a cue in a script written without spaces between words: Chinese, Japanese, Korean (2026-12-06,
graderI6). "我叫张伟", "私の名前は田中です", "제 이름은 김민준입니다" reached the model with the name: the name cues
(spoken_names.py `NAME_CUE`) read a name as words set apart by spaces, and a name on file in Han characters is read
(grader/han_names.py), a name the candidate introduced themself by in those scripts was not.

The cues, each of which says the speaker's own name follows (or, for the last two, precedes):
- Chinese: 我叫, 我叫做, 我名叫, 我的名字是 (叫), 我的姓名是, 本人叫, 我姓 (a family name: one character, or two of
  a compound one); 我是 ("I am") only before a name's shape (`_zh_am`: "我是张伟", not "我是学生", a student);
- Japanese: 私の名前は (わたし, 僕, ぼく, 俺, あたし の名前は), and before the cue, 〜と申します, 〜と呼んでください;
  not a bare 名前は (変数の名前は, a variable's name) nor 〜といいます (also "is called");
- Korean: 제 이름은, 내 이름은, 저의 이름은 (or 이름이), the name a run of Hangul with its copula after it cut off
  (입니다, 이에요, 예요, 이야, 이고, ...);
- "I am" (2026-12-06, grader/cjk_i_am.py): 저는〜입니다 and 私は〜です only before a name's shape ("저는 김민준입니다",
  "私は田中です"; not "저는 개발자입니다", "私は学生です"), and after 我是 a name in Latin letters too
  ("我是 Zhang Wei").

The name: in Chinese one to three Han characters (four after a compound family name), ending at a character that
opens what is said next (很, 是, 的, 今, 我, 你, ...: `_ZH_STOPS`); in Japanese the kanji, katakana or hiragana up to
です, と申します or a punctuation mark (without one of those within 12 characters, its kanji and katakana only),
one space inside allowed ("田中 太郎"); in Korean one or two runs of Hangul (a family name apart: "김 민준"). Such a
name is also added to those redacted everywhere (grader/self_named.py), and a single character never is.
"""

from __future__ import annotations

import re
import unicodedata

from grader.cjk_i_am import JA_AM_CUE, KO_AM_CUE, ja_am, ko_am, latin_name
from grader.han_names import COMPOUND_FAMILY

# The redactor reads the matching form (grader/matching_form.py), where accents are folded by decomposing: a Hangul
# syllable is its jamo there, and a kana's voicing mark is dropped ("だ" is "た"). Every form is read.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KATAKANA = "\u30a1-\u30fa\u30fc\u30fb\u3099\u309a"
_HIRAGANA = "\u3041-\u3096\u3099\u309a"
_HANGUL = "\uac00-\ud7a3\u1100-\u11ff"


def _folded(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _forms(*words: str) -> str:
    """`words` as regular-expression text, each as written, decomposed and without its marks (the matching form
    drops a voicing mark: "です" is "てす" there)."""
    every = {f for w in words for f in (w, unicodedata.normalize("NFD", w), _folded(w))}
    return "|".join(re.escape(w) for w in sorted(every, key=len, reverse=True))


_ZH_CUE = r"(?:我|本人)(?:的(?:名字|姓名)(?:是|叫)|名叫|叫做|叫|(?P<zh_family>姓))"
# "I am" (2026-12-06, graderI7): a name only in the shape `_zh_am` reads ("我是张伟", not "我是学生").
_ZH_AM_CUE = r"(?<!自)(?:我|本人)(?:就)?是"  # "本人是张伟" too (graderG10)
_JA_CUE = rf"(?:{_forms('私', 'わたし', '僕', 'ぼく', '俺', 'おれ', 'あたし')})の名前(?:{_forms('は', 'が')})"
_JA_AFTER = (
    rf"(?P<ja_name>[{_HAN}{_KATAKANA}]{{1,8}}(?:[ \u3000][{_HAN}{_KATAKANA}]{{1,8}})?)"
    rf"(?:{_forms('と申します', 'と呼んでください')})"
)
_KO_CUE = rf"(?:{_forms('제', '내', '저의', '나의')})\s*(?:{_forms('이름은', '이름이')})"
# The cues as regular-expression text for grader/spoken_names.py `NAME_CUE` (no lookbehind: the scripts have no spaces).
# "I am" in Japanese and Korean (2026-12-06, graderG10): a name only in a name's shape (grader/cjk_i_am.py).
CJK_NAME_CUE = (
    rf"(?P<zh>{_ZH_CUE})|(?P<zh_am>{_ZH_AM_CUE})|(?P<ja>{_JA_CUE})|{_JA_AFTER}|(?P<ko>{_KO_CUE})"
    rf"|(?P<ja_am>{JA_AM_CUE})|(?P<ko_am>{KO_AM_CUE})"
)
_CUE = re.compile(CJK_NAME_CUE)
# A string literal too short for grader/phone_forms.py `STRING_LITERAL` (seven characters or more) that holds such a
# cue: `print("我叫张伟")` (read by grader/introductions.py `introduced_in_literal`, as a longer literal is).
SHORT_CUE_LITERAL = re.compile(rf"([\"'`])(?=[^\"'`\\\n]{{0,4}}?(?:{CJK_NAME_CUE}))[^\"'`\\\n]{{2,6}}\1")

# Characters that open what is said after a Chinese name, not a given name's ("我叫张伟很高兴认识你").
_ZH_STOPS = frozenset("很是的了在和我你他她它们今也就都还谢请呢吧啊呀哦嗯，。！？、：；")
_ZH_NAME = re.compile(rf"[ \u3000]?([{_HAN}]{{1,4}})")
_JA_NAME = re.compile(
    rf"[ \u3000]?([{_HAN}{_KATAKANA}{_HIRAGANA}]{{1,12}}(?:[ \u3000][{_HAN}{_KATAKANA}]{{1,8}})?)"
)
_JA_END = re.compile(
    rf"{_forms('でございます', 'です', 'と申します', 'といいます', 'と言います', 'って')}|[、。！？!?,.]"
)
_JA_BARE = re.compile(rf"[{_HAN}{_KATAKANA}]+(?:[ \u3000][{_HAN}{_KATAKANA}]+)?")
_KO_NAME = re.compile(rf"\s*([{_HANGUL}]{{1,18}})(?:[ ]([{_HANGUL}]{{1,18}}))?")  # jamo: three a syllable
# The copula and endings said after a Korean name, longest first ("김민준입니다", "유나예요", "민준이라고 합니다").
_KO_ENDINGS = tuple(
    f
    for e in "이라고 입니다 이에요 이예요 이고요 랍니다 라고 예요 이야 이고 이며 이요 야 요".split()  # noqa: SIM905
    for f in dict.fromkeys((e, unicodedata.normalize("NFD", e)))
)


def _zh(text: str, end: int, family: bool) -> list[tuple[int, int]]:
    m = _ZH_NAME.match(text, end)
    if m is None:
        return []
    name = m.group(1)
    cut = next((i for i, c in enumerate(name) if c in _ZH_STOPS), len(name))
    longest = 2 if family else 3
    if name[:2] in COMPOUND_FAMILY:
        longest += 1
    name = name[: min(cut, longest)]
    return [(m.start(1), m.start(1) + len(name))] if name else []


# Common single-character family names (simplified and traditional), the closed list after "我是" (a compound one is
# grader/han_names.py `COMPOUND_FAMILY`). Not 中, 新, 老, 小, 大, 前, 后, 初: words a speaker says they are.
_ZH_FAMILY = frozenset(
    """
    王 李 张 張 刘 劉 陈 陳 杨 楊 黄 黃 赵 趙 吴 吳 周 徐 孙 孫 马 馬 朱 胡 郭 何 高 林 罗 羅 郑 鄭 梁 谢 謝 宋 唐 许 許
    韩 韓 冯 馮 邓 鄧 曹 彭 曾 肖 蕭 田 董 袁 潘 于 蒋 蔣 蔡 余 杜 叶 葉 程 苏 蘇 魏 吕 呂 丁 任 沈 姚 卢 盧 姜 崔 钟 鍾
    谭 譚 陆 陸 汪 范 金 石 廖 贾 賈 夏 韦 韋 付 方 白 邹 鄒 孟 熊 秦 邱 江 尹 薛 闫 閆 段 雷 侯 龙 龍 史 陶 黎 贺 賀 顾
    顧 毛 郝 龚 龔 邵 万 萬 钱 錢 严 嚴 覃 武 戴 莫 孔 向 汤 湯 欧 歐 温 溫 易 廖 颜 顏 庞 龐 樊 柳 鲁 魯 葛 伍 舒 聂 聶
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# A last character that makes the run a word for what the speaker is, not a given name: a person's role or kind
# (程序员, 高手, 王者, 高中生, 老师), a people or place (韩国人, 江苏人), a rank (高级), a fan or a fool (白痴).
_ZH_NOT_LAST = frozenset("人者手员員生师師家族士级級子客迷粉鬼痴癡工长長主友派党黨控狗头頭方们們")
# Characters of grammar, of verbs said after "我是" and of time, not of a given name ("我是马上来", "我是周末到的").
_ZH_NOT_GIVEN = frozenset(
    "上下来來去了过過着著吗嗎么麼什这這那哪不没沒会會要想说說做看用把被给給让讓从從到对對于以为為所而且但就都还還又再才只已经經次个個些点點样樣时時候号號末"
)
# What may follow the name: what opens the next thing said ("我是张伟很高兴认识你", "我是李娜你好"); any other Han
# character goes on the word ("我是江苏的": 的, "我是马上来": 来).
_ZH_AM_NEXT = frozenset("很我你今也请請谢謝呢啊呀哦嗯")


def _zh_am(text: str, end: int) -> list[tuple[int, int]]:
    """After "我是": a family name from the closed list and one or two characters, and then the end, a character
    that is not Han (punctuation, a space, a quote) or one opening what is said next; not a role, a people, a rank
    (`_ZH_NOT_LAST`). "我是张伟", "我是欧阳娜娜。"; "我是学生", "我是中国人", "我是新手", "我是高手" stay."""
    start = end + 1 if text[end : end + 1] in (" ", "\u3000") else end
    family = (
        2 if text[start : start + 2] in COMPOUND_FAMILY else 1 if text[start : start + 1] in _ZH_FAMILY else 0
    )
    if not family:
        return []
    for given in (2, 1):
        stop = start + family + given
        name, after = text[start:stop], text[stop : stop + 1]
        if len(name) < family + given or not all(re.match(f"[{_HAN}]", c) for c in name[family:]):
            continue
        if any(c in _ZH_STOPS or c in _ZH_NOT_GIVEN for c in name[family:]) or name[-1] in _ZH_NOT_LAST:
            continue
        if after == "" or not re.match(f"[{_HAN}]", after) or after in _ZH_AM_NEXT:
            return [(start, stop)]
    return []


def _ja(text: str, end: int) -> list[tuple[int, int]]:
    m = _JA_NAME.match(text, end)
    if m is None:
        return []
    run = m.group(1)
    stop = _JA_END.search(run)
    if stop is not None:
        name = run[: stop.start()]
    else:
        bare = _JA_BARE.match(run)
        name = bare.group() if bare else ""
    name = name.rstrip(" \u3000")
    return [(m.start(1), m.start(1) + len(name))] if name else []


def _ko(text: str, end: int) -> list[tuple[int, int]]:
    m = _KO_NAME.match(text, end)
    if m is None:
        return []
    first, second = m.group(1), m.group(2)
    if (
        second is not None and len(unicodedata.normalize("NFC", first)) == 1
    ):  # "김 민준입니다": a family name apart
        word, start = second, m.start(2)
    else:
        word, start, second = first, m.start(1), None
    for ending in _KO_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            word = word[: -len(ending)]
            break
    if not word:
        return []
    begin = m.start(1)
    return [(begin, start + len(word))]


# A name in Latin letters after a cue of these scripts ("我叫Zhang Wei", "私の名前はTanaka Yukiです", "제 이름은 Kim
# Minji입니다"): read as a strong cue reads a name (spoken_names.py), in Latin letters only.
_LATIN_NEXT = re.compile(r"[ \u3000]?[A-Za-z\u00c0-\u024f]")


def latin_after_cue(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is a cue that says the speaker's name follows (not "我是", which also says what they
    are: "我是Python开发者") and a word in Latin letters follows it."""
    m = _CUE.match(text, start)
    if m is None or m.end() != end or not (m.group("zh") or m.group("ja") or m.group("ko")):
        return False
    return _LATIN_NEXT.match(text, end) is not None


def cjk_name(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The name a cue at `text[start:end]` introduces, when it is one of these cues; None when it is not."""
    m = _CUE.match(text, start)
    if m is None or m.end() != end:
        return None
    if m.group("zh"):
        return _zh(text, end, bool(m.group("zh_family")))
    if m.group("zh_am"):
        return _zh_am(text, end) or latin_name(text, end, "zh")  # "我是 Zhang Wei" (grader/cjk_i_am.py)
    if m.group("ja_am"):
        return ja_am(text, end)
    if m.group("ko_am"):
        return ko_am(text, end)
    if m.group("ja"):
        return _ja(text, end)
    if m.group("ja_name"):
        return [(m.start("ja_name"), m.end("ja_name"))]
    return _ko(text, end)
