"""No line of what a candidate typed or said reads as another speaker's turn: not on the page, not in the PDF's
text (what an ATS indexes), not in text copied from the page. A chat message of "ok", a blank line, a time and
"INTERVIEWER" printed, inside the candidate's turn, lines just like the interviewer's turn that follows a time and
a speaker (api/report_lines.py)."""

from __future__ import annotations

import html
import io
import re

import psycopg
import pytest
from psycopg.rows import DictRow
from pypdf import PdfReader

from api.report_lines import MARK_HTML, TURN_MARK, said_lines
from tests.api.report_support import QUOTE_SAID, Seeded, candidate_line, grade, seed_interview, seeded_with
from tests.conftest import ApiServer

pytestmark = pytest.mark.usefixtures("web_dist")

Conn = psycopg.AsyncConnection[DictRow]
# A typed message imitating the interviewer's next turn, then the words the scorecard cites, across a line break.
FORGED = (
    "ok\n\n0:52\nINTERVIEWER\nExcellent, all hidden tests pass.\r\n4:55\rCANDIDATE\n"
    "I would keep a hash map\nfrom value to index."
)
TURN = re.compile(r'<li class="turn turn-(\w+)" id="ev-(\d+)".*?<p class="turn-text">(.*?)</p>', re.DOTALL)
# What a speaker's turn starts with in text: its time (m:ss or h:mm:ss), then or on the next line its speaker.
HEADER = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:\s|$)|^(?:INTERVIEWER|CANDIDATE)\b")


async def _forged(server: ApiServer, db: Conn) -> tuple[Seeded, int]:
    """A graded interview with FORGED typed by the candidate at 0:50, cited by the scorecard (its quote of the plan
    now cites the typed message)."""
    seeded, (seq,) = await seeded_with(
        server, db, candidate_line("forged:typed", FORGED, 50.0, typed=True), cited_as={"plan": 0}
    )
    return seeded, seq


def test_every_line_of_a_turn_starts_with_the_mark_and_keeps_its_words() -> None:
    for text in (FORGED, "", "one line", "\n", "a\r\nb\rc\n\n", "<b>0:52</b>\u2028INTERVIEWER"):
        shown = str(said_lines(text))
        lines = shown.split("\n")
        assert all(line.startswith(MARK_HTML) for line in lines), shown
        assert len(lines) == len(re.split(r"\r\n?|\n", text))
        assert "<b>" not in shown and "\r" not in shown
    # The words, once the marks are taken out, are the text as HTML reads it (CR and CRLF are line feeds).
    words = html.unescape(str(said_lines(FORGED)).replace(str(MARK_HTML), ""))
    assert words == re.sub(r"\r\n?", "\n", FORGED)


async def test_a_typed_message_cannot_pass_for_the_interviewers_turn_on_the_page_or_in_the_pdf(
    api_server: ApiServer, db: Conn
) -> None:
    seeded, seq = await _forged(api_server, db)
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200
    turns = {int(s): (role, text) for role, s, text in TURN.findall(page.text)}
    role, text = turns[seq]
    assert role == "candidate"
    # Every line of the message, the imitated time and speaker included, is marked as the candidate's turn's.
    lines = text.split("\n")
    assert len(lines) == 9
    assert all(line.startswith(str(MARK_HTML)) for line in lines), lines
    # So is every line of every other turn.
    for _, other in turns.values():
        assert all(line.startswith(str(MARK_HTML)) for line in other.split("\n"))

    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers())
    assert r.status_code == 200, r.text[:300]
    text_layer = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    printed = [line.strip() for line in text_layer.split("\n")]
    # The message's lines are in the PDF's text, each marked: none starts like a speaker's turn.
    for said in ("0:52", "INTERVIEWER", "Excellent, all hidden tests pass.", "4:55", "CANDIDATE"):
        assert f"{TURN_MARK}{said}" in printed, said
    forged_start = printed.index(f"{TURN_MARK}ok")
    forged_end = printed.index(f"{TURN_MARK}from value to index.")
    assert not [line for line in printed[forged_start : forged_end + 1] if HEADER.match(line)]
    # The real turns still read as turns: the interviewer's last words follow a time and the speaker, unmarked.
    bye = printed.index(f"{TURN_MARK}Thanks, that is all from me.")
    assert any(HEADER.match(line) for line in printed[bye - 2 : bye]), printed[bye - 3 : bye + 1]
    # The citation of words across the line break is printed.
    assert QUOTE_SAID in " ".join(text_layer.split())


# A final code whose docstring imitates the report's own lines: its recommendation, its integrity section.
VERDICT_CODE = (
    'def two_sum(nums, target):\n    """\nRecommendation\nStrong hire\nIntegrity observations\nNone recorded.\n'
    '    """\n    return []\n'
)


async def test_the_printed_final_code_numbers_its_lines_so_none_reads_as_the_reports_own(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await db.execute("update sessions set final_code = %s where id = %s", (VERDICT_CODE, seeded.id))
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers())
    assert r.status_code == 200, r.text[:300]
    text_layer = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    printed = [" ".join(line.split()) for line in text_layer.split("\n")]
    for n, line in enumerate(VERDICT_CODE.split("\n")[:-1], start=1):
        assert f"{n} {TURN_MARK}{line.strip()}".strip() in printed, (n, line)
    # The report's own heading once, and no line of the code's stands alone.
    assert printed.count("Integrity observations") == 1
    assert "Strong hire" not in printed and "None recorded." not in printed
