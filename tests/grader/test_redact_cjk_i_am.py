# ruff: noqa: RUF001  # full-width punctuation of Chinese
"""Chinese "我是" ("I am") before a name (2026-12-06, graderI7, grader/cjk_names.py `_zh_am`): "我是张伟" reached the
model with the name, since "我是" introduces a role or a people as often ("我是学生", "我是中国人"). A name is read
after it only in a name's shape: a family name from a closed list and one or two characters, then the end of what is
said; generated over family names, given names, what follows and positions (speech, a comment, a string literal, a
program's output), and what a speaker says they are stays."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import self_introduced

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))

FAMILY = ["王", "李", "张", "刘", "陈", "杨", "黄", "周", "吴", "徐", "林", "郭", "欧阳", "司马", "陳", "張"]
GIVEN = ["伟", "娜", "小明", "建国", "秀英", "静"]
BEFORE = ["", "你好，", "大家好！", "面试官您好，"]
AFTER = ["", "。", "，很高兴认识你", "很高兴认识你", "，今天面试后端", " ", "!"]


def _names() -> list[str]:
    return [f + g for i, f in enumerate(FAMILY) for g in GIVEN[i % 3 : i % 3 + 4]]


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize("before", BEFORE)
@pytest.mark.parametrize("name", _names())
def test_a_name_after_i_am_in_chinese_goes_in_speech(name: str, before: str, after: str) -> None:
    said = f"{before}我是{name}{after}"
    assert R.speech(said).text == f"{before}我是[candidate]{after}"


@pytest.mark.parametrize("name", _names())
@pytest.mark.parametrize(
    ("template", "language"),
    [
        ("# 我是{}\nx = 1\n", "python"),
        ('print("我是{}")\n', "python"),
        ('print("你好，我是{}，很高兴认识你")\n', "python"),
        ("// 大家好，我就是{}。\nint x;\n", "cpp"),
    ],
)
def test_a_name_after_i_am_in_chinese_goes_in_code(name: str, template: str, language: str) -> None:
    assert R.code(template.format(name), language).text == template.format("[candidate]")


@pytest.mark.parametrize("name", _names())
def test_a_name_after_i_am_in_chinese_goes_in_output(name: str) -> None:
    assert R.output(f"你好，我是{name}！").text == "你好，我是[candidate]！"


def test_a_name_so_introduced_is_redacted_everywhere() -> None:
    terms = self_introduced(["你好，我是张伟。"])
    assert "张伟" in terms
    other = Redactor([*redaction_terms("Ada Lovelace", "a@example.com"), *terms])
    assert other.code("# 作者：张伟\n", "python").text == "# 作者：[candidate]\n"


# What a speaker says they are after "我是", many of them opening with a character that is also a family name
# (高, 程, 韩, 江, 马, 白, 王, 金, 周, 方): a role, a people or a place, a rank, a state, what they do next.
NOT_NAMES = [
    "学生",
    "中国人",
    "新手",
    "高手",
    "程序员",
    "韩国人",
    "江苏人",
    "江苏的",
    "马来西亚人",
    "白痴",
    "王者",
    "高级工程师",
    "高中生",
    "黄种人",
    "金牌会员",
    "前端开发",
    "初学者",
    "第一次面试",
    "用Python写的",
    "马上来",
    "周末到的",
    "方便的",
    "说这个算法",
    "高兴的",
    "林业大学毕业的",
    "程序员出身",
    "老师",
    "王老师的学生",
]


@pytest.mark.parametrize("after", ["", "。", "，你好"])
@pytest.mark.parametrize("what", NOT_NAMES)
def test_what_a_speaker_says_they_are_stays(what: str, after: str) -> None:
    said = f"我是{what}{after}"
    assert R.speech(said).text == said
    assert R.code(f'print("{said}")\n', "python").text == f'print("{said}")\n'
    assert self_introduced([said]) == []


@pytest.mark.parametrize("said", ["自我是一个概念", "我是否需要排序", "我是说这个循环"])
def test_other_words_holding_i_am_stay(said: str) -> None:
    assert R.speech(said).text == said
