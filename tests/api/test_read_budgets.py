"""Bulk reads by an organisation's key are bounded over time by what they cost (api/read_budgets.py), not only in
how many run at once: exports in session rows (`SHADOWS_API_EXPORT_ROWS_RATE_LIMIT`), artifact downloads in MiB
(`SHADOWS_API_ARTIFACT_DOWNLOAD_MIB_RATE_LIMIT`). Before, a key could run large exports, or download a large
session dump, back to back for as long as it liked. The work is counted here (export queries, rows written,
storage reads), never timed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import psycopg
import pytest
from psycopg.rows import DictRow

from api import artifacts
from api.db import artifacts_repo, history_repo
from api.history import SessionFilters, Sort
from api.storage import LocalStorage
from tests.api.conftest import serve
from tests.api.history_support import insert_sessions, question_ids
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
LARGE = 1000  # sessions in the large export
BUDGET = 2000  # rows an hour: one large export (and its own 100), and a little more


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of the export queries run and the rows they wrote."""
    done = {"counts": 0, "exports": 0, "rows": 0}
    count, export_json = history_repo.export_count, history_repo.export_json

    async def counting_count(conn: Any, org: UUID, f: SessionFilters, sort: Sort) -> int:
        done["counts"] += 1
        return await count(conn, org, f, sort)

    async def counting_export(
        conn: Any, org: UUID, f: SessionFilters, sort: Sort, *, batch: int = 2000
    ) -> AsyncIterator[list[str]]:
        done["exports"] += 1
        async for rows in export_json(conn, org, f, sort, batch=batch):
            done["rows"] += len(rows)
            yield rows

    monkeypatch.setattr(history_repo, "export_count", counting_count)
    monkeypatch.setattr(history_repo, "export_json", counting_export)
    return done


async def test_a_loop_of_large_exports_is_refused_within_the_budget_and_a_small_export_still_passes(
    api_server: ApiServer, db: Conn, work: dict[str, int]
) -> None:
    org_id, key = await api_server.create_org("Exporter")
    other_id, other_key = await api_server.create_org("Bystander")
    q = await question_ids(db)
    await insert_sessions(db, org_id, [{"question_id": q["two-sum"]} for _ in range(LARGE)])
    await insert_sessions(
        db, org_id, [{"question_id": q["two-sum"], "status": "cancelled"} for _ in range(5)]
    )
    await insert_sessions(db, other_id, [{"question_id": q["two-sum"]}])
    settings = api_server.settings.model_copy(update={"export_rows_rate_limit": f"{BUDGET}/hour"})
    headers = api_server.org_headers(key)
    large = {"format": "json", "status": "completed"}
    small = {"format": "json", "status": "cancelled"}
    async with serve(settings) as client:
        first = await client.get("/v1/sessions/export", params=large, headers=headers)
        assert first.status_code == 200 and len(first.json()) == LARGE
        refused = await client.get("/v1/sessions/export", params=large, headers=headers)
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"]["code"] == "rate_limited"
        assert "SHADOWS_API_EXPORT_ROWS_RATE_LIMIT" in refused.json()["error"]["message"]  # which budget
        assert int(refused.headers["retry-after"]) >= 1
        # A large export refused leaves room for a small one.
        ok = await client.get("/v1/sessions/export", params=small, headers=headers)
        assert ok.status_code == 200 and len(ok.json()) == 5
        # Looped, large exports keep being refused, and stop costing even a count once the budget is spent.
        looped = [(await client.get("/v1/sessions/export", params=large, headers=headers)) for _ in range(30)]
        assert {r.status_code for r in looped} == {429}
        counts_after_loop = work["counts"]
        more = [(await client.get("/v1/sessions/export", params=large, headers=headers)) for _ in range(10)]
        assert {r.status_code for r in more} == {429}
        assert work["counts"] == counts_after_loop  # refused before any query
        # Another organisation's budget is its own.
        theirs = await client.get(
            "/v1/sessions/export", params=large, headers=api_server.org_headers(other_key)
        )
        assert theirs.status_code == 200 and len(theirs.json()) == 1
    assert work["exports"] == 3  # the first large one, the small one, the other organisation's
    assert work["rows"] == LARGE + 5 + 1
    assert work["rows"] - 1 <= BUDGET  # never more written for the organisation than its budget
    assert work["counts"] <= 3 + BUDGET // 100  # each refused attempt spent 100 of the budget first


async def test_an_export_larger_than_the_whole_budget_passes_alone_once_the_window_is_empty(
    api_server: ApiServer, db: Conn, work: dict[str, int]
) -> None:
    org_id, key = await api_server.create_org("Big history")
    q = await question_ids(db)
    await insert_sessions(db, org_id, [{"question_id": q["two-sum"]} for _ in range(300)])
    settings = api_server.settings.model_copy(update={"export_rows_rate_limit": "250/hour"})
    async with serve(settings) as client:
        whole = await client.get(
            "/v1/sessions/export", params={"format": "json"}, headers=api_server.org_headers(key)
        )
        again = await client.get(
            "/v1/sessions/export", params={"format": "json"}, headers=api_server.org_headers(key)
        )
    assert whole.status_code == 200 and len(whole.json()) == 300  # complete, never silently short
    assert again.status_code == 429
    assert work["rows"] == 300


MIB = 1024 * 1024


async def _stored(server: ApiServer, db: Conn, key: str, dump_size: int) -> str:
    """A new session of `key`'s organisation with a small résumé and a session dump of `dump_size` bytes."""
    sid = str((await server.create_session(key=key))["id"])
    dump = json.dumps({"events": "x" * (dump_size - len('{"events": ""}'))}).encode()
    assert len(dump) == dump_size
    for name, body in ((artifacts.RESUME, b"%PDF-1.4 resume"), (artifacts.DUMP, dump)):
        stored = artifacts.key(sid, name)
        await LocalStorage(server.settings.artifacts_dir).put(stored, body, "application/octet-stream")
        await artifacts_repo.record_artifact(
            db, sid, name, stored, "application/octet-stream", len(body), hashlib.sha256(body).hexdigest()
        )
    return sid


async def test_artifact_downloads_are_counted_by_size_per_organisation(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, key = await api_server.create_org("Downloader")
    _, other_key = await api_server.create_org("Other downloader")
    reads: list[str] = []
    get = LocalStorage.get

    async def counting_get(self: LocalStorage, storage_key: str) -> bytes | None:
        reads.append(storage_key)
        return await get(self, storage_key)

    monkeypatch.setattr(LocalStorage, "get", counting_get)
    sessions = [await _stored(api_server, db, key, 3 * MIB) for _ in range(2)]
    theirs = await _stored(api_server, db, other_key, 3 * MIB)
    settings = api_server.settings.model_copy(update={"artifact_download_mib_rate_limit": "8/hour"})
    async with serve(settings) as client:

        async def urls(sid: str, k: str) -> dict[str, str]:
            listed = await client.get(f"/v1/sessions/{sid}/artifacts", headers=api_server.org_headers(k))
            assert listed.status_code == 200, listed.text
            return {a["name"]: urlsplit(a["url"]).path for a in listed.json()["data"]}

        one, two = [await urls(sid, key) for sid in sessions]
        # 3 MiB each: two dumps (of two sessions: one budget for the organisation) are 6 of its 8 MiB.
        assert (await client.get(one[artifacts.DUMP])).status_code == 200
        assert (await client.get(two[artifacts.DUMP])).status_code == 200
        reads_before = len(reads)
        over = await client.get(one[artifacts.DUMP])
        assert over.status_code == 429, over.text
        assert over.json()["error"]["code"] == "rate_limited"
        assert "SHADOWS_API_ARTIFACT_DOWNLOAD_MIB_RATE_LIMIT" in over.json()["error"]["message"]
        assert int(over.headers["retry-after"]) >= 1
        assert len(reads) == reads_before  # refused before storage is read
        small = await client.get(two[artifacts.RESUME])  # one MiB at most: still fits
        assert small.status_code == 200 and small.content == b"%PDF-1.4 resume"
        other = await client.get((await urls(theirs, other_key))[artifacts.DUMP])
        assert other.status_code == 200 and len(other.content) == 3 * MIB


async def test_the_export_route_declares_its_429_with_retry_after(api_server: ApiServer) -> None:
    doc = (await api_server.client.get("/openapi.json")).json()
    responses = doc["paths"]["/v1/sessions/export"]["get"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
    assert responses["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
