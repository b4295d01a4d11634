# ruff: noqa: RUF001  # full-width punctuation of Chinese and Japanese
"""Blind grading's leftovers (2026-12-06, graderI6): a name said wholly in lower case after a cue keeps its third and
fourth words (grader/name_particles.py). Generated over names of several cultures and positions (speech, a comment, a
string literal, a program's output); what speech says after a name stays."""

from __future__ import annotations

import unicodedata

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import self_introduced

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))

LOWER_NAMES = [
    "maria del carmen lopez",
    "kofi annan boateng",
    "nguyen van an",
    "nguyễn văn an",
    "tran thi mai",
    "chiamaka ngozi okafor",
    "joao da silva santos",
    "siobhan aoife kelly",
    "ahmad bin yusuf rahman",
    "priya lakshmi raman",
    "wei jie chen",
    "olusegun adebayo okonkwo",
]
CUES = ["my name is", "my full name is", "mi nombre es", "tên tôi là", "mon nom est", "il mio nome è"]
AFTER = ["", ", nice to meet you", " and i work at acme", ". i'm ready", " y trabajo en madrid"]


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize("cue", CUES)
@pytest.mark.parametrize("name", LOWER_NAMES)
def test_every_word_of_a_lower_case_name_goes_in_speech(name: str, cue: str, after: str) -> None:
    shown = R.speech(f"{cue} {name}{after}").text
    assert shown == f"{cue} [candidate]{after}", shown


@pytest.mark.parametrize("name", LOWER_NAMES)
@pytest.mark.parametrize(
    ("template", "language"),
    [
        ("# my name is {}\nx = 1\n", "python"),
        ('print("my name is {}")\n', "python"),
        ("// my name is {}.\nint x;\n", "cpp"),
    ],
)
def test_every_word_of_a_lower_case_name_goes_in_code(name: str, template: str, language: str) -> None:
    shown = R.code(template.format(name), language).text
    assert shown == template.format("[candidate]"), shown


@pytest.mark.parametrize("name", LOWER_NAMES)
def test_every_word_of_a_lower_case_name_goes_in_output(name: str) -> None:
    assert R.output(f"hello! my name is {name}.").text == "hello! my name is [candidate]."


def test_the_last_word_is_a_name_redacted_everywhere() -> None:
    terms = self_introduced(["my name is maria del carmen lopez"])
    assert "lopez" in terms and "del" not in terms
    other = Redactor([*redaction_terms("Ada Lovelace", "a@example.com"), *terms])
    assert "lopez" not in other.speech("lopez wrote that").text.lower()


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("my name is priya raman, nice to meet you", "my name is [candidate], nice to meet you"),
        ("my name is priya raman nice to meet you", "my name is [candidate] nice to meet you"),
        ("my name is priya raman i work at acme", "my name is [candidate] i work at acme"),
        ("my name is priya raman let's start", "my name is [candidate] let's start"),
        ("my name is priya raman thanks", "my name is [candidate] thanks"),
        ("my name is priya raman and i", "my name is [candidate] and i"),
        ("my name is john smith so let's start", "my name is [candidate] so let's start"),
        ("my name is john smith an engineer", "my name is [candidate] an engineer"),
        ("my name is sam lee long ago", "my name is [candidate] long ago"),
        ("my name is sam lee ready when you are", "my name is [candidate] ready when you are"),
        ("my name is sam lee from acme", "my name is [candidate] from acme"),
        ("my name is Priya Raman today", "my name is [candidate] today"),  # written as a name: as before
    ],
)
def test_what_speech_says_after_a_lower_case_name_stays(said: str, shown: str) -> None:
    assert R.speech(said).text == shown


# A name after a cue in a script written without spaces (grader/cjk_names.py): (said, the name in it).
UNSPACED = [
    ("我叫张伟", "张伟"),
    ("你好，我叫王小明，很高兴认识你", "王小明"),
    ("我叫李娜很高兴认识你", "李娜"),
    ("我的名字是欧阳娜娜。", "欧阳娜娜"),
    ("大家好，我的名字叫陈静", "陈静"),
    ("本人叫刘洋", "刘洋"),
    ("我姓张，大家叫我小张", "张"),
    ("私の名前は田中です", "田中"),
    ("私の名前は田中太郎です。よろしくお願いします", "田中太郎"),
    ("僕の名前は佐藤健です", "佐藤健"),
    ("私の名前はたなかです", "たなか"),
    ("私の名前はダニエルです。", "ダニエル"),
    ("はじめまして、鈴木花子と申します", "鈴木花子"),
    ("山本と呼んでください", "山本"),
    ("제 이름은 김민준입니다", "김민준"),
    ("안녕하세요, 제 이름은 박서연이에요", "박서연"),
    ("제 이름은 이지은이고 개발자입니다", "이지은"),
    ("내 이름은 유나예요", "유나"),
    ("제 이름은 김 민준입니다", "김 민준"),
]


@pytest.mark.parametrize(("said", "name"), UNSPACED)
def test_a_name_after_a_cue_in_an_unspaced_script_goes(said: str, name: str) -> None:
    expected = said.replace(name, "[candidate]", 1)
    assert R.speech(said).text == expected
    assert R.output(said).text == expected
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {expected}\nx = 1\n"
    assert R.code(f'print("{said}")\n', "python").text == f'print("{expected}")\n'


def test_a_name_so_introduced_is_redacted_everywhere() -> None:
    terms = self_introduced(["我叫张伟", "私の名前は田中太郎です", "제 이름은 김민준입니다"])
    assert {"张伟", "田中太郎", "김민준"} <= {unicodedata.normalize("NFC", t) for t in terms}
    other = Redactor([*redaction_terms("Ada Lovelace", "a@example.com"), *terms])
    assert other.code("# 作者：张伟\n", "python").text == "# 作者：[candidate]\n"
    assert "김민준" not in other.output("김민준 님의 코드").text
    assert self_introduced(["我姓张"]) == []  # a single character is no name to redact everywhere


@pytest.mark.parametrize(
    "said",
    [
        "我叫他先运行测试",  # I asked him to run the tests first
        "我叫它node",
        "我是学生",  # "I am": not a name cue
        "变量的名字是count",
        "変数の名前はcountです",  # a variable's name
        "名前は count です",
        "私は学生です",
        "これはハッシュマップといいます",  # "is called"
        "저는 개발자입니다",  # "I am a developer"
        "변수의 이름은 count입니다",
        "この関数の名前はsolveです",
    ],
)
def test_talk_about_code_in_those_scripts_stays(said: str) -> None:
    assert R.speech(said).text == said


# "I am" in the candidate's own language (grader/introductions.py), before a name written as one: (said, name).
I_AM = [
    ("sono Giulia", "Giulia"),
    ("Ciao, sono Giulia Rossi, piacere", "Giulia Rossi"),
    ("io sono Marco.", "Marco"),
    ("ik ben Sanne de Vries", "Sanne de Vries"),
    ("Hoi, ik ben Daan.", "Daan"),
    ("jestem Ola", "Ola"),
    ("Cześć, jestem Katarzyna Nowak.", "Katarzyna Nowak"),
    ("saya Budi Santoso", "Budi Santoso"),
    ("halo, aku Putri", "Putri"),
    ("mimi ni Amani", "Amani"),
    ("merhaba, ben Ayşe", "Ayşe"),
    ("main Priya hoon", "Priya"),
    ("namaste, main Priya Sharma hoon, aur main developer hoon", "Priya Sharma"),
    ("je suis Camille", "Camille"),
    ("ich bin Lukas", "Lukas"),
    ("soy Lucía", "Lucía"),
]


@pytest.mark.parametrize(("said", "name"), I_AM)
def test_i_am_in_other_languages_before_a_name_goes(said: str, name: str) -> None:
    expected = said.replace(name, "[candidate]", 1)
    assert R.speech(said).text == expected
    assert R.output(said).text == expected
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {expected}\nx = 1\n"
    assert R.code(f'print("{said}")\n', "python").text == f'print("{expected}")\n'
    assert self_introduced([said])  # and redacted everywhere (in its matching form: "Ayse", "Lucia")


@pytest.mark.parametrize(
    "said",
    [
        "Ben Smith wrote that library.",  # "Ben" is a name, not Turkish "I"
        "Ben said so.",
        "sono contento",  # lower case: a state
        "sono Java dev",  # the clause goes on: not a name
        "call main Function first",
        "the main Idea.",
        "main function hoon",
        "ik ben klaar",
        "jestem gotowy",
        "saya siap",
    ],
)
def test_what_is_no_name_after_those_words_stays(said: str) -> None:
    assert R.speech(said).text == said
