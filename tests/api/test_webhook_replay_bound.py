"""Replaying a webhook delivery is bounded: each replay is requests to the organisation's endpoint (with a fresh
retry schedule) and a job row kept. Before, an organisation could loop replay on a delivered delivery (wait for it,
replay it) and make the worker send requests to any endpoint it registered without end. The replay route also
refuses what is not the organisation's, or no longer there."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.routers import webhook_endpoints
from tests.api.grading_support import wait_until
from tests.api.integration_support import create_endpoint, delivery_worker, log_of
from tests.conftest import ApiServer, StartWorker
from tests.fakes.webhook_receiver import webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]
URL = "http://127.0.0.1:9/hooks"  # never called where no worker runs
CAP = 3


@pytest.fixture(autouse=True)
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhook_endpoints, "MAX_REPLAYS_PER_DELIVERY", CAP, raising=False)


def _replay_path(endpoint_id: str, delivery_id: str) -> str:
    return f"/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/replay"


async def _delivered(db: Conn, endpoint_id: str) -> None:
    """What the worker would do (none runs here): every pending delivery of the endpoint delivered."""
    await db.execute(
        "update webhook_deliveries set status = 'delivered', delivered_at = now(), attempts = attempts + 1 "
        "where endpoint_id = %s and status = 'pending'",
        (endpoint_id,),
    )


async def _jobs(db: Conn, delivery_id: str) -> int:
    cur = await db.execute(
        "select count(*) as n from procrastinate_jobs "
        "where task_name = 'deliver_webhook' and args->>'delivery_id' = %s",
        (delivery_id,),
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def _one_delivery(
    server: ApiServer, db: Conn, endpoint_id: str, key: str | None = None
) -> dict[str, Any]:
    session = await server.create_session(key)
    cur = await db.execute(
        "select id::text as id from webhook_deliveries where endpoint_id = %s and session_id = %s",
        (endpoint_id, session["id"]),
    )
    (row,) = await cur.fetchall()
    return {"id": row["id"], "session_id": session["id"]}


async def test_a_replay_loop_stops_at_the_bound(api_server: ApiServer, db: Conn) -> None:
    ep = await create_endpoint(api_server, URL, ["session.scheduled"])
    d = await _one_delivery(api_server, db, ep["id"])
    await _delivered(db, ep["id"])
    path = _replay_path(ep["id"], d["id"])
    for n in range(1, CAP + 1):
        r = await api_server.client.post(path, headers=api_server.org_headers())
        assert r.status_code == 202, r.text
        assert (r.json()["status"], r.json()["replays"]) == ("pending", n)
        await _delivered(db, ep["id"])
    r = await api_server.client.post(path, headers=api_server.org_headers())
    assert (r.status_code, r.json()["error"]["code"]) == (409, "too_many_replays"), r.text
    assert await _jobs(db, d["id"]) == 1 + CAP  # the first send and one per replay, none for the refused one
    (logged,) = await log_of(api_server, ep["id"])
    assert (logged["status"], logged["replays"]) == ("delivered", CAP)
    # The bound is the delivery's: another delivery of the same endpoint is replayed as before.
    other = await _one_delivery(api_server, db, ep["id"])
    await _delivered(db, ep["id"])
    r = await api_server.client.post(_replay_path(ep["id"], other["id"]), headers=api_server.org_headers())
    assert r.status_code == 202, r.text
    # An unknown delivery is still a 404, bound or not.
    r = await api_server.client.post(
        _replay_path(ep["id"], "00000000-0000-4000-8000-000000000000"), headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["error"]["code"]) == (404, "delivery_not_found")


async def test_concurrent_replays_never_pass_the_bound(api_server: ApiServer, db: Conn) -> None:
    ep = await create_endpoint(api_server, URL, ["session.scheduled"])
    d = await _one_delivery(api_server, db, ep["id"])
    path = _replay_path(ep["id"], d["id"])
    accepted = 0
    for _ in range(CAP + 2):  # bursts of simultaneous replays, each after the last replay was delivered
        await _delivered(db, ep["id"])
        answers = await asyncio.gather(
            *(api_server.client.post(path, headers=api_server.org_headers()) for _ in range(6))
        )
        assert {r.status_code for r in answers} <= {202, 409}, [r.text for r in answers]
        assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} <= {
            "delivery_pending",
            "too_many_replays",
        }
        accepted += sum(r.status_code == 202 for r in answers)
    assert accepted == CAP
    cur = await db.execute("select replays from webhook_deliveries where id = %s", (d["id"],))
    assert (await cur.fetchone())["replays"] == CAP  # type: ignore[index]  # the row exists
    assert await _jobs(db, d["id"]) == 1 + CAP


async def test_the_worker_sends_a_replayed_delivery_at_most_the_bound_more_times(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
        receiver.secrets = [ep["secret"]]
        delivery_worker(start_worker, api_server, tmp_path)
        await api_server.create_session()
        (d,) = await wait_until(lambda: _settled(api_server, ep["id"]), what="the first delivery")
        path = _replay_path(ep["id"], d["id"])
        for n in range(2, CAP + 3):
            r = await api_server.client.post(path, headers=api_server.org_headers())
            if n > CAP + 1:
                assert (r.status_code, r.json()["error"]["code"]) == (409, "too_many_replays"), r.text
                break
            assert r.status_code == 202, r.text
            await wait_until(lambda: _settled(api_server, ep["id"]), what=f"request {n}")
        await asyncio.sleep(1)  # anything still queued would go now
    assert len(receiver.deliveries) == 1 + CAP
    assert len({x.message_id for x in receiver.deliveries}) == 1  # the same event every time


async def _settled(server: ApiServer, endpoint_id: str) -> list[dict[str, Any]] | None:
    log = await log_of(server, endpoint_id)
    return log if log and all(d["status"] == "delivered" for d in log) else None


async def test_a_replay_is_refused_for_what_is_not_the_organisations_or_no_longer_there(
    api_server: ApiServer, db: Conn
) -> None:
    ours = await create_endpoint(api_server, URL, ["session.scheduled"])
    mine = await _one_delivery(api_server, db, ours["id"])
    _, other_key = await api_server.create_org("Other Hiring")
    theirs = await create_endpoint(api_server, URL, ["session.scheduled"], key=other_key)
    foreign = await _one_delivery(api_server, db, theirs["id"], key=other_key)
    await _delivered(db, ours["id"])
    await _delivered(db, theirs["id"])

    async def replay(endpoint_id: str, delivery_id: str, key: str | None = None) -> tuple[int, str]:
        r = await api_server.client.post(
            _replay_path(endpoint_id, delivery_id), headers=api_server.org_headers(key)
        )
        return r.status_code, r.json()["error"]["code"] if r.status_code != 202 else "accepted"

    # Another organisation's endpoint, and its delivery under our endpoint's id: never found.
    assert await replay(theirs["id"], foreign["id"]) == (404, "endpoint_not_found")
    assert await replay(ours["id"], foreign["id"]) == (404, "delivery_not_found")
    assert await replay(ours["id"], mine["id"], key=other_key) == (404, "endpoint_not_found")
    # A disabled endpoint: enable it first.
    r = await api_server.client.patch(
        f"/v1/webhook-endpoints/{ours['id']}", json={"enabled": False}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    assert await replay(ours["id"], mine["id"]) == (409, "endpoint_disabled")
    # A session erased on request takes its deliveries with it: nothing of it is sent again.
    r = await api_server.client.patch(
        f"/v1/webhook-endpoints/{ours['id']}", json={"enabled": True}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    r = await api_server.client.delete(f"/v1/sessions/{mine['session_id']}", headers=api_server.org_headers())
    assert r.status_code == 204, r.text
    assert await replay(ours["id"], mine["id"]) == (404, "delivery_not_found")
    # A deleted endpoint, its log with it.
    r = await api_server.client.delete(
        f"/v1/webhook-endpoints/{theirs['id']}", headers=api_server.org_headers(other_key)
    )
    assert r.status_code == 204, r.text
    assert await replay(theirs["id"], foreign["id"], key=other_key) == (404, "endpoint_not_found")
    assert (
        await _jobs(db, mine["id"]) == 1 and await _jobs(db, foreign["id"]) == 1
    )  # the first sends: no replay
