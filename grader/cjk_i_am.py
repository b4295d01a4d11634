# ruff: noqa: RUF001  # full-width punctuation of Chinese and Japanese
"""Self-introductions in the "I am" frames of Chinese, Japanese and Korean (2026-12-06, graderG10): "我是 Zhang Wei",
"私は田中です", "私は Tanaka です", "저는 김민준입니다", "저는 Kim Minjun입니다" reached the model with the name. The
frames say what a speaker is as often as who ("我是Python开发者", "私は学生です", "저는 개발자입니다"), so a name is
read in them only in a name's shape, with the frame's end straight after it:

- a name in Latin letters (after 我是, 私は and 저는 alike): one to three words written as a name (a capital, then
  lower case), none a role ("Engineer", "Senior": `_ROLES`) or a technology (grader/tech_names.py: "Python"), not
  all of them words listed as no name (grader/not_names.py `NOT_NAMES`: "Google"; "Park Ji-woo" is a name),
  and then the frame's end: in Chinese the end, punctuation or a
  character that opens what is said next (`_ZH_AM_NEXT` of grader/cjk_names.py); in Japanese です, と申します,
  でございます or punctuation; in Korean the copula (입니다, 이에요, 예요, ...) or punctuation. "我是Python开发者",
  "私はJavaエンジニアです", "저는 Google 직원입니다" stay;
- Japanese 私は (わたし, 僕, ぼく, 俺, あたし, わたくし): a family name from a closed list of common ones
  (`JA_FAMILY`, two characters or more: 林 and 森 are words), then at most two kanji or two to four hiragana of a
  given name, then です, と申します, でございます or punctuation. "私は田中です", "僕は山田太郎です"; "私は学生です",
  "私は大丈夫です", "私は東京出身です" (出身 is no given name: `_JA_NOT_GIVEN`) stay;
- Korean 저는 and 나는 (after a space or the start): a family syllable from a closed list (`KO_FAMILY`), then two
  syllables, then the copula; or the family syllable set apart ("김 민준입니다"). Not a name: a word whose last
  syllable makes it a role, a kind or a place ("개발자", "연구원", "대학생", "한국인", "주니어", "백엔드",
  "고민중", "서울대": `_KO_NOT_LAST`), a syllable a given name does not hold (a tense consonant or ㅋ: loanwords),
  and the listed words that take a family syllable's shape (`_KO_WORDS`: "조교수", "원어민", "강아지").

Such a name is replaced where it is said and added to the names redacted everywhere (grader/self_named.py), as the
other cues' are. Not read: a name in katakana after 私は ("私はマイクです": "私はエンジニアです" has its shape), a
family name off the lists, and a Korean given name that ends as a role does ("박지원", "이수인").
"""

from __future__ import annotations

import re
import unicodedata

from grader.intro_words import STATES
from grader.not_names import NOT_NAMES
from grader.tech_names import tech_name


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _folded(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _forms(*words: str) -> str:
    """`words` as regular-expression text in every form the redactor may read them in (as written, decomposed,
    without a kana's voicing mark: grader/cjk_names.py)."""
    every = {f for w in words for f in (w, unicodedata.normalize("NFD", w), _folded(w))}
    return "|".join(re.escape(w) for w in sorted(every, key=len, reverse=True))


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HIRAGANA = "\u3041-\u3096\u3099\u309a"
_HANGUL = "\uac00-\ud7a3\u1100-\u11ff"

# "I am" and the greetings a name is said after ("はじめまして、田中です", "안녕하세요, 김민준입니다").
_JA_I = _forms("わたくし", "私", "わたし", "僕", "ぼく", "俺", "おれ", "あたし")
_JA_GREETING = _forms("はじめまして", "初めまして", "こんにちは", "こんばんは")
JA_AM_CUE = rf"(?:{_JA_I})(?:{_forms('は')}|[、,])|(?:{_JA_GREETING})[、,。！!]?"
_KO_I = _forms("저는", "나는", "제가")
_KO_GREETING = _forms("안녕하세요", "안녕")
# "저 김민준입니다" (저 without 는, set apart: "저 사람" is "that person", which no name's shape follows); a comma
# or a colon after the frame ("저는, 김민준입니다", reviewV11).
KO_AM_CUE = (
    rf"(?<![{_HANGUL}])(?:(?:{_KO_I})[,:]?|(?:{_forms('저')})(?=[ \t])|(?:{_KO_GREETING})[,.!]?)"
    rf"(?=[ \t]*[{_HANGUL}A-Za-z])"
)

# Common Japanese family names of two characters or more (191 of the most frequent).
JA_FAMILY = frozenset(
    """
    佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 斎藤 斉藤 清水 山崎 池田
    橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 福田 太田 西村 藤井 金子
    岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 森田 上田 内田 柴田 酒井 宮崎 横山 高木 安藤
    宮本 大野 小島 工藤 谷口 今井 高田 丸山 増田 杉山 村田 大塚 小山 平野 藤本 河野 上野 野口 武田 松井 千葉 岩崎
    菅原 木下 久保 佐野 野村 松尾 菊地 杉本 市川 古川 大西 島田 水野 桜井 高野 渡部 吉川 山内 西田 飯田 菊池 西川
    小松 北村 安田 五十嵐 川口 平田 中田 久保田 服部 岩田 土屋 川崎 福島 本田 樋口 秋山 田口 永井 山中 中西
    吉村 川上 石原 大橋 松岡 馬場 浅野 荒木 大久保 野田 小沢 田辺 川村 星野 黒田 尾崎 望月 永田 熊谷 内藤 松村
    西山 大谷 平井 大島 岩本 片山 本間 早川 横田 岡崎 荒井 大石 鎌田 成田 宮田 小田 石橋 篠原 須藤 河合 大川 高山
    小池 堀内 松下 新井 山内 野崎 小西 北川 桑原 浜田 宮下 菅野 上原 松浦 大森 吉岡 中尾 森本 東 辻
    """.split()  # noqa: SIM905  # a word list reads better as text
) - frozenset({"東", "辻"})
# What makes what follows a family name no given name: where one is from, lives or works, what they are, an
# honorific (someone else's name: "田中さんの"). Characters, and words of characters a given name holds.
_JA_NOT_GIVEN = frozenset("県市区町村駅線側系派語者家員的式型用風様氏君校社")
_JA_NOT_GIVEN_WORDS = (
    "出身",
    "在住",
    "担当",
    "志望",
    "学生",
    "大学",
    "高校",
    "さん",
    "くん",
    "ちゃん",
    "先生",
    "部長",
)
# The frame's end; a quote or a line's end too (a string literal's, a comment's: `print("私は田中")`).
_QUOTE_OR_LINE = "\"'`\u300d\u300f)\n"
_JA_END = re.compile(
    rf"[ \u3000]?(?:{_forms('でございます', 'です', 'と申します', 'だよ', 'だ')}|[、。！？!?,.{_QUOTE_OR_LINE}]|\Z)"
)
_JA_GIVEN = re.compile(rf"[{_HAN}]{{1,2}}|[{_HIRAGANA}]{{2,4}}")

# The most common Korean family names (one syllable; and the compound ones).
KO_FAMILY = frozenset(
    """
    김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 전 홍 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 주 우 구
    민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 석 선 설 마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국
    남궁 황보 제갈 선우 독고 사공 서문
    """.split()  # noqa: SIM905
)
# A last syllable that makes a word a role, a kind, a member, a place or a state, not a given name: 개발자, 연구원,
# 대학생, 한국인, 주니어, 백엔드, 전문가, 경력직, 유튜버, 고민중, 서울대, 오른쪽, 최하위.
# Also the words of code said as what something is: 반복문, 조건문, 문자열, 구현체, 최댓값.
_KO_NOT_LAST = frozenset(
    "자원생인사가어드직님팀트스너러터저버족객이꾼쟁관장중대쪽위과파층형분측청처부국실학문열체값"
)
# Words of a family syllable's shape said after 저는 that keep a syllable a given name may end in.
_KO_WORDS = frozenset(
    """
    조교수 정교수 부교수 원어민 도우미 강아지 고양이 문외한 유부남 유부녀 정반대 이방인 방문객 주말반 오전반 오후반
    한국말 이번주 이번달 지난주 다음주 마케팅 기획팀 서버팀
    """.split()  # noqa: SIM905
)
# Initial consonants of loanwords' syllables no Korean given name holds (ㄲ, ㄸ, ㅃ, ㅆ, ㅉ, ㅋ).
_KO_NOT_INITIAL = frozenset((1, 4, 8, 10, 13, 15))
# The copula after the name, longest first; not a bare "요" ("저는 고구마요": what the speaker picks).
_KO_COPULA = tuple(
    "이라고 입니다 이에요 이예요 이고요 랍니다 라고 예요 이야 이고 이며 야".split()  # noqa: SIM905
)
# At most 24 letters a run (decomposed, three a syllable: a family name, a given name and the copula); a longer run
# is no name, and reading no further bounds the work.
_KO_RUN = re.compile(
    rf"[ \t]*([{_HANGUL}]{{1,24}})(?![{_HANGUL}])(?:[ \t]+([{_HANGUL}]{{1,24}})(?![{_HANGUL}]))?"
)

_LATIN_NAME = re.compile(
    r"[ \t\u3000]?((?:[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?)(?:[ \t]+[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?){0,2})"
)
# A role or a title written as a name ("저는 Backend Developer입니다"): not one.
_ROLES = frozenset(
    """
    engineer developer student intern programmer candidate senior junior manager designer architect analyst
    consultant founder admin tester lead backend frontend fullstack devops sre staff principal head chief officer
    director researcher scientist teacher professor freelancer contractor
    """.split()  # noqa: SIM905
)
_ZH_AM_NEXT = "很我你今也请請谢謝呢啊呀哦嗯"
_LATIN_END = {
    "zh": re.compile(rf"[ \t\u3000]*(?:[，。！？、,.!?;；:：{_QUOTE_OR_LINE}]|[{_ZH_AM_NEXT}]|\Z)"),
    "ja": _JA_END,
    "ko": re.compile(rf"[ \t]*(?:{_forms(*_KO_COPULA)}|[.,!?。，！？{_QUOTE_OR_LINE}]|\Z)"),
}


def latin_name(text: str, end: int, frame: str) -> list[tuple[int, int]]:
    """A name in Latin letters after an "I am" frame (`frame`: "zh", "ja" or "ko") ending at `end`, with the frame's
    end straight after it; none where a word of it is listed as no name or names a technology."""
    m = _LATIN_NAME.match(text, end)
    if m is None or _LATIN_END[frame].match(text, m.end()) is None:
        return []
    words = [w.lower() for w in m.group(1).split()]
    if any(w in _ROLES or tech_name(w) for w in words) or all(w in NOT_NAMES or w in STATES for w in words):
        return []  # "我是 Java 程序员", "私は Senior Engineer です"; "Park Ji-woo" is a name ("park" is a word)
    return [m.span(1)]


def _given(run: str) -> bool:
    folded = _nfc(run)
    return not any(c in _JA_NOT_GIVEN for c in folded) and not any(w in folded for w in _JA_NOT_GIVEN_WORDS)


_JA_APART = re.compile(r"[、,：:]?[ \u3000]?")  # "私は、田中です", "私は 田中です" (reviewV11)


def ja_am(text: str, end: int) -> list[tuple[int, int]]:
    """After 私は (and a comma or a space): a listed family name, a given name of at most two kanji or two to four
    hiragana, then the end."""
    start = _JA_APART.match(text, end).end()  # type: ignore[union-attr]  # it matches empty
    for size in (3, 2):
        family = text[start : start + size]
        if len(family) < size or family not in JA_FAMILY:
            continue
        stop = start + size
        if _JA_END.match(text, stop):
            return [(start, stop)]
        given = _JA_GIVEN.match(text, stop)
        if given is None or not _given(given.group()):
            continue
        for cut in range(
            stop + 1, given.end() + 1
        ):  # the shortest the end follows: "さくらだ" is "さくら" and "だ"
            if _given(text[stop:cut]) and _JA_END.match(text, cut):
                return [(start, cut)]
    return latin_name(text, start, "ja")


def _syllables(run: str) -> list[str]:
    return list(_nfc(run))


def _given_syllable(syllable: str) -> bool:
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code // 588 not in _KO_NOT_INITIAL


def _ko_name(word: str, *, apart: bool) -> int:
    """How many syllables of `word` (NFC, the copula cut off) are a name: a family syllable and two given ones (or,
    `apart`, one or two given ones alone); 0 where it is none."""
    if apart:
        given = word
    else:
        family = 2 if word[:2] in KO_FAMILY and len(word) == 4 else 1
        if word[:family] not in KO_FAMILY or len(word) != family + 2 or word in _KO_WORDS:
            return 0
        given = word[family:]
    if not 1 <= len(given) <= 2 or given[-1] in _KO_NOT_LAST or not all(map(_given_syllable, given)):
        return 0
    return len(word)


def _cut_copula(word: str) -> str | None:
    for ending in _KO_COPULA:
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)]
    return None


def _span_of(text: str, start: int, run_end: int, syllables: int) -> int:
    """Where the first `syllables` syllables of the Hangul at `text[start:run_end]` end (decomposed or not)."""
    for stop in range(start + 1, run_end + 1):
        if len(_nfc(text[start:stop])) == syllables and (
            stop == run_end or len(_nfc(text[start : stop + 1])) > syllables
        ):
            return stop
    return start


# The copula written apart from the name (reviewV11): "저는 김민준 입니다", "저는 김 민준 이에요".
_KO_COPULA_APART = re.compile(rf"[ \t]+(?:{_forms(*_KO_COPULA)})(?![{_HANGUL}])")


def ko_am(text: str, end: int) -> list[tuple[int, int]]:
    """After 저는: a family syllable and two given ones with the copula after them ("김민준입니다") or apart ("김민준
    입니다"), or the family syllable set apart ("김 민준입니다", "김 민준 입니다"); a name in Latin letters
    otherwise."""
    start = end + 1 if text[end : end + 1] in (",", ":") else end
    m = _KO_RUN.match(text, start)
    if m is None:
        return latin_name(text, _JA_APART.match(text, start).end(), "ko")  # type: ignore[union-attr]
    first, second = _nfc(m.group(1)), m.group(2)
    if second is not None and first in KO_FAMILY:  # "김 민준입니다", "김 민준 입니다"
        word = _cut_copula(_nfc(second))
        if word is None and len(_nfc(second)) == 2 and _KO_COPULA_APART.match(text, m.end(2)):
            word = _nfc(second)  # two given syllables: not "정 방향 이에요", "한 번 이에요"
        if word and _ko_name(word, apart=True):
            return [(m.start(1), m.start(2) + _span_of(text, m.start(2), m.end(2), len(word)) - m.start(2))]
        return []
    word = _cut_copula(first) or (first if _KO_COPULA_APART.match(text, m.end(1)) else None)
    if word and (size := _ko_name(word, apart=False)):
        return [(m.start(1), _span_of(text, m.start(1), m.end(1), size))]
    return []
