"""LiveKit webhooks over HTTP: signature and body hash checks, lifecycle transitions, replays."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json

import psycopg
from livekit import api as lk
from psycopg.rows import DictRow

from tests.api.conftest import signed_webhook
from tests.conftest import LIVEKIT_KEY, ApiServer

Conn = psycopg.AsyncConnection[DictRow]
PATH = "/v1/livekit/webhook"


async def _post(server: ApiServer, body: str, auth: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/webhook+json"}
    if auth is not None:
        headers["Authorization"] = auth
    r = await server.client.post(PATH, content=body.encode(), headers=headers)
    return r.status_code, r.json()


async def _status(db: Conn, sid: str) -> dict:
    cur = await db.execute(
        "select status, started_at, ended_at, end_reason from sessions where id = %s", (sid,)
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def test_candidate_joined_moves_session_to_in_progress(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    await api_server.consent(s)  # joining starts it only on the consent in force
    body, auth = signed_webhook(
        "participant_joined", room=f"shadows-{s['id']}", identity=f"candidate-{s['id']}", event_id="EV_join"
    )

    status, reply = await _post(api_server, body, auth)

    assert (status, reply) == (200, {"status": "started"})
    row = await _status(db, s["id"])
    assert row["status"] == "in_progress"
    assert row["started_at"] is not None


async def test_candidate_joining_after_the_invite_expired_does_not_start_the_session(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await api_server.consent(s)
    await db.execute(
        "update sessions set invite_expires_at = now() - interval '1 second' where id = %s", (s["id"],)
    )
    body, auth = signed_webhook(
        "participant_joined",
        room=f"shadows-{s['id']}",
        identity=f"candidate-{s['id']}",
        event_id="EV_late_join",
    )
    status, reply = await _post(api_server, body, auth)
    assert (status, reply) == (200, {"status": "invite_expired"})
    row = await _status(db, s["id"])
    assert (row["status"], row["started_at"]) == ("scheduled", None)


async def test_agent_joined_does_not_start_the_session(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    body, auth = signed_webhook(
        "participant_joined", room=f"shadows-{s['id']}", identity="agent-AJ_123", event_id="EV_agent"
    )
    status, reply = await _post(api_server, body, auth)
    assert (status, reply) == (200, {"status": "ignored"})
    assert (await _status(db, s["id"]))["status"] == "scheduled"


async def test_another_sessions_candidate_joining_does_not_start_this_session(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    other = await api_server.create_session()
    body, auth = signed_webhook(
        "participant_joined", room=f"shadows-{s['id']}", identity=f"candidate-{other['id']}", event_id="EV_x"
    )
    status, _ = await _post(api_server, body, auth)
    assert status == 200
    assert (await _status(db, s["id"]))["status"] == "scheduled"
    assert (await _status(db, other["id"]))["status"] == "scheduled"


async def test_room_finished_while_in_progress_marks_session_abandoned(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await api_server.agent_start(s)
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_fin")

    status, reply = await _post(api_server, body, auth)

    assert (status, reply) == (200, {"status": "abandoned"})
    row = await _status(db, s["id"])
    assert row["status"] == "abandoned"
    assert row["end_reason"] == "room_finished"
    assert row["ended_at"] is not None


async def test_room_finished_after_completion_leaves_session_completed(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    internal = api_server.internal_headers()
    await api_server.agent_start(s, internal)
    await api_server.client.post(f"/v1/internal/sessions/{s['id']}/complete", json={}, headers=internal)
    before = await _status(db, s["id"])
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_fin2")

    status, reply = await _post(api_server, body, auth)

    assert (status, reply) == (200, {"status": "unchanged"})
    after = await _status(db, s["id"])
    assert after == before
    assert after["status"] == "completed"


async def test_participant_joined_after_completion_does_not_reopen_the_session(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete", json={}, headers=api_server.internal_headers()
    )
    body, auth = signed_webhook(
        "participant_joined", room=f"shadows-{s['id']}", identity=f"candidate-{s['id']}", event_id="EV_late"
    )
    status, reply = await _post(api_server, body, auth)
    # The session stays completed; the room someone joined again is closed (api/rooms.py).
    assert (status, reply) == (200, {"status": "room_closed"})
    assert (await _status(db, s["id"]))["status"] == "completed"


async def test_replayed_event_id_is_a_duplicate_no_op(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    await api_server.consent(s)  # joining starts it only on the consent in force
    body, auth = signed_webhook(
        "participant_joined", room=f"shadows-{s['id']}", identity=f"candidate-{s['id']}", event_id="EV_replay"
    )
    first = await _post(api_server, body, auth)
    started = (await _status(db, s["id"]))["started_at"]

    second = await _post(api_server, body, auth)

    assert first == (200, {"status": "started"})
    assert second == (200, {"status": "duplicate"})
    assert (await _status(db, s["id"]))["started_at"] == started
    cur = await db.execute("select count(*) as n from livekit_webhook_events where id = 'EV_replay'")
    assert (await cur.fetchone())["n"] == 1  # type: ignore[index]  # count(*) always returns a row


async def test_replayed_room_finished_does_not_abandon_a_session_restarted_meanwhile(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    internal = api_server.internal_headers()
    await api_server.agent_start(s, internal)
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_once")
    assert (await _post(api_server, body, auth))[1] == {"status": "abandoned"}
    await db.execute("update sessions set status = 'in_progress', ended_at = null where id = %s", (s["id"],))

    assert (await _post(api_server, body, auth))[1] == {"status": "duplicate"}
    assert (await _status(db, s["id"]))["status"] == "in_progress"


async def test_tampered_body_is_401_and_changes_nothing(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    other = await api_server.create_session()
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_t")
    tampered = body.replace(s["id"], other["id"])
    assert tampered != body

    status, reply = await _post(api_server, tampered, auth)

    assert status == 401
    assert reply["error"]["code"] == "invalid_signature"
    assert (await _status(db, other["id"]))["status"] == "scheduled"
    cur = await db.execute("select count(*) as n from livekit_webhook_events")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) always returns a row


async def test_unsigned_webhook_is_401(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    body, _ = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_u")
    status, reply = await _post(api_server, body, None)
    assert status == 401
    assert reply["error"]["code"] == "missing_signature"


async def test_webhook_signed_with_another_secret_is_401(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    body, auth = signed_webhook(
        "room_finished", room=f"shadows-{s['id']}", event_id="EV_w", secret="wrong-secret-" + "z" * 40
    )
    status, reply = await _post(api_server, body, auth)
    assert status == 401
    assert reply["error"]["code"] == "invalid_signature"


async def test_webhook_jwt_without_body_hash_is_401(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    body, _ = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_nohash")
    from tests.conftest import LIVEKIT_SECRET  # only this test signs by hand

    auth = lk.AccessToken(LIVEKIT_KEY, LIVEKIT_SECRET).to_jwt()
    status, _ = await _post(api_server, body, auth)
    assert status == 401


async def test_webhook_accepts_a_bearer_prefixed_signature(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    await api_server.consent(s)  # joining starts it only on the consent in force
    body, auth = signed_webhook(
        "participant_joined", room=f"shadows-{s['id']}", identity=f"candidate-{s['id']}", event_id="EV_b"
    )
    status, reply = await _post(api_server, body, f"Bearer {auth}")
    assert (status, reply) == (200, {"status": "started"})


async def test_webhook_for_unknown_room_is_acknowledged_without_changes(api_server: ApiServer) -> None:
    body, auth = signed_webhook("room_finished", room="someone-elses-room", event_id="EV_unknown")
    status, reply = await _post(api_server, body, auth)
    assert (status, reply) == (200, {"status": "unknown_room"})


async def test_webhook_body_hash_is_checked_against_raw_bytes(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_raw")
    # Same JSON, different bytes: the signature covers the exact body, so this must fail.
    reformatted = json.dumps(json.loads(body))
    assert base64.b64encode(hashlib.sha256(reformatted.encode()).digest()) != base64.b64encode(
        hashlib.sha256(body.encode()).digest()
    )
    status, _ = await _post(api_server, reformatted, auth)
    assert status == 401


async def test_concurrent_deliveries_of_one_event_apply_it_once(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    await api_server.agent_start(s)
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_storm")

    replies = await asyncio.gather(*(_post(api_server, body, auth) for _ in range(10)))

    assert sorted(r[1]["status"] for r in replies) == ["abandoned"] + ["duplicate"] * 9
    assert all(status == 200 for status, _ in replies)
    assert (await _status(db, s["id"]))["status"] == "abandoned"
