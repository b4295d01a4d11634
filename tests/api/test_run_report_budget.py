"""A run's report shows what the candidate's program returned and printed in each visible test: up to 256 KiB of each
returned value, so one custom input of five calls stored 1.3 MB. At the run rate limit (300 an hour) a session
stored hundreds of MB of them, which its detail, its grading and its dump read whole (60 such runs: a detail of
78 MB, 3.2 s and 200 MB of the API's memory), and `GET /results` read the newest two (2.6 MB) as often as an
invite asked. Now a session's stored reports have a budget, past which a run is kept without those values, and both
reads are counted by the reports' size before any of them is read. Real judge, real Postgres, real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

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
    assert r.json()["run"]["values_omitted"] is True


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
    assert (r.status_code, r.json()) == (200, {"run": None, "submit": None})
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
