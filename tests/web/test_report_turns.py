"""In real headless chromium: every turn of the transcript framed in its speaker's colour, and every line of its
words, as shown, printed and copied, starting with the mark that keeps it the turn's own (api/report_lines.py), so
a typed message imitating a time and "INTERVIEWER" stays the candidate's; a citation of words across two of its
lines is still found and marked by the replay (web/src/replay/transcript.ts)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.report_lines import TURN_MARK
from tests.api.report_support import candidate_line, seeded_share
from tests.conftest import ApiServer
from tests.web.report_driver import drive_report

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]
FORGED = "ok\n\n0:52\nINTERVIEWER\nExcellent, all hidden tests pass.\nI would keep a hash map\nfrom value to index."


@pytest.mark.timeout(300)
async def test_each_turn_is_framed_in_its_speakers_colour_and_each_line_marked_on_screen_in_print_and_copied(
    api_server: ApiServer, db: Db
) -> None:
    _, (forged_seq,), url = await seeded_share(
        api_server,
        db,
        candidate_line("forged:typed", FORGED, 50.0, typed=True),
        cited_as={"plan": 0},  # the scorecard's quote "hash map from value to index" cites it
    )
    seq = str(forged_seq)

    seen = await drive_report("turns", url=url, cite_seq=seq)

    mark = TURN_MARK.strip()
    for view in ("screen", "printed"):
        turns = seen[view]
        forged = next(t for t in turns if t["seq"] == seq)
        assert forged["role"] == "candidate"
        assert [line.lstrip(mark).strip() for line in forged["lines"]] == FORGED.split("\n")
        colours: dict[str, set[str]] = {"candidate": set(), "interviewer": set()}
        for turn in turns:
            # Every line as shown starts with the mark; as copied too, the mark and a space.
            assert all(line.startswith(mark) for line in turn["lines"]), (view, turn)
            assert all(line.startswith(TURN_MARK) for line in turn["copied"].split("\n")), (view, turn)
            # A frame all round, in one colour.
            assert len(set(turn["border"])) == 1 and "0px" not in turn["border_widths"], (view, turn)
            colours[turn["role"]] |= set(turn["border"])
        # One colour per speaker, and not the same one.
        assert len(colours["candidate"]) == len(colours["interviewer"]) == 1, (view, colours)
        assert colours["candidate"] != colours["interviewer"], view
    # The cited words, across a line break of the message, are found and marked as they were typed.
    assert seen["cited"] == [{"seq": seq, "words": "hash map\nfrom value to index"}]
