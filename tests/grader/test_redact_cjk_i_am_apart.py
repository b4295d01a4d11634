# ruff: noqa: RUF001  # full-width punctuation of Japanese
"""Self-introductions in the "I am" frames of Korean and Japanese with a space, a comma or another "I" between
(grader/cjk_i_am.py, 2026-12-06, reviewV11): "저는 김민준 입니다" (the copula set apart),
"저는 김 민준 이에요", "저는, 김민준입니다", "저 김민준입니다" and "제가 김민준입니다"
(the other ways to say "I am"), "私は、田中です" reached the model with the name. Generated
over names, frames and endings; the same frames before what a speaker is or does stay."""

from __future__ import annotations

import time
import unicodedata

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))

KO_NAMES = ["김민준", "이서연", "박지우", "최유나", "정하은", "남궁민수", "김 민준", "윤 서준"]
KO_FRAMES = ["저는 ", "저는, ", "저 ", "제가 ", "안녕하세요, 저 ", "나는 "]
KO_ENDS = [" 입니다", " 입니다.", " 이에요", " 이라고 합니다", "입니다", "이에요."]
JA_NAMES = ["田中", "佐藤花子", "山田太郎", "高橋さくら", "Tanaka"]
JA_FRAMES = ["私は、", "わたしは、", "僕は, ", "私は："]


def _shown(said: str) -> str:
    return unicodedata.normalize("NFC", R.speech(said).text)


@pytest.mark.parametrize("end", KO_ENDS)
@pytest.mark.parametrize("frame", KO_FRAMES)
@pytest.mark.parametrize("name", KO_NAMES)
def test_a_korean_name_apart_from_its_frame_or_copula_goes(name: str, frame: str, end: str) -> None:
    said = f"{frame}{name}{end}"
    assert _shown(said) == f"{frame}[candidate]{end}", said


@pytest.mark.parametrize("frame", JA_FRAMES)
@pytest.mark.parametrize("name", JA_NAMES)
def test_a_japanese_name_after_a_comma_goes(name: str, frame: str) -> None:
    said = f"{frame}{name}です。"
    assert _shown(said) == f"{frame}[candidate]です。", said


KEPT = [
    "저는 개발자 입니다",
    "저는 학생 이에요",
    "저는 한 번 이에요",
    "저는 이 부분 이에요",
    "저는 정렬 이에요",
    "저는 이진 탐색 이에요",
    "저는, 개발자입니다",
    "저 사람이에요",
    "저 개발자입니다",
    "저 이번에 처음이에요",
    "저 고수예요",
    "제가 정리했어요",
    "제가 신입입니다",
    "제가 담당입니다",
    "제가 최고입니다",
    "내가 한 거야",
    "私は、学生です",
    "私は、エンジニアです",
    "私は、東京出身です",
    "私は、Pythonです",
]


@pytest.mark.parametrize("said", KEPT)
def test_what_a_speaker_is_or_does_in_those_frames_stays(said: str) -> None:
    assert _shown(said) == said


def test_a_long_text_of_such_frames_is_read_in_linear_time() -> None:
    unit = "저는 김 민준 입니다만 저 개발자 제가 "
    small, big = unit * 125, unit * 1250  # about 5 KB and 50 KB
    started = time.perf_counter()
    R.speech(small)
    first = time.perf_counter() - started
    started = time.perf_counter()
    R.speech(big)
    second = time.perf_counter() - started
    assert second < max(40 * first, 3.0), (first, second)
