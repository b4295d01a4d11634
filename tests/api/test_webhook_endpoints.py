"""Webhook endpoints (create, read, update, delete, rotate), and the outbox rows every state change writes in its
own transaction (no worker here: what is queued, not what is sent)."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo, sessions_repo, webhooks_repo
from api.sealing import sealer
from api.webhooks.events import EVENT_TYPES
from tests.api.integration_support import ALL_TYPES, create_endpoint, delivery_rows, log_of
from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`, `db_url`) reach that database. Deliveries are only queued
# (the outbox's SQL defers their jobs): the app runs no worker or task of its own that could outlive a test.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()
URL = "http://127.0.0.1:9/hooks"  # never called: no worker runs in this file


async def test_event_types_are_the_tables_rows_and_the_issues_eight(db: Conn) -> None:
    cur = await db.execute("select type from webhook_event_types")
    assert {r["type"] for r in await cur.fetchall()} == set(EVENT_TYPES) == set(ALL_TYPES)


async def test_create_shows_a_standard_webhooks_secret_once_and_stores_it_sealed(
    api_server: ApiServer, db: Conn
) -> None:
    created = await create_endpoint(
        api_server, URL, ["session.completed", "scorecard.ready", "session.completed"]
    )
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert created["event_types"] == [
        "session.completed",
        "scorecard.ready",
    ]  # duplicates dropped, order kept
    assert created["enabled"] is True

    read = await api_server.client.get(
        f"/v1/webhook-endpoints/{created['id']}", headers=api_server.org_headers()
    )
    listed = await api_server.client.get("/v1/webhook-endpoints", headers=api_server.org_headers())
    for text in (read.text, listed.text):
        assert secret not in text and 'secret"' not in text
    assert [e["id"] for e in listed.json()["data"]] == [created["id"]]

    cur = await db.execute("select secret from webhook_endpoints where id = %s", (created["id"],))
    stored = (await cur.fetchone())["secret"]  # type: ignore[index]  # the row exists
    assert stored != secret and secret.removeprefix("whsec_") not in stored
    assert sealer(api_server.settings).open(stored) == secret


async def test_two_endpoints_never_share_a_secret(api_server: ApiServer) -> None:
    a = await create_endpoint(api_server, URL)
    b = await create_endpoint(api_server, URL)
    assert a["secret"] != b["secret"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": URL, "event_types": []}, "event_types"),
        ({"url": URL, "event_types": ["session.deleted"]}, "event_types.0"),
        ({"url": URL, "event_types": ["*"]}, "event_types.0"),
        ({"url": "", "event_types": ALL_TYPES}, "url"),
        ({"url": "http://127.0.0.1/" + "a" * 2100, "event_types": ALL_TYPES}, "url"),
        ({"url": URL, "event_types": ALL_TYPES, "secret": "whsec_mine"}, "secret"),
        ({"event_types": ALL_TYPES}, "url"),
    ],
)
async def test_create_refuses_bad_bodies_naming_the_field(
    api_server: ApiServer, body: dict[str, Any], field: str
) -> None:
    r = await api_server.client.post("/v1/webhook-endpoints", json=body, headers=api_server.org_headers())
    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"].startswith(f"{field}:")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://127.0.0.1/hooks", "scheme_not_allowed"),
        ("http://user:pw@127.0.0.1/hooks", "credentials_in_url"),
        ("http://127.0.0.1/hooks#frag", "invalid_url"),
        ("not a url", "scheme_not_allowed"),
        # A-labels that are not IDNA: httpx parses them and raised only when the host was read (a 500).
        ("http://xn--a.example/hooks", "invalid_url"),
        ("http://xn--greenhouse-.io/hooks", "invalid_url"),
    ],
)
async def test_create_refuses_unusable_urls_even_without_the_guard(
    api_server: ApiServer, url: str, code: str
) -> None:
    r = await api_server.client.post(
        "/v1/webhook-endpoints", json={"url": url, "event_types": ALL_TYPES}, headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["error"]["code"]) == (422, code)


async def test_urls_are_stored_as_the_request_will_go_and_their_encoded_length_is_bounded(
    api_server: ApiServer,
) -> None:
    # The URL was stored as sent: a scheme in capitals passed the check (schemes are case-insensitive) and failed
    # the column's (`^https?://`), a 500; a URL whose percent-encoding runs past 2,000 characters would too.
    h = api_server.org_headers()
    r = await api_server.client.post(
        "/v1/webhook-endpoints",
        json={"url": "HTTP://127.0.0.1:9/Hooks/é", "event_types": ALL_TYPES},
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert r.json()["url"] == "http://127.0.0.1:9/Hooks/%C3%A9"
    patched = await api_server.client.patch(
        f"/v1/webhook-endpoints/{r.json()['id']}", json={"url": "Https://127.0.0.1:9/x"}, headers=h
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["url"] == "https://127.0.0.1:9/x"
    long = "http://127.0.0.1:9/" + "é" * 400  # 419 characters as sent, 2,419 once encoded
    for method, path in (
        ("POST", "/v1/webhook-endpoints"),
        ("PATCH", f"/v1/webhook-endpoints/{r.json()['id']}"),
    ):
        body: dict[str, Any] = {"url": long} | ({"event_types": ALL_TYPES} if method == "POST" else {})
        refused = await api_server.client.request(method, path, json=body, headers=h)
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid_url"), refused.text


async def test_an_organisation_has_a_bounded_number_of_endpoints(api_server: ApiServer, db: Conn) -> None:
    await db.execute(
        """
        insert into webhook_endpoints (organization_id, url, secret, event_types)
        select %s, 'http://127.0.0.1:9/x', 'sealed', array['session.completed'] from generate_series(1, %s)
        """,
        (api_server.org_id, api_server.settings.webhook_max_endpoints),
    )
    r = await api_server.client.post(
        "/v1/webhook-endpoints", json={"url": URL, "event_types": ALL_TYPES}, headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "too_many_endpoints")


async def test_parallel_creates_never_pass_the_endpoint_cap(api_server: ApiServer, db: Conn) -> None:
    # The count was taken before the insert: parallel creates that each saw the last free place all took it.
    cap = api_server.settings.webhook_max_endpoints
    await db.execute(
        """
        insert into webhook_endpoints (organization_id, url, secret, event_types)
        select %s, 'http://127.0.0.1:9/x', 'sealed', array['session.completed'] from generate_series(1, %s)
        """,
        (api_server.org_id, cap - 1),
    )
    replies = await asyncio.gather(
        *(
            api_server.client.post(
                "/v1/webhook-endpoints",
                json={"url": URL, "event_types": ALL_TYPES},
                headers=api_server.org_headers(),
            )
            for _ in range(20)
        )
    )
    assert sorted(r.status_code for r in replies) == [201] + [409] * 19
    cur = await db.execute(
        "select count(*) as n from webhook_endpoints where organization_id = %s", (api_server.org_id,)
    )
    assert (await cur.fetchone())["n"] == cap  # type: ignore[index]  # count(*) returns a row


async def test_patch_changes_only_what_it_names_and_null_clears_the_description(
    api_server: ApiServer,
) -> None:
    e = await create_endpoint(api_server, URL)
    path = f"/v1/webhook-endpoints/{e['id']}"
    r = await api_server.client.patch(
        path, json={"description": "ATS prod"}, headers=api_server.org_headers()
    )
    assert r.json()["description"] == "ATS prod" and r.json()["event_types"] == ALL_TYPES
    r = await api_server.client.patch(
        path, json={"event_types": ["scorecard.ready"], "enabled": False}, headers=api_server.org_headers()
    )
    body = r.json()
    assert (body["event_types"], body["enabled"], body["description"]) == (
        ["scorecard.ready"],
        False,
        "ATS prod",
    )
    assert body["disabled_reason"] == "disabled_by_organization" and body["disabled_at"]
    r = await api_server.client.patch(
        path, json={"description": None, "enabled": True}, headers=api_server.org_headers()
    )
    body = r.json()
    assert (body["description"], body["enabled"], body["disabled_reason"], body["disabled_at"]) == (
        None,
        True,
        None,
        None,
    )
    r = await api_server.client.patch(path, json={"url": "gopher://x"}, headers=api_server.org_headers())
    assert r.status_code == 422
    r = await api_server.client.patch(path, json={"event_types": []}, headers=api_server.org_headers())
    assert r.status_code == 422
    # null for the event types (or the URL) leaves them as they are, as for every other field of a patch.
    r = await api_server.client.patch(
        path, json={"event_types": None, "url": None, "enabled": True}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    assert (r.json()["event_types"], r.json()["url"]) == (["scorecard.ready"], URL)


async def test_delete_removes_the_endpoint_and_its_log(api_server: ApiServer, db: Conn) -> None:
    e = await create_endpoint(api_server, URL)
    await api_server.create_session()
    assert len(await delivery_rows(db, e["id"])) == 1
    r = await api_server.client.delete(f"/v1/webhook-endpoints/{e['id']}", headers=api_server.org_headers())
    assert r.status_code == 204
    assert await delivery_rows(db, e["id"]) == []
    again = await api_server.client.delete(
        f"/v1/webhook-endpoints/{e['id']}", headers=api_server.org_headers()
    )
    assert (again.status_code, again.json()["error"]["code"]) == (404, "endpoint_not_found")


@pytest.mark.parametrize("bad_id", ["nope", "00000000-0000-0000-0000-000000000000", "1' or '1'='1", "%00"])
async def test_unknown_or_malformed_ids_are_404(api_server: ApiServer, bad_id: str) -> None:
    e = await create_endpoint(api_server, URL)
    h = api_server.org_headers()
    for method, path in [
        ("GET", f"/v1/webhook-endpoints/{bad_id}"),
        ("PATCH", f"/v1/webhook-endpoints/{bad_id}"),
        ("DELETE", f"/v1/webhook-endpoints/{bad_id}"),
        ("POST", f"/v1/webhook-endpoints/{bad_id}/rotate-secret"),
        ("GET", f"/v1/webhook-endpoints/{bad_id}/deliveries"),
        ("POST", f"/v1/webhook-endpoints/{e['id']}/deliveries/{bad_id}/replay"),
    ]:
        r = await api_server.client.request(method, path, json={} if method == "PATCH" else None, headers=h)
        assert r.status_code == 404, (method, path, r.text)


# --- the outbox ----------------------------------------------------------------------------------------------


async def test_each_state_change_writes_its_delivery_and_job_in_its_own_transaction(
    api_server: ApiServer, db: Conn
) -> None:
    ep = await create_endpoint(api_server, URL)
    s = await api_server.create_session(
        candidate={"name": "Ada", "email": "ada@example.com", "external_id": "cand-42"},
        metadata={"job_id": "J-7", "application_id": 991},
    )
    rows = await delivery_rows(db, ep["id"])
    assert [r["event_type"] for r in rows] == ["session.scheduled"]
    row = rows[0]
    assert row["status"] == "pending" and row["attempts"] == 0
    assert row["job_lock"] == f"webhook:{ep['id']}:{s['id']}" and row["job_queue"] == "webhooks"
    assert row["message_id"].startswith("msg_") and len(row["message_id"]) == 36
    payload = row["payload"]
    assert payload["type"] == "session.scheduled" and payload["timestamp"].endswith("Z")
    assert payload["data"] == {
        "session_id": s["id"],
        "candidate": {"external_id": "cand-42"},
        "metadata": {"job_id": "J-7", "application_id": 991},
        "status": "scheduled",
    }
    assert "Ada" not in str(payload) and "ada@example.com" not in str(
        payload
    )  # ids only, never contact details


async def test_a_rolled_back_change_leaves_no_event_behind(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    ep = await create_endpoint(api_server, URL)
    s = await api_server.create_session()
    async with await psycopg.AsyncConnection.connect(db_url, row_factory=psycopg.rows.dict_row) as conn:
        await sessions_repo.mark_started(conn, s["id"])  # type: ignore[arg-type]  # a plain connection in a transaction
        await conn.rollback()
    assert [r["event_type"] for r in await delivery_rows(db, ep["id"])] == ["session.scheduled"]
    cur = await db.execute("select count(*) as n from procrastinate_jobs where task_name = 'deliver_webhook'")
    assert (await cur.fetchone())["n"] == 1  # type: ignore[index]  # count(*) returns a row


async def test_session_started_is_emitted_whatever_starts_the_session(
    api_server: ApiServer, db: Conn, webhook: Any
) -> None:
    ep = await create_endpoint(api_server, URL, ["session.started"])
    by_agent = await api_server.create_session()
    by_livekit = await api_server.create_session()
    await api_server.consent(by_livekit)  # joining starts only on the consent in force
    by_sql = await api_server.create_session()
    r = await api_server.agent_start(by_agent)
    assert r.status_code == 200
    body, auth = webhook(
        "participant_joined",
        room=f"shadows-{by_livekit['id']}",
        identity=f"candidate-{by_livekit['id']}",
        event_id="e1",
    )
    r = await api_server.client.post(
        "/v1/livekit/webhook",
        content=body,
        headers={"Authorization": auth, "content-type": "application/json"},
    )
    assert r.json()["status"] == "started"
    await db.execute(
        "update sessions set status = 'in_progress', started_at = now() where id = %s", (by_sql["id"],)
    )
    # Starting again changes nothing and emits nothing.
    await api_server.agent_start(by_agent)
    started = [r["session_id"] for r in await delivery_rows(db, ep["id"])]
    assert sorted(started) == sorted([by_agent["id"], by_livekit["id"], by_sql["id"]])


async def test_end_events_and_the_candidates_rights_events(
    api_server: ApiServer, db: Conn, webhook: Any
) -> None:
    ep = await create_endpoint(api_server, URL)
    done = await api_server.create_session()
    left = await api_server.create_session()
    cancelled = await api_server.create_session()
    h = api_server.internal_headers()
    await api_server.agent_start(done, h)
    await api_server.agent_start(left, h)  # a session never started is not abandoned when its room finishes
    await events_repo.append_events(
        db,
        done["id"],
        [
            events_repo.EventIn(
                "acc-1", "accommodation_request", {"kind": "human_interview", "message": "Please."}
            ),
            events_repo.EventIn("note-1", "note", {"text": "not an org event"}),
        ],
    )
    await api_server.client.post(f"/v1/internal/sessions/{done['id']}/complete", json={}, headers=h)
    body, auth = webhook("room_finished", room=f"shadows-{left['id']}", event_id="rf1")
    await api_server.client.post(
        "/v1/livekit/webhook",
        content=body,
        headers={"Authorization": auth, "content-type": "application/json"},
    )
    await api_server.client.post(f"/v1/sessions/{cancelled['id']}/cancel", headers=api_server.org_headers())

    by_session: dict[str, list[dict[str, Any]]] = {}
    for r in await delivery_rows(db, ep["id"]):
        by_session.setdefault(r["session_id"], []).append(r["payload"])
    assert [p["type"] for p in by_session[done["id"]]] == [
        "session.scheduled",
        "session.consent_given",  # the candidate's, before the interviewer's start
        "session.started",
        "session.accommodation_requested",
        "session.completed",
    ]
    consent = by_session[done["id"]][1]["data"]["consent"]
    cur = await db.execute(
        "select payload from session_events where session_id = %s and type = 'consent'", (done["id"],)
    )
    [agreed] = [row["payload"] for row in await cur.fetchall()]
    assert consent == {k: agreed[k] for k in ("notice_version", "notice_sha256", "agreed_at")}
    request = by_session[done["id"]][3]["data"]["accommodation_request"]
    assert (request["kind"], request["message"]) == ("human_interview", "Please.")
    assert by_session[done["id"]][4]["data"]["end_reason"] == "completed"
    assert [p["type"] for p in by_session[left["id"]]] == [
        "session.scheduled",
        "session.consent_given",
        "session.started",
        "session.abandoned",
    ]
    assert [p["type"] for p in by_session[cancelled["id"]]] == ["session.scheduled", "session.cancelled"]
    # One session's events were numbered (job ids) in the order they happened.
    rows = [r for r in await delivery_rows(db, ep["id"]) if r["session_id"] == done["id"]]
    cur = await db.execute(
        "select id, args->>'delivery_id' as d from procrastinate_jobs where task_name = 'deliver_webhook' order by id"
    )
    job_order = [j["d"] for j in await cur.fetchall()]
    assert [str(r["id"]) for r in rows] == [d for d in job_order if d in {str(r["id"]) for r in rows}]


async def test_only_subscribed_enabled_endpoints_of_the_sessions_organisation_get_events(
    api_server: ApiServer, db: Conn
) -> None:
    subscribed = await create_endpoint(api_server, URL, ["session.scheduled"])
    other_type = await create_endpoint(api_server, URL, ["scorecard.ready"])
    disabled = await create_endpoint(api_server, URL, ["session.scheduled"])
    await api_server.client.patch(
        f"/v1/webhook-endpoints/{disabled['id']}", json={"enabled": False}, headers=api_server.org_headers()
    )
    _, other_key = await api_server.create_org("Other Org")
    foreign = await create_endpoint(api_server, URL, ["session.scheduled"], key=other_key)
    await api_server.create_session()
    r = await api_server.client.post("/v1/practice", json={"name": "Grace"})
    assert r.status_code == 201  # practice sessions have no organisation: no events
    counts = {
        e["id"]: len(await delivery_rows(db, e["id"])) for e in (subscribed, other_type, disabled, foreign)
    }
    assert counts == {subscribed["id"]: 1, other_type["id"]: 0, disabled["id"]: 0, foreign["id"]: 0}


async def test_delivery_log_pages_newest_first_and_filters_by_status(api_server: ApiServer, db: Conn) -> None:
    ep = await create_endpoint(api_server, URL, ["session.scheduled"])
    for _ in range(5):
        await api_server.create_session()
    first = await api_server.client.get(
        f"/v1/webhook-endpoints/{ep['id']}/deliveries", params={"limit": 2}, headers=api_server.org_headers()
    )
    page = first.json()
    assert len(page["data"]) == 2 and page["next_cursor"]
    seen = [d["id"] for d in page["data"]]
    cursor = page["next_cursor"]
    while cursor:
        r = await api_server.client.get(
            f"/v1/webhook-endpoints/{ep['id']}/deliveries",
            params={"limit": 2, "cursor": cursor},
            headers=api_server.org_headers(),
        )
        seen += [d["id"] for d in r.json()["data"]]
        cursor = r.json()["next_cursor"]
    rows = await delivery_rows(db, ep["id"])
    assert seen == [str(r["id"]) for r in reversed(rows)]
    assert len(await log_of(api_server, ep["id"], status="pending")) == 5
    assert await log_of(api_server, ep["id"], status="delivered") == []
    bad = await api_server.client.get(
        f"/v1/webhook-endpoints/{ep['id']}/deliveries",
        params={"cursor": "%%%"},
        headers=api_server.org_headers(),
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_cursor")


async def test_replay_refuses_a_pending_delivery(api_server: ApiServer, db: Conn) -> None:
    ep = await create_endpoint(api_server, URL, ["session.scheduled"])
    await api_server.create_session()
    (d,) = await log_of(api_server, ep["id"])
    r = await api_server.client.post(
        f"/v1/webhook-endpoints/{ep['id']}/deliveries/{d['id']}/replay", headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "delivery_pending")


async def test_replay_waits_for_a_request_still_in_flight(api_server: ApiServer, db: Conn) -> None:
    # A 410 from another delivery disables the endpoint and fails this one while a worker is still sending it (it
    # holds the endpoint's lease for it); the organisation enables the endpoint again at once. A replay then would
    # put a second request of the same delivery on the wire beside the first.
    ep = await create_endpoint(api_server, URL, ["session.scheduled"])
    await api_server.create_session()
    (d,) = await log_of(api_server, ep["id"])
    await db.execute(
        "insert into outbound_leases (organization_id, target, holder_id, expires_at) "
        "select organization_id, 'webhook:' || id::text, %s, now() + interval '40 seconds' "
        "from webhook_endpoints where id = %s",
        (d["id"], ep["id"]),
    )
    await db.execute(
        "update webhook_deliveries set status = 'failed', last_error = 'endpoint_disabled' where id = %s",
        (d["id"],),
    )
    replay = f"/v1/webhook-endpoints/{ep['id']}/deliveries/{d['id']}/replay"
    r = await api_server.client.post(replay, headers=api_server.org_headers())
    assert (r.status_code, r.json()["error"]["code"]) == (409, "delivery_in_flight")
    assert [x["status"] for x in await log_of(api_server, ep["id"])] == ["failed"]  # nothing changed
    # Once that request has ended (its lease released, or expired after a crash), the replay goes ahead.
    await db.execute("update outbound_leases set expires_at = now() where holder_id = %s", (d["id"],))
    r = await api_server.client.post(replay, headers=api_server.org_headers())
    assert r.status_code == 202 and r.json()["status"] == "pending"


async def test_rotation_keeps_the_previous_secret_signing_for_24_hours(
    api_server: ApiServer, db: Conn
) -> None:
    ep = await create_endpoint(api_server, URL)
    r = await api_server.client.post(
        f"/v1/webhook-endpoints/{ep['id']}/rotate-secret", headers=api_server.org_headers()
    )
    assert r.status_code == 200
    rotated = r.json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != ep["secret"]
    cur = await db.execute(
        """
        select e.secret, r.secret as previous_secret, extract(epoch from r.expires_at - now()) as left_s
        from webhook_endpoints e join webhook_retired_secrets r on r.endpoint_id = e.id where e.id = %s
        """,
        (ep["id"],),
    )
    row = await cur.fetchone()
    assert row is not None
    seal = sealer(api_server.settings)
    assert (seal.open(row["secret"]), seal.open(row["previous_secret"])) == (rotated["secret"], ep["secret"])
    assert 24 * 3600 - 60 < float(row["left_s"]) <= 24 * 3600


async def test_rotations_within_the_overlap_keep_the_newest_retired_secrets_signing_up_to_the_cap(
    api_server: ApiServer, db: Conn
) -> None:
    ep = await create_endpoint(api_server, URL)
    issued = [ep["secret"]]
    for _ in range(webhooks_repo.MAX_RETIRED_SECRETS + 2):
        r = await api_server.client.post(
            f"/v1/webhook-endpoints/{ep['id']}/rotate-secret", headers=api_server.org_headers()
        )
        assert r.status_code == 200, r.text
        issued.append(r.json()["secret"])
    row = await webhooks_repo.load_for_delivery(db, await _any_delivery(api_server, db, ep["id"]))
    assert row is not None
    seal = sealer(api_server.settings)
    # The current secret, then the newest retired ones, newest first; the oldest two no longer sign.
    signing = [seal.open(row["secret"]), *(seal.open(s) for s in row["retired_secrets"])]
    assert signing == list(reversed(issued))[: webhooks_repo.MAX_RETIRED_SECRETS + 1]


async def _any_delivery(server: ApiServer, db: Conn, endpoint_id: str) -> Any:
    await server.create_session()
    (delivery,) = await delivery_rows(db, endpoint_id)
    return delivery["id"]


async def test_a_replay_that_the_endpoints_deletion_overtook_is_404(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    # The route found the delivery, the endpoint's deletion (its log with it) committed, and the replay then found
    # nothing to send again: it answered 409 `delivery_in_flight`, as if a request of it were still on the wire.
    ep = await create_endpoint(api_server, URL, ["session.scheduled"])
    await api_server.create_session()
    (d,) = await log_of(api_server, ep["id"])
    await db.execute("update webhook_deliveries set status = 'failed' where id = %s", (d["id"],))
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute("select 1 from webhook_deliveries where id = %s for update", (d["id"],))
            replay = asyncio.create_task(
                api_server.client.post(
                    f"/v1/webhook-endpoints/{ep['id']}/deliveries/{d['id']}/replay",
                    headers=api_server.org_headers(),
                )
            )
            await until_blocked(db, replay, "the replay")
            await locker.execute("delete from webhook_endpoints where id = %s", (ep["id"],))
        r = await replay
    assert (r.status_code, r.json()["error"]["code"]) == (404, "delivery_not_found"), r.text


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("http://localhost.:9/hooks", "http://localhost:9/hooks"),
        ("http://LOCALHOST.:9/hooks?a=1", "http://localhost:9/hooks?a=1"),
        ("http://localhost:9/hooks", "http://localhost:9/hooks"),
        ("http://127.0.0.1:9", "http://127.0.0.1:9"),
    ],
)
async def test_a_host_names_final_dot_is_dropped_from_the_stored_url(
    api_server: ApiServer, url: str, stored: str
) -> None:
    # Kept, "localhost." went on in the Host header and TLS's server name (which certificates do not carry).
    r = await api_server.client.post(
        "/v1/webhook-endpoints", json={"url": url, "event_types": ALL_TYPES}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    assert r.json()["url"] == stored


@pytest.mark.parametrize(
    "url", ["http://a..example.com/x", "http://.example.com/x", f"http://{'a' * 64}.example.com/x"]
)
async def test_a_host_name_dns_cannot_hold_is_refused(api_server: ApiServer, url: str) -> None:
    # Without the guard nothing is looked up: such a name was stored, and every delivery to it failed.
    r = await api_server.client.post(
        "/v1/webhook-endpoints", json={"url": url, "event_types": ALL_TYPES}, headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_url"), r.text
