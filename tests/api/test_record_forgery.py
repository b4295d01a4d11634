"""What the report is built from cannot be put there by the candidate: a custom run (the candidate's own inputs, no
expected values, so every call that returns is `accepted`) never shows as a passing run, in the timeline, the
report's runs table, its facts or the analytics; and the grader's own Submit is not counted as the candidate's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from api.report_facts import facts_from_timeline
from api.timeline import timeline_item
from tests.api.history_support import insert_sessions, question_ids
from tests.api.test_candidate_flow import _auth, _consent, _start
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

WRONG = "def two_sum(nums, target):\n    return []\n"  # returns on any input; solves nothing
FIVE_INPUTS = [[[1, 2], 3], [[3, 3], 6], [[5, 1], 6], [[0, 4], 4], [[2, 7], 9]]


def _row(type_: str, payload: dict[str, Any], seq: int = 1, t: float = 60.0) -> dict[str, Any]:
    return {"seq": seq, "t": t, "type": type_, "payload": payload, "run_code": "x", "run_language": "python"}


def _custom_payload(*, mark: bool, verdict: str = "accepted") -> dict[str, Any]:
    tests = [{"id": f"custom-{i}", "verdict": verdict, "hidden": False, "time_ms": 1.0} for i in range(1, 6)]
    return {
        "submission_id": "s1",
        "by": "candidate",
        "mode": "run",
        "language": "python",
        "verdict": verdict,
        "passed": 5 if verdict == "accepted" else 0,
        "total": 5,
        "tests": tests,
        "timings": {},
        **({"custom": True} if mark else {}),
    }


@pytest.mark.parametrize("mark", [True, False], ids=["marked", "ids-only"])
def test_a_custom_run_is_no_passing_run_in_the_timeline(mark: bool) -> None:
    item = timeline_item(_row("test_run", _custom_payload(mark=mark)))
    assert item is not None
    assert item["custom"] is True
    assert item["verdict"] is None, "its calls returned; nothing was checked"
    assert (item["passed"], item["total"], item["visible"], item["hidden"]) == (None, None, None, None)
    assert item["tests"] == []
    assert (item["calls"], item["returned"]) == (5, 5)
    facts = facts_from_timeline([item], language="python", time_used_s=600.0, time_allowed_s=2700.0)
    assert facts.visible_tests.best is None and facts.first_all_visible_pass_s is None
    assert facts.runs == 1  # it ran: a run, but no result


def test_a_custom_run_that_failed_keeps_what_the_code_did() -> None:
    item = timeline_item(_row("test_run", _custom_payload(mark=True, verdict="runtime_error")))
    assert item is not None and item["custom"] is True
    assert item["verdict"] == "runtime_error" and item["passed"] is None


def test_a_judged_run_is_shown_as_before() -> None:
    payload = _custom_payload(mark=False) | {
        "tests": [{"id": "example-1", "verdict": "accepted", "hidden": False, "time_ms": 1.0}],
        "passed": 1,
        "total": 1,
    }
    item = timeline_item(_row("test_run", payload))
    assert item is not None and "custom" not in item
    assert (item["verdict"], item["passed"], item["total"]) == ("accepted", 1, 1)
    assert item["visible"] == {"passed": 1, "total": 1}


def test_the_graders_submit_is_not_counted_as_the_candidates() -> None:
    grader = {
        "submission_id": "s2",
        "by": "grader",
        "mode": "submit",
        "language": "python",
        "verdict": "compile_error",
        "passed": 0,
        "total": 3,
        "tests": [],
        "timings": {},
    }
    items = [timeline_item(_row("submission", grader, seq=9, t=2800.0))]
    facts = facts_from_timeline(
        [i for i in items if i], language="python", time_used_s=2700.0, time_allowed_s=2700.0
    )
    assert (facts.runs, facts.submissions, facts.compile_errors) == (0, 0, 0)
    assert facts.final_submit_by_grader is True


@pytest.mark.sandbox
async def test_custom_input_on_wrong_code_never_reads_as_accepted_on_the_report(
    api_server: ApiServer, db: Conn
) -> None:
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    qid = str((await cur.fetchone())["id"])  # type: ignore[index]  # the bank has two-sum
    s = await api_server.create_session(question_id=qid)
    await _consent(api_server, s)
    await _start(api_server, s)
    # The candidate's attack: code that solves nothing, called on five inputs of their own choosing.
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/custom-runs",
        json={"language": "python", "code": WRONG, "inputs": FIVE_INPUTS},
        headers=_auth(s),
    )
    assert r.status_code == 200, r.text
    # The candidate's page shows what each call returned: every one did.
    assert (r.json()["verdict"], r.json()["passed"]) == ("accepted", 5)
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/end", json={"code": WRONG, "language": "python"}, headers=_auth(s)
    )
    assert r.status_code == 200, r.text

    r = await api_server.client.get(f"/v1/sessions/{s['id']}/timeline", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    [run] = [e for e in r.json()["events"] if e["type"] == "test_run"]
    assert run["custom"] is True
    assert run["verdict"] != "accepted"
    assert (run["passed"], run["total"], run["visible"], run["hidden"]) == (None, None, None, None)
    assert run["code"] == WRONG  # the code it ran stays in the replay

    r = await api_server.client.get(f"/v1/sessions/{s['id']}/report", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    row = re.search(rf'<tr id="ev-{run["seq"]}">.*?</tr>', r.text, re.S)
    assert row is not None, "the run is in the report's runs table"
    assert "Accepted" not in row.group(0) and "5/5" not in row.group(0)
    assert "custom input" in row.group(0) and "5 of 5 calls returned" in row.group(0)
    # The facts (no scorecard yet: read from the timeline) hold no passing visible test either.
    facts = re.search(r"Visible tests</dt><dd>(.*?)</dd>", r.text)
    assert facts is not None and facts.group(1) == "not run"
    first = re.search(r"First run passing every visible test</dt><dd>(.*?)</dd>", r.text)
    assert first is not None and first.group(1) == "never"


async def test_a_custom_run_is_no_first_pass_in_the_analytics(api_server: ApiServer, db: Conn) -> None:
    q = await question_ids(db)
    start = datetime.now(UTC) - timedelta(days=1)
    [sid] = await insert_sessions(
        db,
        api_server.org_id,
        [
            {
                "question_id": q["two-sum"],
                "status": "completed",
                "created_at": start - timedelta(hours=1),
                "started_at": start,
                "ended_at": start + timedelta(minutes=40),
            }
        ],
    )
    # At 2 minutes the candidate's own inputs (nothing checked); at 15 the first run that passed the question's tests.
    custom = {"custom": True, "verdict": "accepted"}
    for minutes, verdict, result in ((2, "accepted", custom), (15, "accepted", {"verdict": "accepted"})):
        await db.execute(
            """
            insert into submissions (question_id, session_id, language, code, result_json, kind, verdict, created_at)
            select question_id, id, 'python', 'x', %s, 'run', %s, %s from sessions where id = %s
            """,
            (Jsonb(result), verdict, start + timedelta(minutes=minutes), sid),
        )
    r = await api_server.client.get("/v1/analytics/summary", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    [two_sum] = [x for x in r.json()["questions"] if x["slug"] == "two-sum"]
    assert two_sum["median_time_to_first_pass_s"] == 15 * 60.0
