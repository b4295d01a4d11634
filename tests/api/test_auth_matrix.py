"""Every route against every kind of wrong caller: no credentials, another organisation, another session's
candidate, an expired invite, an organisation key or invite on the agent's internal routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt
import psycopg
import pytest
import pytest_asyncio
from psycopg.rows import DictRow

from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`) reach that database.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()


@dataclass
class World:
    """Org 1 owns session `a` (the target) and `b`; org 2 owns `c`. `expired` is org 1's, with an expired invite."""

    server: ApiServer
    a: dict[str, Any]
    b: dict[str, Any]
    c: dict[str, Any]
    expired: dict[str, Any]
    other_org_key: str

    def headers(self, who: str) -> dict[str, str]:
        token = {
            "none": None,
            "org": self.server.org_key,
            "other_org": self.other_org_key,
            "other_invite": self.b["invite"],
            "expired_invite": self.expired["invite"],
            "own_invite": self.a["invite"],
            "internal": self.server.internal_token,
            "garbage": "shk_" + "A" * 43,
        }[who]
        return {} if token is None else {"Authorization": f"Bearer {token}"}


@pytest_asyncio.fixture(loop_scope="module")
async def world(api_server: ApiServer, db: Conn) -> World:
    a = await api_server.create_session(job_description="Secret JD of session A")
    b = await api_server.create_session()
    _, other_key = await api_server.create_org("Other Org")
    c = await api_server.create_session(key=other_key)
    expired = await api_server.create_session()
    await db.execute(
        "update sessions set invite_expires_at = now() - interval '1 minute' where id = %s", (expired["id"],)
    )
    return World(api_server, a, b, c, expired, other_key)


RUN_BODY = {"language": "python", "code": "def two_sum(nums, target):\n    return [0, 1]\n"}

# (method, path template, json body). `{a}` is the target session (org 1).
ORG_ROUTES = [
    ("POST", "/v1/sessions", {"candidate": {"name": "X", "email": "x@example.com"}}),
    ("GET", "/v1/sessions", None),
    ("GET", "/v1/sessions/{a}", None),
    ("POST", "/v1/sessions/{a}/cancel", None),
    ("POST", "/v1/sessions/{a}/grade", {}),
    ("POST", "/v1/sessions/{a}/share", {}),
    ("GET", "/v1/sessions/{a}/share", None),
    ("DELETE", "/v1/sessions/{a}/share/00000000-0000-4000-8000-000000000000", None),
    ("GET", "/v1/sessions/{a}/ats-callbacks", None),
    ("POST", "/v1/sessions/{a}/ats-callbacks/00000000-0000-4000-8000-000000000000/send-again", None),
    ("GET", "/v1/ats-callbacks", None),
    ("PATCH", "/v1/sessions/{a}", {"text_only": True}),
    ("GET", "/v1/organization", None),
    ("PATCH", "/v1/organization", {"allow_text_only": True, "embed_origins": ["https://evil.example.com"]}),
    ("GET", "/v1/api-keys", None),
    ("POST", "/v1/api-keys", {"name": "intruder"}),
    ("DELETE", "/v1/api-keys/00000000-0000-4000-8000-000000000000", None),
    ("GET", "/v1/questions", None),
    ("GET", "/v1/sessions/export", None),
    ("GET", "/v1/analytics/summary", None),
    ("GET", "/v1/analytics", None),
    ("GET", "/v1/sessions/{a}/artifacts", None),
    ("POST", "/v1/sessions/{a}/legal-hold", {"reason": "Dispute 2026-114"}),
    ("DELETE", "/v1/sessions/{a}/legal-hold", None),
    ("GET", "/v1/sessions/{a}/legal-holds", None),
    ("GET", "/v1/legal-holds", None),
    ("DELETE", "/v1/sessions/{a}", None),
]
# The scorecard reads also take a practice candidate's invite: their refusals are in test_scorecards.py.
CANDIDATE_SESSION_ROUTES = [
    ("POST", "/v1/sessions/{a}/runs", RUN_BODY),
    ("POST", "/v1/sessions/{a}/submissions", RUN_BODY),
    ("POST", "/v1/sessions/{a}/custom-runs", {**RUN_BODY, "inputs": [[[1, 2], 3]]}),
    ("POST", "/v1/sessions/{a}/consent", {"notice_version": "v1", "notice_sha256": "0" * 64, "agreed": True}),
    ("POST", "/v1/sessions/{a}/accommodation-requests", {"kind": "human_interview"}),
    ("POST", "/v1/sessions/{a}/start", {"mode": "voice"}),
    ("POST", "/v1/sessions/{a}/agent-dispatch", None),
    ("POST", "/v1/sessions/{a}/end", {"code": "x", "language": "python"}),
    ("GET", "/v1/sessions/{a}/drafts", None),
    ("PUT", "/v1/sessions/{a}/drafts/python", {"code": "x"}),
    ("GET", "/v1/sessions/{a}/results", None),
    ("POST", "/v1/sessions/{a}/integrity", {"events": [{"id": "paste-0001", "kind": "paste", "chars": 5}]}),
]
INTERNAL_ROUTES = [
    ("GET", "/v1/internal/sessions/{a}/context", None),
    ("POST", "/v1/internal/sessions/{a}/start", None),
    ("POST", "/v1/internal/sessions/{a}/events", {"events": [{"idempotency_key": "k", "type": "note"}]}),
    ("POST", "/v1/internal/sessions/{a}/complete", {}),
    ("POST", "/v1/internal/sessions/{a}/runs", RUN_BODY),
    ("POST", "/v1/internal/practice", {}),
]


async def _call(w: World, method: str, path: str, body: Any, who: str) -> Any:
    return await w.server.client.request(method, path.format(a=w.a["id"]), json=body, headers=w.headers(who))


async def _unchanged(db: Conn, w: World) -> None:
    cur = await db.execute("select status from sessions where id = %s", (w.a["id"],))
    assert (await cur.fetchone())["status"] == "scheduled"  # type: ignore[index]  # session a exists
    cur = await db.execute("select count(*) as n from session_events")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row
    cur = await db.execute("select count(*) as n from submissions")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row
    cur = await db.execute("select count(*) as n from session_drafts")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row
    cur = await db.execute(
        "select count(*) as n from organizations where allow_text_only or embed_origins <> '{}'"
    )
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row
    cur = await db.execute("select text_only from sessions where id = %s", (w.a["id"],))
    assert (await cur.fetchone())["text_only"] is False  # type: ignore[index]  # session a exists
    cur = await db.execute("select count(*) as n from legal_holds")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row
    cur = await db.execute("select count(*) as n from api_keys")  # each organisation's first, no other
    assert (await cur.fetchone())["n"] == 2  # type: ignore[index]  # count(*) returns a row


def _assert_no_data_of(text: str, session: dict[str, Any]) -> None:
    assert session["id"] not in text
    assert session["invite"] not in text
    assert "Secret JD" not in text


# --- organisation routes -------------------------------------------------------------------------------------


ORG_REFUSALS = [
    ("none", "missing_credentials"),
    ("garbage", "invalid_api_key"),
    ("other_invite", "invalid_api_key"),
    ("own_invite", "invalid_api_key"),
    ("expired_invite", "invalid_api_key"),
    ("internal", "invalid_api_key"),
]


@pytest.mark.parametrize(("method", "path", "body"), ORG_ROUTES)
async def test_org_route_refuses_non_org_credentials_with_401(
    world: World, db: Conn, method: str, path: str, body: Any
) -> None:
    for who, code in ORG_REFUSALS:
        r = await _call(world, method, path, body, who)
        assert (r.status_code, r.json()["error"]["code"]) == (401, code), who
        _assert_no_data_of(r.text, world.a)
    await _unchanged(db, world)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/sessions/{a}", None),
        ("POST", "/v1/sessions/{a}/cancel", None),
        ("POST", "/v1/sessions/{a}/grade", None),
        ("GET", "/v1/sessions/{a}/scorecard", None),
        ("GET", "/v1/sessions/{a}/scorecards", None),
        ("POST", "/v1/sessions/{a}/share", None),
        ("GET", "/v1/sessions/{a}/share", None),
        ("GET", "/v1/sessions/{a}/ats-callbacks", None),
        ("POST", "/v1/sessions/{a}/ats-callbacks/00000000-0000-4000-8000-000000000000/send-again", None),
        ("PATCH", "/v1/sessions/{a}", {"text_only": True}),
        ("GET", "/v1/sessions/{a}/report", None),
        ("GET", "/v1/sessions/{a}/timeline", None),
        ("GET", "/v1/sessions/{a}/report.pdf", None),
        ("GET", "/v1/sessions/{a}/artifacts", None),
        ("POST", "/v1/sessions/{a}/legal-hold", {"reason": "Dispute 2026-114"}),
        ("DELETE", "/v1/sessions/{a}/legal-hold", None),
        ("GET", "/v1/sessions/{a}/legal-holds", None),
        ("DELETE", "/v1/sessions/{a}", None),
    ],
)
async def test_another_orgs_session_is_404_for_org_routes(
    world: World, db: Conn, method: str, path: str, body: Any
) -> None:
    r = await _call(world, method, path, body, "other_org")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "session_not_found"
    _assert_no_data_of(r.text, world.a)
    await _unchanged(db, world)


async def test_organization_routes_only_ever_touch_the_callers_organisation(world: World, db: Conn) -> None:
    r = await _call(world, "PATCH", "/v1/organization", {"allow_text_only": True}, "other_org")
    assert r.status_code == 200 and r.json()["name"] == "Other Org"
    mine = await _call(world, "GET", "/v1/organization", None, "org")
    assert mine.json()["allow_text_only"] is False and mine.json()["name"] == "Acme Hiring"


async def test_another_orgs_list_never_shows_this_orgs_sessions(world: World) -> None:
    r = await _call(world, "GET", "/v1/sessions", None, "other_org")
    assert r.status_code == 200
    assert [s["id"] for s in r.json()["data"]] == [world.c["id"]]
    _assert_no_data_of(r.text, world.a)


async def test_another_orgs_status_filter_and_cursor_never_reach_this_orgs_sessions(world: World) -> None:
    # A cursor is bound to its query (filters and sort); replayed by another organisation with the same query, it
    # still reads only that organisation's sessions.
    mine = await world.server.client.get(
        "/v1/sessions", params={"limit": 1, "status": "scheduled"}, headers=world.headers("org")
    )
    cursor = mine.json()["next_cursor"]
    assert cursor
    r = await world.server.client.get(
        "/v1/sessions", params={"cursor": cursor, "status": "scheduled"}, headers=world.headers("other_org")
    )
    assert r.status_code == 200
    assert all(s["id"] == world.c["id"] for s in r.json()["data"])


# --- candidate routes ----------------------------------------------------------------------------------------


CANDIDATE_REFUSALS = [
    ("none", 401, "missing_credentials"),
    ("org", 401, "invalid_invite"),
    ("other_org", 401, "invalid_invite"),
    ("internal", 401, "invalid_invite"),
    ("other_invite", 404, "session_not_found"),
    ("expired_invite", 410, "invite_expired"),
]


@pytest.mark.parametrize(("method", "path", "body"), CANDIDATE_SESSION_ROUTES)
async def test_candidate_session_route_refuses_wrong_callers(
    world: World, db: Conn, method: str, path: str, body: Any
) -> None:
    for who, status, code in CANDIDATE_REFUSALS:
        r = await _call(world, method, path, body, who)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), who
        _assert_no_data_of(r.text, world.a)
    await _unchanged(db, world)


async def test_livekit_token_route_refuses_wrong_callers(world: World) -> None:
    for who, status, code in CANDIDATE_REFUSALS:
        if who == "other_invite":
            continue  # a valid invite for its own session: see the next test
        r = await world.server.client.post("/v1/livekit/token", json={}, headers=world.headers(who))
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), who


async def test_livekit_token_with_another_sessions_invite_never_opens_this_sessions_room(
    world: World,
) -> None:
    named = await world.server.client.post(
        "/v1/livekit/token",
        json={"room_name": f"shadows-{world.a['id']}"},
        headers=world.headers("other_invite"),
    )
    assert named.status_code == 403
    _assert_no_data_of(named.text, world.a)
    await world.server.consent(world.b)
    unnamed = await world.server.client.post(
        "/v1/livekit/token", json={}, headers=world.headers("other_invite")
    )
    assert unnamed.status_code == 201
    claims = jwt.decode(unnamed.json()["participant_token"], options={"verify_signature": False})
    assert claims["video"]["room"] == f"shadows-{world.b['id']}"
    assert claims["sub"] == f"candidate-{world.b['id']}"


async def test_join_refuses_bad_invites(world: World) -> None:
    for value, status, code in [
        (world.server.org_key, 401, "invalid_invite"),
        (world.other_org_key, 401, "invalid_invite"),
        (world.server.internal_token, 401, "invalid_invite"),
        (world.expired["invite"], 410, "invite_expired"),
        ("inv_" + "Z" * 43, 401, "invalid_invite"),
    ]:
        r = await world.server.client.post("/v1/join", json={"invite": value})
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), code
        _assert_no_data_of(r.text, world.a)


async def test_join_without_an_invite_is_refused_naming_the_invite_field(world: World) -> None:
    # /v1/join carries its credential in the body, so a missing one is a validation error on that field.
    r = await world.server.client.post("/v1/join", json={})
    assert r.status_code == 422
    assert r.json()["error"]["message"].startswith("invite:")


async def test_join_with_another_sessions_invite_returns_only_that_session(world: World) -> None:
    r = await world.server.client.post("/v1/join", json={"invite": world.b["invite"]})
    assert r.status_code == 200
    assert r.json()["session"]["id"] == world.b["id"]
    _assert_no_data_of(r.text, world.a)


@pytest.mark.parametrize("ending", ["cancelled", "completed", "abandoned"])
async def test_join_finished_or_cancelled_session_is_409(world: World, db: Conn, ending: str) -> None:
    await db.execute("update sessions set status = %s where id = %s", (ending, world.a["id"]))
    r = await world.server.client.post("/v1/join", json={"invite": world.a["invite"]})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == ("session_cancelled" if ending == "cancelled" else "session_finished")


# --- internal routes -----------------------------------------------------------------------------------------


INTERNAL_REFUSALS = [
    ("none", "missing_credentials"),
    ("org", "invalid_service_token"),
    ("other_org", "invalid_service_token"),
    ("own_invite", "invalid_service_token"),
    ("other_invite", "invalid_service_token"),
    ("expired_invite", "invalid_service_token"),
]


@pytest.mark.parametrize(("method", "path", "body"), INTERNAL_ROUTES)
async def test_internal_route_refuses_org_keys_and_invites_with_401(
    world: World, db: Conn, method: str, path: str, body: Any
) -> None:
    for who, code in INTERNAL_REFUSALS:
        r = await _call(world, method, path, body, who)
        assert (r.status_code, r.json()["error"]["code"]) == (401, code), who
        _assert_no_data_of(r.text, world.a)
    await _unchanged(db, world)
    cur = await db.execute("select count(*) as n from sessions where practice")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row


async def test_internal_token_with_wrong_scheme_is_401(world: World) -> None:
    r = await world.server.client.get(
        f"/v1/internal/sessions/{world.a['id']}/context",
        headers={"Authorization": f"Basic {world.server.internal_token}"},
    )
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "missing_credentials"


# --- public routes -------------------------------------------------------------------------------------------


async def test_health_routes_need_no_credentials(world: World) -> None:
    for path in ("/healthz", "/readyz", "/metrics"):
        r = await world.server.client.get(path)
        assert r.status_code == 200, path


async def test_revoked_org_key_is_401_on_every_org_route(world: World, db: Conn) -> None:
    await db.execute(
        "update api_keys set revoked_at = now() where organization_id = %s", (world.server.org_id,)
    )
    for method, path, body in ORG_ROUTES:
        r = await _call(world, method, path, body, "org")
        assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_api_key"), path
    await _unchanged(db, world)


async def test_oversized_bearer_token_is_401_without_a_lookup(world: World) -> None:
    r = await world.server.client.get("/v1/sessions", headers={"Authorization": "Bearer " + "k" * 600})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_credentials")


# --- report routes (an organisation key, or a practice candidate's invite for the coaching view) ---------------

REPORT_ROUTES = [
    ("GET", "/v1/sessions/{a}/report"),
    ("GET", "/v1/sessions/{a}/timeline"),
    ("GET", "/v1/sessions/{a}/report.pdf"),
    ("POST", "/v1/sessions/{a}/coaching-link"),
]
REPORT_REFUSALS = [
    ("none", 401, "missing_credentials"),
    ("garbage", 401, "invalid_api_key"),
    ("internal", 401, "invalid_api_key"),
    ("other_org", 404, "session_not_found"),
    ("other_invite", 404, "session_not_found"),
    ("expired_invite", 404, "session_not_found"),
    ("own_invite", 403, "report_not_shared"),  # an organisation's candidate: the results go to the company
]


@pytest.mark.parametrize(("method", "path"), REPORT_ROUTES)
async def test_report_routes_refuse_wrong_callers(world: World, db: Conn, method: str, path: str) -> None:
    for who, status, code in REPORT_REFUSALS:
        r = await _call(world, method, path, None, who)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), who
        _assert_no_data_of(r.text, world.a)
    await _unchanged(db, world)


async def test_share_and_view_tokens_are_not_credentials_for_api_routes(world: World) -> None:
    r = await world.server.client.post(
        f"/v1/sessions/{world.a['id']}/share", json={}, headers=world.headers("org")
    )
    share = r.json()["report_url"].rsplit("/", 1)[1]
    page = await world.server.client.get(f"/v1/sessions/{world.a['id']}/report", headers=world.headers("org"))
    view = page.text.split('data-timeline-url="/v1/reports/', 1)[1].split("/", 1)[0]
    for token in (share, view):
        for method, path, body in [*ORG_ROUTES, *CANDIDATE_SESSION_ROUTES, *INTERNAL_ROUTES]:
            r = await world.server.client.request(
                method, path.format(a=world.a["id"]), json=body, headers={"Authorization": f"Bearer {token}"}
            )
            assert r.status_code == 401, (token[:4], method, path)
        for method, path in REPORT_ROUTES:
            r = await world.server.client.request(
                method, path.format(a=world.a["id"]), headers={"Authorization": f"Bearer {token}"}
            )
            assert r.status_code == 401, (token[:4], method, path)


async def test_artifact_downloads_need_a_signed_token(world: World) -> None:
    page = await world.server.client.get(f"/v1/sessions/{world.a['id']}/report", headers=world.headers("org"))
    view = page.text.split('data-timeline-url="/v1/reports/', 1)[1].split("/", 1)[0]  # a timeline grant
    for token in ("sha_x", "shr_" + "A" * 75, world.server.org_key, "..", view):
        r = await world.server.client.get(f"/v1/artifacts/{token}/session.json")
        assert r.status_code == 404, token


# --- run gating happens after authentication -------------------------------------------------------------------


# Routes a candidate uses before the interview starts (the welcome, consent, the start itself, and reading an empty
# workspace): the not-started gate does not apply to them.
BEFORE_START = {"consent", "accommodation-requests", "start", "drafts", "results"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        r
        for r in CANDIDATE_SESSION_ROUTES
        if not (r[0] in ("POST", "GET") and r[1].rsplit("/", 1)[1] in BEFORE_START)
    ],
)
async def test_own_invite_on_a_session_that_has_not_started_is_409_and_changes_nothing(
    world: World, db: Conn, method: str, path: str, body: Any
) -> None:
    r = await _call(world, method, path, body, "own_invite")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "session_not_started")
    await _unchanged(db, world)
    cur = await db.execute("select count(*) as n from session_run_leases")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row


@pytest.mark.parametrize(("method", "path", "body"), CANDIDATE_SESSION_ROUTES)
async def test_wrong_callers_of_a_started_session_are_refused_before_any_run_gate(
    world: World, db: Conn, method: str, path: str, body: Any
) -> None:
    await db.execute(
        "update sessions set status = 'in_progress', started_at = now() where id = %s", (world.a["id"],)
    )
    for who, status, code in CANDIDATE_REFUSALS:
        r = await _call(world, method, path, body, who)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), who
        _assert_no_data_of(r.text, world.a)
    cur = await db.execute("select count(*) as n from submissions")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row
    cur = await db.execute("select count(*) as n from session_run_leases")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [r for r in [*ORG_ROUTES, *CANDIDATE_SESSION_ROUTES, *INTERNAL_ROUTES] if "{a}" in r[1]],
)
async def test_malformed_session_id_is_404_for_every_caller_even_without_credentials(
    world: World, method: str, path: str, body: Any
) -> None:
    bad = path.replace("{a}", "ses_%00")
    for who in ("none", "org", "own_invite", "internal"):
        r = await world.server.client.request(method, bad, json=body, headers=world.headers(who))
        assert r.status_code in (401, 404), (who, r.status_code)
        _assert_no_data_of(r.text, world.a)


# --- every route is in the matrix --------------------------------------------------------------------------------

# Routes whose wrong callers are proven elsewhere, by a matrix of their own (and why they are not in the lists above).
ELSEWHERE = {
    "GET /healthz": "public: test_health_routes_need_no_credentials",
    "GET /readyz": "public: test_health_routes_need_no_credentials",
    "POST /v1/join": "the invite is in the body: test_join_refuses_bad_invites",
    "POST /v1/livekit/token": "test_livekit_token_route_refuses_wrong_callers",
    "POST /v1/practice": "anonymous by design, rate-limited: test_practice.py, test_proxies_ratelimits.py",
    "POST /v1/livekit/webhook": "LiveKit's signature: test_livekit_webhook.py",
    "GET /v1/sessions/{session_id}/scorecard": "org or practice invite: test_scorecards.py",
    "GET /v1/sessions/{session_id}/scorecards": "org or practice invite: test_scorecards.py",
    "GET /v1/reports/{token}": "a share link: test_share_links.py",
    "GET /v1/reports/{token}/timeline": "a share or view token: test_share_links.py, test_report_routes.py",
}


def _key(method: str, template: str) -> str:
    path = template.replace("{a}", "{session_id}").split("?", 1)[0]
    path = path.replace("{e}", "{endpoint_id}").replace("{d}", "{delivery_id}").replace("{s}", "{session_id}")
    path = path.replace("/drafts/python", "/drafts/{language}")
    path = path.replace("/share/00000000-0000-4000-8000-000000000000", "/share/{link_id}")
    path = path.replace("/api-keys/00000000-0000-4000-8000-000000000000", "/api-keys/{key_id}")
    path = path.replace("/ats-callbacks/00000000-0000-4000-8000-000000000000", "/ats-callbacks/{callback_id}")
    return f"{method} {path}"


async def test_every_route_is_in_an_auth_matrix(api_server: ApiServer) -> None:
    # A new route must join a matrix (or ELSEWHERE, naming the test that proves its callers) before it ships.
    from tests.api import test_integrations_auth_matrix as ats

    doc = (await api_server.client.get("/openapi.json", headers=api_server.internal_headers())).json()
    operations = {f"{m.upper()} {p}" for p, ops in doc["paths"].items() for m in ops}
    matrix = {
        _key(m, p)
        for m, p, *_ in [
            *ORG_ROUTES,
            *CANDIDATE_SESSION_ROUTES,
            *INTERNAL_ROUTES,
            *REPORT_ROUTES,
            *ats.ORG_ROUTES,
        ]
    } | {_key(m, p) for _, m, p, _ in ats.PARTNER_ROUTES}
    assert operations - matrix - set(ELSEWHERE) == set()
    assert (matrix | set(ELSEWHERE)) - operations == set()  # nothing stale
