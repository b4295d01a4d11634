"""Redispatch of the interviewer when LiveKit's webhooks show it leaving a running interview while the candidate
stays: through a local server speaking LiveKit's Twirp API (ListParticipants, CreateDispatch), with the room
token's own dispatch metadata, at most SHADOWS_API_AGENT_REDISPATCH_LIMIT times, once per webhook id."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from livekit import api as lk
from psycopg.rows import DictRow

import api.redispatch
import api.routers.interviews
from api.db.orgs_repo import create_org
from api.db.pool import Pool
from api.settings import ApiSettings
from api.tokens import candidate_identity
from tests.api.conftest import serve, signed_webhook
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET
from tests.fakes.livekit_server import FakeLiveKitServer

Conn = psycopg.AsyncConnection[DictRow]


def agent_left(room: str, event_id: str, *, kind: int = lk.ParticipantInfo.Kind.AGENT) -> tuple[str, str]:
    """LiveKit's participant_left for the interviewer's participant, signed as LiveKit signs it."""
    return signed_webhook(
        "participant_left",
        room=room,
        identity="agent-AJ_x1",
        event_id=event_id,
        created_at=1_800_000_000,
        kind=kind,
    )


@dataclass
class World:
    client: httpx.AsyncClient
    livekit: FakeLiveKitServer
    key: str
    settings: ApiSettings

    async def post(self, body_auth: tuple[str, str]) -> httpx.Response:
        body, auth = body_auth
        return await self.client.post("/v1/livekit/webhook", content=body, headers={"Authorization": auth})

    async def running_session(self, *, candidate_present: bool = True) -> dict[str, Any]:
        r = await self.client.post(
            "/v1/sessions",
            json={"candidate": {"name": "Ada", "email": "ada@example.com"}},
            headers={"Authorization": f"Bearer {self.key}"},
        )
        s = dict(r.json())
        notice = (await self.client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
        consent = await self.client.post(  # no room token before the candidate agrees to the notice
            f"/v1/sessions/{s['id']}/consent",
            json={"notice_version": notice["version"], "notice_sha256": notice["sha256"], "agreed": True},
            headers={"Authorization": f"Bearer {s['invite']}"},
        )
        assert consent.status_code == 201, consent.text
        join = (await self.client.post("/v1/join", json={"invite": s["invite"]})).json()
        s["room"], s["token"] = join["room_name"], join["participant_token"]
        started = await self.post(
            signed_webhook(
                "participant_joined",
                room=s["room"],
                identity=candidate_identity(s["id"]),
                event_id=f"EV_join_{s['id']}",
            )
        )
        assert started.json()["status"] == "started"
        self.livekit.participants[s["room"]] = [candidate_identity(s["id"])] if candidate_present else []
        return s


@pytest.fixture
async def world(api_settings: ApiSettings, db: Conn) -> AsyncIterator[World]:
    _, key = await create_org(db, "Redispatch Org")
    async with FakeLiveKitServer(LIVEKIT_KEY, LIVEKIT_SECRET) as livekit:
        settings = api_settings.model_copy(update={"livekit_url": livekit.ws_url})
        async with serve(settings) as client:
            yield World(client, livekit, key, settings)


async def _count(db: Conn, sid: str) -> int:
    cur = await db.execute("select agent_redispatches as n from sessions where id = %s", (sid,))
    return int((await cur.fetchone())["n"])  # type: ignore[index]  # the session exists


async def test_agent_leaving_a_running_interview_is_redispatched_with_the_room_tokens_metadata_once_per_webhook(
    world: World, db: Conn
) -> None:
    s = await world.running_session()
    first = await world.post(agent_left(s["room"], "EV_left_1"))
    replay = await world.post(agent_left(s["room"], "EV_left_1"))
    assert (first.json()["status"], replay.json()["status"]) == ("redispatched", "duplicate")
    [dispatch] = world.livekit.dispatches
    assert dispatch.agent_name == world.settings.agent_name and dispatch.room == s["room"]
    token_dispatch = jwt.decode(s["token"], options={"verify_signature": False})["roomConfig"]["agents"][0]
    assert dispatch.metadata == token_dispatch["metadata"] and json.loads(dispatch.metadata) == {
        "session_id": s["id"]
    }
    assert world.livekit.grants[0].room_admin and world.livekit.grants[0].room == s["room"]
    assert await _count(db, s["id"]) == 1


async def test_at_most_the_limit_of_redispatches_per_session(world: World, db: Conn) -> None:
    s = await world.running_session()
    statuses = [(await world.post(agent_left(s["room"], f"EV_n{i}"))).json()["status"] for i in range(4)]
    assert statuses == ["redispatched", "redispatched", "redispatch_limit", "redispatch_limit"]
    assert len(world.livekit.dispatches) == 2 and await _count(db, s["id"]) == 2
    other = await world.running_session()  # the bound is per session
    assert (await world.post(agent_left(other["room"], "EV_other"))).json()["status"] == "redispatched"


async def test_concurrent_departures_never_exceed_the_limit(world: World, db: Conn) -> None:
    s = await world.running_session()
    await db.execute("update sessions set agent_redispatches = 1 where id = %s", (s["id"],))
    results = await asyncio.gather(*(world.post(agent_left(s["room"], f"EV_c{i}")) for i in range(5)))
    statuses = sorted(r.json()["status"] for r in results)
    assert statuses == ["redispatch_limit"] * 4 + ["redispatched"]
    assert len(world.livekit.dispatches) == 1 and await _count(db, s["id"]) == 2


async def test_no_redispatch_when_the_candidate_has_left_or_the_room_is_gone(world: World, db: Conn) -> None:
    s = await world.running_session(candidate_present=False)
    assert (await world.post(agent_left(s["room"], "EV_gone"))).json()["status"] == "candidate_gone"
    gone = await world.running_session()
    del world.livekit.participants[gone["room"]]  # LiveKit answers not_found
    assert (await world.post(agent_left(gone["room"], "EV_noroom"))).json()["status"] == "candidate_gone"
    assert world.livekit.dispatches == []
    assert await _count(db, s["id"]) == 0 and await _count(db, gone["id"]) == 0, "reservations given back"


async def test_no_redispatch_outside_a_running_interview_or_for_another_participant(
    world: World, db: Conn
) -> None:
    s = await world.running_session()
    human = await world.post(agent_left(s["room"], "EV_std", kind=lk.ParticipantInfo.Kind.STANDARD))
    assert human.json()["status"] == "ignored"
    done = await world.client.post(
        f"/v1/internal/sessions/{s['id']}/complete",
        json={},
        headers={"Authorization": f"Bearer {world.settings.internal_token.get_secret_value()}"},
    )
    assert done.status_code == 200, done.text
    after = await world.post(agent_left(s["room"], "EV_after"))
    assert after.json()["status"] == "ignored"
    unknown = await world.post(agent_left("shadows-ses_nope", "EV_unknown"))
    assert unknown.json()["status"] == "unknown_room"
    assert world.livekit.dispatches == [] and world.livekit.listed == []


async def test_livekit_failures_are_503_and_the_webhook_is_applied_when_delivered_again(
    world: World, db: Conn
) -> None:
    s = await world.running_session()
    world.livekit.list_fail_with = (503, "unavailable")
    r = await world.post(agent_left(s["room"], "EV_retry"))
    assert (r.status_code, r.json()["error"]["code"]) == (503, "livekit_unavailable")
    assert r.headers["retry-after"] == "1"
    assert await _count(db, s["id"]) == 0
    world.livekit.list_fail_with = None
    world.livekit.fail_with = (500, "internal")
    r = await world.post(agent_left(s["room"], "EV_retry"))
    assert r.status_code == 503 and await _count(db, s["id"]) == 0
    world.livekit.fail_with = None
    r = await world.post(agent_left(s["room"], "EV_retry"))  # LiveKit's redelivery of the same webhook
    assert r.json()["status"] == "redispatched" and len(world.livekit.dispatches) == 1
    assert await _count(db, s["id"]) == 1


async def test_a_forged_departure_dispatches_nothing(world: World) -> None:
    s = await world.running_session()
    body, _ = agent_left(s["room"], "EV_forged")
    sha = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    forged = lk.AccessToken(LIVEKIT_KEY, "not-the-secret-" + "y" * 40).with_sha256(sha).to_jwt()
    r = await world.client.post("/v1/livekit/webhook", content=body, headers={"Authorization": forged})
    assert r.status_code == 401
    assert world.livekit.dispatches == [] and world.livekit.listed == []


class DatabaseFault:
    """Stands in for a module's `connection`: while armed, the connection it hands out fails as one whose server
    went away does (the real `connection` turns that into a 503 database_unavailable)."""

    def __init__(self, real: Callable[[Pool], AbstractAsyncContextManager[Conn]]) -> None:
        self.real, self.armed, self.tripped = real, False, 0

    @asynccontextmanager
    async def __call__(self, pool: Pool) -> AsyncIterator[Conn]:
        async with self.real(pool) as conn:
            if self.armed:
                self.tripped += 1
                raise psycopg.OperationalError("server closed the connection unexpectedly")
            yield conn


async def _livekit_answering(world: World) -> None:
    """Wait (a generous bound: a loaded machine is slow) until a call to LiveKit is held in the fake."""
    async with asyncio.timeout(30):
        while world.livekit.holding == 0:  # noqa: ASYNC110  # the fake signals nothing: poll it
            await asyncio.sleep(0.01)


async def _lapse_reservations(db: Conn, sid: str) -> None:
    """Time passes: the session's unresolved reservations reach their expiry."""
    await db.execute(
        "update agent_redispatch_reservations set expires_at = now() - interval '1 second' where session_id = %s",
        (sid,),
    )


async def test_a_database_failure_while_giving_a_reservation_back_loses_no_redispatch(
    world: World, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # LiveKit failed to dispatch, and the database failed as the webhook gave its reservation back: the slot was
    # counted for nothing and the webhook's id kept, so LiveKit's redelivery was a "duplicate" that never dispatched.
    fault = DatabaseFault(api.redispatch.connection)
    monkeypatch.setattr(api.redispatch, "connection", fault)
    s = await world.running_session()
    world.livekit.hold = asyncio.Event()
    lost = asyncio.create_task(world.post(agent_left(s["room"], "EV_lost")))
    await _livekit_answering(world)  # the reservation committed
    fault.armed, world.livekit.list_fail_with = True, (503, "unavailable")
    world.livekit.hold.set()
    r = await lost
    assert (r.status_code, r.json()["error"]["code"]) == (503, "database_unavailable") and fault.tripped == 1
    fault.armed, world.livekit.list_fail_with, world.livekit.hold = False, None, None

    early = await world.post(agent_left(s["room"], "EV_lost"))  # the reservation has not lapsed yet
    assert (early.status_code, early.json()["error"]["code"]) == (503, "webhook_in_flight")
    assert early.headers["retry-after"] == "1"
    other = [(await world.post(agent_left(s["room"], f"EV_next{i}"))).json()["status"] for i in range(2)]
    assert other == ["redispatched", "redispatch_limit"], "an unresolved reservation still counts"

    await _lapse_reservations(db, s["id"])
    again = await world.post(agent_left(s["room"], "EV_lost"))
    assert again.json()["status"] == "redispatched", "the lapsed webhook is applied afresh"
    assert len(world.livekit.dispatches) == 2 and await _count(db, s["id"]) == 2
    assert (await world.post(agent_left(s["room"], "EV_lost"))).json()["status"] == "duplicate"
    assert (await world.post(agent_left(s["room"], "EV_more"))).json()["status"] == "redispatch_limit"


async def test_a_database_failure_while_the_page_gives_a_reservation_back_loses_no_redispatch(
    world: World, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = DatabaseFault(api.routers.interviews.connection)
    monkeypatch.setattr(api.routers.interviews, "connection", fault)
    s = await world.running_session()
    # One redispatch is left.
    await db.execute("update sessions set agent_redispatches = 1 where id = %s", (s["id"],))

    async def call_again() -> httpx.Response:
        return await world.client.post(
            f"/v1/sessions/{s['id']}/agent-dispatch", headers={"Authorization": f"Bearer {s['invite']}"}
        )

    world.livekit.hold = asyncio.Event()
    first = asyncio.create_task(call_again())
    await _livekit_answering(world)  # reserved on a connection already returned
    fault.armed, world.livekit.fail_with = True, (500, "internal")
    world.livekit.hold.set()
    r = await first
    assert (r.status_code, r.json()["error"]["code"]) == (503, "database_unavailable") and fault.tripped == 1
    fault.armed, world.livekit.fail_with, world.livekit.hold = False, None, None

    assert (await call_again()).status_code == 429, "the unresolved reservation counts until it lapses"
    await _lapse_reservations(db, s["id"])
    retried = await call_again()
    assert retried.status_code == 202, retried.text
    assert len(world.livekit.dispatches) == 1 and await _count(db, s["id"]) == 2
    assert (await call_again()).status_code == 429
