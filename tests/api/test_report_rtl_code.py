"""Right-to-left letters in the code the report prints (the final code, a quote of code) keep the code in the order
it was written: each run of them is an isolate, or, in a text of thousands of runs, each line holding one is printed
in written order; the candidate's words (a turn, a quote of them) keep the reader's own bidirectional text. What the
browser draws of it: tests/web/test_report_hostile.py."""

from __future__ import annotations

import re
from html import unescape

from api.report_lines import code_lines, quoted_lines, said_lines

CODE = 'pair = ["\u05d0", "\u05d1"]\nsay = "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"\n'
TAGS = re.compile(r"<[^>]*>")


def _text(markup: str) -> str:
    return unescape(TAGS.sub("", markup))


def test_each_run_of_right_to_left_letters_in_code_is_an_isolate_and_the_text_is_whole() -> None:
    for markup in (
        str(code_lines(CODE, printed=True)),
        str(quoted_lines(CODE, code=True)),
        str(quoted_lines(CODE, code=True, printed=True)),
    ):
        assert re.findall(r'<span class="rtl">([^<]*)</span>', markup) == [
            "\u05d0",
            "\u05d1",
            "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
        ], markup
        assert "written-order" not in markup
        lines = [line.split("\u2502 ", 1)[-1] for line in _text(markup).split("\n")]
        assert "\n".join(lines).strip() == CODE.strip()


def test_a_text_of_thousands_of_runs_prints_each_line_holding_one_in_written_order() -> None:
    crowded = 'many = ["' + '\u05d0", "' * 2_500 + '"]\nx = 1\n'
    markup = str(code_lines(crowded, printed=True))
    assert 'class="rtl"' not in markup
    assert markup.count('<span class="written-order">') == 1  # the line of runs, not `x = 1`
    assert _text(markup).count("\u05d0") == 2_500


def test_the_candidates_words_keep_their_own_direction() -> None:
    said = 'I said \u05e9\u05dc\u05d5\u05dd, "\u05d0", "\u05d1"'
    for markup in (
        str(said_lines(said, printed=True)),
        str(quoted_lines(said)),
        str(quoted_lines(said, printed=True)),
    ):
        assert 'class="rtl"' not in markup and "written-order" not in markup
