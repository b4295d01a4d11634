"""Error rendering and request limits: one JSON error shape, no stack traces, 413 over the cap, 422 naming fields."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.api.conftest import RESUME_FORM_TYPE, minimal_pdf, resume_form, serve
from tests.conftest import ApiServer

BODY_CAP = 64 * 1024
RESUME_CAP = 4 * BODY_CAP  # multipart uploads to POST /v1/sessions may carry this much more


def _assert_error_shape(body: dict, code: str) -> None:
    assert set(body) <= {"error", "fields"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def _assert_no_internals(text: str) -> None:
    for leak in ("Traceback", 'File "', "psycopg", "pydantic", "Exception", "/work/", "site-packages"):
        assert leak not in text, leak


async def _chunks(data: bytes, size: int = 8192) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


@pytest.fixture
async def small_cap_client(api_server: ApiServer) -> AsyncIterator:
    caps = {"max_body_bytes": BODY_CAP, "max_resume_bytes": RESUME_CAP}
    async with serve(api_server.settings.model_copy(update=caps)) as client:
        yield client


async def test_unknown_route_is_json_404_not_found(api_server: ApiServer) -> None:
    r = await api_server.client.get("/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    _assert_error_shape(r.json(), "not_found")


async def test_wrong_method_is_json_405(api_server: ApiServer) -> None:
    r = await api_server.client.delete("/v1/join")
    assert r.status_code == 405
    _assert_error_shape(r.json(), "method_not_allowed")


async def test_validation_error_is_422_naming_the_nested_field(api_server: ApiServer) -> None:
    r = await api_server.client.post(
        "/v1/sessions",
        json={"candidate": {"name": "A", "email": "nope"}},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 422
    _assert_error_shape(r.json(), "validation_error")
    assert r.json()["error"]["message"].startswith("candidate.email:")
    _assert_no_internals(r.text)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"candidate": {"name": "A", "email": "a@example.com"}, "duration_minutes": 2}, "duration_minutes"),
        ({"candidate": {"name": "A", "email": "a@example.com"}, "language": "cobol"}, "language"),
        ({"candidate": {"name": "", "email": "a@example.com"}}, "candidate.name"),
        ({"candidate": {"name": "A", "email": "a@example.com"}, "surprise": 1}, "surprise"),
        ({}, "candidate"),
    ],
)
async def test_session_create_validation_names_the_field(
    api_server: ApiServer, body: dict, field: str
) -> None:
    r = await api_server.client.post("/v1/sessions", json=body, headers=api_server.org_headers())
    assert r.status_code == 422
    assert r.json()["error"]["message"].startswith(f"{field}:")


async def test_session_create_with_malformed_json_is_422_without_internals(api_server: ApiServer) -> None:
    r = await api_server.client.post(
        "/v1/sessions",
        content=b'{"candidate": ',
        headers={**api_server.org_headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    _assert_error_shape(r.json(), "validation_error")
    _assert_no_internals(r.text)


async def test_pydantic_route_validation_lists_every_field(api_server: ApiServer) -> None:
    r = await api_server.client.post("/v1/join", json={"invite": "", "extra": True})
    assert r.status_code == 422
    body = r.json()
    _assert_error_shape(body, "validation_error")
    assert {f["field"] for f in body["fields"]} == {"invite", "extra"}


async def test_unsupported_content_type_is_415(api_server: ApiServer) -> None:
    r = await api_server.client.post(
        "/v1/sessions", content=b"name=x", headers={**api_server.org_headers(), "Content-Type": "text/plain"}
    )
    assert r.status_code == 415
    _assert_error_shape(r.json(), "unsupported_media_type")


async def test_an_org_body_without_a_content_type_is_json_and_one_labelled_otherwise_is_415(
    api_server: ApiServer,
) -> None:
    # FastAPI handed a body without a JSON label to the route as raw bytes: an org call without Content-Type (a
    # forgotten header, `curl --data-binary`) was a 422 "body: Input should be a valid dictionary or object to
    # extract fields from", though `POST /v1/sessions` read the same unlabelled body as JSON.
    raw = b'{"name": "unlabelled"}'
    created = await api_server.client.post("/v1/api-keys", content=raw, headers=api_server.org_headers())
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "unlabelled"
    for label in ("text/plain", "application/x-www-form-urlencoded"):  # the second is curl's default for -d
        r = await api_server.client.post(
            "/v1/api-keys", content=raw, headers={**api_server.org_headers(), "Content-Type": label}
        )
        assert r.status_code == 415, (label, r.text)
        assert r.json() == {
            "error": {
                "code": "unsupported_media_type",
                "message": "Send the body as JSON with the header `Content-Type: application/json`.",
            }
        }
    listed = await api_server.client.get("/v1/api-keys", headers=api_server.org_headers())
    names = [k["name"] for k in listed.json()["data"]]
    assert names.count("unlabelled") == 1  # the refused ones made nothing


async def test_a_body_labelled_with_a_json_suffix_is_read_as_json_by_session_creation_as_by_every_route(
    api_server: ApiServer,
) -> None:
    # FastAPI reads `application/<anything>+json` as JSON on every route that declares its body; `POST /v1/sessions`,
    # which reads its own (JSON or multipart), answered the same body 415 "Send application/json".
    label = "application/vnd.api+json; charset=utf-8"
    headers = {**api_server.org_headers(), "Content-Type": label}
    key = await api_server.client.post("/v1/api-keys", content=b'{"name": "suffixed"}', headers=headers)
    created = await api_server.client.post(
        "/v1/sessions",
        content=json.dumps({"candidate": {"name": "Ada Lovelace", "email": "ada@example.com"}}).encode(),
        headers=headers,
    )
    assert (key.status_code, created.status_code) == (201, 201), (key.text, created.text)
    assert created.json()["id"].startswith("ses_")
    # A label that says something else is still refused, before anything is created.
    refused = await api_server.client.post(
        "/v1/sessions",
        content=json.dumps({"candidate": {"name": "Ada Lovelace", "email": "ada@example.com"}}).encode(),
        headers={**api_server.org_headers(), "Content-Type": "application/jsonl"},
    )
    assert refused.status_code == 415, refused.text
    _assert_error_shape(refused.json(), "unsupported_media_type")


@pytest.mark.parametrize(
    "field",
    [("candidate", "name"), ("job_description",), ("metadata", "note"), ("candidate", "external_id")],
    ids=lambda f: ".".join(f),
)
async def test_nul_character_in_session_create_is_422_not_a_server_error(
    api_server: ApiServer, field: tuple[str, ...]
) -> None:
    body: dict = {"candidate": {"name": "Ada", "email": "ada@example.com"}}
    if field[0] == "metadata":
        body["metadata"] = {"note": "a\u0000b"}
    elif field[0] == "candidate":
        body["candidate"][field[1]] = "a\u0000b"
    else:
        body[field[0]] = "a\u0000b"
    r = await api_server.client.post("/v1/sessions", json=body, headers=api_server.org_headers())
    assert r.status_code == 422, r.text
    _assert_error_shape(r.json(), "validation_error")
    assert r.json()["error"]["message"].startswith(field[0])


@pytest.mark.parametrize(
    ("path", "auth"),
    [("/v1/join", None), ("/v1/sessions", "org"), ("/v1/internal/sessions/ses_x/events", "internal")],
)
async def test_body_over_cap_with_content_length_is_413(
    api_server: ApiServer, small_cap_client, path: str, auth: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if auth == "org":
        headers.update(api_server.org_headers())
    elif auth == "internal":
        headers.update(api_server.internal_headers())
    body = json.dumps({"invite": "x" * (BODY_CAP + 10)}).encode()

    r = await small_cap_client.post(path, content=body, headers=headers)

    assert r.status_code == 413
    _assert_error_shape(r.json(), "payload_too_large")


@pytest.mark.parametrize(
    ("path", "auth"),
    [("/v1/join", None), ("/v1/sessions", "org"), ("/v1/internal/sessions/ses_x/events", "internal")],
)
async def test_chunked_body_over_cap_is_413(
    api_server: ApiServer, small_cap_client, path: str, auth: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if auth == "org":
        headers.update(api_server.org_headers())
    elif auth == "internal":
        headers.update(api_server.internal_headers())
    body = json.dumps({"invite": "x" * (BODY_CAP * 2)}).encode()

    r = await small_cap_client.post(path, content=_chunks(body), headers=headers)

    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.request.headers.get("transfer-encoding") == "chunked"
    assert r.status_code == 413, r.text
    _assert_error_shape(r.json(), "payload_too_large")


async def test_body_under_cap_sent_chunked_is_accepted(api_server: ApiServer, small_cap_client) -> None:
    s = await api_server.create_session()
    r = await small_cap_client.post(
        "/v1/join",
        content=_chunks(json.dumps({"invite": s["invite"]}).encode(), size=16),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text


async def test_multipart_resume_over_the_upload_cap_is_413(api_server: ApiServer, small_cap_client) -> None:
    pdf = minimal_pdf("x" * 100)
    padded = pdf + b"%" + b"p" * (BODY_CAP + RESUME_CAP) + b"\n"
    r = await small_cap_client.post(
        "/v1/sessions",
        data={"payload": json.dumps({"candidate": {"name": "A", "email": "a@example.com"}})},
        files={"resume": ("resume.pdf", padded, "application/pdf")},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 413
    _assert_error_shape(r.json(), "payload_too_large")


async def test_multipart_resume_larger_than_the_json_cap_but_within_the_resume_cap_is_accepted(
    api_server: ApiServer, small_cap_client
) -> None:
    pdf = minimal_pdf("Distributed systems engineer " * 5)
    padded = pdf + b"%" + b"p" * (BODY_CAP * 2) + b"\n"
    assert BODY_CAP < len(padded) < RESUME_CAP
    r = await small_cap_client.post(
        "/v1/sessions",
        data={"payload": json.dumps({"candidate": {"name": "A", "email": "a@example.com"}})},
        files={"resume": ("resume.pdf", padded, "application/pdf")},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
async def test_non_finite_number_in_session_metadata_is_422_not_a_server_error(
    api_server: ApiServer, literal: str
) -> None:
    raw = '{"candidate": {"name": "A", "email": "a@example.com"}, "metadata": {"score": ' + literal + "}}"
    r = await api_server.client.post(
        "/v1/sessions",
        content=raw.encode(),
        headers={**api_server.org_headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"].startswith("metadata")


@pytest.mark.parametrize("literal", ["NaN", "Infinity"])
async def test_non_finite_number_in_event_payload_is_422_not_a_server_error(
    api_server: ApiServer, literal: str
) -> None:
    s = await api_server.create_session()
    raw = (
        '{"events": [{"idempotency_key": "k", "type": "turn_metrics", "payload": {"ttft": [1.0, '
        + literal
        + "]}}]}"
    )
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        content=raw.encode(),
        headers={**api_server.internal_headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"].startswith("events.0.payload")


async def test_chunked_multipart_resume_over_the_upload_cap_is_413(
    api_server: ApiServer, small_cap_client
) -> None:
    body = b"".join(
        resume_form(
            {"name": "A", "email": "a@example.com"}, minimal_pdf("x") + b"%" + b"p" * (BODY_CAP + RESUME_CAP)
        )
    )
    r = await small_cap_client.post(
        "/v1/sessions",
        content=_chunks(body),
        headers={**api_server.org_headers(), "Content-Type": RESUME_FORM_TYPE},
    )
    assert r.request.headers.get("transfer-encoding") == "chunked"
    assert r.status_code == 413, r.text
    _assert_error_shape(r.json(), "payload_too_large")
