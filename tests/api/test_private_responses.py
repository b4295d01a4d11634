"""Every answer of the API is private unless it says otherwise: `Cache-Control: no-store` on the JSON that carries a
scorecard, a candidate's name, a share link's URL or a coaching link (bearer credentials in a URL), not only on the
report page. A response without Cache-Control may be kept by a browser's cache or a proxy (a GET heuristically,
RFC 9111 4.2.2), and an integrator's reverse proxy that caches by path ignores Authorization more often than not.
Content-hashed assets keep their own long-lived policy."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from api.middleware import NoStoreByDefaultMiddleware
from tests.api.report_support import grade, seed_interview
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


def _no_store(r: Any) -> bool:
    return "no-store" in r.headers.get("cache-control", "")


async def test_every_organisation_answer_about_a_session_is_never_stored(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    org = api_server.org_headers()
    sid = seeded.id
    c = api_server.client
    answers = {
        "POST share (its URL opens the report)": await c.post(
            f"/v1/sessions/{sid}/share", json={}, headers=org
        ),
        "GET share links": await c.get(f"/v1/sessions/{sid}/share", headers=org),
        "GET session": await c.get(f"/v1/sessions/{sid}", headers=org),
        "GET scorecard": await c.get(f"/v1/sessions/{sid}/scorecard", headers=org),
        "GET sessions": await c.get("/v1/sessions", headers=org),
        "GET timeline": await c.get(f"/v1/sessions/{sid}/timeline", headers=org),
        "GET report": await c.get(f"/v1/sessions/{sid}/report", headers=org),
        "GET export": await c.get("/v1/sessions/export?format=json", headers=org),
        "GET no such session (404)": await c.get("/v1/sessions/ses_000000000000000000000000", headers=org),
    }
    assert {name: r.status_code for name, r in answers.items()} == {
        name: (201 if name.startswith("POST") else 404 if "404" in name else 200) for name in answers
    }
    assert [name for name, r in answers.items() if not _no_store(r)] == []


async def test_a_practice_candidates_coaching_link_is_never_stored(api_server: ApiServer, db: Conn) -> None:
    practice = await seed_interview(api_server, db, practice=True)
    await grade(db, practice)
    mine = {"Authorization": f"Bearer {practice.session['invite']}"}
    link = await api_server.client.post(f"/v1/sessions/{practice.id}/coaching-link", headers=mine)
    assert link.status_code == 200 and link.json()["report_url"]
    assert _no_store(link)
    scorecard = await api_server.client.get(f"/v1/sessions/{practice.id}/scorecard", headers=mine)
    assert scorecard.status_code == 200 and _no_store(scorecard)


def test_the_default_leaves_a_responses_own_policy_alone() -> None:
    async def plain(request: Request) -> Response:
        return JSONResponse({"secret": 1})

    async def own(request: Request) -> Response:
        return Response(b"x", headers={"Cache-Control": "public, max-age=31536000, immutable"})

    async def boom(request: Request) -> Response:
        raise RuntimeError("unexpected")

    app = NoStoreByDefaultMiddleware(
        Starlette(routes=[Route("/plain", plain), Route("/own", own), Route("/boom", boom)])
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/plain").headers.get_list("cache-control") == ["no-store"]
        assert client.get("/own").headers.get_list("cache-control") == ["public, max-age=31536000, immutable"]
        assert client.get("/nowhere").headers.get_list("cache-control") == ["no-store"]  # a 404 too
        failed = client.get("/boom")
        assert failed.status_code == 500 and failed.headers.get_list("cache-control") == ["no-store"]


@pytest.mark.parametrize("path", ["/healthz", "/openapi.json"])
async def test_public_answers_are_not_stored_either(api_server: ApiServer, path: str) -> None:
    r = await api_server.client.get(path)
    assert r.status_code == 200 and _no_store(r)
