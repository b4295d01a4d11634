"""A NUL character in a request's path. PostgreSQL text never holds U+0000, so a path parameter carrying one
(`%00`) that reached a query failed there: an artifact download with a valid link and `session.json%00` as the
name was a 500. No path of ours can hold a NUL, so the edge answers 404 `not_found` before any route reads it; held
here for every path parameter of every route, with each kind of credential, and for the download that failed."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

import psycopg
import pytest
from psycopg.rows import DictRow

from api import view_tokens
from tests.api.route_table import app_routes
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}


@pytest.mark.parametrize("name", ["session.json%00", "%00", "report.pdf%00.txt"])
async def test_an_artifact_name_holding_a_nul_is_404_with_a_valid_link(
    api_server: ApiServer, db: Conn, name: str
) -> None:
    session = await api_server.create_session()
    cur = await db.execute("select id from api_keys where organization_id = %s", (api_server.org_id,))
    key = await cur.fetchone()
    assert key is not None
    token, _ = view_tokens.mint(
        api_server.settings,
        session["id"],
        "org",
        "artifacts",
        view_tokens.Source.key(UUID(str(key["id"]))),
        lifetime=timedelta(minutes=5),
    )
    r = await api_server.client.get(f"/v1/artifacts/{token}/{name}")
    assert (r.status_code, r.json()) == (404, NOT_FOUND), r.text
    # The same link still downloads nothing else wrongly: an ordinary unknown name is the route's own 404.
    r = await api_server.client.get(f"/v1/artifacts/{token}/session.json")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")


async def test_a_nul_in_any_path_parameter_of_any_route_is_404_before_the_route(
    api_server: ApiServer,
) -> None:
    s = await api_server.create_session()
    credentials = (
        {},
        api_server.org_headers(),
        {"Authorization": f"Bearer {s['invite']}"},
        api_server.internal_headers(),
    )
    checked = 0
    for route_key in app_routes(api_server.app):
        method, _, template = route_key.partition(" ")
        if method == "MOUNT" or "{" not in template:
            continue
        params = re.findall(r"\{([^}:]+)[^}]*\}", template)
        for param in params:
            path = template
            for other in params:  # the others hold something ordinary; this one a NUL
                value = "ok%00; drop" if other == param else (s["id"] if other == "session_id" else "x")
                path = re.sub(r"\{" + other + r"[^}]*\}", value, path)
            for headers in credentials:
                r = await api_server.client.request(method, path, headers=headers)
                # A HEAD answer has no body: its status and headers say the same.
                body = r.json() if method != "HEAD" else NOT_FOUND
                assert (r.status_code, body) == (404, NOT_FOUND), (route_key, param, r.text)
                assert r.headers["content-type"] == "application/json", (route_key, param)
                checked += 1
    assert checked > 200  # every route with a path parameter, not a handful
    assert (await api_server.client.get("/readyz")).status_code == 200
