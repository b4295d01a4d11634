"""A report page (and the PDF printed from it) is bounded in lines, not only in characters: a line break prints a
whole line however little is on it. Within the page's character budget a candidate typed 300,000 line breaks into
the chat, and a final code of 200,000 line breaks fits the code limit; each printed thousands of pages, and the PDF
of either could not be printed within Chromium's time limit (503 every time, the stored `report.pdf` never written).
"""

from __future__ import annotations

import html
import io
import re

import psycopg
from psycopg.rows import DictRow
from pypdf import PdfReader

from api.report_budget import LINE_BREAK_CHARS, MAX_PAGE_TEXT_CHARS, MAX_PRINTED_CODE_LINES
from api.report_lines import MARK_HTML
from tests.api.report_support import CODE_V3, PLAN, grade, seed_interview
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
TURN_TEXT = re.compile(r'<p class="turn-text">(.*?)</p>', re.DOTALL)
FINAL_CODE = re.compile(r'<pre class="code"><code>(.*?)</code></pre>', re.DOTALL)
# The number printed before each line of the final code (api/report_lines.py): the page's, not the code.
CODE_LINE_NUMBER = re.compile(r'<span class="code-ln" aria-hidden="true">[^<]*</span>')
BLANK_TURN = "\n" * 3_999 + "x"  # the agent keeps a typed message to 4,000 characters, line breaks included


async def _blank_turns(db: Conn, session_id: str, turns: int) -> None:
    """`turns` typed messages of line breaks, between the greeting and the plan the scorecard cites (at 40)."""
    await db.execute(
        """
        insert into session_events (session_id, seq, idempotency_key, type, t, payload)
        select %(s)s, 100000 + n, 'blank:' || n, 'transcript', 35.0 + n / 1e5,
          jsonb_build_object('role', 'user', 'text', %(text)s::text, 'start', 35.0 + n / 1e5,
            'end', 35.0 + n / 1e5, 'typed', true)
        from generate_series(1, %(turns)s) n
        """,
        {"s": session_id, "turns": turns, "text": BLANK_TURN},
    )


async def test_line_breaks_typed_into_the_chat_spend_the_transcripts_budget_as_printed_lines(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await _blank_turns(db, seeded.id, 200)
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200
    printed = sum(html.unescape(t).count("\n") for t in TURN_TEXT.findall(page.text))
    # Each line break costs a printed line's worth of the budget (75 of these turns fitted, 300,000 lines).
    assert printed <= MAX_PAGE_TEXT_CHARS // LINE_BREAK_CHARS
    assert page.text.count('id="transcript-cut"') == 1
    assert PLAN in page.text  # the cited plan after them is still printed


async def test_an_honest_transcript_with_pasted_code_prints_whole(api_server: ApiServer, db: Conn) -> None:
    seeded = await seed_interview(api_server, db, extra_turns=300)
    pasted = "def two_sum(nums, target):\n" + "    # a line of the function\n" * 120
    await db.execute(
        """
        insert into session_events (session_id, seq, idempotency_key, type, t, payload)
        select %(s)s, 100000 + n, 'paste:' || n, 'transcript', 35.0 + n / 1e5,
          jsonb_build_object('role', 'user', 'text', %(text)s::text, 'typed', true)
        from generate_series(1, 20) n
        """,
        {"s": seeded.id, "text": pasted},
    )
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200
    assert 'id="transcript-cut"' not in page.text
    # Whole: its words (each line after the mark that keeps it the candidate's, api/report_lines.py) 20 times.
    assert page.text.replace(str(MARK_HTML), "").count(html.escape(pasted, quote=False)) == 20


async def test_a_final_code_of_line_breaks_prints_its_first_lines_and_says_what_it_leaves_out(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    code = "x = 1" + "\n" * 199_990 + "tail()"
    await db.execute("update sessions set final_code = %s where id = %s", (code, seeded.id))
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200
    (numbered,) = FINAL_CODE.findall(page.text)
    printed = CODE_LINE_NUMBER.sub("", numbered)
    assert printed.startswith("x = 1") and printed.count("\n") == MAX_PRINTED_CODE_LINES - 1
    assert len(CODE_LINE_NUMBER.findall(numbered)) == MAX_PRINTED_CODE_LINES
    assert "tail()" not in page.text
    left = 199_990 - (MAX_PRINTED_CODE_LINES - 1)  # the line breaks after the printed lines, and `tail()`
    assert (
        f"prints the first {MAX_PRINTED_CODE_LINES:,} lines of the final code and leaves out "
        f"{left:,} more lines ({left - 1 + len('tail()'):,} characters)"
    ) in page.text


async def test_an_honest_final_code_prints_whole_without_a_note(api_server: ApiServer, db: Conn) -> None:
    seeded = await seed_interview(api_server, db)
    big = CODE_V3 + "".join(f"def helper_{i}(x):\n    return x + {i}\n\n" for i in range(1_500))
    await db.execute("update sessions set final_code = %s where id = %s", (big, seeded.id))
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    (printed,) = FINAL_CODE.findall(page.text)
    assert html.unescape(CODE_LINE_NUMBER.sub("", printed)) == big
    assert 'id="code-cut"' not in page.text


async def test_a_pdf_of_line_breaks_in_the_chat_and_the_code_prints_in_time_and_bounded(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await _blank_turns(db, seeded.id, 100)
    await db.execute(
        "update sessions set final_code = %s where id = %s", ("x = 1" + "\n" * 199_990, seeded.id)
    )
    r = await api_server.client.get(
        f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers(), timeout=180
    )
    assert r.status_code == 200, r.text[:300]
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) < 400  # thousands of pages before, when it printed at all
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "leaves out" in text  # the transcript's cut and the code's, said on paper too
