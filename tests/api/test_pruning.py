"""Tables that grew for ever are pruned by the hourly retention job, retention period or not: LiveKit's webhook
dedup, expired share links, revoked integration keys and organisation API keys, old ATS response errors and the
finished part of the webhook delivery log (a pending delivery stays, however old). A LiveKit webhook older than a
day is refused as stale, so an id pruned from the dedup can never be replayed. Found in round 25.

The same job folds the grading usage's changes (a row per change of a scorecard's usage) into its totals, which
only `/metrics` scrapes did before: where nothing scraped, the changes table grew by a row per change for ever."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from api.db.pool import create_pool
from api.jobs import pruning
from api.jobs.pruning import fold_usage_changes, prune
from tests.api.conftest import signed_webhook
from tests.api.grading_support import defer_retention_now, wait_until
from tests.api.integration_support import create_endpoint
from tests.conftest import ApiServer, StartWorker

Conn = psycopg.AsyncConnection[DictRow]


async def _ids(db: Conn, sql: str, *args: object) -> set[str]:
    cur = await db.execute(sql, args)
    return {str(r["id"]) for r in await cur.fetchall()}


async def _seed(api_server: ApiServer, db: Conn) -> dict[str, tuple[list[str], list[str]]]:
    """(spent rows, live rows) per table."""
    now = datetime.now(UTC)
    out: dict[str, tuple[list[str], list[str]]] = {}
    await db.execute(
        "insert into livekit_webhook_events (id, event, room_name, received_at) values"
        " ('EV_old', 'room_finished', null, %s), ('EV_new', 'room_finished', null, %s)",
        (now - timedelta(days=8), now - timedelta(days=6)),
    )
    out["livekit_webhook_events"] = (["EV_old"], ["EV_new"])

    session = await api_server.create_session()
    links = []
    for _ in range(2):
        r = await api_server.client.post(
            f"/v1/sessions/{session['id']}/share", json={}, headers=api_server.org_headers()
        )
        links.append(r.json()["id"])
    await db.execute(
        "update share_links set created_at = %s, expires_at = %s where id = %s",
        (now - timedelta(days=20), now - timedelta(days=2), links[0]),
    )
    out["share_links"] = ([links[0]], [links[1]])

    for _ in range(2):  # the second issue revokes the first
        r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
        assert r.status_code == 201, r.text
    cur = await db.execute(
        "select id, revoked_at from integration_keys where organization_id = %s order by created_at",
        (api_server.org_id,),
    )
    revoked, live = await cur.fetchall()
    assert revoked["revoked_at"] is not None and live["revoked_at"] is None
    await db.execute(
        "update integration_keys set revoked_at = %s where id = %s", (now - timedelta(days=31), revoked["id"])
    )
    out["integration_keys"] = ([str(revoked["id"])], [str(live["id"])])

    api_keys = []
    for age in (31, 29):
        r = await api_server.client.post("/v1/api-keys", headers=api_server.org_headers())
        assert r.status_code == 201, r.text
        api_keys.append(r.json()["id"])
        r = await api_server.client.delete(f"/v1/api-keys/{api_keys[-1]}", headers=api_server.org_headers())
        assert r.status_code == 200, r.text
        await db.execute(
            "update api_keys set revoked_at = %s where id = %s", (now - timedelta(days=age), api_keys[-1])
        )
    out["api_keys"] = ([api_keys[0]], [api_keys[1]])

    errors = []
    for age in (31, 29):
        cur = await db.execute(
            "insert into ats_response_errors (organization_id, provider, api_call, errors, received_at)"
            " values (%s, 'greenhouse', 'list_tests', %s, %s) returning id",
            (api_server.org_id, Jsonb(["x" * 2000] * 100), now - timedelta(days=age)),
        )
        errors.append(str((await cur.fetchone())["id"]))  # type: ignore[index]
    out["ats_response_errors"] = ([errors[0]], [errors[1]])

    # An endpoint no event of this test goes to: its log holds only the rows written here.
    endpoint = await create_endpoint(api_server, "http://127.0.0.1:9/hook", ["scorecard.failed"])
    deliveries: dict[str, str] = {}
    for name, status, last_attempt_days, created_days in (
        ("delivered_long_ago", "delivered", 91, 100),
        ("failed_unattempted_long_ago", "failed", None, 91),  # its endpoint answered 410 to another delivery
        ("failed_recently", "failed", 89, 100),  # replayed, or retried for long: its last attempt counts
        ("pending_for_ever", "pending", 200, 200),  # still owed to its receiver
    ):
        cur = await db.execute(
            "insert into webhook_deliveries (endpoint_id, event_type, payload, status, attempts, last_attempt_at,"
            " created_at, message_id) values (%s, 'session.completed', '{}', %s, %s, %s, %s, %s) returning id",
            (
                endpoint["id"],
                status,
                0 if last_attempt_days is None else 3,
                None if last_attempt_days is None else now - timedelta(days=last_attempt_days),
                now - timedelta(days=created_days),
                f"msg_{uuid.uuid4().hex}",
            ),
        )
        deliveries[name] = str((await cur.fetchone())["id"])  # type: ignore[index]
    # Ashby's notices of erased sessions (no session row: it was erased): finished ones go 90 days on.
    notices = []
    for kind, status, days in (
        ("erased", "delivered", 91),
        ("erased", "failed", 89),
        ("erased", "pending", 200),
    ):
        cur = await db.execute(
            "insert into ats_callbacks (session_id, organization_id, provider, kind, status, last_attempt_at)"
            " values (%s, %s, 'ashby', %s, %s, %s) returning id",
            (f"ses_{uuid.uuid4().hex[:24]}", api_server.org_id, kind, status, now - timedelta(days=days)),
        )
        notices.append(str((await cur.fetchone())["id"]))  # type: ignore[index]
    out["ats_callbacks"] = ([notices[0]], notices[1:])
    out["webhook_deliveries"] = (
        [deliveries["delivered_long_ago"], deliveries["failed_unattempted_long_ago"]],
        [deliveries["failed_recently"], deliveries["pending_for_ever"]],
    )
    return out


# The grading usage as the sums over every stored scorecard (what `/metrics` served before the totals), and as the
# totals alone: equal once every change is folded in.
USAGE_SUMS = """
select model, count(*) as scorecards, coalesce(sum(input_tokens), 0) as input,
       coalesce(sum(output_tokens), 0) as output, coalesce(sum(cost_usd), 0) as cost
from scorecards where model is not null group by model order by model
"""
USAGE_TOTALS = """
select model, scorecards, input_tokens as input, output_tokens as output, cost_usd as cost
from grading_usage where scorecards <> 0 order by model
"""


async def _usage_changes(db: Conn) -> int:
    cur = await db.execute("select count(*) as n from grading_usage_changes")
    return int((await cur.fetchone())["n"])  # type: ignore[index]  # count(*) returns a row


async def _seed_usage(api_server: ApiServer, db: Conn, sessions: int) -> None:
    """Stored scorecards of two models, then a version re-graded by another model and one deleted: each write
    appends changes (the trigger of migration 20270121090100), none folded yet."""
    ids = [(await api_server.create_session())["id"] for _ in range(sessions)]
    await db.execute(
        "insert into scorecards (session_id, version, status, trigger, completed_at, reason, model, input_tokens,"
        " output_tokens, cost_usd) select id, 1, 'failed', 'session_end', now(), 'grader_error',"
        " 'grader-' || (i %% 2), 100 * i, i, i / 1000.0 from unnest(%s::text[]) with ordinality as t(id, i)",
        (ids,),
    )
    await db.execute(
        "update scorecards set model = 'grader-c', input_tokens = 7000, cost_usd = null where session_id = %s",
        (ids[0],),
    )
    await db.execute("delete from scorecards where session_id = %s", (ids[1],))


@pytest.mark.timeout(240)
async def test_the_retention_job_prunes_spent_rows_and_folds_the_grading_usage_changes(
    api_server: ApiServer, db: Conn, db_url: str, start_worker: StartWorker
) -> None:
    seeded = await _seed(api_server, db)
    await _seed_usage(api_server, db, 4)
    assert await _usage_changes(db) == 4 + 2 + 1  # nothing scrapes `/metrics` here
    sums = await (await db.execute(USAGE_SUMS)).fetchall()
    assert [u["model"] for u in sums] == ["grader-0", "grader-1", "grader-c"]
    start_worker()
    await defer_retention_now(db_url)

    async def pruned() -> bool:  # every table's spent row: the job prunes one table after another, then folds
        for table, (spent, _) in seeded.items():
            if await _ids(db, f"select id from {table} where id::text = any(%s)", spent):
                return False
        return await _usage_changes(db) == 0

    await wait_until(pruned, within_s=120, what="pruning ran")
    for table, (spent, live) in seeded.items():
        present = await _ids(db, f"select id from {table} where id::text = any(%s)", spent + live)
        assert present == set(live), table
    assert await (await db.execute(USAGE_TOTALS)).fetchall() == sums


async def test_folding_the_grading_usage_changes_is_bounded_per_run_and_keeps_the_sums(
    api_server: ApiServer, db: Conn, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backlog goes over several runs, PRUNE_BATCH a statement; totals plus the changes left (what `/metrics`
    serves) equal the sums over the scorecards after each run."""
    await _seed_usage(api_server, db, 6)
    changes = await _usage_changes(db)
    assert changes == 6 + 2 + 1
    sums = await (await db.execute(USAGE_SUMS)).fetchall()
    monkeypatch.setattr(pruning, "PRUNE_BATCH", 2)
    monkeypatch.setattr(pruning, "PRUNE_MAX_PER_TABLE", 6)
    served = USAGE_TOTALS.replace(
        "from grading_usage where scorecards <> 0",
        "from (select model, sum(scorecards) as scorecards, sum(input_tokens) as input_tokens,"
        " sum(output_tokens) as output_tokens, sum(cost_usd) as cost_usd from (select model, scorecards,"
        " input_tokens, output_tokens, cost_usd from grading_usage union all select model, scorecards,"
        " input_tokens, output_tokens, cost_usd from grading_usage_changes) u group by model) t"
        " where scorecards <> 0",
    )
    pool = create_pool(db_url, min_size=1, max_size=1)
    await pool.open(wait=True, timeout=30)
    try:
        assert await fold_usage_changes(pool) == 6
        assert await _usage_changes(db) == changes - 6
        assert await (await db.execute(served)).fetchall() == sums
        assert await fold_usage_changes(pool) == changes - 6
        assert await fold_usage_changes(pool) == 0
    finally:
        await pool.close()
    assert await _usage_changes(db) == 0
    assert await (await db.execute(USAGE_TOTALS)).fetchall() == sums


async def test_a_revoked_api_key_goes_once_no_share_link_names_it_and_its_legal_holds_keep_its_prefix(
    api_server: ApiServer, db: Conn
) -> None:
    """A share link outlives the API key that minted it, and the session's list of links names that key (a leaked
    key's links are found by it): the key row stays while such a link does. A legal hold's trail keeps the prefix
    of the key that placed and lifted it (its `on delete set null` id goes)."""
    month_ago = datetime.now(UTC) - timedelta(days=31)
    r = await api_server.client.post(
        "/v1/api-keys", json={"name": "leaked"}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    used, used_auth = r.json(), {"Authorization": f"Bearer {r.json()['key']}"}
    shared, held = await api_server.create_session(), await api_server.create_session()
    r = await api_server.client.post(f"/v1/sessions/{shared['id']}/share", json={}, headers=used_auth)
    assert r.status_code == 201, r.text
    link = r.json()["id"]
    r = await api_server.client.post(
        f"/v1/sessions/{held['id']}/legal-hold", json={"reason": "Matter 7"}, headers=used_auth
    )
    assert r.status_code == 201, r.text
    r = await api_server.client.request("DELETE", f"/v1/sessions/{held['id']}/legal-hold", headers=used_auth)
    assert r.status_code == 200, r.text
    r = await api_server.client.post("/v1/api-keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    unused = r.json()
    for key in (used, unused):
        r = await api_server.client.delete(f"/v1/api-keys/{key['id']}", headers=api_server.org_headers())
        assert r.status_code == 200, r.text
    await db.execute(
        "update api_keys set revoked_at = %s where id = any(%s)", (month_ago, [used["id"], unused["id"]])
    )

    removed = await prune(api_server.app.state.pool)
    assert removed["api_keys"] == 1
    assert await _ids(db, "select id from api_keys where id = any(%s)", [used["id"], unused["id"]]) == {
        used["id"]
    }
    r = await api_server.client.get(f"/v1/sessions/{shared['id']}/share", headers=api_server.org_headers())
    assert [(x["id"], x["key_prefix"]) for x in r.json()["data"]] == [(link, used["prefix"])]

    await db.execute(
        "update share_links set created_at = %s, expires_at = %s where id = %s",
        (month_ago - timedelta(days=14), month_ago, link),
    )
    removed = await prune(api_server.app.state.pool)
    assert (removed["share_links"], removed["api_keys"]) == (1, 1)
    assert not await _ids(db, "select id from api_keys where id = %s", used["id"])
    r = await api_server.client.get(
        f"/v1/sessions/{held['id']}/legal-holds", headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    assert [(h["placed_by"], h["lifted_by"]) for h in r.json()["data"]] == [(used["prefix"], used["prefix"])]


async def test_a_livekit_webhook_older_than_a_day_is_refused_as_stale(
    api_server: ApiServer, db: Conn
) -> None:
    """The dedup keeps ids 7 days: a genuine webhook replayed after that is refused by its signed age."""
    s = await api_server.create_session()
    await api_server.consent(s)  # joining starts only on the consent in force
    room, identity = f"shadows-{s['id']}", f"candidate-{s['id']}"
    week_ago = int(time.time()) - 8 * 24 * 3600
    body, auth = signed_webhook(
        "participant_joined", room=room, identity=identity, event_id="EV_week", created_at=week_ago
    )
    r = await api_server.client.post(
        "/v1/livekit/webhook", content=body.encode(), headers={"Authorization": auth}
    )
    assert (r.status_code, r.json()) == (200, {"status": "stale"})
    cur = await db.execute("select status from sessions where id = %s", (s["id"],))
    assert (await cur.fetchone())["status"] == "scheduled"  # type: ignore[index]
    assert not await _ids(db, "select id from livekit_webhook_events where id = 'EV_week'")

    body, auth = signed_webhook(
        "participant_joined", room=room, identity=identity, event_id="EV_now", created_at=int(time.time())
    )
    r = await api_server.client.post(
        "/v1/livekit/webhook", content=body.encode(), headers={"Authorization": auth}
    )
    assert (r.status_code, r.json()) == (200, {"status": "started"})
