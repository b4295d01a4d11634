"""The OpenAPI document declares every error status each route really returns, each with the one error body. The
complete document (asked with the internal service token) holds the agent's routes and the LiveKit webhook too;
the public one leaves them out (tests/api/test_organization_embed_docs.py) and is otherwise the same."""

from __future__ import annotations

from typing import Any

from tests.conftest import ApiServer

# A route an API key or an invite authenticates may answer 429 past the limits on guessed credentials
# (api/guess_limits.py); the service token's routes may not.
EXPECTED = {
    ("post", "/v1/sessions"): {201, 400, 401, 413, 422, 429, 503},
    ("get", "/v1/sessions"): {200, 400, 401, 422, 429, 503},
    ("get", "/v1/sessions/{session_id}"): {200, 401, 404, 422, 429, 503},
    ("post", "/v1/sessions/{session_id}/cancel"): {200, 401, 404, 409, 422, 429, 503},
    ("post", "/v1/sessions/{session_id}/runs"): {200, 400, 401, 404, 409, 410, 413, 422, 429, 503},
    ("post", "/v1/sessions/{session_id}/submissions"): {201, 400, 401, 404, 409, 410, 413, 422, 429, 503},
    ("post", "/v1/internal/sessions/{session_id}/runs"): {200, 400, 401, 404, 409, 413, 422, 429, 503},
    ("post", "/v1/internal/sessions/{session_id}/events"): {200, 400, 401, 404, 413, 422, 503},
    ("post", "/v1/internal/sessions/{session_id}/complete"): {200, 400, 401, 404, 413, 422, 503},
    ("post", "/v1/internal/sessions/{session_id}/start"): {200, 401, 404, 409, 422, 503},
    ("get", "/v1/internal/sessions/{session_id}/context"): {200, 401, 404, 422, 503},
    ("post", "/v1/join"): {200, 400, 401, 409, 410, 413, 422, 429, 503},
    ("post", "/v1/livekit/token"): {201, 400, 401, 403, 409, 410, 413, 422, 429, 503},
    ("post", "/v1/practice"): {201, 400, 404, 413, 422, 429, 503},
    ("post", "/v1/livekit/webhook"): {200, 400, 401, 413, 422, 503},
    ("get", "/readyz"): {200, 503},
}


async def _complete_document(api_server: ApiServer) -> dict[str, Any]:
    r = await api_server.client.get("/openapi.json", headers=api_server.internal_headers())
    assert r.status_code == 200
    doc: dict[str, Any] = r.json()
    return doc


async def test_every_route_declares_its_error_statuses_with_the_error_body(api_server: ApiServer) -> None:
    doc = await _complete_document(api_server)
    public = (await api_server.client.get("/openapi.json")).json()
    hidden = {p for p in doc["paths"] if p.startswith("/v1/internal/") or p == "/v1/livekit/webhook"}
    assert "/v1/internal/sessions/{session_id}/runs" in hidden and "/v1/livekit/webhook" in hidden
    assert set(public["paths"]) == set(doc["paths"]) - hidden
    assert all(public["paths"][p] == doc["paths"][p] for p in public["paths"])
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    assert set(doc["components"]["schemas"]["ErrorResponse"]["properties"]) == {"error", "fields"}
    for (method, path), statuses in EXPECTED.items():
        responses = doc["paths"][path][method]["responses"]
        declared = {int(s) for s in responses}
        assert statuses <= declared, (method, path, statuses - declared)
        for status, response in responses.items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path, status)
            if int(status) in (429, 503):
                assert "Retry-After" in response["headers"], (method, path, status)
    assert "429" not in doc["paths"]["/v1/internal/sessions/{session_id}/events"]["post"]["responses"]


async def test_session_id_parameters_carry_their_pattern(api_server: ApiServer) -> None:
    doc = await _complete_document(api_server)
    params = [
        p
        for path, item in doc["paths"].items()
        if "{session_id}" in path
        for op in item.values()
        for p in op.get("parameters", [])
        if p["name"] == "session_id"
    ]
    assert len(params) >= 9
    assert all(p["schema"]["pattern"] == "^ses_[0-9a-f]{24}$" for p in params)


async def test_only_the_internal_service_token_reads_the_complete_document(api_server: ApiServer) -> None:
    token = api_server.internal_token
    session = await api_server.create_session()
    for headers in (
        {},
        api_server.org_headers(),
        {"Authorization": f"Bearer {session['invite']}"},
        {"Authorization": f"Bearer {token}x"},
        {"Authorization": f"Bearer {token[:-1]}"},
        {"Authorization": f"Basic {token}"},
        {"Authorization": f"Bearer {token}" + "A" * 600},  # over the bearer cap
    ):
        r = await api_server.client.get("/openapi.json", headers=headers)
        assert r.status_code == 200, headers
        assert "Authorization" in r.headers["vary"]
        doc = r.json()
        assert not [p for p in doc["paths"] if p.startswith("/v1/internal/")], headers
        assert "ServiceToken" not in doc["components"]["securitySchemes"], headers
    full = await api_server.client.get("/openapi.json", headers=api_server.internal_headers())
    assert full.headers["cache-control"] == "no-store" and "Authorization" in full.headers["vary"]
    assert "ServiceToken" in full.json()["components"]["securitySchemes"]
