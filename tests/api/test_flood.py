"""One invite floods the run route; everyone else must not notice.

100 parallel runs that only sleep, from one org invite and from one anonymous practice invite, against a server
whose database pool has four connections. Meanwhile another organisation creates a session, its candidate joins
and runs, the agent writes events, the org lists and reads sessions, and /readyz is polled. Asserted: every one of
those requests succeeds with its expected status and finishes within a generous deadline, the flood itself never
gets a 5xx, and each flooding invite had one run at a time. The flooding client is its own process (tests/api/
flood_client.py), as an attacker would be. Latency figures belong to bench/, not here.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from tests.agent_start import agent_start
from tests.api.conftest import serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
pytestmark = pytest.mark.sandbox

FLOODERS = 100
DEADLINE_S = 60.0  # "must finish" bound for each of the other org's requests; generous for a loaded machine
QUICK = "def two_sum(nums, target):\n    return [0, 1]\n"


async def _timed(request: Any) -> httpx.Response:
    async with asyncio.timeout(DEADLINE_S):
        response: httpx.Response = await request
        return response


async def test_one_invite_flooding_runs_leaves_other_orgs_and_the_agent_unaffected(
    api_server: ApiServer, db: Conn
) -> None:
    settings = api_server.settings.model_copy(
        update={
            "db_pool_min": 1,
            "db_pool_max": 4,  # held across the judge, four sleeping runs would starve every other route
            "run_concurrency": 2,
            "run_queue_wait_s": 120.0,
            # Longer than any pause of a flooding client: a connection the server closes for idleness while the
            # client reuses it is a client-side race (a POST is never retried), not what this test is about.
            "keep_alive_s": 120,
        }
    )
    internal = api_server.internal_headers()
    async with serve(settings) as client:
        org_invite = await api_server.create_session()
        practice = await client.post("/v1/practice", json={})
        assert practice.status_code == 201, practice.text
        flooding = [org_invite, practice.json()]
        for s in flooding:
            r = await agent_start(client, s, internal)
            assert r.status_code == 200
        _, other_key = await api_server.create_org("Other Org")
        other = {"Authorization": f"Bearer {other_key}"}

        flooder = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).with_name("flood_client.py")),
            str(client.base_url),
            str(FLOODERS),
            *(f"{s['id']}:{s['invite']}" for s in flooding),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert flooder.stdin is not None and flooder.stdout is not None
        stop = asyncio.Event()

        async def readiness() -> list[int]:
            statuses = []
            while not stop.is_set():
                statuses.append((await _timed(client.get("/readyz"))).status_code)
                await asyncio.sleep(0.2)
            return statuses

        async def other_org() -> dict[str, int]:
            seen: dict[str, int] = {}
            created = await _timed(
                client.post(
                    "/v1/sessions",
                    json={"candidate": {"name": "Grace Hopper", "email": "grace@example.com"}},
                    headers=other,
                )
            )
            seen["create"] = created.status_code
            s = created.json()
            joined = await _timed(client.post("/v1/join", json={"invite": s["invite"]}))
            seen["join"] = joined.status_code
            notice = joined.json()["notice"]
            agreed = {"notice_version": notice["version"], "notice_sha256": notice["sha256"], "agreed": True}
            seen["consent"] = (
                await _timed(
                    client.post(
                        f"/v1/sessions/{s['id']}/consent",
                        json=agreed,
                        headers={"Authorization": f"Bearer {s['invite']}"},
                    )
                )
            ).status_code
            seen["start"] = (
                await _timed(client.post(f"/v1/internal/sessions/{s['id']}/start", headers=internal))
            ).status_code
            events = {
                "events": [
                    {"idempotency_key": f"e{i}", "type": "note", "payload": {"i": i}} for i in range(5)
                ]
            }
            seen["events"] = (
                await _timed(
                    client.post(f"/v1/internal/sessions/{s['id']}/events", json=events, headers=internal)
                )
            ).status_code
            candidate = {"Authorization": f"Bearer {s['invite']}"}
            body = {"language": "python", "code": QUICK}
            run = await _timed(client.post(f"/v1/sessions/{s['id']}/runs", json=body, headers=candidate))
            seen["run"] = run.status_code
            # before the Submit: after the final answer nothing of the session runs (already_submitted)
            seen["agent_run"] = (
                await _timed(
                    client.post(f"/v1/internal/sessions/{s['id']}/runs", json=body, headers=internal)
                )
            ).status_code
            seen["submission"] = (
                await _timed(client.post(f"/v1/sessions/{s['id']}/submissions", json=body, headers=candidate))
            ).status_code
            seen["list"] = (await _timed(client.get("/v1/sessions", headers=other))).status_code
            seen["read"] = (await _timed(client.get(f"/v1/sessions/{s['id']}", headers=other))).status_code
            seen["context"] = (
                await _timed(client.get(f"/v1/internal/sessions/{s['id']}/context", headers=internal))
            ).status_code
            return seen

        ready = asyncio.create_task(readiness())
        try:
            # The flood has taken hold: every invite has had FLOODERS answers (one run in the judge, the rest 429).
            async with asyncio.timeout(120):
                assert (await flooder.stdout.readline()).strip() == b"ready"
            seen = await other_org()
            await asyncio.sleep(1.0)
        finally:
            stop.set()
            flooder.stdin.close()
            out, _ = await flooder.communicate()
        readyz = await ready
        report = json.loads(out.decode().strip().splitlines()[-1])

    assert seen == {
        "create": 201,
        "join": 200,
        "consent": 201,
        "start": 200,
        "events": 200,
        "run": 200,
        "submission": 201,
        "agent_run": 200,
        "list": 200,
        "read": 200,
        "context": 200,
    }
    assert readyz and set(readyz) == {200}
    assert report["transport_errors"] == []
    for s in flooding:
        counts = report[s["id"]]
        assert sum(counts.values()) >= FLOODERS, counts
        assert set(counts) <= {"200 ok", "429 run_in_progress", "429 rate_limited"}, counts  # never a 5xx
        assert counts.get("429 run_in_progress", 0) > 0, counts
    # Every run that answered 200 was stored, and nothing else was (refusals store nothing, no lease is left).
    for s in flooding:
        cur = await db.execute("select count(*) as n from submissions where session_id = %s", (s["id"],))
        row = await cur.fetchone()
        assert row is not None and row["n"] == report[s["id"]].get("200 ok", 0)
    cur = await db.execute("select count(*) as n from session_run_leases")
    row = await cur.fetchone()
    assert row is not None and row["n"] == 0
