"""Every route of the table (tests/api/route_table.py), with the credential it takes, against a small hostile
corpus: bodies that are not UTF-8, not JSON, nested past any parser's patience, NaN, numbers past every integer
column, the wrong Content-Type; each leaf of an accepted body replaced by NUL text, a lone surrogate, 2**63, 1e999,
deep nesting or a long string; hostile query and path parameters. No answer is a 5xx: a 500 from input is a bug,
and the schemathesis passes (test_fuzz.py) take minutes where this takes seconds."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

import httpx
from fastapi.routing import APIRoute

from tests.api.conftest import consent_and_start
from tests.api.route_table import NIL_UUID, ROUTES, app_routes
from tests.conftest import ApiServer

LEAVES = [
    '"a\\u0000b"',
    '"\\ud800x"',
    str(2**63),
    "1e999",
    "[" * 70 + "]" * 70,
    '"' + "\u202e\ufeff\U0001d518" * 3000 + '"',
]
RAW: list[tuple[bytes, str | None]] = [
    (b"\xff\xfe\x00{", "application/json"),
    (b"[" * 50_000, "application/json"),
    (b'{"a":' * 5000 + b"1" + b"}" * 5000, "application/json"),
    (b"NaN", "application/json"),
    (b"9" * 5000, "application/json"),
    (b"{}", "text/plain"),
    (b"a=1&b=%00", "application/x-www-form-urlencoded"),
    (b'--x\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{', "multipart/form-data; boundary=x"),
    ('{"a": "\u00e9"}'.encode("utf-16"), "application/json; charset=utf-16"),
]
QUERY = [str(2**63), "-1", "x" * 3000, "%FF%FE", "0001-01-01T00:00:00-15:59"]
PATH = ["9" * 30, "x" * 600, "%FF%FE"]
SKIPPED = {"webhook"}  # its body is LiveKit's signed protobuf JSON: anything else is a 401 before it is read


def _leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _leaf_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _leaf_paths(v, (*path, i))
    return out


def _mutations(body: Any) -> list[bytes]:
    """The body with each leaf replaced by each hostile value, and with each key repeated (the repeat holding NUL)."""
    out = []
    for path in _leaf_paths(body):
        copy = json.loads(json.dumps(body))
        node = copy
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = "@@HOSTILE@@"
        text = json.dumps(copy)
        out += [text.replace('"@@HOSTILE@@"', leaf).encode() for leaf in LEAVES]
    if isinstance(body, dict) and body:
        repeats = ", ".join(f"{json.dumps(k)}: {json.dumps(chr(0))}" for k in body)
        out.append((json.dumps(body)[:-1] + ", " + repeats + "}").encode())
    return out


def _params(route: Any) -> tuple[list[str], list[str]]:
    """Names of the query and path parameters of `route`, its dependencies' included."""
    query: set[str] = set()
    path: set[str] = set()
    stack = [route.dependant] if isinstance(route, APIRoute) else []
    while stack:
        dep = stack.pop()
        query |= {p.alias for p in dep.query_params}
        path |= {p.alias for p in dep.path_params}
        stack += dep.dependencies
    return sorted(query), sorted(path)


def _basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


async def test_hostile_input_to_every_route_is_never_a_server_error(api_server: ApiServer) -> None:
    client = api_server.client
    org = api_server.org_headers()
    scheduled = await api_server.create_session()  # runs refused after validation: nothing reaches the judge
    started = await api_server.create_session()
    await consent_and_start(client, started)
    cancelled = await api_server.create_session()
    assert (await client.post(f"/v1/sessions/{cancelled['id']}/cancel", headers=org)).status_code == 200
    ended = await api_server.create_session()
    await consent_and_start(client, ended)
    endpoint = (
        await client.post(
            "/v1/webhook-endpoints",
            json={"url": "http://127.0.0.1:9/x", "event_types": ["session.scheduled"]},
            headers=org,
        )
    ).json()["id"]
    greenhouse = (await client.post("/v1/integrations/greenhouse/keys", headers=org)).json()["key"]
    ashby = (
        await client.post("/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=org)
    ).json()["key"]

    def target(key: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The session a route is sent to, and the credential it takes."""
        spec = ROUTES[key]
        if spec.kind == "internal":
            session = cancelled if key.endswith("/runs") else ended if spec.ends else started
            return session, api_server.internal_headers()
        if spec.kind == "candidate":
            runs = key.endswith(("/runs", "/submissions", "/custom-runs", "/agent-dispatch"))
            session = scheduled if runs else ended if spec.ends else started
            return session, {"Authorization": f"Bearer {session['invite']}"}
        if spec.kind in ("greenhouse", "ashby"):
            return started, _basic(greenhouse if spec.kind == "greenhouse" else ashby)
        return (ended if spec.ends else scheduled), org

    routes = app_routes(api_server.app)
    # What ends or revokes goes last, so that the rest meet live sessions and keys.
    order = sorted(
        (k for k in routes if k in ROUTES and ROUTES[k].kind not in SKIPPED and not k.startswith("MOUNT")),
        key=lambda k: (ROUTES[k].ends, k.startswith("DELETE /v1/sessions/{session_id} ")),
    )
    failures: list[str] = []
    sent = 0

    async def send(
        method: str, url: str, headers: dict[str, str], content: bytes | None, ctype: str | None
    ) -> None:
        nonlocal sent
        sent += 1
        h = {**headers, **({"content-type": ctype} if ctype else {})}
        try:
            r = await client.request(method, url, content=content, headers=h)
        except httpx.HTTPError as e:
            failures.append(f"{method} {url[:100]} {content!r:.80}: {e!r}")
            return
        if r.status_code >= 500:
            failures.append(f"{r.status_code} {method} {url[:100]} {content!r:.120}: {r.text[:200]}")

    for key in order:
        spec = ROUTES[key]
        method, template = key.split(" ", 1)
        session, headers = target(key)
        fills = {
            "session_id": session["id"],
            "endpoint_id": endpoint,
            "delivery_id": NIL_UUID,
            "link_id": NIL_UUID,
            "callback_id": NIL_UUID,
            "language": "python",
            "token": "shr_" + "A" * 75,
            "org_slug": "acme-hiring",
        }
        url = template
        for name, value in fills.items():
            url = url.replace("{" + name + "}", value)
        body = spec.body
        if body is not None:
            text = (
                json.dumps(body).replace("{session_id}", session["id"]).replace("{invite}", session["invite"])
            )
            body = json.loads(text)
        valid = json.dumps(body).encode() if body is not None else None
        valid_type = "application/json" if body is not None else None
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            for raw, ctype in RAW:
                await send(method, url, headers, raw, ctype)
            for raw in _mutations(body) if body is not None else []:
                await send(method, url, headers, raw, "application/json")
        query, path_params = _params(routes[key])
        for name in query:
            for value in QUERY:
                await send(
                    method, f"{url}?{quote(name)}={quote(value, safe='%')}", headers, valid, valid_type
                )
        for name in path_params:
            for value in PATH:
                hostile = template.replace("{" + name + "}", value)
                for other, filled in fills.items():
                    hostile = hostile.replace("{" + other + "}", filled)
                await send(method, hostile, headers, valid, valid_type)
    assert failures == [], f"{len(failures)} of {sent} requests failed"
    assert sent > 1000, sent  # the corpus reached the routes
