"""One run of a session in the judge at a time, whoever asked for it: the candidate's Run and custom input and the
interviewer's `run_tests` never overlap (api.db.runs_repo.take_lease). Two runs of one session at once were each the
other's "other work" to the judge's meter (judge/meter.py), which credits a test's waiting for a CPU as far as other
work explains it: a program too slow for its limit, run twice at once (the candidate's Run beside the agent's), had
each run credited with the waiting behind its own processes and passed visible tests it failed alone (docs/judge.md,
"What remains loose"). Runs of other sessions are not held up."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api import run_flow
from api.db import runs_repo
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
pytestmark = pytest.mark.sandbox

QUICK = "def two_sum(nums, target):\n    return [0, 1]\n"
# Its first call sleeps, then every call returns at once: in the judge for about 1.5 s, whatever the tests.
SLEEPY_ONCE = (
    "import time\n_slept = False\ndef two_sum(nums, target):\n    global _slept\n"
    "    if not _slept:\n        _slept = True\n        time.sleep(1.5)\n    return [0, 1]\n"
)

# (who runs first, what; who asks for a run beside it, what): every pair of the runs whose output is shown.
BESIDE = [
    (("candidate", "run"), ("agent", "run")),
    (("agent", "run"), ("candidate", "run")),
    (("candidate", "custom"), ("agent", "run")),
    (("agent", "run"), ("candidate", "custom")),
]


def _auth(s: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {s['invite']}"}


def _request(server: ApiServer, s: dict[str, Any], who: str, what: str, code: str) -> Awaitable[Any]:
    body: dict[str, Any] = {"language": "python", "code": code}
    if who == "agent":
        return server.client.post(
            f"/v1/internal/sessions/{s['id']}/runs",
            json={**body, "mode": what},
            headers=server.internal_headers(),
        )
    if what == "custom":
        body["inputs"] = [[[3, 4], 7]]
    path = {"run": "runs", "custom": "custom-runs"}[what]
    return server.client.post(f"/v1/sessions/{s['id']}/{path}", json=body, headers=_auth(s))


async def _two_sum(server: ApiServer, db: Conn) -> dict[str, Any]:
    row = await (await db.execute("select id from questions where slug = 'two-sum'")).fetchone()
    assert row is not None
    return await server.create_session(question_id=str(row["id"]))


async def _start(server: ApiServer, s: dict[str, Any]) -> None:
    r = await server.agent_start(s)
    assert r.status_code == 200, r.text


async def _leased(db: Conn, sid: str) -> bool:
    cur = await db.execute("select count(*) as n from session_run_leases where session_id = %s", (sid,))
    row = await cur.fetchone()
    assert row is not None
    return bool(row["n"])


async def _until_leased(db: Conn, sid: str) -> None:
    for _ in range(600):
        if await _leased(db, sid):
            return
        await asyncio.sleep(0.02)
    pytest.fail("the first run never took its lease")


class _InJudge:
    """The most runs of one program (the run request's code) that were in the judge at once."""

    def __init__(self, judge_code: Callable[..., Awaitable[Any]]) -> None:
        self._judge_code = judge_code
        self.now: dict[str, int] = {}
        self.most: dict[str, int] = {}

    async def __call__(self, judge: Any, admission: Any, tenant: str, request: Any) -> Any:
        key = request.source
        self.now[key] = self.now.get(key, 0) + 1
        self.most[key] = max(self.most.get(key, 0), self.now[key])
        try:
            return await self._judge_code(judge, admission, tenant, request)
        finally:
            self.now[key] -= 1


@pytest.mark.parametrize(("first", "beside"), BESIDE, ids=lambda p: "-".join(p))
async def test_no_two_runs_of_a_session_are_in_the_judge_at_once_whoever_asks(
    api_server: ApiServer,
    db: Conn,
    monkeypatch: pytest.MonkeyPatch,
    first: tuple[str, str],
    beside: tuple[str, str],
) -> None:
    s, other = await _two_sum(api_server, db), await _two_sum(api_server, db)
    for sess in (s, other):
        await _start(api_server, sess)
    in_judge = _InJudge(run_flow.judge_code)
    monkeypatch.setattr(run_flow, "judge_code", in_judge)
    running = asyncio.create_task(_request(api_server, s, *first, SLEEPY_ONCE))
    await _until_leased(db, s["id"])
    refused = await _request(api_server, s, *beside, SLEEPY_ONCE)
    elsewhere = await _request(api_server, other, *beside, QUICK)  # another session is not held up
    done = await running

    assert (refused.status_code, refused.json()["error"]["code"]) == (429, "run_in_progress"), refused.text
    assert int(refused.headers["retry-after"]) >= 1
    assert in_judge.most[SLEEPY_ONCE] == 1, "two runs of one session were in the judge at once"
    assert done.status_code == 200, done.text
    assert elsewhere.status_code == 200, elsewhere.text
    assert not await _leased(db, s["id"])  # every row of the lease released
    after = await _request(api_server, s, *beside, QUICK)
    assert after.status_code == 200, after.text


async def test_the_agents_run_is_refused_while_another_replica_runs_the_candidates(
    api_server: ApiServer, db: Conn
) -> None:
    # The lease is a row in PostgreSQL: a Run in flight on another API process (its lease taken there, as the
    # candidate's Run takes it) holds this process's agent run off too, and releasing it lets the next one in.
    s = await _two_sum(api_server, db)
    await _start(api_server, s)
    lease = await runs_repo.take_lease(db, s["id"], "candidate", 600)
    assert lease is not None
    for who, what in (("agent", "run"), ("agent", "submit"), ("candidate", "run"), ("candidate", "custom")):
        r = await _request(api_server, s, who, what, QUICK)
        assert (r.status_code, r.json()["error"]["code"]) == (429, "run_in_progress"), (who, what, r.text)
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (s["id"],))
    assert await cur.fetchone() == {"n": 0}
    await runs_repo.drop_lease(db, s["id"], lease)
    r = await _request(api_server, s, "agent", "run", QUICK)
    assert r.status_code == 200, r.text
