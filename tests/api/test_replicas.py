"""Stateless API replicas: two real `shadows api` processes on one database and one Redis. Every step of an interview
goes to the other replica than the step before (create, join, LiveKit webhooks, the agent's context and events, the
candidate's run, completion, grading by a real worker, the scorecard), and the rate limits hold across both.
Nothing may live in one process's memory."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.orgs_repo import create_org
from api.tokens import candidate_identity
from tests.agent_start import agent_start
from tests.api.conftest import signed_webhook
from tests.api.grading_support import wait_until
from tests.conftest import CLIENT_TLS, LIVEKIT_KEY, LIVEKIT_SECRET, ROOT, StartWorker, free_port

Conn = psycopg.AsyncConnection[DictRow]


@dataclass
class Replicas:
    urls: list[str]
    internal_token: str
    procs: list[subprocess.Popen[bytes]]

    def client(self, i: int) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.urls[i % 2], timeout=60)


def _start(
    db_url: str, tmp_path: Path, n: int, token: str, redis: tuple[str, str], **extra: str
) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "DATABASE_URL", "LIVEKIT_"))},
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "SHADOWS_API_ENVIRONMENT": "test",
        "SHADOWS_API_INTERNAL_TOKEN": token,
        "SHADOWS_API_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SHADOWS_API_PRACTICE_ENABLED": "true",
        "SHADOWS_API_DATA_DIR": str(tmp_path / f"data-{n}"),
        "SHADOWS_API_QUESTIONS_DIR": str(ROOT / "questions"),
        "SHADOWS_API_DB_POOL_MAX": "6",
        "LIVEKIT_URL": "ws://127.0.0.1:7880",
        "LIVEKIT_API_KEY": LIVEKIT_KEY,
        "LIVEKIT_API_SECRET": LIVEKIT_SECRET,
        "SHADOWS_API_REDIS_URL": redis[0],
        "SHADOWS_API_REDIS_PREFIX": redis[1],
        **extra,
    }
    log = (tmp_path / f"api-{n}.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "api", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return f"http://127.0.0.1:{port}", proc


RATE_LIMITS = {"SHADOWS_API_PRACTICE_RATE_LIMIT": "3/hour", "SHADOWS_API_RUN_RATE_LIMIT": "2/minute"}


@pytest.fixture(scope="module")
def replicas_db_url(pg_admin_url: str, _databases: Any) -> Iterator[str]:
    """One fresh database for this file's tests, which share its replicas: each test makes its own organisation and
    sessions, and only one counts practice sessions, so none sees another's rows or counters."""
    name = _databases.take()
    try:
        yield str(psycopg.conninfo.make_conninfo(pg_admin_url, dbname=name))
    finally:
        _databases.give_back(name)


@pytest.fixture
def db_url(replicas_db_url: str) -> str:
    """The replicas' database: `db` and `start_worker` read and work on it."""
    return replicas_db_url


@pytest.fixture(scope="module")
def replicas(
    replicas_db_url: str, tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[Replicas]:
    """Two `shadows api` processes for the whole file: each costs seconds of CPU to start (the app's imports and
    routes), and a replica's state is what the tests are about, not its start."""
    tmp_path = tmp_path_factory.mktemp("replicas")
    token = secrets.token_urlsafe(32)
    redis = (redis_url, "t" + secrets.token_hex(6))  # this file's own keys in the suite's Redis
    started = [_start(replicas_db_url, tmp_path, n, token, redis, **RATE_LIMITS) for n in range(2)]
    try:
        for (url, proc), n in zip(started, range(2), strict=True):
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, (tmp_path / f"api-{n}.log").read_text()[-3000:]
                try:
                    if httpx.get(f"{url}/readyz", timeout=2, verify=CLIENT_TLS).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "replica did not become ready"
                time.sleep(0.1)
        yield Replicas([u for u, _ in started], token, [p for _, p in started])
    finally:
        for _, proc in started:
            proc.terminate()
        for _, proc in started:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)


@pytest.fixture
async def clients(replicas: Replicas) -> AsyncIterator[list[httpx.AsyncClient]]:
    a, b = replicas.client(0), replicas.client(1)
    async with a, b:
        yield [a, b]


def _pids_differ(replicas: Replicas) -> None:
    assert replicas.procs[0].pid != replicas.procs[1].pid and all(p.poll() is None for p in replicas.procs)


@pytest.mark.sandbox
async def test_a_whole_interview_alternating_between_two_replicas(
    replicas: Replicas,
    clients: list[httpx.AsyncClient],
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
) -> None:
    _, key = await create_org(db, "Replicated Org")
    org = {"Authorization": f"Bearer {key}"}
    internal = {"Authorization": f"Bearer {replicas.internal_token}"}
    step = iter(range(1000))

    def api() -> httpx.AsyncClient:
        return clients[next(step) % 2]

    cur = await db.execute("select id from questions where slug = 'two-sum'")
    question = str((await cur.fetchone())["id"])  # type: ignore[index]  # the bank has two-sum
    r = await api().post(
        "/v1/sessions",
        json={"candidate": {"name": "Ada Lovelace", "email": "ada@example.com"}, "question_id": question},
        headers=org,
    )
    assert r.status_code == 201, r.text
    s = r.json()
    sid, invite = s["id"], s["invite"]
    candidate = {"Authorization": f"Bearer {invite}"}

    r = await api().post("/v1/join", json={"invite": invite})
    assert r.status_code == 200, r.text
    room, notice = r.json()["room_name"], r.json()["notice"]
    r = await api().post(  # joining starts the interview only on the consent to the notice in force
        f"/v1/sessions/{sid}/consent",
        json={"notice_version": notice["version"], "notice_sha256": notice["sha256"], "agreed": True},
        headers=candidate,
    )
    assert r.status_code == 201, r.text

    # LiveKit's webhook that the candidate joined, then the same delivery again on the other replica.
    body, auth = signed_webhook(
        "participant_joined", room=room, identity=candidate_identity(sid), event_id="EV_1"
    )
    first = await api().post("/v1/livekit/webhook", content=body, headers={"Authorization": auth})
    again = await api().post("/v1/livekit/webhook", content=body, headers={"Authorization": auth})
    assert (first.json()["status"], again.json()["status"]) == ("started", "duplicate")

    r = await api().get(f"/v1/internal/sessions/{sid}/context", headers=internal)  # the agent starts
    assert r.status_code == 200, r.text
    events = [
        {"idempotency_key": "a1", "type": "transcript", "t": 2.0,
         "payload": {"role": "assistant", "text": "Walk me through your plan.", "start": 2.0, "end": 3.5}},
        {"idempotency_key": "u1", "type": "transcript", "t": 5.0,
         "payload": {"role": "user", "text": "A hash map from value to index.", "start": 5.0, "end": 8.0}},
    ]  # fmt: skip
    r1 = await api().post(f"/v1/internal/sessions/{sid}/events", json={"events": events}, headers=internal)
    r2 = await api().post(f"/v1/internal/sessions/{sid}/events", json={"events": events}, headers=internal)
    assert r1.status_code == r2.status_code == 200, (r1.text, r2.text)
    assert [e["seq"] for e in r1.json()["events"]] == [e["seq"] for e in r2.json()["events"]], "deduplicated"

    code = (
        "def two_sum(nums, target):\n    seen = {}\n    for i, x in enumerate(nums):\n"
        "        if target - x in seen:\n            return [seen[target - x], i]\n        seen[x] = i\n"
    )
    run = await api().post(
        f"/v1/sessions/{sid}/runs", json={"language": "python", "code": code}, headers=candidate
    )
    assert run.status_code == 200, run.text
    assert run.json()["verdict"] == "accepted"

    seen = await api().get(f"/v1/sessions/{sid}", headers=org)
    assert seen.json()["status"] == "in_progress"
    ctx = await api().get(f"/v1/internal/sessions/{sid}/context", headers=internal)
    types = [e["type"] for e in ctx.json()["events"]]
    assert types.count("transcript") == 2 and "test_run" in types, types

    done = await api().post(
        f"/v1/internal/sessions/{sid}/complete", json={"final_code": code}, headers=internal
    )
    assert done.status_code == 200, done.text
    finished, auth = signed_webhook("room_finished", room=room, event_id="EV_2")
    late = await api().post("/v1/livekit/webhook", content=finished, headers={"Authorization": auth})
    assert late.json()["status"] in ("unchanged", "ignored"), "a completed interview is not abandoned"

    (tmp_path / "release").touch()
    start_worker(SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.grader", SHADOWS_TEST_GRADER_DIR=str(tmp_path))

    async def ready() -> Any:
        r = await api().get(f"/v1/sessions/{sid}/scorecard", headers=org)
        return r.json() if r.status_code == 200 and r.json().get("status") == "ready" else None

    card = await wait_until(ready, within_s=90, what="the scorecard")
    other = (await api().get(f"/v1/sessions/{sid}/scorecard", headers=org)).json()
    assert card == other, "both replicas serve the same scorecard"
    assert card["recommendation"] == "hire"
    _pids_differ(replicas)


async def test_a_session_created_on_one_replica_is_refused_and_served_alike_by_the_other(
    replicas: Replicas, clients: list[httpx.AsyncClient], db: Conn
) -> None:
    org_id, key = await create_org(db, "Another Org")
    _, other_key = await create_org(db, "Third Org")
    r = await clients[0].post(
        "/v1/sessions",
        json={"candidate": {"name": "Ada", "email": "ada@example.com"}},
        headers={"Authorization": f"Bearer {key}"},
    )
    sid = r.json()["id"]
    mine = [await c.get(f"/v1/sessions/{sid}", headers={"Authorization": f"Bearer {key}"}) for c in clients]
    theirs = [
        await c.get(f"/v1/sessions/{sid}", headers={"Authorization": f"Bearer {other_key}"}) for c in clients
    ]
    assert [r.status_code for r in mine] == [200, 200] and mine[0].json() == mine[1].json()
    assert [r.status_code for r in theirs] == [404, 404]
    await db.execute("update api_keys set revoked_at = now() where organization_id = %s", (org_id,))
    revoked = [
        await c.get(f"/v1/sessions/{sid}", headers={"Authorization": f"Bearer {key}"}) for c in clients
    ]
    assert [r.status_code for r in revoked] == [401, 401], "no replica caches a revoked key"


async def test_the_practice_limit_holds_across_both_replicas(clients: list[httpx.AsyncClient]) -> None:
    """3/hour per client address: alternating replicas, the 4th and later practice sessions are refused."""
    statuses = [(await clients[i % 2].post("/v1/practice", json={})).status_code for i in range(6)]
    assert statuses == [201, 201, 201, 429, 429, 429]
    refused = await clients[0].post("/v1/practice", json={})
    assert refused.json()["error"]["code"] == "rate_limited" and int(refused.headers["retry-after"]) > 0


@pytest.mark.sandbox
async def test_the_per_session_run_rate_holds_across_both_replicas(
    replicas: Replicas, clients: list[httpx.AsyncClient], db: Conn
) -> None:
    """2/minute per session: a candidate sending runs to both replicas in turn gets two, then 429 on either."""
    _, key = await create_org(db, "Run Rate Org")
    s = (
        await clients[0].post(
            "/v1/sessions",
            json={"candidate": {"name": "Ada", "email": "ada@example.com"}},
            headers={"Authorization": f"Bearer {key}"},
        )
    ).json()
    internal = {"Authorization": f"Bearer {replicas.internal_token}"}
    assert (await agent_start(clients[1], s, internal)).status_code == 200
    body = {"language": "python", "code": "def f():\n    return 1\n"}
    headers = {"Authorization": f"Bearer {s['invite']}"}
    statuses = [
        (await clients[i % 2].post(f"/v1/sessions/{s['id']}/runs", json=body, headers=headers)).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 429, 429]
