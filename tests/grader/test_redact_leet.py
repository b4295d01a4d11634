"""The name written with digits for letters ("leetspeak": `L0v3l4c3`, `4d4 L0v3l4c3`, `solve_l0velace`) or broken up
(`Love-lace`, `LOVE_LACE`), said, in code (an identifier, a comment, a string) or printed, is redacted; number
literals and the code's own words with digits or dots (`1e0`, `0x4d4`, `i18n`, `S3`, `node.next`) stay
(grader/leet.py)."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
LEO = Redactor(redaction_terms("Leo Tessi", "leo.t@example.com"))


@pytest.mark.parametrize(
    "written",
    ["L0v3l4c3", "4d4 L0v3l4c3", "L0VELACE", "Lovel4ce", "Love1ace", "4d4_l0v3l4c3", "Love-lace", "LOVE_LACE",
     "Ada_Love_lace", "lo.ve.lace", "L0ve-l4ce"],
)  # fmt: skip
def test_the_name_with_digits_for_letters_is_redacted(written: str) -> None:
    for out in (
        R.speech(f"I'm {written}, hi").text,
        R.output(f"by {written}").text,
        R.code(f"AUTHOR = '{written}'  # {written}\n", "python").text,
    ):
        assert "[candidate]" in out and written not in out, out
    assert R.code(f"def solve_{written.replace(' ', '_')}(nums):\n    return []\n", "python").text.startswith(
        "def solve_[candidate]("
    )
    assert R.code("int solveL0velace42(int[] nums) {}", "java").text == "int solve[candidate](int[] nums) {}"


@pytest.mark.parametrize(
    "code",
    [
        "x = 1e0 + 0x4d4 + 5e5 + 1e05",
        "s3 = i18n(l10n, b2b)",
        "const LIMIT = 1e9 + 7;",
        "long mod = 1000000007L;",
        "node.next = a_d_a; le.o = it_o;",
    ],
)
def test_number_literals_and_the_codes_own_words_with_digits_stay(code: str) -> None:
    assert R.code(code, "java").text == code
    assert LEO.code(code, "java").text == code  # "1e0" spells leo
    assert LEO.speech(f"I'd write {code}").text == f"I'd write {code}"
