# ruff: noqa: RUF001  # full-width punctuation of Chinese and Japanese
"""A name in Latin letters after a name cue of Chinese, Japanese or Korean goes too (grader/cjk_names.py,
grader/spoken.py). The cues of those scripts read only a name in their own script, so "我叫Zhang Wei",
"私の名前はTanaka Yukiです" and "제 이름은 Kim Minji입니다" reached the model with the name (a pinyin or romanised
name is how many candidates write theirs). "我是" ("I am") also says what one is ("我是Python开发者") and is not read
so."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import self_introduced

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))

CASES = [
    ("我叫Zhang Wei", "我叫[candidate]"),
    ("我叫 Zhang Wei，很高兴认识你", "我叫 [candidate]，很高兴认识你"),
    ("我的名字是zhang wei。", "我的名字是[candidate]。"),
    ("我姓Zhang", "我姓[candidate]"),
    ("私の名前はTanaka Yukiです", "私の名前は[candidate]です"),
    ("제 이름은 Kim Minji입니다", "제 이름은 [candidate]입니다"),
    ("我叫Maria del Carmen Lopez", "我叫[candidate]"),
]


@pytest.mark.parametrize(("said", "shown"), CASES)
def test_a_latin_name_after_a_cjk_cue_goes_in_speech(said: str, shown: str) -> None:
    assert R.speech(said).text == shown


@pytest.mark.parametrize(("said", "shown"), CASES[:3])
def test_a_latin_name_after_a_cjk_cue_goes_in_code(said: str, shown: str) -> None:
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {shown}\nx = 1\n"
    assert R.code(f'print("{said}")\n', "python").text == f'print("{shown}")\n'


def test_the_name_is_redacted_everywhere_else() -> None:
    assert "Kim Minji" in self_introduced(["제 이름은 Kim Minji입니다"])
    assert "Zhang Wei" in self_introduced(["我叫Zhang Wei"])


@pytest.mark.parametrize(
    "said",
    ["我是Python开发者", "我是Java工程师，我叫张伟", "变量的名字是count", "我叫张伟，用Python写的"],
)
def test_what_is_no_latin_name_stays(said: str) -> None:
    shown = R.speech(said).text
    for word in ("Python", "Java", "count"):
        assert (word in said) == (word in shown), shown
