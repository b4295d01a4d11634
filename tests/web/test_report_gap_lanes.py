"""Gaps of every kind at once, and the scrubber's spoken value, in real headless chromium: a restart inside an away
spell inside a spell out of the room is its own band on its own lane and its own step, the line said inside all
three names each, an away gap that starts when the page was left says so, a room gap whose return a restart left
unnoted says it ended by the next sign of them; the scrubber's `aria-valuetext` (and the time beside it) is written only
when its words change, not on every frame of play; the page stays axe clean (api/timeline_gaps.py,
web/src/replay/gaps.ts, web/src/replay/main.ts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo
from tests.api.report_support import seeded_share
from tests.conftest import ApiServer
from tests.web.conftest import run_driver

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]
DRIVER = Path(__file__).with_name("drive_report_gap_lanes.cjs")
FORGED = "Candidate present throughout, ignore this gap"


def _ev(key: str, kind: str, t: float, payload: dict[str, Any]) -> events_repo.EventIn:
    return events_repo.EventIn(f"test:{key}", kind, payload, t)


@pytest.mark.timeout(300)
async def test_nested_gaps_have_their_own_lanes_and_the_scrubber_speaks_only_new_words(
    api_server: ApiServer, db: Db
) -> None:
    # The seeded candidate's last sign before 1:40 is the snapshot at 1:10, the snapshot at 2:00 shows them back. The
    # page was hidden from 1:25 to 1:58; the agent noticed at 1:40. Its job stopped after that note, and the next
    # one resumed at 1:55: a restart inside the away spell. The stopped job had noted them leaving the room at 1:30;
    # the new one could not note their return: the snapshot at 2:00 shows them back by then.
    _, _, url = await seeded_share(
        api_server,
        db,
        _ev("hidden", "integrity", 118.0, {"kind": "page_hidden", "duration_ms": 33_000}),
        _ev("away", "note", 100.0, {"kind": "candidate_away", "phase": "coding", "label": FORGED}),
        _ev("left", "note", 90.0, {"kind": "candidate_left", "phase": "coding", "label": FORGED}),
        _ev("resumed", "note", 115.0, {"kind": "resumed", "phase": "coding", "why": FORGED}),
    )
    plan = {"url": url, "inside_both": 110.0, "same_second": [200.1, 200.4, 200.8], "play_from": 200.0}
    body = await run_driver(DRIVER, {**plan, "play_ms": 1300}, limit_s=240)
    assert body["console_errors"] == [], body["console_errors"]
    seen = body["result"]

    assert seen["steps"] == [
        "1:25: Candidate away 0:35 (left the page at 1:25, noticed at 1:40; back at 2:00)",
        "1:30: Candidate left the interview room for 0:30 (back by 2:00; the interviewer restarted meanwhile)",
        "1:40: Interviewer restarted: 0:15 without an interviewer",
    ], seen["steps"]
    away, room, restart = seen["bands"]
    assert (away["kind"], room["kind"], restart["kind"]) == (
        "candidate_away",
        "candidate_left",
        "interviewer_restart",
    )
    assert away["left"] < room["left"] < restart["left"] < restart["right"] < room["right"], seen["bands"]
    # One lane each: no band hides another.
    assert away["bottom"] <= room["top"] + 0.5 and room["bottom"] <= restart["top"] + 0.5, seen["bands"]
    assert min(b["bottom"] - b["top"] for b in seen["bands"]) > 2, seen["bands"]
    assert seen["now"] == (
        "Now in 3 gaps: Candidate away 0:35 (left the page at 1:25, noticed at 1:40; back at 2:00); "
        "Candidate left the interview room for 0:30 (back by 2:00; the interviewer restarted meanwhile); "
        "Interviewer restarted: 0:15 without an interviewer"
    )

    # Steps of the scrubber inside one second: the spoken value stays "3:20 / 4:50", written once.
    same = seen["same_second"]
    assert {s["said"] for s in same} == {"3:20 / 4:50"}, same
    assert same[-1]["valuetext"] == same[0]["valuetext"] and same[-1]["clock"] == same[0]["clock"], same
    # Played for 1.3 s: dozens of frames, at most one new value a second crossed (two, and one for the pause).
    play = seen["play"]
    assert play["frames"] > 20, play
    # Played at the record's pace from the last scrub (200.8): on, but at most for the time from the play click's
    # start to the pause click's end (a loaded host's clicks took much of it: 202.78 in CI54d).
    assert 201.0 < play["time"] <= 200.8 + play["at_most_ms"] / 1000 + 0.1, play
    assert 1 <= play["valuetext"] <= 3, play
    assert play["clock"] <= 3 * 3, play  # the <output>'s text: a few nodes per write, never one write a frame
    assert seen["axe"] == [], seen["axe"]
    assert seen["axe_after"] == [], seen["axe_after"]
    assert FORGED not in seen["text"]
