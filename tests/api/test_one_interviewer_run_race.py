"""An agent's run is stored only if its job still holds the session when the run is stored, not only when it was
asked for (`POST /v1/internal/sessions/{id}/runs`, api/db/runs_repo.py `store_run`).

The route checked the holder in a transaction of its own before the judge ran, and stored the run seconds later in
another: a job replaced while the judge ran (its lease ran out while it could not reach the API, and the
redispatched job started) still had its run stored in the record the new job now writes, and shown on the report.
Here the takeover happens between the check and the store, deterministically: the judge's call is wrapped so that
another job takes the session over after the judge answered and before the run is stored."""

from __future__ import annotations

from typing import Any

import pytest

from api import run_flow
from tests.conftest import ApiServer

pytestmark = [pytest.mark.db, pytest.mark.sandbox]

CODE = "def two_sum(nums, target):\n    return [0, 1]\n"


async def _runs(db: Any, sid: str) -> int:
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (sid,))
    row = await cur.fetchone()
    return int(row["n"])


async def _run_events(db: Any, sid: str) -> int:
    cur = await db.execute(
        "select count(*) as n from session_events where session_id = %s and type in ('test_run', 'submission')",
        (sid,),
    )
    row = await cur.fetchone()
    return int(row["n"])


@pytest.mark.parametrize("mode", ["run", "submit"])
async def test_a_job_replaced_while_the_judge_ran_has_nothing_stored(
    api_server: ApiServer, db: Any, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    created = await api_server.create_session()
    sid = created["id"]
    base = f"/v1/internal/sessions/{sid}"
    old = api_server.internal_headers() | {"X-Shadows-Agent-Job": "AJ_old"}
    new = api_server.internal_headers() | {"X-Shadows-Agent-Job": "AJ_new"}
    assert (await api_server.agent_start(created, old)).status_code == 200

    judged = run_flow.judge_code
    takeovers: list[int] = []

    async def judge_then_take_over(*args: Any) -> Any:
        report = await judged(*args)
        if not takeovers:  # once: the old job's run, after the route's check and before its store
            # The old job's lease ran out (it could not reach the API), and the redispatched job starts.
            await db.execute(
                "update session_interviewers set lease_until = now() - interval '1 second' where session_id = %s",
                (sid,),
            )
            takeovers.append((await api_server.client.post(f"{base}/start", headers=new)).status_code)
        return report

    monkeypatch.setattr(run_flow, "judge_code", judge_then_take_over)
    r = await api_server.client.post(
        f"{base}/runs", json={"language": "python", "code": CODE, "mode": mode}, headers=old
    )
    assert takeovers == [200]
    assert r.status_code == 409 and r.json()["error"]["code"] == "interviewer_present", r.text
    assert await _runs(db, sid) == 0
    assert await _run_events(db, sid) == 0

    # The refused run gave its lease back: the new interviewer runs at once (no 429 run_in_progress).
    r = await api_server.client.post(f"{base}/runs", json={"language": "python", "code": CODE}, headers=new)
    assert r.status_code == 200, r.text
    assert (await _runs(db, sid), await _run_events(db, sid)) == (1, 1)
