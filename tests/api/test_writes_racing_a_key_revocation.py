"""A write an organisation key asked for, racing that key's revocation. The key was checked once, when the request was
let in; a request that then waited (on a slow name server resolving a webhook URL, on a lock) wrote after the revocation
had committed: a revoked key minted a live API key or ATS key, registered or redirected a receiver of every later event,
took its signing secret, minted a share link that outlives it, changed the organisation's settings (the origins that may
frame its candidate pages), placed or lifted a legal hold, erased a session, scheduled a session (an invite handed out,
an interview paid for), cancelled or re-graded one, or replayed a webhook delivery or an ATS call. Revoking a leaked key
left what it was doing in place. Held here deterministically for each such write: the test locks the row the write waits
on, lets the request block there (its key already checked), revokes the key in that transaction and commits. Each must
answer as the key's next request would (401 `invalid_api_key`) and store nothing; a write that comes first is kept, and
the revocation waits for it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from tests.api.integration_support import ALL_TYPES, create_endpoint
from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]
URL = "http://127.0.0.1:9/hooks"  # never called: no worker runs in this file
ADA = {"name": "Ada Lovelace", "email": "ada@example.com"}

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`, and the lock holder's on `db_url`) reach that database.
# Every write a test sends is answered before the test ends: none outlives it into the next test's reset.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()


@dataclass
class Case:
    """The request (method, path, body), the row it waits on (SQL with `{}` params) and what it would change."""

    method: str
    path: str
    body: Any
    lock: tuple[str, tuple[Any, ...]]
    state: tuple[str, tuple[Any, ...]]


Setup = Callable[[ApiServer, str, Conn], Awaitable[Case]]
ORG_LOCK = "select 1 from organizations where id = %s for no key update"


async def _api_key(server: ApiServer, key: str, db: Conn) -> Case:
    org = (server.org_id,)
    return Case("POST", "/v1/api-keys", {"name": "kept"}, (ORG_LOCK, org), _count("api_keys", org))


async def _api_key_revocation(server: ApiServer, key: str, db: Conn) -> Case:
    other = await server.client.post("/v1/api-keys", json={}, headers=server.org_headers())
    assert other.status_code == 201, other.text
    target = other.json()["id"]
    return Case(
        "DELETE",
        f"/v1/api-keys/{target}",
        None,
        (ORG_LOCK, (server.org_id,)),
        ("select revoked_at from api_keys where id = %s", (target,)),
    )


async def _webhook_endpoint(server: ApiServer, key: str, db: Conn) -> Case:
    org = (server.org_id,)
    body = {"url": URL, "event_types": ALL_TYPES}
    return Case("POST", "/v1/webhook-endpoints", body, (ORG_LOCK, org), _count("webhook_endpoints", org))


async def _endpoint(server: ApiServer, key: str) -> tuple[str, tuple[str, tuple[Any, ...]]]:
    endpoint = str((await create_endpoint(server, URL, key=key))["id"])
    return endpoint, ("select 1 from webhook_endpoints where id = %s for update", (endpoint,))


async def _webhook_url(server: ApiServer, key: str, db: Conn) -> Case:
    endpoint, lock = await _endpoint(server, key)
    state = ("select url, event_types, enabled from webhook_endpoints where id = %s", (endpoint,))
    body = {"url": "http://127.0.0.1:9/elsewhere", "enabled": True}
    return Case("PATCH", f"/v1/webhook-endpoints/{endpoint}", body, lock, state)


async def _webhook_secret(server: ApiServer, key: str, db: Conn) -> Case:
    endpoint, lock = await _endpoint(server, key)
    state = ("select secret from webhook_endpoints where id = %s", (endpoint,))
    return Case("POST", f"/v1/webhook-endpoints/{endpoint}/rotate-secret", None, lock, state)


async def _webhook_deletion(server: ApiServer, key: str, db: Conn) -> Case:
    endpoint, lock = await _endpoint(server, key)
    state = ("select count(*) as n from webhook_endpoints where id = %s", (endpoint,))
    return Case("DELETE", f"/v1/webhook-endpoints/{endpoint}", None, lock, state)


async def _session(server: ApiServer, key: str, db: Conn) -> Case:
    """A candidate the organisation's ATS id names: a new session of theirs updates the candidate's row, which the
    test holds (the request has authenticated and read its body by then)."""
    candidate = {"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "race-4821"}
    await server.create_session(key=key, candidate=candidate)
    lock = (
        "select 1 from candidates where organization_id = %s and external_id = %s for update",
        (server.org_id, candidate["external_id"]),
    )
    return Case("POST", "/v1/sessions", {"candidate": candidate}, lock, _count("sessions", (server.org_id,)))


async def _webhook_replay(server: ApiServer, key: str, db: Conn) -> Case:
    """A delivered delivery (as a worker would leave it; none runs here): its replay updates the delivery's row."""
    endpoint = str((await create_endpoint(server, URL, ["session.scheduled"], key=key))["id"])
    await server.create_session(key=key)
    cur = await db.execute(
        "update webhook_deliveries set status = 'delivered', delivered_at = now(), attempts = 1 "
        "where endpoint_id = %s returning id::text as id",
        (endpoint,),
    )
    (delivery,) = await cur.fetchall()
    state = ("select status, replays from webhook_deliveries where id = %s", (delivery["id"],))
    return Case(
        "POST",
        f"/v1/webhook-endpoints/{endpoint}/deliveries/{delivery['id']}/replay",
        None,
        ("select 1 from webhook_deliveries where id = %s for update", (delivery["id"],)),
        state,
    )


async def _greenhouse_key(server: ApiServer, key: str, db: Conn) -> Case:
    org = (server.org_id,)
    return Case("POST", "/v1/integrations/greenhouse/keys", None, (ORG_LOCK, org), _integration_keys(server))


async def _ashby_key(server: ApiServer, key: str, db: Conn) -> Case:
    org = (server.org_id,)
    body = {"ashby_api_key": "ashby-live-key-0001"}
    return Case("POST", "/v1/integrations/ashby/keys", body, (ORG_LOCK, org), _integration_keys(server))


async def _greenhouse_revocation(server: ApiServer, key: str, db: Conn) -> Case:
    r = await server.client.post("/v1/integrations/greenhouse/keys", headers=server.org_headers())
    assert r.status_code == 201, r.text
    lock = (
        "select 1 from integration_keys where organization_id = %s and revoked_at is null for update",
        (server.org_id,),
    )
    return Case("DELETE", "/v1/integrations/greenhouse/keys", None, lock, _integration_keys(server))


async def _share_link(server: ApiServer, key: str, db: Conn) -> Case:
    session = await server.create_session(key=key)
    lock = ("select 1 from sessions where id = %s for update", (session["id"],))
    state = ("select count(*) as n from share_links where session_id = %s", (session["id"],))
    return Case("POST", f"/v1/sessions/{session['id']}/share", {"expires_in_days": 3}, lock, state)


async def _organization(server: ApiServer, key: str, db: Conn) -> Case:
    org = (server.org_id,)
    body = {"embed_origins": ["https://attacker.example"], "retention_days": 30}
    state = ("select embed_origins, retention_days from organizations where id = %s", org)
    return Case("PATCH", "/v1/organization", body, (ORG_LOCK, org), state)


async def _finished_session(server: ApiServer, key: str) -> tuple[str, tuple[str, tuple[Any, ...]]]:
    session = await server.create_session(key=key)
    r = await server.client.post(f"/v1/sessions/{session['id']}/cancel", headers=server.org_headers(key))
    assert r.status_code == 200, r.text
    return str(session["id"]), ("select 1 from sessions where id = %s for update", (session["id"],))


async def _erasure(server: ApiServer, key: str, db: Conn) -> Case:
    session, lock = await _finished_session(server, key)
    state = ("select id, status from sessions where id = %s", (session,))
    return Case("DELETE", f"/v1/sessions/{session}", None, lock, state)


async def _legal_hold(server: ApiServer, key: str, db: Conn) -> Case:
    session, lock = await _finished_session(server, key)
    state = ("select id from legal_holds where session_id = %s", (session,))
    return Case("POST", f"/v1/sessions/{session}/legal-hold", {"reason": "Dispute 2026-114"}, lock, state)


async def _legal_hold_lift(server: ApiServer, key: str, db: Conn) -> Case:
    session, lock = await _finished_session(server, key)
    placed = await server.client.post(
        f"/v1/sessions/{session}/legal-hold",
        json={"reason": "Dispute 2026-114"},
        headers=server.org_headers(),
    )
    assert placed.status_code == 201, placed.text
    state = ("select id, lifted_at from legal_holds where session_id = %s", (session,))
    return Case("DELETE", f"/v1/sessions/{session}/legal-hold", {"reason": "settled"}, lock, state)


async def _cancel(server: ApiServer, key: str, db: Conn) -> Case:
    """A cancel cannot be undone: the invite dies, a running interview ends, the ATS and the receivers are told."""
    session = await server.create_session(key=key)
    lock = ("select 1 from sessions where id = %s for update", (session["id"],))
    state = ("select status, ended_at from sessions where id = %s", (session["id"],))
    return Case("POST", f"/v1/sessions/{session['id']}/cancel", None, lock, state)


async def _regrade(server: ApiServer, key: str, db: Conn) -> Case:
    """A re-grade is a paid grading, and its result is what the ATS and the receivers are sent next."""
    session = await server.create_session(key=key)
    await db.execute(
        "update sessions set status = 'completed', started_at = now() - interval '40 minutes', ended_at = now()"
        " where id = %s",
        (session["id"],),
    )
    lock = ("select 1 from sessions where id = %s for update", (session["id"],))
    state = ("select count(*) as n from scorecards where session_id = %s", (session["id"],))
    return Case("POST", f"/v1/sessions/{session['id']}/grade", None, lock, state)


async def _ats_send_again(server: ApiServer, key: str, db: Conn) -> Case:
    """A call to the ATS sent again (as a webhook replay is to a receiver): it waits on the session's resend lock."""
    session = await server.create_session(key=key)
    cur = await db.execute(
        "insert into ats_callbacks (session_id, organization_id, provider, kind, status, attempts)"
        " values (%s, %s, 'ashby', 'started', 'failed', 4) returning id::text as id",
        (session["id"], server.org_id),
    )
    (call,) = await cur.fetchall()
    lock = ("select pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"ats_resend:{session['id']}",))
    state = ("select count(*) as n from ats_callbacks where session_id = %s", (session["id"],))
    path = f"/v1/sessions/{session['id']}/ats-callbacks/{call['id']}/send-again"
    return Case("POST", path, None, lock, state)


def _count(table: str, org: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    return f"select count(*) as n from {table} where organization_id = %s", org  # a constant name


def _integration_keys(server: ApiServer) -> tuple[str, tuple[Any, ...]]:
    return (
        "select id, revoked_at from integration_keys where organization_id = %s order by id",
        (server.org_id,),
    )


CASES: dict[str, Setup] = {
    "api key": _api_key,
    "api key revocation": _api_key_revocation,
    "webhook endpoint": _webhook_endpoint,
    "webhook url": _webhook_url,
    "webhook secret": _webhook_secret,
    "webhook deletion": _webhook_deletion,
    "webhook replay": _webhook_replay,
    "session": _session,
    "greenhouse key": _greenhouse_key,
    "ashby key": _ashby_key,
    "greenhouse key revocation": _greenhouse_revocation,
    "share link": _share_link,
    "organization settings": _organization,
    "session erasure": _erasure,
    "legal hold": _legal_hold,
    "legal hold lift": _legal_hold_lift,
    "session cancel": _cancel,
    "re-grade": _regrade,
    "ats send again": _ats_send_again,
}


async def _state(db: Conn, case: Case) -> list[dict[str, Any]]:
    cur = await db.execute(case.state[0], case.state[1])  # type: ignore[arg-type]  # constant SQL
    return await cur.fetchall()


async def _issue_key(server: ApiServer) -> tuple[str, str]:
    r = await server.client.post("/v1/api-keys", json={"name": "leaked"}, headers=server.org_headers())
    assert r.status_code == 201, r.text
    return str(r.json()["id"]), str(r.json()["key"])


def _send(server: ApiServer, key: str, case: Case) -> Awaitable[httpx.Response]:
    return server.client.request(
        case.method,
        case.path,
        headers=server.org_headers(key),
        **({"json": case.body} if case.body is not None else {}),
    )


@dataclass
class Raced:
    """What a race left: the key the write used (its id and itself), the case, its state before, the answer."""

    key_id: str
    key: str
    case: Case
    before: list[dict[str, Any]]
    answer: httpx.Response


async def _race(server: ApiServer, db: Conn, db_url: str, name: str, *, revoked_first: bool) -> Raced:
    """The test holds the row the write waits on and lets the write block there (its key already checked). With
    `revoked_first` it revokes the key in that transaction, then commits: the revocation overtakes the write.
    Without, it commits and leaves the key live: the write comes first."""
    key_id, key = await _issue_key(server)
    case = await CASES[name](server, key, db)
    before = await _state(db, case)
    write: asyncio.Task[httpx.Response] | None = None
    try:
        async with await psycopg.AsyncConnection.connect(db_url) as locker:
            async with locker.transaction():
                await locker.execute(case.lock[0], case.lock[1])  # type: ignore[arg-type]  # constant SQL
                write = asyncio.create_task(_send(server, key, case))
                await until_blocked(db, write, f"the {name} write")  # let in: its key was live when checked
                if revoked_first:
                    await locker.execute("update api_keys set revoked_at = now() where id = %s", (key_id,))
            answer = await write
    finally:  # a race that failed on the way leaves no write running into the next test (the loop is the module's)
        if write is not None and not write.done():
            write.cancel()
            await asyncio.gather(write, return_exceptions=True)
    return Raced(key_id, key, case, before, answer)


@pytest.mark.parametrize("name", CASES)
async def test_a_write_that_its_keys_revocation_overtook_is_401_and_stores_nothing(
    api_server: ApiServer, db: Conn, db_url: str, name: str
) -> None:
    raced = await _race(api_server, db, db_url, name, revoked_first=True)
    r = raced.answer
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_api_key"), r.text
    assert await _state(db, raced.case) == raced.before
    again = await _send(api_server, raced.key, raced.case)
    assert (again.status_code, again.json()["error"]["code"]) == (401, "invalid_api_key")


@pytest.mark.parametrize(
    "name",
    [
        "api key",
        "webhook endpoint",
        "share link",
        "session",
        "webhook replay",
        "session cancel",
        "re-grade",
        "ats send again",
    ],
)
async def test_a_write_that_came_first_is_kept_and_the_revocation_waits_for_it(
    api_server: ApiServer, db: Conn, db_url: str, name: str
) -> None:
    raced = await _race(api_server, db, db_url, name, revoked_first=False)  # the write goes through
    revoked = await api_server.client.delete(f"/v1/api-keys/{raced.key_id}", headers=api_server.org_headers())
    assert revoked.status_code == 200, revoked.text
    assert raced.answer.status_code in (200, 201, 202), raced.answer.text  # 202: queued; 200: a cancel
    assert await _state(db, raced.case) != raced.before


async def test_writes_and_the_revocation_at_once_never_deadlock_and_each_gets_a_clear_answer(
    api_server: ApiServer, db: Conn
) -> None:
    """The check takes the key's row last, after any lock on the organisation's row (which a revocation takes before
    the key's): nothing waits in a cycle, so no write is a 503 or 500 of a deadlock, and none that was refused
    stored anything."""
    s = api_server
    key_id, key = await _issue_key(s)
    session, _ = await _finished_session(s, key)
    endpoint, _ = await _endpoint(s, key)
    h = s.org_headers(key)
    writes = [
        *(s.client.post("/v1/api-keys", json={}, headers=h) for _ in range(3)),
        *(
            s.client.post("/v1/webhook-endpoints", json={"url": URL, "event_types": ALL_TYPES}, headers=h)
            for _ in range(3)
        ),
        *(s.client.post(f"/v1/sessions/{session}/share", json={}, headers=h) for _ in range(2)),
        s.client.post(f"/v1/webhook-endpoints/{endpoint}/rotate-secret", headers=h),
        s.client.patch("/v1/organization", json={"retention_days": 45}, headers=h),
        s.client.post(f"/v1/sessions/{session}/legal-hold", json={"reason": "Dispute"}, headers=h),
        s.client.post("/v1/integrations/greenhouse/keys", headers=h),
        *(s.client.post("/v1/sessions", json={"candidate": ADA}, headers=h) for _ in range(2)),
    ]
    *answers, revoked = await asyncio.gather(
        *writes, s.client.delete(f"/v1/api-keys/{key_id}", headers=s.org_headers())
    )
    assert revoked.status_code == 200, revoked.text
    for r in answers:
        assert r.status_code in (200, 201, 401), r.text
        if r.status_code == 401:
            assert r.json()["error"]["code"] == "invalid_api_key"
    issued = sum(1 for r in answers[:3] if r.status_code == 201)
    cur = await db.execute(
        "select count(*) as n from api_keys where organization_id = %s and revoked_at is null", (s.org_id,)
    )
    assert await cur.fetchone() == {"n": 1 + issued}  # the main key and what the leaked one issued in time
