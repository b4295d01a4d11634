# ruff: noqa: RUF001  # full-width punctuation of Chinese and Japanese
"""Self-introductions in the "I am" frames of Chinese, Japanese and Korean (2026-12-06, graderG10, grader/cjk_i_am.py):
"我是 Zhang Wei", "私は田中です", "私は Tanaka です", "저는 김민준입니다", "저는 Kim Minjun입니다" and a name after a
greeting ("はじめまして、田中です", "안녕하세요, 김민준입니다") reached the model with the name. Generated over
frames, names (native and in Latin letters), what comes before and after, and where they are (speech, a comment, a
string literal, a program's output); what a speaker says they are in those frames stays ("我是Python开发者",
"私は学生です", "저는 개발자입니다")."""

from __future__ import annotations

import unicodedata

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import self_introduced

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))

LATIN = ["Zhang Wei", "Tanaka", "Kim Minjun", "Li Na", "Yuki Sato", "Park Ji-woo"]
# (before, frame, after) in each language; the name goes between the frame and what follows.
ZH = [
    ("", "我是", ""),
    ("你好，", "我是 ", "，很高兴认识你"),
    ("大家好！", "我就是", "。"),
    ("", "我是", "很高兴认识你"),
    ("", "本人是", "。"),
]
JA = [
    ("", "私は", "です"),
    ("はじめまして、", "私は ", " です。"),
    ("", "僕は", "と申します"),
    ("", "わたしは", "。"),
    ("", "はじめまして、", "です。よろしくお願いします"),  # a greeting, then the name
    ("", "私、", "です"),
]
KO = [
    ("", "저는 ", "입니다"),
    ("안녕하세요, ", "저는 ", "이에요."),
    ("", "나는 ", "이야"),
    ("", "저는 ", "라고 합니다"),
    ("", "안녕하세요, ", "입니다"),  # a greeting, then the name
    ("", "안녕하세요! ", "이에요."),
]
FRAMES = [*ZH, *JA, *KO]


@pytest.mark.parametrize(("before", "frame", "after"), FRAMES)
@pytest.mark.parametrize("name", LATIN)
def test_a_name_in_latin_letters_after_i_am_goes(name: str, before: str, frame: str, after: str) -> None:
    said = f"{before}{frame}{name}{after}"
    assert R.speech(said).text == f"{before}{frame}[candidate]{after}", said


JA_NAMES = ["田中", "佐藤", "鈴木", "山田太郎", "高橋さくら", "佐々木", "長谷川", "伊藤大輔", "渡辺直人"]
KO_NAMES = ["김민준", "이서연", "박지우", "최유나", "정하은", "강도윤", "남궁민수", "김 민준", "윤서준"]
JA_FRAMES = [*JA, ("", "俺は", "だ"), ("", "私は", "でございます")]


@pytest.mark.parametrize(("before", "frame", "after"), JA_FRAMES)
@pytest.mark.parametrize("name", JA_NAMES)
def test_a_japanese_name_after_watashi_wa_goes(name: str, before: str, frame: str, after: str) -> None:
    said = f"{before}{frame}{name}{after}"
    assert R.speech(said).text == f"{before}{frame}[candidate]{after}", said


@pytest.mark.parametrize(("before", "frame", "after"), [k for k in KO if k[2] != "라고 합니다"])
@pytest.mark.parametrize("name", KO_NAMES)
def test_a_korean_name_after_jeoneun_goes(name: str, before: str, frame: str, after: str) -> None:
    said = f"{before}{frame}{name}{after}"
    shown = unicodedata.normalize("NFC", R.speech(said).text)
    assert shown == f"{before}{frame}[candidate]{after}", said


@pytest.mark.parametrize(
    "said",
    ["我是 Zhang Wei", "私は田中です", "私は Tanaka です", "저는 김민준입니다", "저는 Kim Minjun입니다"],
)
def test_such_a_name_goes_in_code_and_output_and_everywhere(said: str) -> None:
    shown = R.speech(said).text
    assert "[candidate]" in shown
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {shown}\nx = 1\n"
    assert R.code(f'print("{said}")\n', "python").text == f'print("{shown}")\n'
    assert R.output(f"{said}!").text == f"{shown}!"
    terms = self_introduced([said])
    assert terms
    other = Redactor([*redaction_terms("Ada Lovelace", "a@example.com"), *terms])
    name = said.replace(shown.split("[candidate]")[0], "", 1).split(shown.split("[candidate]")[1] or "\0")[0]
    assert name.strip() not in other.code(f"# by {name.strip()}\n", "python").text


# What a speaker says they are, in the same frames: a role, a people, a place, a state, a technology, a choice.
NOT_NAMES = [
    "我是Python开发者",
    "我是 Kubernetes 的工程师",
    "我是 Java 程序员",
    "我是 Senior Engineer",
    "我是 Backend Developer。",
    "私は Kubernetes Engineer です",
    "我是 Python",
    "私は学生です",
    "私は大丈夫です",
    "私は東京出身です",
    "私は中村出身です",
    "私は日本人です",
    "私はエンジニアです",
    "私はJavaエンジニアです",
    "私は Python です",
    "私は田中さんの同僚です",
    "私は初めてです",
    "僕は元気です",
    "저는 개발자입니다",
    "저는 주니어입니다",
    "저는 백엔드입니다",
    "저는 연구원입니다",
    "저는 지원자입니다",
    "저는 조교수입니다",
    "저는 원어민입니다",
    "저는 고민중입니다",
    "저는 대학생입니다",
    "저는 한국인입니다",
    "저는 전문가입니다",
    "저는 서울대입니다",
    "저는 정반대입니다",
    "저는 신입생이에요",
    "저는 경력직입니다",
    "저는 유튜버예요",
    "저는 고구마요",
    "저는 문자열이요",
    "저는 Python 개발자입니다",
    "저는 Kubernetes입니다",
    "저는 괜찮아요",
    "나는 학생이야",
    "저는 조건문입니다",
    "저는 최댓값입니다",
    "本人是学生",
    "こんにちは、大丈夫です",
    "こんにちは、Pythonです",
    "안녕하세요, 지원자입니다",
    "안녕하세요, 반갑습니다",
    "안녕하세요 여러분",
    "안녕하세요, 백엔드 개발자입니다",
    "우리나는 김민준입니다",  # no frame: "나는" inside a word
]


@pytest.mark.parametrize("said", NOT_NAMES)
def test_what_a_speaker_says_they_are_stays(said: str) -> None:
    assert R.speech(said).text == said
    assert self_introduced([said]) == []


def test_many_frames_are_read_in_bounded_time() -> None:
    """A frame's name is read in a bounded window after it: 20 KB of frames, each with a name or a word."""
    import time

    text = "私は田中さくらです。저는 김민준입니다. 我是 Zhang Wei，저는 개발자입니다 " * 300
    start = time.perf_counter()
    shown = R.speech(text).text
    assert time.perf_counter() - start < 3.0
    assert "田中" not in shown and "Zhang" not in shown and "개발자" in shown
