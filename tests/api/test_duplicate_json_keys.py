"""A JSON object naming one key twice is refused on every route, at any depth, however the body is labelled.

Python's parser (and pydantic's) keeps the last of two equal keys, while a proxy, a signature verifier or a
partner's parser may keep the first: the same bytes would mean two things. So the API reads no such body."""

from __future__ import annotations

import base64
import hashlib
import json

import httpx
import psycopg
from livekit import api as lk
from psycopg.rows import DictRow

from tests.api.conftest import RESUME_FORM_TYPE
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, ApiServer

Conn = psycopg.AsyncConnection[DictRow]


def _assert_refused(r: httpx.Response, field: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"]["code"] == "duplicate_json_key", body
    assert body["fields"] == [{"field": field, "message": "this key appears more than once in its object"}]


async def _count(db: Conn, sql: str, *args: object) -> int:
    cur = await db.execute(sql, args)
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def test_a_key_repeated_in_an_event_payload_is_refused_and_nothing_is_stored(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    raw = (
        b'{"events": [{"idempotency_key": "k1", "type": "note", "payload": {"text": "ok"}},'
        b' {"idempotency_key": "k2", "type": "note", "payload": {"nested": [{"x": 1, "a": "seen", "a": "kept"}]}}]}'
    )
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        content=raw,
        headers={**api_server.internal_headers(), "Content-Type": "application/json"},
    )
    _assert_refused(r, "events.1.payload.nested.0.a")
    assert await _count(db, "select count(*) as n from session_events where session_id = %s", s["id"]) == 0


async def test_a_key_spelled_once_plainly_and_once_escaped_is_the_same_key(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete",
        content=b'{"reason": "completed", "\\u0072eason": "candidate_left"}',
        headers={**api_server.internal_headers(), "Content-Type": "application/json"},
    )
    _assert_refused(r, "reason")


async def test_a_top_level_key_repeated_on_an_org_route_is_refused_whatever_the_content_type(
    api_server: ApiServer,
) -> None:
    raw = (
        b'{"candidate": {"name": "Ada", "email": "ada@example.com"},'
        b' "candidate": {"name": "Eve", "email": "eve@example.com"}}'
    )
    for content_type in ("application/json", "application/vnd.shadows+json", None, "text/plain"):
        headers = api_server.org_headers()
        if content_type:
            headers["Content-Type"] = content_type
        r = await api_server.client.post("/v1/sessions", content=raw, headers=headers)
        _assert_refused(r, "candidate")


async def test_a_key_repeated_in_a_multipart_payload_is_refused(api_server: ApiServer) -> None:
    payload = b'{"candidate": {"name": "Ada", "email": "ada@example.com", "email": "eve@example.com"}}'
    body = (
        b'--shadowsboundary\r\nContent-Disposition: form-data; name="payload"\r\n\r\n'
        + payload
        + b"\r\n--shadowsboundary--\r\n"
    )
    r = await api_server.client.post(
        "/v1/sessions", content=body, headers={**api_server.org_headers(), "Content-Type": RESUME_FORM_TYPE}
    )
    _assert_refused(r, "payload.candidate.email")


def _signed(body: bytes) -> str:
    sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
    return lk.AccessToken(LIVEKIT_KEY, LIVEKIT_SECRET).with_sha256(sha).to_jwt()


async def test_a_signed_livekit_webhook_repeating_a_key_is_refused_not_applied(
    api_server: ApiServer, db: Conn
) -> None:
    # Signed with our secret, so only the repeated key can be the reason it is refused.
    s = await api_server.create_session()
    body = json.dumps(
        {"event": "room_finished", "id": "EV_dup", "room": {"name": f"shadows-{s['id']}"}}
    ).encode()
    body = body[:-1] + b', "event": "participant_joined"}'
    for content_type in ("application/webhook+json", "text/plain", "multipart/form-data; boundary=x"):
        r = await api_server.client.post(
            "/v1/livekit/webhook",
            content=body,
            headers={"Content-Type": content_type, "Authorization": _signed(body)},
        )
        _assert_refused(r, "event")
    assert await _count(db, "select count(*) as n from livekit_webhook_events where id = %s", "EV_dup") == 0
    cur = await db.execute("select status from sessions where id = %s", (s["id"],))
    assert (await cur.fetchone()) == {"status": "scheduled"}


async def test_repeated_keys_in_separate_objects_and_equal_values_in_a_list_are_fine(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    raw = (
        b'{"events": [{"idempotency_key": "k1", "type": "note", "payload": {"a": 1, "b": {"a": 2}, '
        b'"list": [{"a": 1}, {"a": 1}], "\\u00e9": 1, "e\\u0301": 2}}]}'
    )
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        content=raw,
        headers={**api_server.internal_headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text
    assert await _count(db, "select count(*) as n from session_events where session_id = %s", s["id"]) == 1
