"""A replay's timeline read by what it costs (api/timeline_reads.py, api/report_limits.py `count_size`).

The largest timeline the session bounds allow is about 28 MB, a core-second of the API's CPU to build and encode,
and each read of it counted as one: a share link's 60 reads a minute kept a core busy for as long as its holder
liked. Each MiB of a timeline now counts in a size budget of the reader's own (per address, link, organisation),
known before the body is built when the process has built it once, and the body is kept for the next read of the
same record, never past anything that changes it. No timed assertions: the work is counted (bodies built)."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import DictRow

from api import share_links
from api.app import create_app
from api.db import events_repo, sessions_repo
from api.jobs.retention import run_retention
from api.report_limits import READ_UNIT_BYTES
from api.storage import LocalStorage
from api.timeline_reads import TimelineCache, _build
from tests.api.conftest import serve
from tests.api.report_support import Seeded, from_address, grade, read_limit_settings, seed_interview
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def _enlarge(db: Conn, seeded: Seeded, mib: int, tag: str = "big") -> None:
    """`mib` editor snapshots of a MiB of code each: a timeline of a little more than `mib` MiB."""
    line = "x = 1  # " + "y" * 90 + "\n"
    code = line * (READ_UNIT_BYTES // len(line) + 1)
    stored = await events_repo.append_events(
        db,
        seeded.id,
        [
            events_repo.EventIn(
                f"{tag}:{n}", "editor_snapshot", {"language": "python", "code": code}, 250.0 + n
            )
            for n in range(mib)
        ],
    )
    assert stored is not None


def _path(report_url: str) -> str:
    return share_links.REPORTS_PATH + report_url.rsplit("/", 1)[1]


async def _share(server: ApiServer, session_id: str) -> dict[str, Any]:
    r = await server.client.post(f"/v1/sessions/{session_id}/share", json={}, headers=server.org_headers())
    assert r.status_code == 201, r.text
    return dict(r.json())


def _code(r: httpx.Response) -> tuple[int, str | None]:
    if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
        return r.status_code, str(r.json()["error"]["code"])
    return r.status_code, None


async def test_a_loop_of_large_reads_through_a_link_is_refused_while_its_small_reads_pass(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await _enlarge(db, seeded, 5)  # 5 units a read
    link = _path((await _share(api_server, seeded.id))["report_url"])
    settings = read_limit_settings(api_server, report_read_link_rate_limit="12/minute;100/hour")
    app = create_app(settings)
    async with serve(settings, app=app) as client:
        reads = [await client.get(f"{link}/timeline", headers=from_address("203.0.113.7")) for _ in range(5)]
        page = await client.get(link, headers=from_address("203.0.113.7"))
    # 5 + 5 units of the link's 12 MiB a minute; the third would pass it, refused before anything is built.
    assert [_code(r) for r in reads] == [(200, None)] * 2 + [(429, "rate_limited")] * 3
    assert all(int(r.headers["retry-after"]) >= 1 for r in reads[2:])
    assert len(reads[0].content) > 5 * READ_UNIT_BYTES
    assert cache_of_app(app).builds == 1
    assert page.status_code == 200  # the same link's page (a small read) still opens: its count is not spent


def cache_of_app(app: Any) -> TimelineCache:
    found: TimelineCache = app.state.timeline_cache
    return found


async def test_an_organisations_large_reads_are_refused_while_its_small_reads_pass(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await _enlarge(db, seeded, 5)
    settings = read_limit_settings(api_server, report_read_org_rate_limit="8/minute")
    app = create_app(settings)
    async with serve(settings, app=app) as client:
        first = await client.get(f"/v1/sessions/{seeded.id}/timeline", headers=api_server.org_headers())
        second = await client.get(f"/v1/sessions/{seeded.id}/timeline", headers=api_server.org_headers())
        card = await client.get(f"/v1/sessions/{seeded.id}/scorecard", headers=api_server.org_headers())
    assert (_code(first), _code(second)) == ((200, None), (429, "rate_limited"))
    assert card.status_code == 200, card.text
    assert cache_of_app(app).builds == 1


async def test_a_share_links_of_one_organisation_share_one_size_budget(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await _enlarge(db, seeded, 5)
    links = [_path((await _share(api_server, seeded.id))["report_url"]) for _ in range(3)]
    # Each link (and address) has plenty; the organisation's links together 12 MiB a minute.
    settings = read_limit_settings(api_server, report_read_org_rate_limit="12/minute")
    async with serve(settings) as client:
        statuses = [
            _code(await client.get(f"{p}/timeline", headers=from_address(f"198.51.100.{i}")))
            for i, p in enumerate(links)
        ]
    assert statuses == [(200, None), (200, None), (429, "rate_limited")]


async def test_a_cached_body_is_reused_and_answers_if_none_match(api_server: ApiServer, db: Conn) -> None:
    seeded = await seed_interview(api_server, db)
    await _enlarge(db, seeded, 2)
    link = _path((await _share(api_server, seeded.id))["report_url"])
    settings = read_limit_settings(api_server)
    app = create_app(settings)
    async with serve(settings, app=app) as client:
        plain = await client.get(f"{link}/timeline", headers={"Accept-Encoding": "identity"})
        zipped = await client.get(f"{link}/timeline", headers={"Accept-Encoding": "gzip"})
        raw = await client.send(
            client.build_request("GET", f"{link}/timeline", headers={"Accept-Encoding": "gzip"}), stream=True
        )
        raw_bytes = b"".join([chunk async for chunk in raw.aiter_raw()])
        await raw.aclose()
        etag = plain.headers["etag"]
        unchanged = await client.get(f"{link}/timeline", headers={"If-None-Match": etag})
        keyed = await client.get(
            f"/v1/sessions/{seeded.id}/timeline", headers={**api_server.org_headers(), "If-None-Match": etag}
        )
    assert plain.status_code == zipped.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw_bytes) == plain.content == zipped.content
    assert zipped.headers["etag"] == etag and "no-store" in plain.headers["cache-control"]
    assert (unchanged.status_code, unchanged.content, unchanged.headers["etag"]) == (304, b"", etag)
    assert keyed.status_code == 304  # the same record and view: the same ETag through the key
    cache = cache_of_app(app)
    assert (cache.builds, cache.compressions) == (1, 1)


async def _expected(db: Conn, seeded: Seeded) -> bytes:
    session = await sessions_repo.get_session(db, seeded.id)
    assert session is not None
    return await _build(db, session, "org")


async def test_a_cached_body_is_never_served_after_what_changes_it(
    api_server: ApiServer, db: Conn, tmp_path: Path
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await _enlarge(db, seeded, 1)
    shared = await _share(api_server, seeded.id)
    link = _path(shared["report_url"])
    settings = read_limit_settings(api_server)
    app = create_app(settings)
    keyed = f"/v1/sessions/{seeded.id}/timeline"
    async with serve(settings, app=app) as client:
        first = await client.get(f"{link}/timeline")
        assert first.content == await _expected(db, seeded)
        # A re-grade: the timeline is the record's, not the scorecard's; what is served is what the record says.
        regraded = await client.post(
            f"/v1/sessions/{seeded.id}/grade", json={}, headers=api_server.org_headers()
        )
        assert regraded.status_code == 202, regraded.text
        after_regrade = await client.get(f"{link}/timeline")
        assert after_regrade.content == await _expected(db, seeded)
        # An event appended (a late one): a new body, a new ETag.
        await _enlarge(db, seeded, 1, tag="late")
        appended = await client.get(f"{link}/timeline", headers={"If-None-Match": first.headers["etag"]})
        assert appended.status_code == 200
        assert appended.content == await _expected(db, seeded) != first.content
        assert appended.headers["etag"] != first.headers["etag"]
        # More time granted (the header): a new body.
        await db.execute("update sessions set extra_time_minutes = 15 where id = %s", (seeded.id,))
        extended = await client.get(keyed, headers=api_server.org_headers())
        assert (
            json.loads(extended.content)["session"]["time_allowed_s"]
            == json.loads(appended.content)["session"]["time_allowed_s"] + 15 * 60
        )
        # The link revoked: its 410, never the body.
        r = await client.delete(
            f"/v1/sessions/{seeded.id}/share/{shared['id']}", headers=api_server.org_headers()
        )
        assert r.status_code == 204
        assert _code(await client.get(f"{link}/timeline")) == (410, "share_link_revoked")
        # Retention: the record is gone from the timeline at once.
        assert await run_retention(
            app.state.pool, LocalStorage(tmp_path), now=datetime.now(UTC) + timedelta(days=400)
        )
        erased = await client.get(keyed, headers=api_server.org_headers())
        assert erased.status_code == 200
        assert erased.json()["events"] == [] and erased.json()["session"]["record_deleted_at"]
    cache = cache_of_app(app)
    assert (
        cache.builds == 3
    )  # the first read, the appended event, the extra time; the re-grade reused the first


async def test_an_erased_session_is_never_served_from_the_cache(api_server: ApiServer, db: Conn) -> None:
    seeded = await seed_interview(api_server, db)
    await _enlarge(db, seeded, 1)
    link = _path((await _share(api_server, seeded.id))["report_url"])
    settings = read_limit_settings(api_server)
    app = create_app(settings)
    keyed = f"/v1/sessions/{seeded.id}/timeline"
    async with serve(settings, app=app) as client:
        assert (await client.get(f"{link}/timeline")).status_code == 200
        assert (await client.get(keyed, headers=api_server.org_headers())).status_code == 200
        r = await client.delete(f"/v1/sessions/{seeded.id}", headers=api_server.org_headers())
        assert r.status_code == 204, r.text
        by_link = await client.get(f"{link}/timeline")
        by_key = await client.get(keyed, headers=api_server.org_headers())
    assert by_link.status_code in (404, 410) and b"snapshot" not in by_link.content
    assert _code(by_key) == (404, "session_not_found")
    assert cache_of_app(app).builds == 1


def test_the_cache_holds_at_most_its_bound_and_forgets_after_its_time() -> None:
    now = [0.0]
    cache = TimelineCache(max_bytes=1000, max_entries=3, ttl_s=60, clock=lambda: now[0])
    for n in range(3):
        cache.put(f"k{n}", f"e{n}", b"x" * 400)
        assert cache.held <= 1000
    # The oldest bodies went to keep the bound; their sizes (what a read costs) are kept.
    k0 = cache.get("k0")
    assert k0 is not None and k0.body is None and k0.size == 400
    cache.put("k3", "e3", b"y" * 5000)  # past the bound alone: its size kept, not its body
    k3 = cache.get("k3")
    assert k3 is not None and k3.body is None and k3.size == 5000
    assert len(cache) == 3 and cache.held <= 1000
    now[0] = 61.0
    assert cache.get("k3") is None and cache.get("k2") is None


async def test_reads_of_a_record_not_built_yet_arriving_at_once_build_it_once(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await _enlarge(db, seeded, 2)
    links = [_path((await _share(api_server, seeded.id))["report_url"]) for _ in range(6)]
    settings = read_limit_settings(api_server)
    app = create_app(settings)
    async with serve(settings, app=app) as client:
        reads = await asyncio.gather(
            *(
                client.get(f"{p}/timeline", headers=from_address(f"198.51.100.{i}"))
                for i, p in enumerate(links)
            )
        )
    assert [r.status_code for r in reads] == [200] * 6
    assert len({r.content for r in reads}) == 1
    assert cache_of_app(app).builds == 1
