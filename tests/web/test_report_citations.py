"""Citations in the replay resolve to the exact event they cite, by its sequence number, never by its time: two runs
recorded at the same moment (a Run clicked twice, the interviewer's run beside the candidate's) are two events, and a
citation of the earlier one showed the later one's verdict and code. Stepping between runs visits each of them. A run
whose code was not kept (past the session's run code budget) says so beside the code shown, which it never judged."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from api.db import events_repo
from tests.api.report_support import (
    CODE_V3,
    Seeded,
    add_events,
    candidate_line,
    cite,
    grade,
    seed_interview,
    seeded_share,
    share_url,
)
from tests.conftest import ApiServer
from tests.web.report_driver import drive_report

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]

AT = 300.0  # 5:00, after everything seed_interview records
CODE_WRONG = CODE_V3.replace("target - x", "x - target")
CODE_RIGHT = CODE_V3 + "# checked\n"
SAID = "Let me run it twice to be sure."
UNKEPT_AT = (
    AT + 10
)  # 5:10: a run stored past the session's run code budget, judged and recorded without its code


async def _run(db: Db, seeded: Seeded, code: str, verdict: str, passed: int) -> dict[str, Any]:
    """A run's `submissions` row and its event's payload: `passed` of 3 visible tests."""
    tests = [
        {"id": f"example_{i}", "verdict": "accepted" if i < passed else "wrong_answer", "hidden": False}
        for i in range(3)
    ]
    cur = await db.execute(
        """
        insert into submissions (question_id, session_id, language, code, result_json, kind, verdict)
        values (%s, %s, 'python', %s, %s, 'run', %s) returning id
        """,
        (
            seeded.session["question_id"],
            seeded.id,
            code,
            Jsonb({"verdict": verdict, "passed": passed, "total": 3, "tests": tests}),
            verdict,
        ),
    )
    row = await cur.fetchone()
    assert row is not None
    return {
        "submission_id": str(row["id"]),
        "by": "candidate",
        "mode": "run",
        "language": "python",
        "verdict": verdict,
        "passed": passed,
        "total": 3,
        "tests": tests,
    }


@pytest.mark.timeout(300)
async def test_a_citation_shows_the_run_it_cites_when_another_shares_its_moment(
    api_server: ApiServer, db: Db
) -> None:
    seeded = await seed_interview(api_server, db)
    wrong = await _run(db, seeded, CODE_WRONG, "wrong_answer", 1)
    right = await _run(db, seeded, CODE_RIGHT, "accepted", 3)
    unkept = await _run(db, seeded, CODE_RIGHT + "# and more\n", "accepted", 3)
    await db.execute(
        "update submissions set code = '', code_omitted = true, code_bytes = 200 where id = %s",
        (unkept["submission_id"],),
    )
    reply = {"role": "assistant", "text": "Excellent, all the tests pass.", "start": AT, "end": AT}
    said_seq, wrong_seq, right_seq, reply_seq, unkept_seq = await add_events(
        db,
        seeded,
        candidate_line("same:said", SAID, AT),
        events_repo.EventIn("same:wrong", "test_run", wrong, AT),
        events_repo.EventIn("same:right", "test_run", right, AT),
        events_repo.EventIn("same:reply", "transcript", reply, AT),
        events_repo.EventIn("later:unkept", "test_run", unkept, UNKEPT_AT),
    )
    await grade(db, seeded)
    # The grader cites the failing run, and the words said just before it, at the same moment.
    await cite(db, seeded, "verification", [{"seq": wrong_seq, "quote": ""}])
    await cite(db, seeded, "communication", [{"seq": said_seq, "quote": "run it twice"}])
    url = await share_url(api_server, seeded.id)

    seen = await drive_report(
        "clicks",
        url=url,
        clicks=[
            f'a[data-evidence][data-seq="{wrong_seq}"]',
            ".rp-next",
            ".rp-prev",
            ".rp-prev",
            f'a[data-evidence][data-seq="{said_seq}"]',
            ".rp-next",
        ],
    )
    cited, next_run, back, before, words, unkept_run = seen["steps"]

    # The cited run, its verdict and the code it judged, marked as the one cited; not the run after it.
    assert cited["time"] == pytest.approx(AT)
    assert cited["run_seq"] == str(wrong_seq) and cited["run_cited"], cited
    assert cited["run"].startswith("Run at 5:00: Wrong answer, 1/3 tests passed"), cited["run"]
    assert cited["code_doc"] == CODE_WRONG
    assert cited["code_head"].startswith("Code judged at 5:00 by the run"), cited["code_head"]
    assert cited["current_turn"] == str(said_seq)
    # Each run is a step between runs, the one recorded at the same moment too, both ways.
    assert next_run["time"] == pytest.approx(AT)
    assert next_run["run_seq"] == str(right_seq)
    assert next_run["run"].startswith("Run at 5:00: Accepted, 3/3 tests passed"), next_run["run"]
    assert next_run["code_doc"] == CODE_RIGHT
    assert "changes since 5:00" in next_run["code_head"], next_run["code_head"]
    assert back["run_seq"] == str(wrong_seq) and back["code_doc"] == CODE_WRONG
    assert before["time"] == pytest.approx(seeded.times["submit"])
    assert before["run"].startswith("Submission at 4:20"), before["run"]
    # Words said at that moment: that turn is current and marked, not the interviewer's reply after the runs.
    assert words["current_turn"] == str(said_seq), words
    assert words["marks"] and words["marks"][0]["seq"] == str(said_seq)
    assert words["run_seq"] == str(seeded.seqs["submit"]), words["run"]
    assert reply_seq > right_seq > wrong_seq > said_seq
    # A run whose code was not kept: the code view shows the code judged before it, and the run's line says that this
    # is not the code its verdict is for.
    assert unkept_run["run_seq"] == str(unkept_seq) and unkept_run["time"] == pytest.approx(UNKEPT_AT)
    assert unkept_run["code_doc"] == CODE_RIGHT
    assert unkept_run["run"] == (
        "Run at 5:10: Accepted, 3/3 tests passed; the code it judged was not kept (this session exceeded its "
        "recording budget), so the code shown may not be what it judged"
    ), unkept_run["run"]


# The runs table and the final code stand in for the replay; each run citation goes to the run's own row.
STATIC = [".static-replay table.runs", ".static-replay pre.code"]


@pytest.mark.timeout(300)
async def test_without_the_replay_the_runs_and_final_code_show_and_a_run_citation_goes_to_its_row(
    api_server: ApiServer, db: Db
) -> None:
    seeded, _, url = await seeded_share(
        api_server, db
    )  # graded: cites the run at 3:30 with no quote, "the run itself"
    run = f'a[data-evidence][data-type="test_run"][data-seq="{seeded.seqs["run"]}"]'

    # No script: the noscript note says the runs and the final code are on the page; they were hidden.
    plain = await drive_report(
        "fallback", url=url, javascript=False, visible=[*STATIC, "#replay"], follow=[run]
    )
    # The replay's timeline failed to load: its message says what is below.
    failed = await drive_report(
        "fallback", url=url, block_timeline=True, wait_state="failed", visible=STATIC, follow=[run]
    )

    for seen in (plain, failed):
        assert all(seen["visible"][s] for s in STATIC), seen["visible"]
        (followed,) = seen["followed"]
        assert followed["href"] == f"#ev-{seeded.seqs['run']}" == followed["hash"], followed
        assert followed["target"] == "tr" and followed["displayed"] and followed["in_window"], followed
        assert followed["text"].startswith("3:30 Run Accepted 3/3"), followed
    assert plain["visible"]["#replay"] is False  # no "Loading the replay…" that never loads
