"""Every route the app answers, read from the app itself, against the wrong callers for its kind
(tests/api/route_table.py): no credentials, garbage, another kind's credential (an invite on an organisation
route, an organisation key on the agent's), another organisation's key, another session's invite, an expired
invite, the invite of an interview that has ended or was cancelled, a revoked key, a forged LiveKit signature, an
altered or revoked link. Each is refused (401, 403, 404 or 410; an ended or cancelled invite on a candidate route,
409 for its own session's state), nothing of organisation 1 changes, and no answer carries the target session's
data. A route missing from the table fails here before it can ship unchecked.

The agent's service token is one secret for the whole deployment, not one per session (docs/internal-api.md): "the
agent's token used for another session" is not a distinct caller, so the internal routes are checked against every
other kind of credential instead."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.security import digest
from tests.api.conftest import serve, signed_webhook
from tests.api.integration_support import create_endpoint
from tests.api.route_table import NIL_UUID, ROUTES, app_routes, full_app
from tests.api.token_support import tampered
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
REFUSED = {401, 403, 404, 410}
ENDED = {"ended_invite": "session_finished", "cancelled_invite": "session_cancelled"}


def basic(username: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:".encode()).decode()


def test_the_table_names_every_route_the_app_answers(api_settings: Any, tmp_path: Path) -> None:
    routes = set(app_routes(full_app(api_settings, tmp_path / "web")))
    assert routes - set(ROUTES) == set(), (
        "routes with no entry in tests/api/route_table.py (who may call them?)"
    )
    assert set(ROUTES) - routes == set(), "entries for routes the app no longer has"


@dataclass
class World:
    server: ApiServer
    org_id: str
    a: dict[str, Any]  # the target: organisation 1's, scheduled
    b: dict[str, Any]  # another session of organisation 1
    expired: dict[str, Any]  # organisation 1's, its invite expired
    ended: dict[str, Any]  # organisation 1's, its interview completed
    cancelled: dict[str, Any]  # organisation 1's, cancelled before it started
    other_key: str  # organisation 2's API key
    revoked_key: str  # organisation 1's, revoked
    endpoint_id: str
    delivery_id: str
    link_id: str
    share_token: str
    greenhouse_key: str
    ashby_key: str
    revoked_greenhouse_key: str
    key_id: str  # organisation 1's active API key
    revoked_share_token: str  # a share link to session `a`, revoked


@pytest.fixture
async def world(api_server: ApiServer, db: Conn) -> World:
    h = api_server.org_headers()
    endpoint = await create_endpoint(api_server, "http://127.0.0.1:9/hooks", ["session.scheduled"])
    a = await api_server.create_session(job_description="Secret JD of session A")
    b = await api_server.create_session()
    expired = await api_server.create_session()
    await db.execute(
        "update sessions set invite_expires_at = now() - interval '1 minute' where id = %s", (expired["id"],)
    )
    ended = await api_server.create_session()
    await db.execute(
        "update sessions set status = 'completed', started_at = now() - interval '40 minutes', ended_at = now()"
        " where id = %s",
        (ended["id"],),
    )
    cancelled = await api_server.create_session()
    r = await api_server.client.post(f"/v1/sessions/{cancelled['id']}/cancel", headers=h)
    assert r.status_code == 200, r.text
    _, other_key = await api_server.create_org("Other Org")
    revoked_key = "shk_" + "R" * 43
    await db.execute(
        "insert into api_keys (organization_id, key_hash, prefix, revoked_at) values (%s, %s, 'shk_RRRR', now())",
        (api_server.org_id, digest(revoked_key)),
    )
    cur = await db.execute("select id from webhook_deliveries where endpoint_id = %s", (endpoint["id"],))
    delivery = await cur.fetchone()
    assert delivery is not None
    share = (await api_server.client.post(f"/v1/sessions/{a['id']}/share", json={}, headers=h)).json()
    revoked_share = (await api_server.client.post(f"/v1/sessions/{a['id']}/share", json={}, headers=h)).json()
    r = await api_server.client.delete(f"/v1/sessions/{a['id']}/share/{revoked_share['id']}", headers=h)
    assert r.status_code == 204, r.text
    client = api_server.client
    revoked_gh = (await client.post("/v1/integrations/greenhouse/keys", headers=h)).json()["key"]
    gh = (await client.post("/v1/integrations/greenhouse/keys", headers=h)).json()["key"]
    ashby = (
        await client.post("/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=h)
    ).json()["key"]
    cur = await db.execute(
        "select id from api_keys where organization_id = %s and revoked_at is null", (api_server.org_id,)
    )
    key_row = await cur.fetchone()
    assert key_row is not None
    return World(
        api_server,
        api_server.org_id,
        a,
        b,
        expired,
        ended,
        cancelled,
        other_key,
        revoked_key,
        endpoint["id"],
        str(delivery["id"]),
        share["id"],
        share["report_url"].rsplit("/", 1)[1],
        gh,
        ashby,
        revoked_gh,
        str(key_row["id"]),
        revoked_share["report_url"].rsplit("/", 1)[1],
    )


def wrong_callers(w: World, kind: str, has_session: bool) -> dict[str, dict[str, Any]]:
    """The credentials each kind of route must refuse, by name."""
    bearer = {
        "none": None,
        "garbage": "shk_" + "A" * 43,
        "org": w.server.org_key,
        "other_org": w.other_key,
        "revoked_org": w.revoked_key,
        "own_invite": w.a["invite"],
        "other_invite": w.b["invite"],
        "expired_invite": w.expired["invite"],
        "ended_invite": w.ended["invite"],
        "cancelled_invite": w.cancelled["invite"],
        "internal": w.server.internal_token,
        "greenhouse_key": w.greenhouse_key,
        "share_token": w.share_token,
    }
    drop = {
        "org": {"org"},
        "report": {"org"},
        "candidate": {"own_invite"} | (set() if has_session else {"other_invite"}),
        "internal": {"internal"},
    }.get(kind, set())
    headers: dict[str, dict[str, Any]] = {
        name: ({} if token is None else {"Authorization": f"Bearer {token}"})
        for name, token in bearer.items()
        if name not in drop
    }
    headers["bearer_not_ascii"] = {"Authorization": b"Bearer shk_\xff\xfe\x80" + b"A" * 40}
    if kind in ("greenhouse", "ashby"):
        own = w.greenhouse_key if kind == "greenhouse" else w.ashby_key
        other = w.ashby_key if kind == "greenhouse" else w.greenhouse_key
        headers.update(
            {
                "bearer_own_key": {"Authorization": f"Bearer {own}"},
                "basic_org_key": {"Authorization": basic(w.server.org_key)},
                "basic_other_ats_key": {"Authorization": basic(other)},
                "basic_revoked_key": {"Authorization": basic(w.revoked_greenhouse_key)},
                "basic_internal": {"Authorization": basic(w.server.internal_token)},
                "basic_garbage": {"Authorization": "Basic !!!"},
                "basic_not_ascii": {"Authorization": b"Basic \xff\xfe\x80"},  # the server reads it as Latin-1
            }
        )
    if kind == "org":
        headers["basic_org_key"] = {"Authorization": basic(w.server.org_key)}
    return headers


def fill(w: World, template: str) -> str:
    return (
        template.replace("{session_id}", w.a["id"])
        .replace("{endpoint_id}", w.endpoint_id)
        .replace("{delivery_id}", w.delivery_id)
        .replace("{link_id}", w.link_id)
        .replace("{callback_id}", NIL_UUID)
        .replace("{key_id}", w.key_id)
        .replace("{language}", "python")
    )


async def org1_state(db: Conn, org_id: str) -> list[Any]:
    queries = [
        "select id, status, text_only, extra_time_minutes, ended_at from sessions where organization_id = %(o)s",
        "select count(*) as n from session_events e join sessions s on s.id = e.session_id"
        " where s.organization_id = %(o)s",
        "select count(*) as n from submissions u join sessions s on s.id = u.session_id"
        " where s.organization_id = %(o)s",
        "select count(*) as n from session_drafts d join sessions s on s.id = d.session_id"
        " where s.organization_id = %(o)s",
        "select count(*) as n from scorecards c join sessions s on s.id = c.session_id where s.organization_id = %(o)s",
        "select slug, allow_text_only, embed_origins from organizations where id = %(o)s",
        "select id, url, enabled, secret from webhook_endpoints where organization_id = %(o)s order by id",
        "select d.id, d.status from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id"
        " where e.organization_id = %(o)s order by d.id",
        "select id, revoked_at from integration_keys where organization_id = %(o)s order by id",
        "select id, name, revoked_at from api_keys where organization_id = %(o)s order by id",
        "select l.id, l.revoked_at from share_links l join sessions s on s.id = l.session_id"
        " where s.organization_id = %(o)s order by l.id",
    ]
    out = []
    for q in queries:
        cur = await db.execute(q, {"o": org_id})
        out.append(await cur.fetchall())
    return out


def no_data_of(w: World, text: str) -> bool:
    return w.a["id"] not in text and w.a["invite"] not in text and "Secret JD" not in text


async def test_every_route_refuses_every_wrong_caller_and_changes_nothing(world: World, db: Conn) -> None:
    # One world for all routes (a refusal changes nothing, so nothing needs resetting): about 800 requests, seconds.
    before = await org1_state(db, world.org_id)
    failures: list[str] = []
    for key, spec in ROUTES.items():
        if spec.kind != "public":
            failures += await _refusals(world, key)
    assert failures == []
    assert await org1_state(db, world.org_id) == before


async def _refusals(world: World, key: str) -> list[str]:
    """What `key` wrongly answered: 'route caller status' for each wrong caller it did not refuse."""
    spec = ROUTES[key]
    method, template = key.split(" ", 1)
    path = fill(world, template)
    has_session = "{session_id}" in template
    body = spec.body
    if body is not None:
        body = json.loads(json.dumps(body).replace("{session_id}", world.a["id"]).replace("{invite}", "x"))
    if template.endswith("test_status"):
        path += f"?partner_interview_id={world.a['id']}"
    client = world.server.client
    failures: list[str] = []

    def check(name: str, r: Any, allowed: set[int] = REFUSED) -> None:
        if r.status_code not in allowed or not no_data_of(world, r.text):
            failures.append(f"{key} {name} {r.status_code} {r.text[:200]}")

    room = f"shadows-{world.a['id']}"
    if spec.kind == "webhook":
        for name, (wbody, auth) in {
            "unsigned": (signed_webhook("room_finished", room=room)[0], ""),
            "other_secret": signed_webhook("room_finished", room=room, secret="another-secret-" + "y" * 40),
            "garbage": (signed_webhook("room_finished", room=room)[0], "Bearer x.y.z"),
        }.items():
            check(
                name, await client.post(path, content=wbody, headers={"Authorization": auth} if auth else {})
            )
    elif spec.kind == "link":
        for token in (
            "shr_" + "A" * 75,
            tampered(world.share_token, "shr_"),
            world.revoked_share_token,
            world.server.org_key,
            "..%2F..%2Fx",
        ):
            link = template.replace("{token}", token).replace("{name}", "report.pdf")
            check(token[:6], await client.request(method, link), {404, 410})
    elif spec.kind == "join":
        for name, value in {
            "garbage": "inv_" + "Z" * 43,
            "org": world.server.org_key,
            "internal": world.server.internal_token,
            "expired_invite": world.expired["invite"],
            "share_token": world.share_token,
        }.items():
            check(name, await client.post(path, json={"invite": value}))
    else:
        for name, headers in wrong_callers(world, spec.kind, has_session).items():
            r = await client.request(method, path, json=body, headers=headers)
            if name == "other_org" and spec.kind == "org" and "{" not in template:
                # A collection or the caller's own organisation: answered, with organisation 2's things only.
                check(name, r, set(range(200, 500)))
            elif name in ENDED and r.status_code == 409:
                # A candidate route refuses the invite for its own session's state before it reads the path's.
                if r.json()["error"]["code"] != ENDED[name]:
                    failures.append(f"{key} {name} 409 {r.text[:200]}")
                check(name, r, {409})
            else:
                check(name, r)
    return failures


async def test_public_routes_answer_without_credentials_and_carry_no_session_data(
    world: World, api_settings: Any, tmp_path: Path
) -> None:
    web = tmp_path / "web"
    full_app(api_settings, web)  # writes the stand-in web/dist
    async with serve(world.server.settings.model_copy(update={"web_dir": web})) as client:
        for key, spec in ROUTES.items():
            if spec.kind != "public":
                continue
            method, template = key.split(" ", 1)
            if method == "MOUNT":
                method, template = "GET", template + "/missing.js"
            r = await client.request(method, template.replace("{org_slug}", "acme-hiring"), json=spec.body)
            assert r.status_code < 500 and r.status_code not in (401, 403), (key, r.status_code)
            assert no_data_of(world, r.text), key


OVERRIDES = ("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")


def methods_at(path: str) -> set[str]:
    """The methods the table's routes take at `path` (`/v1/sessions/export` is a path of `{session_id}`'s too)."""
    out = set()
    for key in ROUTES:
        method, template = key.split(" ", 1)
        if method != "MOUNT" and re.fullmatch(re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)), path):
            out.add(method)
    return out


def own_credential(w: World, kind: str) -> dict[str, str]:
    """The credential each kind of route takes for organisation 1's session `a` (none for the kinds that take it
    from the path or the body)."""
    bearer = {"org": w.server.org_key, "report": w.server.org_key, "candidate": w.a["invite"]}
    bearer["internal"] = w.server.internal_token
    if kind in bearer:
        return {"Authorization": f"Bearer {bearer[kind]}"}
    if kind in ("greenhouse", "ashby"):
        return {"Authorization": basic(w.greenhouse_key if kind == "greenhouse" else w.ashby_key)}
    return {}


async def test_no_method_override_header_head_or_options_reaches_a_route_of_another_method(
    world: World, db: Conn
) -> None:
    # Some frameworks and proxies take the method from a header or `?_method=`: a GET naming DELETE, sent with the
    # route's own credential, would then end a session past a proxy rule that lets only GETs through. Each route is
    # asked with every method it does not take at its path (HEAD and OPTIONS included), naming its own method: the
    # answer is that other method's own (405 when the path has none) and nothing of organisation 1 changes.
    before = await org1_state(db, world.org_id)
    wrong: list[str] = []
    asked = 0
    for key, spec in ROUTES.items():
        method, template = key.split(" ", 1)
        if method == "MOUNT" or spec.kind == "public":
            continue
        path = fill(world, template).replace("{token}", world.share_token).replace("{name}", "report.pdf")
        taken = methods_at(path)
        override = {name: method for name in OVERRIDES} | own_credential(world, spec.kind)
        for other in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            if other in taken:
                continue
            r = await world.server.client.request(other, path, params={"_method": method}, headers=override)
            asked += 1
            allow = set(r.headers.get("allow", "").replace(" ", "").split(","))
            if r.status_code != 405 or other in allow:
                wrong.append(f"{other} as {key}: {r.status_code} allow={allow} {r.text[:120]}")
    assert wrong == []
    assert asked > 300
    assert await org1_state(db, world.org_id) == before
    still = await world.server.client.get(f"/v1/sessions/{world.a['id']}", headers=world.server.org_headers())
    assert (still.status_code, still.json()["status"]) == (200, "scheduled")


async def test_another_organisation_naming_its_own_parent_and_this_organisations_child_is_refused(
    world: World, db: Conn
) -> None:
    # A route with two ids in its path must find the second under the first: organisation 2 names its own session or
    # endpoint first and organisation 1's share link or delivery second (and organisation 1's API key on its own).
    client, theirs = world.server.client, world.server.org_headers(world.other_key)
    session = await world.server.create_session(key=world.other_key)
    endpoint = await create_endpoint(
        world.server, "http://127.0.0.1:9/theirs", ["session.scheduled"], world.other_key
    )
    before = await org1_state(db, world.org_id)
    mixed = [
        f"DELETE /v1/sessions/{session['id']}/share/{world.link_id}",
        f"POST /v1/webhook-endpoints/{endpoint['id']}/deliveries/{world.delivery_id}/replay",
        f"GET /v1/webhook-endpoints/{endpoint['id']}/deliveries?cursor={world.delivery_id}",
        f"DELETE /v1/api-keys/{world.key_id}",
        f"POST /v1/sessions/{session['id']}/ats-callbacks/{world.delivery_id}/send-again",
    ]
    answers = {}
    for key in mixed:
        method, path = key.split(" ", 1)
        r = await client.request(method, path, headers=theirs)
        answers[key] = r.status_code
        assert (
            no_data_of(world, r.text) and world.link_id not in r.text and world.delivery_id not in r.text
        ), key
    assert all(status in (400, 404) for status in answers.values()), answers
    assert await org1_state(db, world.org_id) == before
