"""Liveness, readiness against the real database, and Prometheus metrics labelled by route template."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families
from psycopg import sql
from psycopg.rows import DictRow

from api.db.migrate import discover
from api.settings import ApiSettings
from bench._redis import running_redis
from tests.api.conftest import serve, signed_webhook
from tests.conftest import ApiServer


async def _samples(server: ApiServer) -> dict[tuple[str, frozenset], float]:
    r = await server.client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    out: dict[tuple[str, frozenset], float] = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield str(v)
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def _value(samples: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_healthz_is_ok(api_server: ApiServer) -> None:
    r = await api_server.client.get("/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


async def test_readyz_is_ready_when_the_database_answers(api_server: ApiServer) -> None:
    r = await api_server.client.get("/readyz")
    assert (r.status_code, r.json()) == (200, {"status": "ready"})


async def test_readyz_is_503_not_ready_when_the_database_is_gone(
    api_server: ApiServer, pg_admin_url: str, db_url: str
) -> None:
    # A pooled connection the server ended is replaced as it is handed out (test_database_outage.py): with the
    # database gone, the answer comes once the wait for a new one (SHADOWS_API_DB_POOL_TIMEOUT_S) is spent.
    async with serve(api_server.settings.model_copy(update={"db_pool_timeout_s": 1.0})) as client:
        assert (await client.get("/readyz")).status_code == 200
        name = psycopg.conninfo.conninfo_to_dict(db_url)["dbname"]
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(str(name))))

        r = await client.get("/readyz")

    assert r.status_code == 503
    assert r.json()["error"]["code"] == "not_ready"
    assert r.headers.get("retry-after") == "1"


async def test_readyz_is_503_not_ready_once_the_shared_rate_limit_store_is_gone(
    api_server: ApiServer,
) -> None:
    # With SHADOWS_API_REDIS_URL set, every rate-limited route answers 503 without Redis (never unlimited), and the
    # replica still answered /readyz 200: the load balancer kept sending it runs and session creations to refuse.
    with contextlib.ExitStack() as store:
        url = store.enter_context(running_redis())
        settings = api_server.settings.model_copy(update={"redis_url": url, "redis_timeout_s": 1.0})
        async with serve(settings) as client:
            assert (await client.get("/readyz")).status_code == 200
            store.close()  # Redis stops under the running replica
            r = await client.get("/readyz")
            limited = await client.post("/v1/practice", json={})

    assert (r.status_code, r.json()["error"]["code"]) == (503, "not_ready")
    assert "rate-limit store" in r.json()["error"]["message"]
    assert r.headers.get("retry-after") == "1"
    assert (limited.status_code, limited.json()["error"]["code"]) == (503, "rate_limiter_unavailable")


async def test_metrics_count_requests_by_route_template_never_by_raw_path(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    before = await _samples(api_server)

    for _ in range(3):
        r = await api_server.client.get(f"/v1/sessions/{s['id']}", headers=api_server.org_headers())
        assert r.status_code == 200
    await api_server.client.get("/v1/sessions/ses_missing", headers=api_server.org_headers())

    after = await _samples(api_server)
    name = "shadows_http_requests_total"
    labels = {"method": "GET", "route": "/v1/sessions/{session_id}"}
    assert _value(after, name, **labels, status="200") - _value(before, name, **labels, status="200") == 3
    assert _value(after, name, **labels, status="404") - _value(before, name, **labels, status="404") == 1
    text = (await api_server.client.get("/metrics")).text
    assert s["id"] not in text
    assert "ses_missing" not in text
    assert "shadows_http_request_seconds_bucket" in text


async def test_metrics_count_webhooks_and_events_by_outcome(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    await api_server.agent_start(s)  # a room finishing abandons only a session that started
    before = await _samples(api_server)
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_metrics")
    for _ in range(2):
        await api_server.client.post("/v1/livekit/webhook", content=body, headers={"Authorization": auth})
    events = {
        "events": [{"idempotency_key": "m1", "type": "hint"}, {"idempotency_key": "m1", "type": "hint"}]
    }
    await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events", json=events, headers=api_server.internal_headers()
    )

    after = await _samples(api_server)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("shadows_livekit_webhooks_total", event="room_finished", outcome="abandoned") == 1
    assert delta("shadows_livekit_webhooks_total", event="room_finished", outcome="duplicate") == 1
    assert delta("shadows_session_events_total", type="hint", duplicate="false") == 1
    assert delta("shadows_session_events_total", type="hint", duplicate="true") == 1


async def test_routes_answer_503_database_unavailable_when_the_database_is_gone(
    api_server: ApiServer, pg_admin_url: str, db_url: str
) -> None:
    s = await api_server.create_session()
    async with serve(api_server.settings.model_copy(update={"db_pool_timeout_s": 1.0})) as client:
        assert (await client.get("/readyz")).status_code == 200  # its pool holds a connection
        name = psycopg.conninfo.conninfo_to_dict(db_url)["dbname"]
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(str(name))))

        r = await client.get(f"/v1/sessions/{s['id']}", headers=api_server.org_headers())

    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "database_unavailable"
    assert r.headers.get("retry-after") == "1"


async def test_a_statement_past_a_program_limit_is_not_a_database_outage(api_server: ApiServer) -> None:
    # psycopg files SQLSTATE class 54 (program limit exceeded: a value too large for its index, an array too large)
    # under OperationalError, and each was a 503 database_unavailable: a client retried the same doomed request for
    # ever, and the log called it an outage.
    from api.db.pool import DatabaseUnavailableError, connection

    with pytest.raises(psycopg.errors.ProgramLimitExceeded):
        async with connection(api_server.app.state.pool) as conn:
            await conn.execute("select array_fill(1, array[2147483647, 2147483647])")
    with pytest.raises(DatabaseUnavailableError):  # a connection-level failure still is one
        async with connection(api_server.app.state.pool) as conn:
            await conn.execute("select pg_terminate_backend(pg_backend_pid())")


async def test_openapi_document_describes_json_and_multipart_session_creation(api_server: ApiServer) -> None:
    r = await api_server.client.get("/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    create = doc["paths"]["/v1/sessions"]["post"]["requestBody"]["content"]
    assert set(create) == {"application/json", "multipart/form-data"}
    schema = create["application/json"]["schema"]
    assert schema["required"] == ["candidate"]
    assert schema["properties"]["candidate"]["properties"]["email"]["format"] == "email"
    # Every reference in the document resolves.
    refs = list(_refs(doc))
    assert refs
    for ref in refs:
        assert ref.removeprefix("#/components/schemas/") in doc["components"]["schemas"], ref
    assert "/metrics" not in doc["paths"]


async def test_a_server_freezes_its_startup_heap_by_default_and_thaws_it_on_stop(
    api_settings: ApiSettings,
) -> None:
    # The suite's apps skip it (one collection per test walks the whole test process); a deployment does not.
    assert ApiSettings.model_fields["gc_freeze_on_start"].default is True
    before = gc.get_freeze_count()
    async with serve(api_settings.model_copy(update={"gc_freeze_on_start": True})) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert gc.get_freeze_count() > before  # what the app built is out of the collector's generations
    assert gc.get_freeze_count() == 0  # and back in them once it stops: the process goes on


async def test_openapi_document_is_encoded_once_and_served_plain_or_gzipped_alike(
    api_server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Anyone may ask for the document (a few hundred kB) in a loop: it is encoded and compressed once per process, not
    # on every request.
    encoded: list[int] = []
    dumps = json.dumps

    def counting(obj: Any, *args: Any, **kwargs: Any) -> str:
        out = dumps(obj, *args, **kwargs)
        if len(out) > 100_000:
            encoded.append(len(out))
        return out

    monkeypatch.setattr(json, "dumps", counting)
    plain = [
        await api_server.client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
        for _ in range(3)
    ]
    zipped = [
        await api_server.client.get("/openapi.json", headers={"Accept-Encoding": "gzip"}) for _ in range(3)
    ]
    assert len(encoded) == 1  # the first request of this app (one per test)
    assert {r.headers.get("content-encoding") for r in plain} == {None}
    assert {r.headers["content-encoding"] for r in zipped} == {"gzip"}  # httpx decodes it for .json()
    assert all(r.status_code == 200 and "Accept-Encoding" in r.headers["vary"] for r in plain + zipped)
    assert all(r.json() == plain[0].json() for r in plain + zipped)
    assert plain[0].json()["paths"]["/v1/sessions"]


async def test_a_write_waiting_on_a_lock_another_transaction_holds_is_a_503_not_a_hang(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow]
) -> None:
    # A transaction that stalls holding a session's row (a slow call made under the lock, a stuck client of the
    # database) made every later write to that session wait as long as it did: requests piled up on the row, each
    # holding a pooled connection, until clients gave up. A statement waits at most SHADOWS_API_DB_LOCK_TIMEOUT_S.
    s = await api_server.create_session()
    settings = api_server.settings.model_copy(update={"db_lock_timeout_s": 0.5})
    hold = {"reason": "Matter 7"}
    async with serve(settings, timeout_s=30) as replica:
        async with db.transaction():
            await db.execute("select 1 from sessions where id = %s for update", (s["id"],))
            refused = await replica.post(
                f"/v1/sessions/{s['id']}/legal-hold", json=hold, headers=api_server.org_headers()
            )
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "database_unavailable"
        assert refused.headers.get("retry-after") == "1"
        placed = await replica.post(
            f"/v1/sessions/{s['id']}/legal-hold", json=hold, headers=api_server.org_headers()
        )
        assert placed.status_code == 201, placed.text
    cur = await db.execute("select count(*) as n from legal_holds where session_id = %s", (s["id"],))
    assert (await cur.fetchone() or {})["n"] == 1  # the refused request wrote nothing


def test_the_lock_timeout_is_bounded_at_start_up() -> None:
    for bad in ("0", "-1", "601", "nan"):
        with pytest.raises(ValueError, match="db_lock_timeout_s"):
            ApiSettings(_env_file=None, db_lock_timeout_s=bad)  # type: ignore[call-arg]


async def test_readyz_is_503_not_ready_until_the_newest_migration_this_release_ships_is_applied(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow]
) -> None:
    """A replica started before `shadows db migrate` would answer a write of a new column with a 500: it is kept out
    of rotation until the schema is this release's, then ready for good."""
    newest = discover()[-1].version
    cur = await db.execute(
        "delete from supabase_migrations.schema_migrations where version = %s returning version, name, statements",
        (newest,),
    )
    removed = await cur.fetchone()
    assert removed is not None
    async with serve(api_server.settings) as client:
        r = await client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "not_ready"
        assert "shadows db migrate" in r.json()["error"]["message"]
        await db.execute(
            "insert into supabase_migrations.schema_migrations (version, name, statements) values (%s, %s, %s)",
            (removed["version"], removed["name"], removed["statements"]),
        )
        assert (await client.get("/readyz")).status_code == 200
