"""Every route of the ATS work package against every kind of wrong caller: the organisation routes (webhook
endpoints, integration keys) and the partner routes Greenhouse and Ashby call (HTTP Basic with our key)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
import pytest_asyncio
from psycopg.rows import DictRow

from tests.api.integration_support import create_endpoint
from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`) reach that database. Deliveries are only queued: no worker
# runs here, and the endpoint's URL is never called.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()


def basic(username: str, password: str = "") -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@dataclass
class World:
    server: ApiServer
    endpoint: dict[str, Any]
    delivery_id: str
    session: dict[str, Any]
    greenhouse_key: str
    ashby_key: str
    other_org_key: str
    other_greenhouse_key: str
    revoked_greenhouse_key: str


@pytest_asyncio.fixture(loop_scope="module")
async def world(api_server: ApiServer, db: Conn) -> World:
    endpoint = await create_endpoint(api_server, "http://127.0.0.1:9/hooks", ["session.scheduled"])
    session = await api_server.create_session()
    cur = await db.execute("select id from webhook_deliveries where endpoint_id = %s", (endpoint["id"],))
    delivery = await cur.fetchone()
    assert delivery is not None
    await db.execute("update webhook_deliveries set status = 'failed' where id = %s", (delivery["id"],))
    h = api_server.org_headers()
    revoked = (await api_server.client.post("/v1/integrations/greenhouse/keys", headers=h)).json()["key"]
    gh = (await api_server.client.post("/v1/integrations/greenhouse/keys", headers=h)).json()["key"]
    ashby = (
        await api_server.client.post(
            "/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=h
        )
    ).json()["key"]
    _, other_key = await api_server.create_org("Other Org")
    other_gh = (
        await api_server.client.post(
            "/v1/integrations/greenhouse/keys", headers=api_server.org_headers(other_key)
        )
    ).json()["key"]
    return World(api_server, endpoint, str(delivery["id"]), session, gh, ashby, other_key, other_gh, revoked)


ORG_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/x", "event_types": ["session.scheduled"]}),
    ("GET", "/v1/webhook-endpoints", None),
    ("GET", "/v1/webhook-endpoints/{e}", None),
    ("PATCH", "/v1/webhook-endpoints/{e}", {"enabled": False}),
    ("DELETE", "/v1/webhook-endpoints/{e}", None),
    ("POST", "/v1/webhook-endpoints/{e}/rotate-secret", None),
    ("GET", "/v1/webhook-endpoints/{e}/deliveries", None),
    ("POST", "/v1/webhook-endpoints/{e}/deliveries/{d}/replay", None),
    ("POST", "/v1/integrations/greenhouse/keys", None),
    ("DELETE", "/v1/integrations/greenhouse/keys", None),
    ("POST", "/v1/integrations/ashby/keys", {"ashby_api_key": "attacker-key-1"}),
    ("DELETE", "/v1/integrations/ashby/keys", None),
]


def _org_wrong(w: World) -> dict[str, dict[str, str]]:
    return {
        "none": {},
        "garbage": {"Authorization": "Bearer shk_" + "A" * 43},
        "invite": {"Authorization": f"Bearer {w.session['invite']}"},
        "internal": {"Authorization": f"Bearer {w.server.internal_token}"},
        "greenhouse_key": {"Authorization": f"Bearer {w.greenhouse_key}"},
        "basic_org_key": {"Authorization": basic(w.server.org_key)},
    }


async def _state(db: Conn) -> tuple[Any, ...]:
    cur = await db.execute("select id, url, enabled, event_types, secret from webhook_endpoints order by id")
    endpoints = await cur.fetchall()
    cur = await db.execute("select id, endpoint_id, secret from webhook_retired_secrets order by id")
    endpoints += await cur.fetchall()
    cur = await db.execute("select id, revoked_at from integration_keys order by id")
    keys = await cur.fetchall()
    cur = await db.execute("select id, status from webhook_deliveries order by id")
    return (endpoints, keys, await cur.fetchall())


def _path(w: World, template: str) -> str:
    return template.format(e=w.endpoint["id"], d=w.delivery_id)


@pytest.mark.parametrize(("method", "path", "body"), ORG_ROUTES)
async def test_org_routes_refuse_everything_but_an_org_key_and_change_nothing(
    world: World, db: Conn, method: str, path: str, body: Any
) -> None:
    before = await _state(db)
    for who, headers in _org_wrong(world).items():
        r = await world.server.client.request(method, _path(world, path), json=body, headers=headers)
        assert r.status_code == 401, (who, r.text)
        assert r.json()["error"]["code"] in ("missing_credentials", "invalid_api_key")
        assert world.endpoint["id"] not in r.text and world.greenhouse_key not in r.text
    assert await _state(db) == before


@pytest.mark.parametrize(("method", "path", "body"), [route for route in ORG_ROUTES if "{e}" in route[1]])
async def test_another_organisations_endpoint_is_404_and_untouched(
    world: World, db: Conn, method: str, path: str, body: Any
) -> None:
    before = await _state(db)
    r = await world.server.client.request(
        method, _path(world, path), json=body, headers=world.server.org_headers(world.other_org_key)
    )
    assert (r.status_code, r.json()["error"]["code"]) == (404, "endpoint_not_found")
    assert await _state(db) == before


async def test_another_organisation_lists_only_its_own_endpoints_and_keys_of_its_own(
    world: World, db: Conn
) -> None:
    r = await world.server.client.get(
        "/v1/webhook-endpoints", headers=world.server.org_headers(world.other_org_key)
    )
    assert r.json() == {"data": []}
    r = await world.server.client.delete(
        "/v1/integrations/greenhouse/keys", headers=world.server.org_headers(world.other_org_key)
    )
    assert r.status_code == 204
    cur = await db.execute(
        "select count(*) as n from integration_keys where organization_id = %s and revoked_at is null",
        (world.server.org_id,),
    )
    assert (await cur.fetchone())["n"] == 2  # type: ignore[index]  # count(*) returns a row; greenhouse and ashby


PARTNER_ROUTES: list[tuple[str, str, str, Any]] = [
    ("greenhouse", "GET", "/integrations/greenhouse/list_tests", None),
    (
        "greenhouse",
        "POST",
        "/integrations/greenhouse/send_test",
        {
            "partner_test_id": "difficulty:easy",
            "url": "http://127.0.0.1:9/cb",
            "candidate": {"first_name": "A", "last_name": "B", "email": "a@example.com"},
        },
    ),
    ("greenhouse", "GET", "/integrations/greenhouse/test_status?partner_interview_id={s}", None),
    ("greenhouse", "POST", "/integrations/greenhouse/response_error", {"api_call": "x", "errors": []}),
    ("ashby", "POST", "/integrations/ashby/assessment.list", {}),
    (
        "ashby",
        "POST",
        "/integrations/ashby/assessment.start",
        {
            "assessment_type_id": "difficulty:easy",
            "candidate": {"ashby_id": "c", "first_name": "A", "email": "a@example.com"},
            "application": {"ashby_id": "a"},
            "job": {"ashby_id": "j"},
        },
    ),
    ("ashby", "POST", "/integrations/ashby/assessment.cancel", {"assessment_id": "{s}"}),
]


@pytest.mark.parametrize(("provider", "method", "path", "body"), PARTNER_ROUTES)
async def test_partner_routes_take_only_their_own_atss_live_key_as_basic_username(
    world: World, db: Conn, provider: str, method: str, path: str, body: Any
) -> None:
    own = world.greenhouse_key if provider == "greenhouse" else world.ashby_key
    other_provider = world.ashby_key if provider == "greenhouse" else world.greenhouse_key
    wrong = {
        "none": {},
        "bearer_own_key": {"Authorization": f"Bearer {own}"},
        "org_key": {"Authorization": basic(world.server.org_key)},
        "org_key_bearer": world.server.org_headers(),
        "internal": {"Authorization": basic(world.server.internal_token)},
        "invite": {"Authorization": basic(world.session["invite"])},
        "other_ats_key": {"Authorization": basic(other_provider)},
        "revoked_key": {"Authorization": basic(world.revoked_greenhouse_key)},
        "password_given": {"Authorization": basic(own, "secret")},
        "key_as_password": {"Authorization": basic("", own)},
        "garbage": {"Authorization": "Basic !!!"},
    }
    cur = await db.execute("select count(*) as n from sessions")
    sessions_before = (await cur.fetchone())["n"]  # type: ignore[index]  # count(*) returns a row
    target = path.format(s=world.session["id"])
    payload = {
        k: (v.format(s=world.session["id"]) if isinstance(v, str) else v) for k, v in (body or {}).items()
    }
    for who, headers in wrong.items():
        r = await world.server.client.request(
            method, target, json=payload if body is not None else None, headers=headers
        )
        assert r.status_code == 401, (who, r.text)
        assert world.session["id"] not in r.text
    cur = await db.execute(
        "select count(*) as n, count(*) filter (where status = 'cancelled') as c from sessions"
    )
    row = await cur.fetchone()
    assert row == {"n": sessions_before, "c": 0}
    r = await world.server.client.request(
        method, target, json=payload if body is not None else None, headers={"Authorization": basic(own)}
    )
    assert r.status_code != 401


async def test_partner_routes_never_reach_a_session_the_ats_did_not_create(world: World, db: Conn) -> None:
    """An organisation's own API session, and another organisation's key, look like nothing to an ATS."""
    r = await world.server.client.get(
        "/integrations/greenhouse/test_status",
        params={"partner_interview_id": world.session["id"]},
        headers={"Authorization": basic(world.greenhouse_key)},
    )
    assert (r.status_code, r.json()["error"]["code"]) == (404, "interview_not_found")
    r = await world.server.client.post(
        "/integrations/ashby/assessment.cancel",
        json={"assessment_id": world.session["id"]},
        headers={"Authorization": basic(world.ashby_key)},
    )
    assert r.json()["success"] is False
    cur = await db.execute("select status from sessions where id = %s", (world.session["id"],))
    assert (await cur.fetchone())["status"] == "scheduled"  # type: ignore[index]  # the session exists
