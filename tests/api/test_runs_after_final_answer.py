"""After the final answer nothing of the session's code runs again (Run, custom input, the agent's runs) unless the
organisation allows resubmission: a process whose output is shown, on the judge host where the Submit gave hidden
inputs to candidate code, could read what it left in the page cache (docs/judge.md, "Known gaps")."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from api import run_flow
from api.db import runs_repo
from judge.limits import run_bound_s
from judge.schemas import RunRequest
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

CODE = "def two_sum(nums, target):\n    return [0, 1]\n"
KINDS = ["run", "custom", "agent_run", "agent_submit"]


async def _session(server: ApiServer, db: Conn, *, resubmission: bool) -> dict[str, Any]:
    """A started two-sum session of an organisation of its own, with the given resubmission policy."""
    _, key = await server.create_org(f"Resubmission {resubmission}")
    r = await server.client.patch(
        "/v1/organization", json={"allow_resubmission": resubmission}, headers=server.org_headers(key)
    )
    assert r.status_code == 200, r.text
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    qid = str((await cur.fetchone())["id"])  # type: ignore[index]  # the bank has two-sum
    created = await server.create_session(key, question_id=qid)
    await consent_and_start(server.client, created)
    return created


async def _attempt(server: ApiServer, s: dict[str, Any], kind: str) -> Any:
    sid, auth = s["id"], {"Authorization": f"Bearer {s['invite']}"}
    body = {"language": "python", "code": CODE}
    if kind == "run":
        return await server.client.post(f"/v1/sessions/{sid}/runs", json=body, headers=auth)
    if kind == "custom":
        return await server.client.post(
            f"/v1/sessions/{sid}/custom-runs", json={**body, "inputs": [[[3, 3], 6]]}, headers=auth
        )
    mode = "run" if kind == "agent_run" else "submit"
    return await server.client.post(
        f"/v1/internal/sessions/{sid}/runs", json={**body, "mode": mode}, headers=server.internal_headers()
    )


async def _submit(server: ApiServer, s: dict[str, Any]) -> None:
    r = await server.client.post(
        f"/v1/sessions/{s['id']}/submissions",
        json={"language": "python", "code": CODE},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert r.status_code == 201, r.text


async def _stored(db: Conn, sid: str) -> list[str]:
    cur = await db.execute("select kind from submissions where session_id = %s order by created_at", (sid,))
    return [row["kind"] for row in await cur.fetchall()]


@pytest.mark.sandbox
@pytest.mark.parametrize("kind", KINDS)
async def test_nothing_of_the_session_runs_after_the_final_answer_without_resubmission(
    api_server: ApiServer, db: Conn, kind: str
) -> None:
    s = await _session(api_server, db, resubmission=False)
    await _submit(api_server, s)
    r = await _attempt(api_server, s, kind)
    assert r.status_code == 409, r.text
    assert r.json() == {
        "error": {"code": "already_submitted", "message": "Your final answer is already submitted."}
    }
    assert await _stored(db, s["id"]) == ["submit"], "nothing ran after the final answer"
    cur = await db.execute("select count(*) as n from session_run_leases where session_id = %s", (s["id"],))
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # the refused run gave its lease back


@pytest.mark.sandbox
@pytest.mark.parametrize("kind", KINDS)
async def test_runs_stay_open_after_a_submit_where_resubmission_is_allowed(
    api_server: ApiServer, db: Conn, kind: str
) -> None:
    s = await _session(api_server, db, resubmission=True)
    await _submit(api_server, s)
    r = await _attempt(api_server, s, kind)
    assert r.status_code in (200, 201), r.text
    assert r.json()["verdict"] in ("accepted", "wrong_answer")
    assert len(await _stored(db, s["id"])) == 2


@pytest.mark.parametrize("kind", KINDS)
async def test_a_final_answer_another_replica_stores_just_before_the_lease_refuses_the_run(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # The check is made under the run lease: a Submit on another replica that committed its answer (and released
    # the lease, in one transaction) right before this run took the lease is seen. A check made before the lease
    # (in the route, say) would let this run through. The other replica's commit is put exactly into that window.
    s = await _session(api_server, db, resubmission=False)
    take_lease = runs_repo.take_lease

    async def other_replica_commits_first(
        conn: Any, session_id: str, caller: Any, ttl_s: float, **kwargs: Any
    ) -> Any:
        await db.execute(
            "insert into submissions (question_id, session_id, language, code, result_json, kind, verdict) "
            "select question_id, id, 'python', 'x', %s, 'submit', 'accepted' from sessions where id = %s",
            (Jsonb({"verdict": "accepted", "tests": []}), session_id),
        )
        return await take_lease(conn, session_id, caller, ttl_s, **kwargs)

    monkeypatch.setattr(runs_repo, "take_lease", other_replica_commits_first)
    r = await _attempt(api_server, s, kind)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "already_submitted"), r.text
    assert await _stored(db, s["id"]) == ["submit"]


@pytest.mark.sandbox
async def test_a_submits_lease_lasts_as_long_as_the_judge_may_take_to_run_it(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lease keeps every other run of the session from running beside a Submit, whose process holds the hidden
    # inputs (docs/judge.md). It expired after the queue's wait plus `job_timeout_s` (180 s), while the judge lets a
    # Submit of a bank question run for its job budget: 236 s for two-sum in Python, 410 s for number-of-islands in
    # Java, past which a program slow on purpose could be joined by a Run of its own session, before its final
    # answer was stored, and show what the Submit's process signals through the host's caches.
    s = await _session(api_server, db, resubmission=False)
    seen: dict[str, float] = {}
    real = run_flow.judge_code

    async def observed(judge: Any, admission: Any, tenant: str, request: RunRequest) -> Any:
        cur = await db.execute(
            "select extract(epoch from min(expires_at) - clock_timestamp()) as left, count(*) as n"
            "  from session_run_leases where session_id = %s",
            (s["id"],),
        )
        row = await cur.fetchone()
        assert row is not None and row["n"] == len(
            runs_repo.LEASING_CALLERS
        )  # a Submit leases every caller's row
        seen["left"] = float(row["left"])
        seen["needed"] = api_server.settings.run_queue_wait_s + run_bound_s(request, judge.settings)
        return await real(judge, admission, tenant, request)

    monkeypatch.setattr(run_flow, "judge_code", observed)
    await _submit(api_server, s)
    assert seen["left"] >= seen["needed"] > 180, seen
