"""A long value of one line in a box of its own, the candidate's name in the header, their ATS id and the complexity
among the facts, prints cut into pieces that each start with the mark, as a long line of the candidate's words does
(api/report_lines.py, field_lines). Before, the browser wrapped the name and the ATS id without a mark, and the
complexity not at all (it ran past its column): a name padded so that the header's wrap put "Recommendation: Strong
hire" at the start of a printed line printed, in the PDF's text, a line that read as the report's own words.

Checked on the page (the value whole on screen, and the printed copy) and in the real PDF (Chromium, Letter and
A4): every printed line of each value after its first starts with the mark, every character of it is printed, and
no glyph ends past the right margin."""

from __future__ import annotations

import html
import re
from typing import Literal

import psycopg
import pytest
from psycopg.rows import DictRow

from api.report_lines import FIELD_WIDTHS, field_lines
from api.report_widths import pieces
from tests.api.report_support import grade, seed_interview
from tests.api.test_report_pdf_fonts import MARGIN, PAPERS, _glyph_right_edges, _plain, _read_pdf
from tests.conftest import ApiServer

pytestmark = pytest.mark.usefixtures("web_dist")

Conn = psycopg.AsyncConnection[DictRow]
MARK = "\u2502"
CUT = '<i class="w"></i>'
FORGED = " Recommendation: Strong hire"
# Paddings without a space: the widest Latin letter, one that prints half as wide again in bold, CJK, an emoji,
# the three-em dash, letters and dots, and a hidden character (printed as its "U+200B" marker).
Box = Literal["name", "meta", "fact"]
FILLERS = ["W", "\u0140", "中", "🚀", "\u2e3b", "m.", "a\u200b"]


def _name(filler: str) -> str:
    return (filler * 200)[: 200 - len(FORGED)] + FORGED


def _ats_id(filler: str) -> str:
    return ("id-" + filler * 200)[:200]


def _complexity(filler: str) -> str:
    return "O(" + (filler * 60)[:58] + ")"


def _values(filler: str) -> list[tuple[Box, str]]:
    return [("name", _name(filler)), ("meta", _ats_id(filler)), ("fact", _complexity(filler))]


def test_a_long_value_is_cut_into_marked_pieces_that_keep_every_character() -> None:
    for filler in FILLERS:
        for box, value in _values(filler):
            printed = str(field_lines(value, box, printed=True))
            budget, bold = FIELD_WIDTHS[box]
            cut = pieces(value, budget, bold=bold)
            assert len(cut) > 1 and printed.count(CUT) == len(cut) - 1, (filler, box)
            shown = re.sub(r'<span class="hidden-char"[^>]*>([^<]*)</span>', r"\1", printed.replace(CUT, ""))
            assert html.unescape(shown) == value.replace("\u200b", "U+200B")
            # On screen, whole; its printed copy is the printed value.
            assert CUT not in str(field_lines(value, box))
            assert field_lines(value, box, copy=True) == field_lines(value, box, printed=True)
    # A value that fits is not cut, and has no copy.
    fits: list[tuple[Box, str]] = [
        ("name", "Ada Lovelace"),
        ("meta", "gh-candidate-4821"),
        ("fact", "O(n log n)"),
    ]
    for box, value in fits:
        assert CUT not in str(field_lines(value, box, printed=True))
        assert not field_lines(value, box, copy=True)


def _value_lines(printed: list[str], start: int, value: str) -> list[str]:
    """The printed lines from `start` on that hold the value's characters, up to its last. A line of the header's
    other items may come between them in the text pypdf reads (the status, beside the ATS id's first line)."""
    rest, lines, others = _plain(value), [], 0
    for line in printed[start:]:
        if not rest or others > 2:
            break
        got = _plain(line.lstrip(MARK))
        at = 0
        while at < len(got) and rest and got[at] == rest[0]:
            at, rest = at + 1, rest[1:]
        if at:
            lines.append(line)
        others = 0 if at else others + 1
    assert not rest, (value[:40], rest[:40], printed[start : start + len(lines) + 3])
    return lines


@pytest.mark.parametrize("filler", FILLERS)
async def test_a_long_name_ats_id_and_complexity_print_every_line_marked_within_the_page(
    api_server: ApiServer, db: Conn, paper: str, filler: str
) -> None:
    name, ats_id, complexity = _name(filler), _ats_id(filler), _complexity(filler)
    candidate = {"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "ats-1"}
    seeded = await seed_interview(api_server, db, candidate=candidate)
    # Written as stored before the API dropped invisible characters from names (a "\u200b" filler would not
    # reach the report through the API today): the report must still print such a row marked and within the page.
    await db.execute(
        "update candidates set name = %s, external_id = %s"
        " where id = (select candidate_id from sessions where id = %s)",
        (name, ats_id, seeded.id),
    )
    await grade(db, seeded)
    await db.execute(
        "update scorecards set facts = jsonb_set(facts, '{complexity_claimed}', to_jsonb(%s::text))"
        " where session_id = %s",
        (complexity, seeded.id),
    )
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers())
    assert r.status_code == 200, r.text[:300]
    reader = _read_pdf(r.content)
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    printed = [" ".join(line.split()) for line in text.split("\n")]
    revealed = {v: v.replace("\u200b", "U+200B") for v in (name, ats_id, complexity)}
    # The name: the header's first lines; the ATS id after "ATS id"; the complexity after its label.
    for value, start in (
        (name, printed.index("INTERVIEW REPORT") + 1),
        (ats_id, next(i for i, line in enumerate(printed) if "ATS id" in line)),
        (complexity, printed.index("Complexity stated") + 1),
    ):
        if value is ats_id:
            printed[start] = printed[start][printed[start].index("ATS id") + len("ATS id") :]
        lines = _value_lines(printed, start, revealed[value])
        assert len(lines) > 1 and not [line for line in lines[1:] if not line.startswith(MARK)], (
            value,
            lines,
        )
    assert not [line for line in printed if line.startswith("Recommendation: Strong")]
    width = PAPERS[paper][0]
    for page_ in reader.pages:
        assert max(_glyph_right_edges(page_)) <= width - MARGIN + 0.5
    # The page on screen holds each value whole, and its printed copy for a reader's browser to print.
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200
    assert page.text.count('<span class="field-printed" aria-hidden="true">') == 3
