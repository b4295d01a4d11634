"""Every value a caller may send in a body has a bound of its own, not only the body cap: a string its length, an
array its count, a number its range, an object its size. A field bounded by the body cap alone is stored and sent
back at that size: 20 embed origins of 100,000 characters each (2 MB) were stored and went into the embed page's
Content-Security-Policy header, past what browsers and HTTP clients read.

The walk reads every request body of the complete OpenAPI document (the agent's routes included), so a field added
later without a bound fails here until it has one, or an entry in BOUNDED_ELSEWHERE naming what bounds it. Query,
path and header parameters are bounded by the request head's cap (SHADOWS_API_MAX_HEADER_BYTES)."""

from __future__ import annotations

from typing import Any

import pytest

from api.app import create_app
from api.embed_origins import origin_problem
from api.openapi_doc import build_openapi
from api.settings import ApiSettings
from tests.conftest import ApiServer

# "METHOD path content-type field" -> what bounds it where the schema does not say.
BOUNDED_ELSEWHERE = {
    "POST /v1/sessions application/json .candidate.email": "EmailStr: at most 254 characters (email-validator)",
    "POST /integrations/greenhouse/send_test application/json .candidate.email": "EmailStr, as above",
    "POST /v1/sessions application/json .metadata": "16,384 bytes as PostgreSQL writes it back (api/stored_json.py)",
    "POST /v1/sessions multipart/form-data .payload": "the multipart cap; then read as the JSON body above",
    "POST /v1/sessions multipart/form-data .resume": "SHADOWS_API_MAX_RESUME_BYTES (api/middleware.py)",
    "POST /v1/livekit/token application/json .participant_attributes": "read by nobody; the public body cap",
    "POST /v1/livekit/token application/json .participant_attributes.*": "read by nobody; the public body cap",
    "POST /v1/livekit/token application/json .room_config": "read by nobody (the invite names the room)",
    "POST /v1/internal/sessions/{session_id}/events application/json .events[].payload": "256 KiB as stored",
    "POST /v1/internal/sessions/{session_id}/complete application/json .final_code": "MAX_CODE_BYTES (validator)",
    "POST /v1/sessions/{session_id}/custom-runs application/json .inputs[]": "16,384 bytes an input, as stored",
    "POST /v1/sessions/{session_id}/consent application/json .notice_sha256": "pattern: 64 hex digits",
    "POST /v1/sessions/{session_id}/integrity application/json .events[].id": "pattern: 8 to 64 characters",
    # Greenhouse's report is never refused for its shape: each field is clipped to what is kept.
    "POST /integrations/greenhouse/response_error application/json .api_call": "clipped to 100 characters",
    "POST /integrations/greenhouse/response_error application/json .errors": "clipped to MAX_ERRORS entries",
    "POST /integrations/greenhouse/response_error application/json .errors[]": "clipped to MAX_ERROR_CHARS",
    "POST /integrations/greenhouse/response_error application/json .partner_test_id": "clipped to 200",
    "POST /integrations/greenhouse/response_error application/json .partner_interview_id": "clipped to 200",
}
BOUNDED_FORMATS = {"uuid", "date-time", "date"}
HOST_MAX = 253  # DNS: the longest host name in text form


def _unbounded(doc: dict[str, Any]) -> set[str]:
    """Every request-body field of `doc` whose schema states no bound: 'METHOD path content-type field'."""
    schemas = doc.get("components", {}).get("schemas", {})
    found: set[str] = set()

    def walk(schema: dict[str, Any], where: str, seen: frozenset[str]) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name not in seen:  # a recursive schema is walked once along each path
                walk(schemas[name], where, seen | {name})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for option in schema.get(key, []):
                walk(option, where, seen)
        kind = schema.get("type")
        fixed = "enum" in schema or "const" in schema or schema.get("format") in BOUNDED_FORMATS
        if kind == "string" and "maxLength" not in schema and not fixed:
            found.add(where)
        if kind in ("integer", "number") and not ({"maximum", "exclusiveMaximum"} & set(schema)):
            found.add(where)
        if kind == "array":
            if "maxItems" not in schema and "prefixItems" not in schema:
                found.add(where)
            walk(schema.get("items", {}), f"{where}[]", seen)
        if kind == "object" or "properties" in schema:
            for name, sub in schema.get("properties", {}).items():
                walk(sub, f"{where}.{name}", seen)
            extra = schema.get("additionalProperties")
            if "maxProperties" not in schema and (
                isinstance(extra, dict) or extra is True or (extra is None and "properties" not in schema)
            ):
                found.add(where)
            if isinstance(extra, dict):
                walk(extra, f"{where}.*", seen)

    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for content_type, content in operation.get("requestBody", {}).get("content", {}).items():
                before = set(found)
                found.clear()
                walk(content["schema"], "", frozenset())
                found = before | {f"{method.upper()} {path} {content_type} {w}" for w in found}
    return found


def test_every_field_a_caller_sends_has_a_bound_of_its_own(api_settings: ApiSettings) -> None:
    doc = build_openapi(create_app(api_settings), internal=True)
    unbounded = _unbounded(doc)
    assert unbounded - set(BOUNDED_ELSEWHERE) == set(), "fields bounded only by the body cap"
    assert set(BOUNDED_ELSEWHERE) - unbounded == set(), "entries for fields that now state their bound"


def _host(length: int) -> str:
    """A valid host name of `length` characters: labels of 63 letters and a shorter last one."""
    return "".join("." if i % 64 == 63 else "a" for i in range(length))


@pytest.mark.parametrize(
    "origins",
    [
        [f"https://{_host(HOST_MAX - 4)}.com0"],  # a host one character past DNS's limit
        [f"https://*.{_host(HOST_MAX - 4)}.com0:8443"],
        [
            f"https://a{i}" + ".abcdefghij" * 9_000 + ".example.com" for i in range(20)
        ],  # 2 MB, under the body cap
    ],
    ids=["host_254", "wildcard_254", "twenty_of_100k"],
)
async def test_an_embed_origin_longer_than_a_host_name_can_be_is_refused(
    api_server: ApiServer, origins: list[str]
) -> None:
    h = api_server.org_headers()
    r = await api_server.client.patch("/v1/organization", json={"embed_origins": origins}, headers=h)
    assert r.status_code == 422, r.status_code
    assert r.json()["fields"][0]["field"].startswith("embed_origins"), r.json()["fields"]
    assert len(r.content) < 4096  # the refusal does not echo the origin back
    assert (await api_server.client.get("/v1/organization", headers=h)).json()["embed_origins"] == []
    # One stored before this rule frames nothing: the embed page keeps only origins the API accepts today.
    assert all(origin_problem(o.lower()) is not None for o in origins)


async def test_an_embed_origin_at_dns_length_is_fine(api_server: ApiServer) -> None:
    host = _host(HOST_MAX - 4) + ".com"
    assert len(host) == HOST_MAX
    origins = [f"https://{host}", f"https://*.{host}:8443", f"  HTTPS://{host.upper()}:443/  "]
    r = await api_server.client.patch(
        "/v1/organization", json={"embed_origins": origins}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    assert r.json()["embed_origins"] == [f"https://{host}", f"https://*.{host}:8443", f"https://{host}:443"]
