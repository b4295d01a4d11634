"""A NUL (U+0000) in any text of any JSON body is a 422 naming where it is, on every route: PostgreSQL text and jsonb
never hold one. The hostile corpus puts NUL in the leaves of one body per route (the route table's), so a field that
body leaves out was never tried: the organisation's `logo_url` reached its query with one (a 500). Here every string
property of every route's request schema (the complete OpenAPI document) is tried, added to the table's body when
that body leaves it out, so a field added later is tried too."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Iterator
from typing import Any

from livekit import api as lk

from tests.api.conftest import signed_webhook
from tests.api.route_table import NIL_UUID, ROUTES, app_routes
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, ApiServer

Path = tuple[str | int, ...]


def _schema(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _text_fields(doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Iterator[Path]:
    """The path of every string a body of `schema` may hold (an array's as its first item); `()` for the body."""
    s = _schema(doc, schema)
    if depth > 6:
        return
    for alternative in s.get("anyOf", []) + s.get("oneOf", []) + s.get("allOf", []):
        yield from _text_fields(doc, alternative, depth + 1)
    for name, child in s.get("properties", {}).items():
        yield from ((name, *p) for p in _text_fields(doc, child, depth + 1))
    if s.get("type") == "array":
        yield from ((0, *p) for p in _text_fields(doc, s.get("items", {}), depth + 1))
    if s.get("type") == "string":
        yield ()


def _with_nul(body: Any, path: Path) -> Any:
    """`body` with the string at `path` holding a NUL (containers on the way made, or their first item used)."""
    out = json.loads(json.dumps(body))
    node = out
    for step, nxt in itertools.pairwise(path):
        empty: Any = [] if isinstance(nxt, int) else {}
        if isinstance(step, int):
            if not node:
                node.append(empty)
            node = node[0]
        else:
            if not isinstance(node.get(step), dict | list):
                node[step] = empty
            node = node[step]
    last = path[-1]
    if isinstance(last, int):
        node[:1] = ["a\x00b"]
    else:
        node[last] = "https://a.example.com/\x00" if "url" in last else "a\x00b"
    return out


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


async def test_a_nul_in_any_text_field_of_any_route_is_a_422_naming_it(api_server: ApiServer) -> None:
    client = api_server.client
    org = api_server.org_headers()
    doc = (await client.get("/openapi.json", headers=api_server.internal_headers())).json()
    session = await api_server.create_session()
    await api_server.consent(session)
    before = (await client.get("/v1/organization", headers=org)).json()
    greenhouse = (await client.post("/v1/integrations/greenhouse/keys", headers=org)).json()["key"]
    ashby = (
        await client.post("/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=org)
    ).json()["key"]
    credentials = {
        "org": org,
        "report": org,
        "candidate": {"Authorization": f"Bearer {session['invite']}"},
        "internal": api_server.internal_headers(),
        "greenhouse": _basic(greenhouse),
        "ashby": _basic(ashby),
        "join": {},
        "public": {},
    }
    failures: list[str] = []
    tried: set[str] = set()
    for key in app_routes(api_server.app):
        method, _, template = key.partition(" ")
        operation = doc["paths"].get(template, {}).get(method.lower(), {})
        schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        spec = ROUTES[key]
        if schema is None or spec.kind == "webhook":
            continue
        url = template.replace("{session_id}", session["id"]).replace("{language}", "python")
        while "{" in url:
            url = url[: url.index("{")] + NIL_UUID + url[url.index("}") + 1 :]
        base = json.loads(json.dumps(spec.body or {}).replace("{invite}", session["invite"]))
        for path in _text_fields(doc, schema):
            if not path:
                continue
            tried.add(f"{key} {_dotted(path)}")
            r = await client.request(method, url, json=_with_nul(base, path), headers=credentials[spec.kind])
            # Named in the message (every 422) and in `fields` (the edge's; some routes' own leave it out).
            if r.status_code != 422 or not r.json()["error"]["message"].startswith(f"{_dotted(path)}:"):
                failures.append(f"{key} {_dotted(path)}: {r.status_code} {r.text[:120]}")
    assert not failures, "\n".join(failures)
    assert "PATCH /v1/organization logo_url" in tried and len(tried) > 60, sorted(tried)
    assert (await client.get("/v1/organization", headers=org)).json() == before
    cur = await client.get("/v1/webhook-endpoints", headers=org)
    assert cur.json()["data"] == []


async def test_nul_written_as_text_or_in_another_encoding(api_server: ApiServer) -> None:
    client, org = api_server.client, api_server.org_headers()
    # An escaped backslash before `u0000` is text, not an escape: stored as written.
    literal = await client.patch("/v1/organization", json={"name": "C:\\u0000 Ltd"}, headers=org)
    assert (literal.status_code, literal.json()["name"]) == (200, "C:\\u0000 Ltd"), literal.text
    # An escaped backslash, then a NUL escape: a NUL.
    after = await client.patch(
        "/v1/organization", content=b'{"logo_url": "https://a.example.com/\\\\\\u0000"}', headers=org
    )
    assert (after.status_code, after.json()["fields"][0]["field"]) == (422, "logo_url"), after.text
    # The same NUL in a UTF-16 body (Python's parser reads it), and in a key.
    utf16 = await client.patch(
        "/v1/organization",
        content=json.dumps({"logo_url": "https://a.example.com/\x00"}).encode("utf-16"),
        headers={**org, "content-type": "application/json"},
    )
    assert (utf16.status_code, utf16.json()["fields"][0]["field"]) == (422, "logo_url"), utf16.text
    key = await client.post(
        "/v1/sessions",
        json={"candidate": {"name": "A", "email": "a@example.com"}, "metadata": {"a\x00": 1}},
        headers=org,
    )
    assert (key.status_code, key.json()["fields"][0]["field"]) == (422, "metadata"), key.text
    assert (await client.get("/v1/organization", headers=org)).json()["logo_url"] is None


async def test_livekit_webhooks_carry_what_participants_set_and_are_still_applied(
    api_server: ApiServer,
) -> None:
    # LiveKit writes its webhook with the participant's own metadata in it; only ids we minted are stored.
    session = await api_server.create_session()
    await api_server.consent(session)
    body, _ = signed_webhook(
        "participant_joined",
        room=f"shadows-{session['id']}",
        identity=f"candidate-{session['id']}",
        event_id="EV_1",
    )
    parsed = json.loads(body)
    parsed["participant"]["metadata"] = "set by the candidate\x00"
    body = json.dumps(parsed)
    sha = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    r = await api_server.client.post(
        "/v1/livekit/webhook",
        content=body,
        headers={
            "Authorization": lk.AccessToken(LIVEKIT_KEY, LIVEKIT_SECRET).with_sha256(sha).to_jwt(),
            "content-type": "application/webhook+json",
        },
    )
    assert (r.status_code, r.json()) == (200, {"status": "started"}), r.text
