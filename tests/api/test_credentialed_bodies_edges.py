"""The large-body credential check (api/body_credentials.py) at its edges: a database it cannot reach is a retryable
503 (never a 500, never a 401 to a caller who holds a credential), whether the body's size was declared or counted as
it streamed; every route the candidate's page posts to with its invite takes a large body; a preflight, and a route
the check leaves alone, are answered as before."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from api import body_credentials
from api.db.pool import DatabaseUnavailableError
from tests.api.conftest import consent_and_start, serve
from tests.conftest import ApiServer

OVER = 100 * 1024


def _large(body: dict[str, Any], size: int = OVER) -> bytes:
    text = json.dumps(body).encode()
    return text[:-1] + b" " * (size - len(text)) + b"}"


async def _post(server: ApiServer, path: str, body: bytes, auth: str, *, chunked: bool = False) -> Any:
    headers = {"content-type": "application/json", "authorization": auth}

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(body), 8192):
            yield body[i : i + 8192]

    return await server.client.post(path, content=chunks() if chunked else body, headers=headers)


async def test_a_database_down_during_the_check_is_a_retryable_503(
    api_server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    @asynccontextmanager
    async def down(_pool: Any) -> AsyncIterator[Any]:
        raise DatabaseUnavailableError("The database is unavailable; try again shortly.")
        yield  # pragma: no cover

    monkeypatch.setattr(body_credentials, "connection", down)
    for chunked in (False, True):
        r = await _post(
            api_server, "/v1/webhook-endpoints", _large({}), f"Bearer {api_server.org_key}", chunked=chunked
        )
        assert r.status_code == 503, (chunked, r.text)
        assert r.json()["error"]["code"] == "database_unavailable"
        assert r.headers.get("retry-after") == "1"


async def test_every_route_the_candidate_s_page_posts_to_takes_a_large_body(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)
    auth = f"Bearer {s['invite']}"
    code = "x = 1\n" * 100  # the body is large with whitespace: the route gives its own answer
    posts: list[tuple[str, dict[str, Any]]] = [
        ("integrity", {"events": []}),
        ("runs", {"language": "python", "code": code}),
        ("custom-runs", {"language": "python", "code": code, "inputs": [[[1], 1]]}),
        ("submissions", {"language": "python", "code": code}),
        ("accommodation-requests", {"kind": "accommodation", "message": "m"}),
        ("end", {"code": code, "language": "python"}),
    ]
    answers = {}
    for rest, body in posts:
        for chunked in (False, True):
            r = await _post(
                api_server, f"/v1/sessions/{s['id']}/{rest}", _large(body, 2 * OVER), auth, chunked=chunked
            )
            error = (
                r.json().get("error", {})
                if r.headers.get("content-type", "").startswith("application/json")
                else {}
            )
            assert error.get("code") not in ("missing_credentials", "invalid_credentials"), (
                rest,
                chunked,
                r.text,
            )
            answers[(rest, chunked)] = r.status_code
    assert answers[("accommodation-requests", False)] == 201 and answers[("end", False)] == 200, answers


async def test_a_preflight_is_answered_as_before(api_server: ApiServer) -> None:
    r = await api_server.client.options(
        "/v1/webhook-endpoints",
        headers={
            "origin": "https://example.com",
            "access-control-request-method": "POST",
            "content-length": "0",
        },
    )
    assert r.status_code != 401, r.text


async def test_a_refusal_while_a_form_streams_is_the_check_s_own_answer_not_a_parse_error(
    api_server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A form's body is read by FastAPI before a JSON route's dependencies (api.json_guard passes forms through),
    # which answers any error out of `receive` with 400 "There was an error parsing the body": a spent address or a
    # database down during the check, met while the form streamed, is still told 429 or 503 with Retry-After.
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "2/hour"})
    _, unseen_key = await api_server.create_org("Unseen Forms Ltd")
    form = b"--b\r\ncontent-disposition: form-data; name=x\r\n\r\n" + b"x" * OVER + b"\r\n--b--\r\n"

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(form), 8192):
            yield form[i : i + 8192]

    def headers(key: str) -> dict[str, str]:
        return {"content-type": "multipart/form-data; boundary=b", "authorization": f"Bearer {key}"}

    async with serve(settings) as client:
        for _ in range(3):
            await client.get("/v1/sessions", headers={"authorization": "Bearer shk_" + "A" * 43})
        for path in ("/v1/sessions", "/v1/webhook-endpoints"):
            r = await client.post(path, content=chunks(), headers=headers(unseen_key))
            assert (r.status_code, r.json()["error"]["code"]) == (429, "rate_limited"), (path, r.text)
            assert int(r.headers["retry-after"]) >= 1

    @asynccontextmanager
    async def down(_pool: Any) -> AsyncIterator[Any]:
        raise DatabaseUnavailableError("The database is unavailable; try again shortly.")
        yield  # pragma: no cover

    monkeypatch.setattr(body_credentials, "connection", down)
    for path in ("/v1/sessions", "/v1/webhook-endpoints"):
        r = await api_server.client.post(path, content=chunks(), headers=headers(api_server.org_key))
        assert (r.status_code, r.json()["error"]["code"]) == (503, "database_unavailable"), (path, r.text)
        assert r.headers.get("retry-after") == "1"
