"""A run's report shows what the candidate's program returned and printed in each visible test: up to 256 KiB of each
returned value, so one custom input of five calls stored 1.3 MB. At the run rate limit (300 an hour) a session
stored hundreds of MB of them, which its detail, its grading and its dump read whole (60 such runs: a detail of
78 MB, 3.2 s and 200 MB of the API's memory), and `GET /results` read the newest two (2.6 MB) as often as an
invite asked. Now a session's stored reports have a budget, past which a run is kept without those values, and both
reads are counted by the reports' size before any of them is read. Real judge, real Postgres, real HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow, dict_row

from api.db import runs_repo
from api.db.runs_repo import VALUES_OMITTED
from api.settings import ApiSettings
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
pytestmark = pytest.mark.sandbox

SHOWN = 262_000  # characters of one returned string: just within what a report shows of a value (256 KiB)
BIG = f"def two_sum(nums, target):\n    print('out')\n    return 'x' * {SHOWN}\n"
CALLS = [[[1, 2], 3], [[4, 5, 6], 9], [[7], 7], [[8, 9], 17], [[1, 1], 2]]
PLAIN = {"Accept-Encoding": "identity"}


async def _started(server: ApiServer, db: Conn) -> tuple[str, dict[str, str]]:
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    row = await cur.fetchone()
    assert row is not None
    created = await server.create_session(question_id=str(row["id"]))
    await consent_and_start(server.client, created)
    return created["id"], {"Authorization": f"Bearer {created['invite']}"}


async def _big_custom_run(server: ApiServer, sid: str, invite: dict[str, str]) -> dict[str, Any]:
    r = await server.client.post(
        f"/v1/sessions/{sid}/custom-runs",
        json={"language": "python", "code": BIG, "inputs": CALLS},
        headers=invite,
        timeout=120,
    )
    assert r.status_code == 200, r.text[:500]
    body: dict[str, Any] = r.json()
    return body


def _code(r: httpx.Response) -> tuple[int, str | None]:
    return r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else None


@pytest.fixture
def api_settings(api_settings: ApiSettings, request: pytest.FixtureRequest) -> ApiSettings:
    update: dict[str, Any] = getattr(request, "param", {})
    return api_settings.model_copy(update=update)


@pytest.mark.parametrize("api_settings", [{"run_report_budget_bytes": 3 << 20}], indirect=True)
async def test_runs_past_the_sessions_report_budget_are_stored_without_what_the_code_returned(
    api_server: ApiServer, db: Conn
) -> None:
    sid, invite = await _started(api_server, db)

    answers = [await _big_custom_run(api_server, sid, invite) for _ in range(3)]

    # The candidate sees every run whole, the one past the budget included.
    for answer in answers:
        assert [t["verdict"] for t in answer["tests"]] == ["accepted"] * len(CALLS)
        assert all(t["actual"] == "x" * SHOWN and t["stdout"] == "out\n" for t in answer["tests"])
    cur = await db.execute(
        "select result_json, result_bytes, octet_length(result_json::text) as n from submissions "
        "where session_id = %s order by created_at",
        (sid,),
    )
    rows = await cur.fetchall()
    assert len(rows) == 3
    # Two runs of 1.3 MB fit 3 MiB whole; the third would pass it.
    for row in rows[:2]:
        assert row["result_bytes"] == row["n"] > 5 * SHOWN
        assert "values_omitted" not in row["result_json"]
        assert row["result_json"]["tests"][0]["actual"] == "x" * SHOWN
    kept = rows[2]
    assert kept["result_bytes"] == kept["n"] < 10_000
    assert kept["result_json"]["values_omitted"] is True
    assert kept["result_json"]["custom"] is True
    assert kept["result_json"]["verdict"] == "accepted"
    for t in kept["result_json"]["tests"]:
        assert (t["verdict"], t["actual"], t["stdout"], t["args"]) == ("accepted", None, None, None)
        assert t["message"] == VALUES_OMITTED
    assert sum(r["result_bytes"] for r in rows) <= (3 << 20) + 10_000
    # What the page reloads is what was kept.
    r = await api_server.client.get(f"/v1/sessions/{sid}/results", headers=invite)
    assert r.status_code == 200, r.text[:300]
    assert r.json()["custom"]["values_omitted"] is True


@pytest.mark.parametrize(
    "api_settings",
    [{"draft_rate_limit": "12/minute", "report_read_org_rate_limit": "3/minute"}],
    indirect=True,
)
async def test_reads_of_large_run_reports_are_counted_by_their_size_before_they_are_read(
    api_server: ApiServer, db: Conn
) -> None:
    sid, invite = await _started(api_server, db)
    r = await api_server.client.get(f"/v1/sessions/{sid}/results", headers=invite)
    assert (r.status_code, r.json()) == (200, {"run": None, "submit": None, "custom": None})
    for _ in range(2):
        await _big_custom_run(api_server, sid, invite)

    # The newest run's report, 1.3 MB: one and 5 more of the session's 12 a minute (the empty read took one).
    reads = [
        await api_server.client.get(f"/v1/sessions/{sid}/results", headers={**invite, **PLAIN})
        for _ in range(3)
    ]
    assert [_code(r) for r in reads] == [(200, None), (429, "rate_limited"), (429, "rate_limited")]
    assert len(reads[0].content) > 5 * SHOWN
    assert int(reads[1].headers["retry-after"]) >= 1

    # The detail holds both reports, 2.6 MB: two MiB of the organisation's 3 a minute in its size budget.
    org = {**api_server.org_headers(), **PLAIN}
    details = [await api_server.client.get(f"/v1/sessions/{sid}", headers=org) for _ in range(2)]
    assert [_code(r) for r in details] == [(200, None), (429, "rate_limited")]
    assert len(details[0].content) > 10 * SHOWN


def _report(actual: str) -> dict[str, Any]:
    test = {
        "id": "example-1",
        "verdict": "wrong_answer",
        "hidden": False,
        "time_ms": 1.0,
        "args": [[1, 2], 3],
    }
    return {
        "verdict": "wrong_answer",
        "passed": 0,
        "total": 2,
        "tests": [
            {**test, "expected": [0, 1], "actual": actual, "stdout": "out\n", "stderr": "", "message": None},
            {"id": "hidden-1", "verdict": "accepted", "hidden": True, "time_ms": 1.0},
        ],
        "timings": {},
    }


async def _store(db: Conn, sid: str, mode: str, actual: str, budget: int) -> str:
    cur = await db.execute("select question_id from sessions where id = %s", (sid,))
    row = await cur.fetchone()
    assert row is not None
    submission_id, _ = await runs_repo.store_run(
        db,
        runs_repo.FinishedRun(
            session_id=sid,
            question_id=row["question_id"],
            caller="candidate",
            lease=None,
            mode=mode,
            language="python",
            code="def two_sum(nums, target): ...",
            verdict="wrong_answer",
            report=_report(actual),
        ),
        report_budget=budget,
    )
    return submission_id


async def test_the_newest_submit_past_the_report_budget_keeps_what_it_showed_and_an_older_one_gives_it_back(
    api_server: ApiServer, db: Conn
) -> None:
    # The final answer's failed tests (what it returned and printed) are what the grader grades and the candidate's
    # reload shows; a session whose runs spent the budget lost them from its final Submit, as its code was kept.
    sid = (await api_server.create_session())["id"]
    budget = 50_000
    await _store(db, sid, "run", "r" * 30_000, budget)  # within the budget
    await _store(db, sid, "run", "s" * 30_000, budget)  # past it: without values
    first = await _store(db, sid, "submit", "a" * 30_000, budget)
    cur = await db.execute("select result_json from submissions where id = %s", (first,))
    row = await cur.fetchone()
    assert row is not None and row["result_json"]["tests"][0]["actual"] == "a" * 30_000
    await _store(db, sid, "run", "t" * 30_000, budget)  # a run past the budget is still without values
    last = await _store(db, sid, "submit", "b" * 30_000, budget)

    cur = await db.execute(
        "select id::text, kind, result_json, result_bytes, report_over_budget, octet_length(result_json::text) as n "
        "from submissions where session_id = %s order by created_at, id",
        (sid,),
    )
    rows = {r["id"]: r for r in await cur.fetchall()}
    shown = {i: r["result_json"]["tests"][0]["actual"] for i, r in rows.items()}
    assert list(shown.values()) == ["r" * 30_000, None, None, None, "b" * 30_000]
    assert [r["report_over_budget"] for r in rows.values()] == [False] * 4 + [True]
    # The older Submit gave the slot back: stored again without values, its size as stored.
    older = rows[first]
    assert older["result_json"]["values_omitted"] is True
    assert older["result_json"]["tests"][0]["message"] == VALUES_OMITTED
    assert older["result_json"]["tests"][1] == {
        "id": "hidden-1",
        "verdict": "accepted",
        "hidden": True,
        "time_ms": 1.0,
    }
    assert older["result_bytes"] == older["n"] < 1_000
    assert "values_omitted" not in rows[last]["result_json"]
    assert all(r["result_bytes"] == r["n"] for r in rows.values())
    counted = sum(r["result_bytes"] for r in rows.values() if not r["report_over_budget"])
    assert counted <= budget
    assert await runs_repo.run_report_bytes(db, sid, counted=True) == counted
    latest = await runs_repo.latest_results(db, sid)
    assert latest["submit"] is not None and latest["submit"]["tests"][0]["actual"] == "b" * 30_000


async def test_concurrent_runs_cannot_together_pass_the_report_budget(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    # Each store sums the session's reports under the session row lock it takes in its own transaction: runs stored
    # at once (on any replica) are counted one after another.
    sid = (await api_server.create_session())["id"]

    async def one(i: int) -> None:
        async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as c:
            await _store(c, sid, "run", f"{i}" * 20_000, 50_000)

    await asyncio.gather(*(one(i) for i in range(6)))

    cur = await db.execute(
        "select result_bytes, result_json ? 'values_omitted' as omitted from submissions where session_id = %s",
        (sid,),
    )
    rows = await cur.fetchall()
    assert sorted(r["omitted"] for r in rows) == [False, False] + [True] * 4
    assert sum(r["result_bytes"] for r in rows) <= 50_000
