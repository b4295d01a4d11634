"""Every error answered on Ashby's partner routes carries a top-level `message` for the recruiter (Ashby shows it
verbatim and reads nothing else), whoever produced it: the route, the key check, the edge's guards, a limit, the
database, an unexpected exception. Elsewhere the API's usual `{"error": {...}}` is unchanged."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from api.error_rendering import UnexpectedErrorMiddleware, install_error_handlers
from api.errors import ConflictError, RateLimitedError, ServiceUnavailableError
from api.integrations import ashby_errors
from tests.conftest import ApiServer
from tests.fakes.ashby import basic

START = {
    "assessment_type_id": "difficulty:easy",
    "candidate": {
        "ashby_id": "c-1",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
    },
    "application": {"ashby_id": "a-1"},
    "job": {"ashby_id": "j-1"},
}


def _recruiter_message(r: httpx.Response) -> str:
    body = r.json()
    assert isinstance(body, dict), r.text
    message = body.get("message")
    assert isinstance(message, str) and message.strip(), (r.status_code, r.text)
    return message


async def _ashby_key(server: ApiServer) -> str:
    r = await server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=server.org_headers()
    )
    assert r.status_code == 201, r.text
    return str(r.json()["key"])


async def test_every_error_on_ashbys_routes_has_a_message_for_the_recruiter(api_server: ApiServer) -> None:
    key = await _ashby_key(api_server)
    auth = {"Authorization": basic(key)}
    c = api_server.client
    base = "/integrations/ashby"

    # A wrong, missing or revoked-looking key: the 401 says what to fix, and keeps the API's `error`.
    for headers in ({}, {"Authorization": basic("shab_" + "A" * 43)}, {"Authorization": "Bearer x"}):
        for route in ("assessment.list", "assessment.start", "assessment.cancel"):
            r = await c.post(f"{base}/{route}", json=START, headers=headers)
            assert r.status_code == 401, (route, r.text)
            assert _recruiter_message(r) == ashby_errors.KEY_MESSAGE
            assert r.json()["error"]["code"] in (
                "missing_credentials",
                "invalid_credentials",
                "invalid_api_key",
            )

    # The edge's refusals, before any route runs.
    nul = json.dumps({**START, "candidate": {**START["candidate"], "first_name": "A\u0000da"}})
    r = await c.post(
        f"{base}/assessment.start", content=nul, headers={**auth, "content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert "candidate.first_name" in _recruiter_message(r)
    assert r.json()["error"]["code"] == "validation_error"  # the API's own shape is kept beside it

    r = await c.post(f"{base}/assessment.list?a=1&a=2", json={}, headers=auth)
    assert r.status_code == 400 and "query.a" in _recruiter_message(r)
    r = await c.post(f"{base}/assessment.list?a=%00", json={}, headers=auth)
    assert r.status_code == 422 and _recruiter_message(r)
    r = await c.post(
        f"{base}/assessment.list",
        json={},
        headers=[("Authorization", basic(key)), ("Authorization", basic(key))],
    )
    assert r.status_code == 400 and _recruiter_message(r)
    r = await c.post(f"{base}/assessment.list", content=b"{}", headers={**auth, "content-encoding": "gzip"})
    assert r.status_code == 400 and _recruiter_message(r)

    big = b'{"x": "' + b"a" * (api_server.settings.max_body_bytes + 10) + b'"}'
    r = await c.post(
        f"{base}/assessment.start", content=big, headers={**auth, "content-type": "application/json"}
    )
    assert r.status_code == 413 and _recruiter_message(r) == ashby_errors.TOO_LARGE_MESSAGE
    # Past the anonymous cap without a live key: the credentialed-body guard's 401.
    large = b'{"x": "' + b"a" * (api_server.settings.max_public_body_bytes + 10) + b'"}'
    r = await c.post(f"{base}/assessment.start", content=large, headers={"content-type": "application/json"})
    assert r.status_code == 401 and _recruiter_message(r) == ashby_errors.KEY_MESSAGE

    r = await c.post(f"{base}/assessment.nope", json={}, headers=auth)
    assert r.status_code == 404 and _recruiter_message(r) == ashby_errors.UNKNOWN_CALL_MESSAGE
    r = await c.get(f"{base}/assessment.list", headers=auth)
    assert r.status_code == 405 and _recruiter_message(r) == ashby_errors.UNKNOWN_CALL_MESSAGE

    # A 422 GZipMiddleware compressed (a long field path): still rewritten, and readable.
    long_key = "k" * 1500
    body = json.dumps({**START, long_key: "x\u0000"})
    r = await c.post(
        f"{base}/assessment.start",
        content=body,
        headers={**auth, "content-type": "application/json", "accept-encoding": "gzip"},
    )
    assert r.status_code == 422, r.text
    assert _recruiter_message(r).startswith("Shadows could not read this request from Ashby (kkk")
    assert len(_recruiter_message(r)) < 400  # the quoted detail is bounded

    # The routes' own refusals keep their own message.
    r = await c.post(f"{base}/assessment.start", content=b"not json", headers=auth)
    assert r.status_code == 422 and "not JSON" in _recruiter_message(r)

    # Elsewhere, the API's usual shape, unchanged.
    r = await c.get("/v1/sessions", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and "message" not in r.json() and r.json()["error"]["code"]


def _app() -> FastAPI:
    """The app's error rendering and the same middleware order (unexpected errors outside gzip), with routes that
    fail the ways a limit, the database or a bug fail."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/integrations/ashby/limited")
    async def limited() -> None:
        raise RateLimitedError("Too many requests.", retry_after=42)

    @app.post("/integrations/ashby/limited_long")
    async def limited_long() -> None:
        raise RateLimitedError("Too many requests.", retry_after=3600)

    @app.post("/integrations/ashby/down")
    async def down() -> None:
        raise ServiceUnavailableError(
            "The database is unavailable.", code="database_unavailable", retry_after=5
        )

    @app.post("/integrations/ashby/conflict")
    async def conflict() -> None:
        raise ConflictError("Already there.", code="conflict")

    @app.post("/integrations/ashby/bug")
    async def bug() -> None:
        raise RuntimeError("secret detail")

    @app.post("/integrations/ashby/ok")
    async def ok() -> dict[str, Any]:
        return {"success": False, "errorInfo": {"code": "x", "message": "y"}, "pad": "p" * 5000}

    @app.post("/v1/limited")
    async def elsewhere() -> None:
        raise RateLimitedError("Too many requests.", retry_after=42)

    app.add_middleware(GZipMiddleware, minimum_size=10)
    app.add_middleware(UnexpectedErrorMiddleware)
    return app


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        ("limited", 429, ashby_errors.RATE_LIMITED_MESSAGE.format(wait="in 42 seconds")),
        ("limited_long", 429, ashby_errors.RATE_LIMITED_MESSAGE.format(wait="in 60 minutes")),
        ("down", 503, ashby_errors.UNAVAILABLE_MESSAGE.format(wait="in 5 seconds")),
        ("bug", 500, ashby_errors.INTERNAL_MESSAGE),
        ("conflict", 409, ashby_errors.GENERIC_MESSAGE.format(field="Already there.")),
    ],
)
async def test_limits_outages_and_bugs_on_ashbys_routes_say_what_to_do(
    path: str, status: int, expected: str
) -> None:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        r = await c.post(f"/integrations/ashby/{path}", headers={"accept-encoding": "gzip"})
    assert r.status_code == status
    assert _recruiter_message(r) == expected
    assert "secret detail" not in r.text
    if status == 429:
        assert r.headers["retry-after"] in ("42", "3600") and r.json()["error"]["code"] == "rate_limited"


async def test_answers_below_400_and_errors_elsewhere_pass_unchanged() -> None:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        ok = await c.post("/integrations/ashby/ok", headers={"accept-encoding": "gzip"})
        elsewhere = await c.post("/v1/limited")
    assert ok.status_code == 200 and ok.headers["content-encoding"] == "gzip"
    assert ok.json()["errorInfo"] == {"code": "x", "message": "y"} and "message" not in ok.json()
    assert elsewhere.status_code == 429 and "message" not in elsewhere.json()


def test_a_body_that_is_not_json_or_is_gzipped_gets_a_message() -> None:
    headers, body = ashby_errors.with_message(
        500, [(b"content-type", b"text/plain")], b"Internal Server Error"
    )
    assert json.loads(body) == {"message": ashby_errors.INTERNAL_MESSAGE}
    assert (b"content-type", b"application/json") in headers
    coded = gzip.compress(b'{"error": {"code": "bad_request", "message": "Malformed request."}}')
    headers, body = ashby_errors.with_message(
        400, [(b"content-encoding", b"gzip"), (b"content-length", str(len(coded)).encode())], coded
    )
    assert json.loads(body)["message"] == ashby_errors.GENERIC_MESSAGE.format(field="Malformed request.")
    assert not any(k == b"content-encoding" for k, _ in headers)
    assert (b"content-length", str(len(body)).encode()) in headers
