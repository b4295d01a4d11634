"""`practice` in question.yaml (judge.bank.Meta): a strict boolean, false when absent. It decides whether anyone may
read and probe the question through self-serve practice, so a value that only reads as a boolean is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from judge.bank import BankError, load_question

ROOT = Path(__file__).resolve().parents[2]


def _with_practice(tmp_path: Path, line: str | None) -> Path:
    q = tmp_path / "two-sum"
    shutil.copytree(ROOT / "questions" / "two-sum", q)
    meta = q / "question.yaml"
    text = meta.read_text()
    assert "practice:" not in text
    if line is not None:
        meta.write_text(text.replace("difficulty: Easy\n", f"difficulty: Easy\n{line}\n", 1))
    return q


@pytest.mark.parametrize(
    ("line", "expected"), [(None, False), ("practice: true", True), ("practice: false", False)]
)
def test_the_practice_flag_is_read_and_defaults_to_false(
    tmp_path: Path, line: str | None, expected: bool
) -> None:
    assert load_question(_with_practice(tmp_path, line)).meta.practice is expected


@pytest.mark.parametrize("value", ['"true"', '"yes"', "1", "0", "null", "[true]"])
def test_a_practice_flag_that_is_not_a_boolean_is_refused_naming_the_field(
    tmp_path: Path, value: str
) -> None:
    with pytest.raises(BankError) as info:
        load_question(_with_practice(tmp_path, f"practice: {value}"))
    assert info.value.field == "practice"
    assert info.value.path.name == "question.yaml"
