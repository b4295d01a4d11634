"""A name on file in Han characters is redacted where the candidate says or writes it in pinyin, and in Han
(grader/han_names.py); its short syllables alone only where they are written as a name."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor


def _redactor(name: str, email: str | None = None) -> Redactor:
    return Redactor(redaction_terms(name, email))


@pytest.mark.parametrize(
    "said",
    [
        "Hi, I'm Zhang Wei and I'll use a hash map",
        "hi, I'm Wei Zhang and I'll use a hash map",
        "I'm ZHANG WEI",
        "I'm Zhāng Wěi",  # tone marks
        "I'm zhang1 wei3",  # tone numbers
        "I'm Zhang-Wei",
        "my handle is zhangwei on most sites",
        "I'm ZhangWei",
        "call me zhang",  # a syllable English never spells: alone, any case
    ],
)
def test_a_han_name_said_in_pinyin_is_redacted(said: str) -> None:
    out = _redactor("张伟").speech(said).text
    assert "[candidate]" in out
    assert "zhang" not in out.lower() and "wei" not in out.lower().replace("i'll", "")


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "def zhang_wei_solution(nums):\n    return nums\n"),
        ("python", "class ZhangWei42:\n    pass\n"),
        ("python", "x = 1  # written by wei zhang\n"),
        ("javascript", "const weiZhang = 1; // Zhang\n"),
    ],
)
def test_a_han_name_written_in_pinyin_in_code_is_redacted(language: str, code: str) -> None:
    out = _redactor("张伟").code(code, language).text
    assert "zhang" not in out.lower(), out


def test_a_han_name_printed_in_pinyin_is_redacted() -> None:
    out = _redactor("张伟").output('author: "Zhang Wei" <zhang.wei>').text
    assert "zhang" not in out.lower() and "wei" not in out.lower(), out


def test_the_han_form_is_redacted_whole_spaced_or_in_its_long_parts() -> None:
    assert _redactor("张伟").speech("我是张伟。").text == "我是[candidate]。"
    # On file with a space between family and given name, said without one.
    assert _redactor("张 伟").speech("我是张伟").text == "我是[candidate]"
    # A compound family name and a given name of two characters, alone.
    red = _redactor("欧阳娜娜")
    assert red.speech("欧阳说").text == "[candidate]说"
    assert red.speech("娜娜说").text == "[candidate]说"
    # One character alone is also a word (张 is a measure word: "a sheet of paper"), and stays.
    assert _redactor("张伟").speech("一张纸").text == "一张纸"


def test_a_compound_family_name_and_a_long_given_name_are_redacted_alone_in_any_form() -> None:
    red = _redactor("欧阳明华")
    for said in (
        "Ouyang",
        "ouyang",
        "Ou-yang",
        "Minghua",
        "ming hua",
        "Ming-Hua",
        "Ouyang Minghua",
        "Minghua Ouyang",
    ):
        assert red.speech(f"it was {said} who wrote it").text == "it was [candidate] who wrote it", said


def test_a_family_name_is_read_as_a_family_name() -> None:
    # 单 reads dan, chan or shan; as a family name, Shan. 黑 reads hei; as a family name, He. 曾 is Zeng.
    red = _redactor("单小明")
    assert red.speech("I'm Shan Xiaoming").text == "I'm [candidate]"
    assert red.speech("Dan and I paired on it").text == "Dan and I paired on it"
    assert _redactor("黑明").speech("I'm He Ming").text == "I'm [candidate]"
    assert _redactor("曾国藩").speech("I'm Zeng Guofan").text == "I'm [candidate]"


def test_a_given_name_is_read_in_each_of_its_readings() -> None:
    red = _redactor("王乐")  # 乐: le or yue
    assert red.speech("I'm Wang Le").text == "I'm [candidate]"
    assert red.speech("I'm Wang Yue").text == "I'm [candidate]"


def test_u_umlaut_in_each_spelling() -> None:
    red = _redactor("吕芳")
    for said in ("Lü Fang", "Lu Fang", "Lv Fang", "Lyu Fang", "Fang Lyu"):
        assert red.speech(f"I'm {said}").text == "I'm [candidate]", said


def test_short_syllables_alone_only_as_a_name() -> None:
    # 李安 is Li An, 何马 He Ma, 许龙 Xu Long: each syllable alone is also an English word or an identifier.
    red = _redactor("李安")
    assert red.speech("I'm Li An").text == "I'm [candidate]"
    assert red.speech("An Li here").text == "[candidate] here"
    assert red.speech("so Li wrote it").text == "so [candidate] wrote it"
    for kept in ("an array of li elements", "An array. Li is the list", "lian"):
        assert red.speech(kept).text == kept
    red = _redactor("何马")
    assert red.speech("I'm He Ma").text == "I'm [candidate]"
    assert red.speech("the ma of the series, he said").text.startswith("the ma of the series")
    red = _redactor("许龙")
    assert red.speech("I'm Xu Long, xulong on github").text == "I'm [candidate], [candidate] on github"
    code = "long xu = 0; // long\nLong x = Long.valueOf(xu);\n"
    assert red.code(code, "java").text == code
    # A one-syllable part of three letters that is not spelled as only pinyin is: as a name only.
    red = _redactor("张伟")
    assert red.speech("wei is a unit of ether").text == "wei is a unit of ether"
    assert red.speech("then Wei ran it").text == "then [candidate] ran it"


def test_a_comment_opens_a_sentence() -> None:
    # A part that is an everyday word (Min, for 敏 or a Latin Min) stays at the start of a comment: "// Min-heap".
    for name in ("孙敏", "Min Seo"):
        red = _redactor(name)
        for language, code in (
            ("java", "// Min-heap by count\nint k = 0;\n"),
            ("python", "# Min-heap by count\nk = 0\n"),
            ("cpp", "/* Min-heap */ int k;\n"),
        ):
            assert red.code(code, language).text == code, (name, code)


def test_a_type_of_the_language_is_not_a_name_in_code() -> None:
    # A part that is an everyday word, written as a name in code, is replaced; not where it is the language's type.
    for name in ("Sam Long", "许龙"):
        red = _redactor(name)
        code = "Long total = Long.valueOf(0); // Long.MAX_VALUE is the cap\n"
        assert red.code(code, "java").text == code, name
        assert "[candidate]" in red.code("int x = 0; // asked Long about it\n", "java").text
