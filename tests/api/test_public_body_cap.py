"""The routes anyone may call without a key (the join, LiveKit's token endpoint, self-serve practice) take bodies of
at most SHADOWS_API_MAX_PUBLIC_BODY_BYTES (64 KiB), not the 2 MiB every other route takes: what they read is an
invite, a name and LiveKit's few fields. At 2 MiB, a body of 600,000 zeros cost the API about 120 ms of CPU before
the join refused it (parsed at the edge and again by the route, then validated), sixty joins' worth for one request
that needs no credential; capped, it is refused before anything reads it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from tests.conftest import ApiServer

PUBLIC = ("/v1/join", "/v1/livekit/token", "/v1/practice")


def _padded(size: int) -> bytes:
    """A JSON object of about `size` bytes: a name and padding the routes would refuse after parsing it."""
    return json.dumps({"invite": "inv_x", "name": "P", "pad": [0] * (size // 3)}).encode()


async def test_a_public_route_refuses_a_body_over_its_cap_before_reading_it(api_server: ApiServer) -> None:
    over = _padded(100 * 1024)  # over the 64 KiB default, far under the 2 MiB of every other route
    assert 64 * 1024 < len(over) < api_server.settings.max_body_bytes
    for path in PUBLIC:
        sized = await api_server.client.post(path, content=over, headers={"content-type": "application/json"})
        assert (sized.status_code, sized.json()["error"]["code"]) == (413, "payload_too_large"), (
            path,
            sized.text,
        )

        async def chunks(
            body: bytes = over,
        ) -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
            for i in range(0, len(body), 8192):
                yield body[i : i + 8192]

        streamed = await api_server.client.post(
            path, content=chunks(), headers={"content-type": "application/json"}
        )
        assert (streamed.status_code, streamed.json()["error"]["code"]) == (413, "payload_too_large"), path
    # An organisation's route keeps the larger cap.
    org = await api_server.client.post(
        "/v1/sessions", content=over, headers={**api_server.org_headers(), "content-type": "application/json"}
    )
    assert org.status_code == 422, org.text


async def test_a_body_under_the_cap_reaches_the_route(api_server: ApiServer) -> None:
    assert api_server.settings.max_public_body_bytes == 64 * 1024
    under = _padded(60 * 1024)
    r = await api_server.client.post("/v1/join", content=under, headers={"content-type": "application/json"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), (
        r.text
    )  # `pad`: not a field
    s = await api_server.create_session()
    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    assert r.status_code == 200, r.text
