"""A body past SHADOWS_API_MAX_PUBLIC_BODY_BYTES (64 KiB) is not read from a caller without a credential for its
route, whatever the body is labelled and however it is framed: LiveKit's webhook (anyone may call it) reads a body
only behind a signature JWT that holds, and a body labelled as a form is no exception on the routes that read JSON.
Both were read whole (2 MiB) before their 401: each made-up Authorization, or none, had that much read and held.
And a webhook JWT past its expiry is refused as a forged one. The attacker sends a large body's head and first
70 KiB, then holds the rest back: the 401 must come at once, not the 408 of a body that stopped arriving."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from google.protobuf.json_format import MessageToJson
from livekit import api as lk
from psycopg.rows import DictRow

from tests.api.conftest import signed_webhook
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, ApiServer

Conn = psycopg.AsyncConnection[DictRow]
LARGE = 1024 * 1024  # past the anonymous cap (64 KiB), under the body cap (2 MiB)


def _jwt(body: bytes, *, secret: str = LIVEKIT_SECRET, ttl: timedelta | None = None) -> str:
    token = lk.AccessToken(LIVEKIT_KEY, secret).with_sha256(
        base64.b64encode(hashlib.sha256(body).digest()).decode()
    )
    return (token.with_ttl(ttl) if ttl is not None else token).to_jwt()


async def _answer_with_body_held(
    server: ApiServer, path: str, content_type: str, auth: str | None, *, chunked: bool
) -> tuple[int, Any]:
    """POST to `path` a head announcing a large body (by Content-Length, or chunked) and 70 KiB of it, then nothing
    more: the answer that comes while the rest is held back (a TimeoutError when none comes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", int(server.url.rsplit(":", 1)[1]))
    sent = b"{" + b" " * (70 * 1024)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {LARGE}"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n{framing}\r\n"
        + (f"Authorization: {auth}\r\n" if auth is not None else "")
        + "\r\n"
    )
    body = f"{len(sent):x}\r\n".encode() + sent + b"\r\n" if chunked else sent
    try:
        writer.write(head.encode() + body)
        await writer.drain()
        # Well short of the body deadline (SHADOWS_API_BODY_GRACE_S, 10 s), which would answer a held body 408.
        status_line, *_ = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)).split(b"\r\n")
        rest = (await asyncio.wait_for(reader.read(4096), 5)).decode()
        return int(status_line.split()[1]), json.loads(rest)
    finally:
        writer.close()


@pytest.mark.parametrize("chunked", [False, True], ids=["content_length", "chunked"])
async def test_a_large_body_is_not_read_without_a_credential_for_its_route_however_labelled(
    api_server: ApiServer, db: Conn, chunked: bool
) -> None:
    s = await api_server.create_session()
    sample = b"{}"
    form = "multipart/form-data; boundary=x"
    attempts = {
        "webhook none": ("/v1/livekit/webhook", "application/webhook+json", None),
        "webhook made_up": (
            "/v1/livekit/webhook",
            "application/webhook+json",
            "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
        ),
        "webhook other_secret": (
            "/v1/livekit/webhook",
            "application/webhook+json",
            _jwt(sample, secret="another-secret-" + "y" * 40),
        ),
        "webhook expired": (
            "/v1/livekit/webhook",
            "application/webhook+json",
            _jwt(sample, ttl=timedelta(minutes=-5)),
        ),
        "webhook as a form": ("/v1/livekit/webhook", form, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
        "runs as a form": (f"/v1/sessions/{s['id']}/runs", form, None),
        "end as a form, made-up invite": (f"/v1/sessions/{s['id']}/end", form, "Bearer inv_" + "Z" * 43),
        "api keys as a form, made-up key": ("/v1/api-keys", form, "Bearer shk_" + "A" * 43),
        "sessions as a form": ("/v1/sessions", form, None),
        "ashby as a form": ("/integrations/ashby/assessment.start", form, "Basic eDo="),
    }
    for name, (path, content_type, auth) in attempts.items():
        status, reply = await _answer_with_body_held(api_server, path, content_type, auth, chunked=chunked)
        # The edge's 401 (`missing_credentials`, `invalid_credentials`), or a route's own where the route checks its
        # caller before it reads a body (the webhook's without any Authorization; Ashby's): either way, at once.
        assert status == 401, (name, reply)
    cur = await db.execute("select count(*) as n from livekit_webhook_events")
    assert await cur.fetchone() == {"n": 0}


async def test_a_large_webhook_that_livekit_signed_is_read_and_applied(api_server: ApiServer) -> None:
    # A room's metadata can make a real webhook this large: behind a signature that holds, it is read as before.
    event = lk.WebhookEvent(
        event="room_started", id="EV_large", room=lk.Room(name="r", metadata="m" * 100_000)
    )
    body = MessageToJson(event).encode()
    assert len(body) > 64 * 1024
    r = await api_server.client.post(
        "/v1/livekit/webhook",
        content=body,
        headers={"content-type": "application/webhook+json", "Authorization": _jwt(body)},
    )
    assert (r.status_code, r.json()) == (200, {"status": "unknown_room"})


async def test_a_webhook_signed_with_an_expired_jwt_is_refused_and_changes_nothing(
    api_server: ApiServer, db: Conn
) -> None:
    # LiveKit signs each delivery for minutes: a captured delivery replayed after that is refused however well its
    # body matches the digest, before its id is looked up (ids are remembered for days, not for ever).
    s = await api_server.create_session()
    await api_server.consent(s)  # joining starts only on the consent in force
    body, _ = signed_webhook(
        "participant_joined",
        room=f"shadows-{s['id']}",
        identity=f"candidate-{s['id']}",
        event_id="EV_expired",
    )
    for ttl, expected in ((timedelta(minutes=-5), 401), (timedelta(minutes=5), 200)):
        r = await api_server.client.post(
            "/v1/livekit/webhook",
            content=body,
            headers={
                "content-type": "application/webhook+json",
                "Authorization": _jwt(body.encode(), ttl=ttl),
            },
        )
        assert r.status_code == expected, r.text
        if expected == 401:
            assert r.json()["error"]["code"] == "invalid_signature"
            cur = await db.execute("select status from sessions where id = %s", (s["id"],))
            assert await cur.fetchone() == {"status": "scheduled"}
    cur = await db.execute("select status from sessions where id = %s", (s["id"],))
    assert await cur.fetchone() == {"status": "in_progress"}  # the same body, freshly signed, applies
