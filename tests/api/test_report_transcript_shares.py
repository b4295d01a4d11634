"""The page's transcript budget is shared out over the interview's time (api/report_transcript.py): a flood typed into
the chat in one stretch of the interview can no longer push the rest of it off the page, the PDF an ATS keeps, and the
replay that follows the page's transcript. Spent first come, first served, 75 messages of 4,000 characters in the
first minute left the page one note and nothing after it: what the candidate said later and what the interviewer
said about it were on no page."""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo
from api.report_budget import MAX_PAGE_TEXT_CHARS, MAX_PAGE_TURNS
from api.report_transcript import page_transcript
from tests.api.report_support import grade, seed_interview
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
TURN = re.compile(r'<li class="turn turn-(?:candidate|interviewer)[^"]*" id="ev-(\d+)"')
LATER = [
    ("user", "Honestly, I had the solution open in another window the whole time."),
    ("assistant", "Thank you for telling me; I will note that you read the solution from another window."),
]


async def test_a_flood_in_the_first_minute_leaves_what_was_said_later_on_the_page(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)  # cites none of the later turns
    # The most the agent keeps of a typed message, 4,000 characters, 200 times within a second of 0:05.
    await db.execute(
        """
        insert into session_events (session_id, seq, idempotency_key, type, t, payload)
        select %(s)s, 100000 + n, 'flood:' || n, 'transcript', 5.0 + n / 1e4,
          jsonb_build_object('role', 'user', 'text', repeat('padding ', 500), 'start', 5.0 + n / 1e4,
            'end', 5.0 + n / 1e4, 'typed', true)
        from generate_series(1, 200) n
        """,
        {"s": seeded.id},
    )
    stored = await events_repo.append_events(
        db,
        seeded.id,
        [
            events_repo.EventIn(
                f"later:{n}", "transcript", {"role": role, "text": text, "start": t, "end": t + 3}, t
            )
            for n, ((role, text), t) in enumerate(zip(LATER, (2400.0, 2410.0), strict=True))
        ],
    )
    assert stored is not None
    # The page and the PDF print the same transcript (the PDF is this page in print mode).
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200, page.text[:300]
    printed = set(TURN.findall(page.text))
    # Every turn from the next stretch of the interview on (a 90th of it: 0:26.8 here) is printed, the seeded
    # interview's and the two said 40 minutes in; what was said in the flood's own stretch after it ("Hello!" at
    # 0:08, a question at 0:25) is left out with it.
    for s in stored:
        assert str(s.seq) in printed
    for name in ("answer", "injection", "complexity", "bye"):
        assert str(seeded.seqs[name]) in printed, name
    assert "the solution open in another window" in page.text
    # The flood is cut in its own stretch, with a note saying how much and until when.
    flooded = [s for s in printed if 100000 < int(s) <= 100200]
    assert 0 < len(flooded) < 200
    assert page.text.count('class="marker marker-cut"') == 1
    cur = await db.execute(
        "select seq from session_events where session_id = %s and type = 'transcript'", (seeded.id,)
    )
    left_out = [r["seq"] for r in await cur.fetchall() if str(r["seq"]) not in printed]
    assert len(left_out) == 200 - len(flooded) + 2  # and "Hello!" and the question, in the flood's stretch
    note = page.text[page.text.index('class="marker marker-cut"') :][:300]
    assert f"From here until 0:30 this page leaves out {len(left_out)} more turns" in note, note


def _turn(seq: int, t: float, text: str) -> dict[str, Any]:
    return {"seq": seq, "t": t, "type": "transcript", "role": "candidate", "text": text, "start": t}


def test_an_honest_interview_prints_whole_and_a_flood_anywhere_stays_within_the_budget() -> None:
    honest = [_turn(n, n * 10.0, "A sentence or two of an answer, " * 5) for n in range(270)]
    assert page_transcript(honest, set()) == honest
    # A flood in every stretch of the interview: the page still prints at most its budget, in items and characters.
    flood = [_turn(n, n * 0.01, "x" * 4_000) for n in range(100_000)]
    shown = [i for i in page_transcript(flood, set()) if i["type"] == "transcript"]
    assert len(shown) <= MAX_PAGE_TURNS
    assert sum(len(i["text"]) for i in shown) <= MAX_PAGE_TEXT_CHARS
    # Thousands of one-character messages at the start leave the turns of every later stretch.
    tiny = [_turn(n, 1 + n / 1e4, "a") for n in range(5_000)]
    later = [_turn(10_000 + n, 60.0 * (n + 1), f"Later turn {n}.") for n in range(45)]
    shown = page_transcript(tiny + later, set())
    assert all(turn in shown for turn in later)
    (cut,) = [i for i in shown if i["type"] == "cut"]
    assert cut["turns"] == 5_000 - sum(1 for i in shown if i in tiny) and cut["until"] == 60.0


@pytest.mark.parametrize("cited_at", [0, 2_500])
def test_a_cited_turn_inside_a_flood_is_printed_and_the_note_counts_only_what_it_leaves_out(
    cited_at: int,
) -> None:
    flood = [_turn(n, 1 + n / 1e4, "y" * 4_000) for n in range(5_000)]
    after = _turn(9_999, 600.0, "After the flood.")
    shown = page_transcript([*flood, after], {cited_at})
    assert flood[cited_at] in shown and after in shown
    notes = [i for i in shown if i["type"] == "cut"]
    printed = sum(1 for i in shown if i in flood)
    assert sum(n["turns"] for n in notes) == 5_000 - printed
    assert notes[-1]["until"] == 600.0
