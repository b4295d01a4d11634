"""LiveKit's webhook route is open to anyone, so nothing of a body is parsed before its signature holds: the JWT and
the body's SHA-256 it signs cost a hash, where parsing a 2 MiB body (at the edge, then again in the route) cost
about 140 ms of CPU for a request without any credential. That order shows in the answers: an unsigned body that the
edge would have refused (a repeated key, a lone surrogate) is a 401, and the same body signed is the 422 it always
was."""

from __future__ import annotations

import base64
import hashlib

from livekit import api as lk
from psycopg import AsyncConnection
from psycopg.rows import DictRow

from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, ApiServer

Conn = AsyncConnection[DictRow]


def _signed(body: bytes, secret: str = LIVEKIT_SECRET) -> str:
    sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
    return lk.AccessToken(LIVEKIT_KEY, secret).with_sha256(sha).to_jwt()


async def test_nothing_of_a_webhook_body_is_read_before_its_signature_holds(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    room = f'"room": {{"name": "shadows-{s["id"]}"}}'
    bodies = {
        "event": f'{{"event": "room_finished", "id": "EV_a", {room}, "event": "room_started"}}'.encode(),
        "room.name": b'{"event": "room_finished", "id": "EV_b", "room": {"name": "x\\ud800"}}',
    }
    for field, body in bodies.items():
        for auth in ("", _signed(body, secret="not-our-secret-" + "x" * 32), _signed(b"another body")):
            r = await api_server.client.post(
                "/v1/livekit/webhook",
                content=body,
                headers={"content-type": "application/json", **({"Authorization": auth} if auth else {})},
            )
            code = "missing_signature" if not auth else "invalid_signature"
            assert (r.status_code, r.json()["error"]["code"]) == (401, code), (field, r.text)
        signed = await api_server.client.post(
            "/v1/livekit/webhook",
            content=body,
            headers={"content-type": "application/json", "Authorization": _signed(body)},
        )
        assert signed.status_code == 422, signed.text
        assert signed.json()["fields"][0]["field"] == field, signed.text
    cur = await db.execute("select count(*) as n from livekit_webhook_events")
    assert await cur.fetchone() == {"n": 0}
    cur = await db.execute("select status from sessions where id = %s", (s["id"],))
    assert await cur.fetchone() == {"status": "scheduled"}
