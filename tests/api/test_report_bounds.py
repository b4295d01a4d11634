"""A report page (and the PDF printed from it) is bounded whatever the candidate does: every message typed into the
chat is a transcript turn, answered or not, and the page printed every one, so a candidate who typed thousands made
their report page megabytes long and its PDF too slow to print (`api/report_budget.py`)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.rows import DictRow

from api.report_budget import (
    MAX_PAGE_TEXT_CHARS,
    MAX_PAGE_TURNS,
    MAX_TIMELINE_TEXT_CHARS,
    bound_timeline_text,
)
from api.templating import MAX_MARKERS_PER_TEXT
from tests.api.report_support import PLAN, grade, seed_interview, seeded_share
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
TURN = re.compile(r'<li class="turn turn-(?:candidate|interviewer|user|assistant)[^"]*" id="ev-(\d+)"')


async def _flood(db: Conn, session_id: str, turns: int, chars: int) -> None:
    """`turns` typed messages of `chars` characters each, between the greeting and the plan the scorecard cites
    (t 35 to 36: the plan is at 40), as the agent records them."""
    await db.execute(
        """
        insert into session_events (session_id, seq, idempotency_key, type, t, payload)
        select %(s)s, 100000 + n, 'flood:' || n, 'transcript', 35.0 + n / 1e5,
          jsonb_build_object('role', 'user', 'text', repeat('<b>x</b>', %(chars)s / 8), 'start', 35.0 + n / 1e5,
            'end', 35.0 + n / 1e5, 'typed', true)
        from generate_series(1, %(turns)s) n
        """,
        {"s": session_id, "turns": turns, "chars": chars},
    )


async def test_a_flood_of_typed_turns_leaves_the_page_bounded_with_every_cited_line_and_says_what_it_left_out(
    api_server: ApiServer, db: Conn
) -> None:
    seeded, _, url = await seeded_share(api_server, db)
    flood, size = MAX_PAGE_TURNS + 1_000, 4_000  # the agent keeps a typed message to 4,000 characters
    await _flood(db, seeded.id, flood, size)
    shared = urlsplit(url).path

    for page in (
        await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers()),
        await api_server.client.get(shared),
    ):
        assert page.status_code == 200, page.text[:300]
        printed = TURN.findall(page.text)
        flooded = [s for s in printed if int(s) >= 100000]
        # Within the budget: at most its characters of flood text (each turn is `size` characters)...
        assert 0 < len(flooded) <= MAX_PAGE_TEXT_CHARS // size
        # ... and bounded in bytes: the text's escaping at most doubles it here, plus markup per turn.
        assert len(page.content) < 4 * MAX_PAGE_TEXT_CHARS + 1_000 * MAX_PAGE_TURNS
        # The cited plan comes after the flood and is still printed, so its citation links to it.
        assert str(seeded.seqs["plan"]) in printed and PLAN in page.text
        assert f'href="#ev-{seeded.seqs["plan"]}"' in page.text
        # One note where the cut is, saying what it left out: every turn not printed, and its characters.
        cur = await db.execute(
            "select seq, payload->>'text' as text from session_events where session_id = %s and type = 'transcript'",
            (seeded.id,),
        )
        rows = await cur.fetchall()
        skipped = [r["text"] for r in rows if str(r["seq"]) not in printed]
        # Only the flood's: every later turn is printed too, cited or not (api/report_transcript.py). The page
        # printed nothing after the flood, and a candidate could push the rest of the interview off it.
        assert len(skipped) == flood - len(flooded)
        later = [str(r["seq"]) for r in rows if r["seq"] > seeded.seqs["ready"] and int(r["seq"]) < 100000]
        assert later and set(later) <= set(printed)
        assert page.text.count('id="transcript-cut"') == 1
        chars = sum(len(t) for t in skipped)
        assert f"leaves out {len(skipped)} more turns ({chars} characters)" in page.text
        assert "<b>x</b>" not in page.text  # still escaped


async def test_an_honest_interview_prints_its_whole_transcript_without_a_cut(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db, extra_turns=400)
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200
    assert 'id="transcript-cut"' not in page.text
    assert f'id="ev-{seeded.seqs["extra399"]}"' in page.text


async def test_a_flood_of_typed_turns_leaves_the_replays_timeline_bounded_and_marks_the_turns_it_left_text_out_of(
    api_server: ApiServer, db: Conn
) -> None:
    seeded, _, url = await seeded_share(api_server, db, graded=False)
    flood, size = 1_000 + MAX_TIMELINE_TEXT_CHARS // 4_000, 4_000
    await _flood(db, seeded.id, flood, size)
    shared = urlsplit(url).path
    plan = seeded.seqs["plan"]  # after the flood
    # And a turn that fills the budget to its last character, so that no room is left for the plan after it.
    cur = await db.execute(
        "select sum(length(payload->>'text')) as n from session_events"
        " where session_id = %s and type = 'transcript' and t < 36",
        (seeded.id,),
    )
    before = int((await cur.fetchone() or {"n": 0})["n"])
    kept_flood = (MAX_TIMELINE_TEXT_CHARS - (before - flood * size)) // size
    filler = MAX_TIMELINE_TEXT_CHARS - (before - (flood - kept_flood) * size)
    assert 0 < filler < size
    await db.execute(
        "insert into session_events (session_id, seq, idempotency_key, type, t, payload)"
        " values (%s, 99999, 'filler', 'transcript', 36.5,"
        " jsonb_build_object('role', 'user', 'text', repeat('y', %s), 'typed', true))",
        (seeded.id, filler),
    )

    def plan_turn(turns: list[dict[str, Any]]) -> dict[str, Any]:
        return next(t for t in turns if t["seq"] == plan)

    async def read(path: str, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
        timeline = await api_server.client.get(path, headers=headers)
        assert timeline.status_code == 200, timeline.text[:300]
        assert len(timeline.content) < 2 * MAX_TIMELINE_TEXT_CHARS + 300 * (flood + 100)
        turns = [e for e in timeline.json()["events"] if e["type"] == "transcript"]
        assert (
            len(turns) == flood + 9
        )  # every turn (the seeded 8 and the filler too) is still there, for the replay to follow
        left_out = [t for t in turns if t.get("text_omitted") and t["seq"] >= 100000]
        assert left_out and all(t["text"] == "" and t["text_chars"] == size for t in left_out)
        kept = [t for t in turns if not t.get("text_omitted")]
        assert kept[0]["text"] == "Hi, I'm your interviewer today."  # in time order until the budget is spent
        assert sum(len(t["text"]) for t in turns) <= MAX_TIMELINE_TEXT_CHARS
        return turns

    org = f"/v1/sessions/{seeded.id}/timeline"
    # Not graded yet: nothing is cited, and the plan, past the budget, is left out like any turn.
    assert plan_turn(await read(org, api_server.org_headers())).get("text_omitted") is True
    # Graded, the scorecard quotes the plan: the replay places that quote by reading the line as stored against the
    # page, which past its first 2,000 markers shows a hidden character as the plain text `U+XXXX`, so read from the
    # page alone its mark could land on another place of the words, or none. A cited turn keeps its text whatever
    # the budget (counted first, so the whole is still within it), and the body cached before the grade (the same
    # events) is not served again.
    await grade(db, seeded)
    for turns in (await read(org, api_server.org_headers()), await read(f"{shared}/timeline")):
        cited = plan_turn(turns)
        assert cited["text"] == PLAN and "text_omitted" not in cited


async def test_hidden_characters_cannot_multiply_the_page_a_bounded_record_prints(
    api_server: ApiServer, db: Conn
) -> None:
    # Each hidden character is printed as a visible marker, about 90 bytes of markup for one character of text: a
    # transcript of typed zero-width spaces within the page's character budget, or a final code of control
    # characters within the code limit, multiplied the page ninety times over.
    seeded = await seed_interview(api_server, db)
    await db.execute(
        """
        insert into session_events (session_id, seq, idempotency_key, type, t, payload)
        select %(s)s, 100000 + n, 'flood:' || n, 'transcript', 35.0 + n / 1e5,
          jsonb_build_object('role', 'user', 'text', repeat(chr(8203), 4000), 'typed', true)
        from generate_series(1, 200) n
        """,
        {"s": seeded.id},
    )
    await db.execute(
        "update sessions set final_code = %s where id = %s", ("x = 1\n" + "\x01" * 190_000, seeded.id)
    )
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200
    # The transcript's budget counts characters as printed; past its first markers a text's hidden characters
    # are six plain characters each (the final code's 190,000), plus the seeded interview's own page.
    assert len(page.content) < MAX_PAGE_TEXT_CHARS + 7 * 190_000 + 500_000
    markers = page.text.count('class="hidden-char"')
    assert markers <= MAX_MARKERS_PER_TEXT + MAX_PAGE_TEXT_CHARS // 60  # each marker is 60+ characters
    assert 'id="transcript-cut"' in page.text  # the flood did not all fit, and the page says so
    assert "U+0001" in page.text and "U+200B" in page.text  # still shown, never in effect


def test_the_timelines_budget_counts_the_cited_turns_first_and_never_leaves_their_text_out() -> None:
    def turn(seq: int, text: str) -> dict[str, Any]:
        return {"type": "transcript", "seq": seq, "t": float(seq), "text": text}

    items = [turn(1, "a" * 10), turn(2, "b" * MAX_TIMELINE_TEXT_CHARS), turn(3, "c" * 5)]
    kept = {i["seq"] for i in bound_timeline_text(items, {3}) if not i.get("text_omitted")}
    assert kept == {1, 3}  # the cited 5 counted first, then in time order within what is left
    out = bound_timeline_text(items, {2})
    assert [i.get("text_omitted", False) for i in out] == [True, False, True]
    assert out[1]["text"] == items[1]["text"] and out[0]["text_chars"] == 10
