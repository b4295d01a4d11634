"""Only the session's interviewer runs code for it: the agent's `run_tests` and Submit on the candidate's behalf
(`POST /v1/internal/sessions/{id}/runs`) from a job that does not hold the session (api/db/interviewers_repo.py) are
409 `interviewer_present`, as its events are; nothing is judged or stored for it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ApiServer

pytestmark = [pytest.mark.db, pytest.mark.sandbox]

CODE = "def two_sum(nums, target):\n    return [0, 1]\n"


async def _runs(db: Any, sid: str) -> int:
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (sid,))
    row = await cur.fetchone()
    return int(row["n"])


async def test_a_job_that_does_not_hold_the_session_runs_nothing_for_it(
    api_server: ApiServer, db: Any
) -> None:
    created = await api_server.create_session()
    sid = created["id"]
    holder = api_server.internal_headers() | {"X-Shadows-Agent-Job": "AJ_holder"}
    other = api_server.internal_headers() | {"X-Shadows-Agent-Job": "AJ_other"}
    unnamed = api_server.internal_headers()  # an agent from before claims
    base = f"/v1/internal/sessions/{sid}"
    assert (await api_server.agent_start(created, holder)).status_code == 200
    run = {"language": "python", "code": CODE, "mode": "run"}
    for headers in (other, unnamed):
        for mode in ("run", "submit"):
            r = await api_server.client.post(f"{base}/runs", json={**run, "mode": mode}, headers=headers)
            assert (r.status_code, r.json()["error"]["code"]) == (409, "interviewer_present"), r.text
    assert await _runs(db, sid) == 0
    r = await api_server.client.post(f"{base}/runs", json=run, headers=holder)
    assert r.status_code == 200, r.text
    assert await _runs(db, sid) == 1
