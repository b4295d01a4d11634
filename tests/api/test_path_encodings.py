"""A path a proxy in front could read as another path is 404 `not_found` before routing (api/path_guard.py).

The server decoded escapes before routing: `/v1/sessions%2Fexport` was the export and `/v1/%69nternal/...` the
agent's routes, while a proxy rule matching the path as written (deny `/v1/internal/`, allow `/v1/sessions/`) saw
another path. Every route and mount of the app (pages included) is tried with escapes of its separators (`%2F`,
`%2f`, `%252F`, `%5C`), a raw backslash, `;` parameters, dot segments written plain and escaped, an escaped letter,
spaces and non-ASCII bytes; each request is written raw on a socket (an HTTP client resolves `..` itself)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from api.path_guard import plain_path, raw_path
from tests.api.conftest import serve
from tests.api.route_table import NIL_UUID, app_routes, full_app
from tests.conftest import ApiServer

NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}


async def _raw(base_url: str, method: str, target: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """Status and body of one request written as-is (`target` unchanged) on a fresh connection."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        head = b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items())
        writer.write(
            method.encode()
            + b" "
            + target
            + b" HTTP/1.1\r\nHost: api\r\nConnection: close\r\n"
            + head
            + b"\r\n"
        )
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), 30)
    finally:
        writer.close()
    status_line, _, rest = data.partition(b"\r\n")
    _, _, body = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), body


def variants(path: str) -> list[str]:
    """Ways of writing `path` (plain, with a leading '/') that a reader decoding them could route elsewhere."""
    cuts = [m.start() for m in re.finditer("/", path)][1:]  # every separator but the leading one
    out: list[str] = []
    for sep in ("%2F", "%2f", "%252F", "%5C", "%5c", "\\", "%2F%2F"):
        out += [path[:i] + sep + path[i + 1 :] for i in cuts]
    segments = path.split("/")
    for i in range(1, len(segments)):
        for param in (";x=1", ";", ";jsessionid=a"):
            out.append("/".join([*segments[:i], segments[i] + param, *segments[i + 1 :]]))
    for dots in ("..", ".", "%2E%2E", "%2e%2E", ".%2e", "%2E", "%2e.", "%252E%252E"):
        # `/v1/x/../sessions/...`: resolved by a proxy in front, never by the router
        out.append("/".join([*segments[:2], "x", dots, *segments[2:]]))
        out.append(path + "/" + dots)
    first = next(i for i, ch in enumerate(path) if ch.isalpha()) if any(c.isalpha() for c in path) else None
    if first is not None:
        for form in ("%{:02X}", "%{:02x}", "%25{:02X}"):
            out.append(path[:first] + form.format(ord(path[first])) + path[first + 1 :])
    out += [path + "%20", path + "%00", path + "%C3%A9", path + "%", path + "%zz"]
    return out


FILLS = {
    "session_id": "{sid}",
    "endpoint_id": NIL_UUID,
    "delivery_id": NIL_UUID,
    "link_id": NIL_UUID,
    "callback_id": NIL_UUID,
    "key_id": NIL_UUID,
    "language": "python",
    "token": "shr_" + "A" * 75,
    "name": "session.json",
    "org_slug": "acme-hiring",
}


def fill(template: str, sid: str) -> str:
    path = re.sub(r"\{([^}:]+)[^}]*\}", lambda m: FILLS.get(m.group(1), "x"), template)
    return path.replace("{sid}", sid)


def test_plain_paths_are_the_ones_routes_take() -> None:
    for ok in (
        "/",
        "/v1/sessions/ses_0123456789abcdef01234567/report.pdf",
        "/v1/artifacts/art_AbC-_09/session.json",
        "/assets/index-AbC_12.js",
        "/embed/acme-hiring",
        "/v1/sessions/..x/y",  # not a dot segment
        "/integrations/ashby/assessment.start",
        "*",
    ):
        assert plain_path(ok.encode()), ok
    for bad in (
        "/v1/sessions%2Fexport",
        "/v1/%69nternal/sessions",
        "/v1/sessions/%2e%2E/internal",
        "/v1/sessions/../internal",
        "/v1/sessions/./export",
        "/v1/sessions/.",
        "/v1\\sessions",
        "/v1/sessions;x/export",
        "/v1/sessions/%00",
        "/v1/sessions/\x00",
        "/v1/sessions/ x",
        "/v1/séssions",
        "/v1/sessions/\x7f",
    ):
        assert not plain_path(bad.encode()), bad
    # A server that gives no raw path: what it decoded is held to the same rule.
    assert raw_path({"type": "http", "path": "/v1/sessions/../x"}) == b"/v1/sessions/../x"
    assert not plain_path(raw_path({"type": "http", "path": "/v1/séssions"}))


async def test_escaped_separators_never_reach_the_route_they_decode_to(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    org, internal = api_server.org_headers(), api_server.internal_headers()
    cases = [
        ("/v1/sessions/export", org),
        (f"/v1/internal/sessions/{s['id']}/context", internal),
        (f"/v1/sessions/{s['id']}", org),
    ]
    for path, headers in cases:
        status, _ = await _raw(api_server.url, "GET", path.encode(), headers)
        assert status == 200, path  # the plain path is answered: the refusals below are the rule's
        for written in (
            path.replace("/sessions/", "/sessions%2F", 1),
            path.replace("/v1/", "/v1%2f", 1),
            path.replace("/v1/i", "/v1/%69", 1).replace("/v1/s", "/v1/%73", 1),
            "/v1/x/%2E%2E" + path.removeprefix("/v1"),
            path.replace("/v1/", "/v1;a=b/", 1),
        ):
            status, body = await _raw(api_server.url, "GET", written.encode(), headers)
            assert (status, json.loads(body)) == (404, NOT_FOUND), written


async def test_every_route_and_mount_refuses_a_path_written_another_way(
    api_server: ApiServer, api_settings: Any, tmp_path: Path
) -> None:
    s = await api_server.create_session()
    web = tmp_path / "web"
    app = full_app(api_settings, web)
    (web / "assets" / "app.js").write_text("x")
    routes = app_routes(app)
    headers = api_server.org_headers()
    checked = 0
    async with serve(api_settings.model_copy(update={"web_dir": web}), app=app) as client:
        base = str(client.base_url).rstrip("/")
        # A plain path is still the route's: the page's asset is served.
        assert (await _raw(base, "GET", b"/assets/app.js", {}))[0] == 200
        for key in routes:
            method, _, template = key.partition(" ")
            if method == "MOUNT":
                method, template = "GET", template + "/app.js"
            path = fill(template, s["id"])
            assert plain_path(path.encode()), key  # the route's own paths pass
            for written in variants(path):
                status, body = await _raw(base, method, written.encode(), headers)
                assert status == 404, (key, written, status, body[:200])
                if method != "HEAD":  # (Ashby's paths add a `message` for the recruiter: api.integrations)
                    assert json.loads(body)["error"] == NOT_FOUND["error"], (key, written)
                checked += 1
        assert (await client.get("/readyz")).status_code == 200
    assert checked > 2000  # every route, each written many ways


@pytest.mark.parametrize("target", [b"/v1/sessions%2Fexport", b"/v1/sessions/%2E%2E/internal"])
async def test_a_refused_path_is_no_store_and_never_sniffed(api_server: ApiServer, target: bytes) -> None:
    r = await api_server.client.get(api_server.url + target.decode(), headers=api_server.org_headers())
    assert (r.status_code, r.json()) == (404, NOT_FOUND)
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"
