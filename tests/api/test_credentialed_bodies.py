"""A body past SHADOWS_API_MAX_PUBLIC_BODY_BYTES (64 KiB) is read only from a caller holding a live credential for
the route: every JSON body is parsed before the route authenticates its caller (at the edge, and by FastAPI before
it solves the route's dependencies), so a stranger's 2 MiB of small objects, with no key or a made-up one, held the
event loop about 0.2 s before its 401. A body that repeats a key showed it: the edge's 422, not the route's 401.
Callers the route accepts send large bodies as before."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from api import json_guard
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

OVER = 100 * 1024  # past the 64 KiB anonymous cap, far under the 2 MiB every authenticated route takes


def _large(body: dict[str, Any], size: int = OVER) -> bytes:
    """`body` padded with whitespace to `size` bytes: the same JSON to every parser."""
    text = json.dumps(body).encode()
    return text[:-1] + b" " * (size - len(text)) + b"}"


def _large_repeating_a_key(size: int = OVER) -> bytes:
    """Parsed at all, this is the edge's 422 `duplicate_json_key`."""
    return b'{"pad": [' + b",".join([b"0"] * (size // 2)) + b'], "pad": 1}'


def _basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


@pytest.fixture
def parses(api_server: ApiServer, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every body the edge parses."""
    seen: list[int] = []
    real = json_guard._problem

    def counted(body: bytes, *, nul: bool = True) -> Any:
        seen.append(len(body))
        return real(body, nul=nul)

    monkeypatch.setattr(json_guard, "_problem", counted)
    return seen


async def _post(server: ApiServer, path: str, body: bytes, auth: str | None, *, chunked: bool = False) -> Any:
    headers = {"content-type": "application/json"} | ({"authorization": auth} if auth else {})

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for i in range(0, len(body), 8192):
            yield body[i : i + 8192]

    return await server.client.post(path, content=chunks() if chunked else body, headers=headers)


async def test_a_stranger_s_large_body_is_refused_before_anything_parses_it(
    api_server: ApiServer, parses: list[int]
) -> None:
    s = await api_server.create_session()
    practice = (await api_server.client.post("/v1/practice", json={"name": "P"})).json()
    await api_server.client.delete("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    greenhouse = (
        await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    ).json()["key"]
    refused = [
        ("/v1/webhook-endpoints", None, "missing_credentials"),
        ("/v1/webhook-endpoints", "Bearer shk_" + "A" * 43, "invalid_credentials"),
        ("/v1/sessions", "Bearer " + api_server.internal_token[:-1] + "x", "invalid_credentials"),
        # A practice invite costs nothing to get: it opens its own session's routes and no other.
        ("/v1/webhook-endpoints", f"Bearer {practice['invite']}", "invalid_credentials"),
        (f"/v1/sessions/{s['id']}/end", f"Bearer {practice['invite']}", "invalid_credentials"),
        (f"/v1/sessions/{practice['id']}/drafts/python", f"Bearer {s['invite']}", "invalid_credentials"),
        # An ATS key opens its own ATS's routes.
        ("/integrations/ashby/assessment.start", _basic(greenhouse), "invalid_credentials"),
        ("/v1/webhook-endpoints", _basic(api_server.org_key), "invalid_credentials"),
        ("/integrations/ashby/assessment.start", None, "missing_credentials"),
    ]
    for path, auth, code in refused:
        for chunked in (False, True):
            r = await _post(api_server, path, _large_repeating_a_key(), auth, chunked=chunked)
            assert (r.status_code, r.json()["error"]["code"]) == (401, code), (path, auth, chunked, r.text)
    assert [n for n in parses if n > api_server.settings.max_public_body_bytes] == []


async def test_a_revoked_key_sends_no_large_body(api_server: ApiServer, parses: list[int]) -> None:
    h = api_server.org_headers()
    spare = (await api_server.client.post("/v1/api-keys", json={"name": "spare"}, headers=h)).json()
    r = await api_server.client.delete(f"/v1/api-keys/{spare['id']}", headers=h)
    assert r.status_code == 200, r.text
    r = await _post(api_server, "/v1/webhook-endpoints", _large_repeating_a_key(), f"Bearer {spare['key']}")
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_credentials")
    assert [n for n in parses if n > api_server.settings.max_public_body_bytes] == []


async def test_callers_a_route_accepts_send_large_bodies_as_before(api_server: ApiServer) -> None:
    org = f"Bearer {api_server.org_key}"
    # An organisation key; checked at the edge as streamed, as declared.
    for chunked in (False, True):
        r = await _post(
            api_server,
            "/v1/webhook-endpoints",
            _large({"url": "http://127.0.0.1:9/x", "event_types": ["session.scheduled"]}),
            org,
            chunked=chunked,
        )
        assert r.status_code == 201, r.text
        r = await _post(api_server, "/v1/webhook-endpoints", _large_repeating_a_key(), org, chunked=chunked)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "duplicate_json_key")
    # A candidate's invite on its own session's routes.
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)
    r = await api_server.client.put(
        f"/v1/sessions/{s['id']}/drafts/python",
        content=_large({"code": "x = 1\n" * 15_000}, 2 * OVER),
        headers={"authorization": f"Bearer {s['invite']}", "content-type": "application/json"},
    )
    assert r.status_code == 200, r.text
    # An ATS key on its own routes.
    ashby = (
        await api_server.client.post(
            "/v1/integrations/ashby/keys",
            json={"ashby_api_key": "ashby-key-1"},
            headers=api_server.org_headers(),
        )
    ).json()["key"]
    r = await _post(api_server, "/integrations/ashby/assessment.list", _large({}), _basic(ashby))
    assert r.status_code == 200, r.text
    # The agent's service token.
    r = await _post(
        api_server,
        "/v1/internal/practice",
        _large({"difficulty": "Easy", "language": "python"}),
        f"Bearer {api_server.internal_token}",
    )
    assert r.status_code not in (401, 403), r.text


async def test_a_small_body_still_gets_the_route_s_own_answer(api_server: ApiServer) -> None:
    r = await _post(
        api_server, "/v1/webhook-endpoints", json.dumps({"url": "x"}).encode(), "Bearer shk_" + "A" * 43
    )
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_api_key")
