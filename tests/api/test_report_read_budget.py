"""What the per-address report read limits did not bound (api/report_limits.py):

- token reads that open no report (altered, guessed, expired or revoked links) from many networks: each network
  stayed under its own limits, so together they had the API check and answer as many as they liked. They now share
  one budget for every caller (`SHADOWS_API_REPORT_READ_UNVERIFIED_RATE_LIMIT`); past it 429 `report_links_busy`,
  while links that verify still read;
- a revoked share link fetched in a loop: it was counted per link only once it had opened, so every fetch read the
  database uncounted but for the caller's address. It counts per link from its signature now, before any read;
- guessed invites on the report and scorecard routes: the invite was looked up before anything was counted;
- the JSON scorecard routes, which were not counted at all.

Past the budget, a process that has seen the store refuse one refuses the rest until Retry-After without asking
the store again. Every refusal is counted in `shadows_report_read_limited_total{kind}` on /metrics."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
from psycopg.rows import DictRow

from api import share_links
from api.app import create_app
from api.ratelimits import RateLimits
from tests.api.conftest import serve
from tests.api.report_support import from_address, grade, read_limit_settings, seed_interview
from tests.conftest import ApiServer, free_port

Conn = psycopg.AsyncConnection[DictRow]


def _path(report_url: str) -> str:
    return share_links.REPORTS_PATH + report_url.rsplit("/", 1)[1]


async def _share(server: ApiServer, session_id: str) -> dict[str, Any]:
    r = await server.client.post(f"/v1/sessions/{session_id}/share", json={}, headers=server.org_headers())
    assert r.status_code == 201, r.text
    return dict(r.json())


def _code(r: httpx.Response) -> tuple[int, str | None]:
    if r.headers.get("content-type", "").startswith("application/json") and r.status_code >= 400:
        return r.status_code, str(r.json()["error"]["code"])
    return r.status_code, None


def _limited(text: str, kind: str) -> float:
    found = re.search(rf'^shadows_report_read_limited_total{{kind="{kind}"}} (\S+)$', text, re.MULTILINE)
    assert found, f"no {kind} series on /metrics"
    return float(found.group(1))


async def test_links_that_open_nothing_from_many_networks_share_one_budget(
    api_server: ApiServer, db: Conn
) -> None:
    session = await api_server.create_session()
    real = _path((await _share(api_server, session["id"]))["report_url"])
    revoked = await _share(api_server, session["id"])
    r = await api_server.client.delete(
        f"/v1/sessions/{session['id']}/share/{revoked['id']}", headers=api_server.org_headers()
    )
    assert r.status_code == 204
    expired = await share_links.mint(
        db, api_server.settings, session["id"], now=datetime.now(UTC) - timedelta(days=30)
    )
    practice = (await api_server.client.post("/v1/practice", json={})).json()
    async with serve(read_limit_settings(api_server, report_read_unverified_rate_limit="6/minute")) as client:
        # Every read from a network of its own (IPv4 addresses and IPv6 /48s): no per-address limit is near.
        dead = [
            real[:-3] + "AAA",  # altered
            "/v1/reports/shr_" + "x" * 40,  # guessed
            f"{real[:-3]}AAA/timeline",
            _path(expired.report_url),  # expired: refused from its signature
            _path(revoked["report_url"]),  # revoked: refused once its row is read
            _path(revoked["report_url"]) + "/timeline",
        ]
        answered = [
            (await client.get(p, headers=from_address(f"2001:db8:{i + 1:x}::1"))).status_code
            for i, p in enumerate(dead)
        ]
        past = [
            _code(await client.get(p, headers=from_address(f"198.51.100.{i + 1}")))
            for i, p in enumerate(dead)
        ]
        # Links that verify never count in it: the spent budget locks no real reader out.
        page = await client.get(real, headers=from_address("203.0.113.1"))
        timeline = await client.get(f"{real}/timeline", headers=from_address("203.0.113.2"))
        coaching = await client.post(
            f"/v1/sessions/{practice['id']}/coaching-link",
            headers={"Authorization": f"Bearer {practice['invite']}"},
        )
        coached = await client.get(_path(coaching.json()["report_url"]), headers=from_address("203.0.113.3"))
        busy = await client.get(dead[0], headers=from_address("203.0.113.4"))
    assert answered == [404, 404, 404, 410, 410, 410]
    assert past == [(429, "report_links_busy")] * 6
    assert int(busy.headers["retry-after"]) >= 1
    assert (page.status_code, timeline.status_code, coached.status_code) == (200, 200, 200)


async def test_a_revoked_link_fetched_in_a_loop_meets_its_links_limit(api_server: ApiServer) -> None:
    session = await api_server.create_session()
    link = await _share(api_server, session["id"])
    r = await api_server.client.delete(
        f"/v1/sessions/{session['id']}/share/{link['id']}", headers=api_server.org_headers()
    )
    assert r.status_code == 204
    path = _path(link["report_url"])
    async with serve(read_limit_settings(api_server, report_read_link_rate_limit="3/minute")) as client:
        statuses = [
            _code(await client.get(p, headers=from_address(f"198.51.100.{i}")))
            for i, p in enumerate([path, f"{path}/timeline", path, path, f"{path}/timeline"])
        ]
    assert [s for s, _ in statuses[:3]] == [410, 410, 410]
    assert statuses[3:] == [(429, "rate_limited")] * 2


async def test_a_revoked_keys_timeline_token_fetched_in_a_loop_meets_its_links_limit(
    api_server: ApiServer,
) -> None:
    session = await api_server.create_session()
    issued = await api_server.client.post("/v1/api-keys", json={}, headers=api_server.org_headers())
    assert issued.status_code == 201, issued.text
    async with serve(read_limit_settings(api_server, report_read_link_rate_limit="3/minute")) as client:
        page = await client.get(
            f"/v1/sessions/{session['id']}/report", headers=api_server.org_headers(issued.json()["key"])
        )
        found = re.search(r'data-timeline-url="([^"]+)"', page.text)
        assert found, page.text[:200]
        revoked = await client.delete(f"/v1/api-keys/{issued.json()['id']}", headers=api_server.org_headers())
        assert revoked.status_code == 200, revoked.text
        statuses = [
            _code(await client.get(found.group(1), headers=from_address(f"198.51.100.{i}"))) for i in range(5)
        ]
    assert statuses == [(410, "share_link_revoked")] * 3 + [(429, "rate_limited")] * 2


async def test_guessed_invites_are_counted_per_address_before_they_are_looked_up(
    api_server: ApiServer,
) -> None:
    session = await api_server.create_session()
    guess = {"Authorization": "Bearer inv_" + "g" * 43, **from_address("203.0.113.9")}
    async with serve(read_limit_settings(api_server, report_read_client_rate_limit="4/minute")) as client:
        statuses = [
            _code(await client.get(f"/v1/sessions/{session['id']}/{route}", headers=guess))
            for route in ("report", "timeline", "scorecard", "scorecards", "report.pdf", "scorecard")
        ]
        minted = await client.post(f"/v1/sessions/{session['id']}/coaching-link", headers=guess)
        elsewhere = await client.get(
            f"/v1/sessions/{session['id']}/scorecard", headers={**guess, **from_address("203.0.113.10")}
        )
    assert statuses[:4] == [(401, "invalid_invite")] * 4
    assert statuses[4:] == [(429, "rate_limited")] * 2
    assert _code(minted) == (429, "rate_limited")
    assert _code(elsewhere) == (401, "invalid_invite")


async def test_scorecard_reads_count_as_report_reads(api_server: ApiServer, db: Conn) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    practice = await seed_interview(api_server, db, practice=True)
    await grade(db, practice)
    invite = {"Authorization": f"Bearer {practice.session['invite']}"}
    settings = read_limit_settings(
        api_server, report_read_org_rate_limit="4/minute", report_read_link_rate_limit="3/minute"
    )
    async with serve(settings) as client:
        by_key = [
            (
                await client.get(f"/v1/sessions/{seeded.id}/{route}", headers=api_server.org_headers())
            ).status_code
            for route in ("scorecard", "scorecards", "report", "scorecard", "scorecards")
        ]
        by_invite = [
            (await client.get(f"/v1/sessions/{practice.id}/{route}", headers=invite)).status_code
            for route in ("scorecard", "scorecards", "timeline", "scorecard")
        ]
    # One organisation's reads, scorecards and pages together; one practice session's, as one link's.
    assert by_key == [200, 200, 200, 200, 429]
    assert by_invite == [200, 200, 200, 429]


async def test_refused_report_reads_are_counted_on_metrics(api_server: ApiServer) -> None:
    session = await api_server.create_session()
    path = _path((await _share(api_server, session["id"]))["report_url"])
    settings = read_limit_settings(
        api_server,
        report_read_link_rate_limit="1/minute",
        report_read_unverified_rate_limit="1/minute",
        report_read_org_rate_limit="1/minute",
    )
    async with serve(settings) as client:
        before = (await client.get("/metrics")).text
        for _ in range(2):
            await client.get(path, headers=from_address("198.51.100.1"))
            await client.get(path[:-3] + "AAA", headers=from_address("198.51.100.2"))
            await client.get(f"/v1/sessions/{session['id']}/scorecard", headers=api_server.org_headers())
        after = (await client.get("/metrics")).text
    for kind in ("link", "unverified", "org"):
        assert _limited(after, kind) - _limited(before, kind) == 1, kind
    assert _limited(after, "client") == _limited(before, "client")


async def test_past_the_budget_a_dead_link_costs_no_store_round_trip(api_server: ApiServer) -> None:
    path = _path((await _share(api_server, (await api_server.create_session())["id"]))["report_url"])
    settings = read_limit_settings(api_server, report_read_unverified_rate_limit="2/minute")
    app = create_app(settings)
    async with serve(settings, app=app) as client:
        spent = [
            _code(await client.get(path[:-3] + "AAA", headers=from_address(f"2001:db8:{i + 1:x}::1")))
            for i in range(3)
        ]
        # The store goes away: a dead link is still refused from what this process learnt, a live one cannot read
        # uncounted.
        gone = api_server.settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
        app.state.ratelimits = RateLimits.from_settings(gone)
        dead = await client.get("/v1/reports/shr_" + "y" * 40, headers=from_address("198.51.100.7"))
        live = await client.get(path, headers=from_address("198.51.100.8"))
    assert spent == [(404, None), (404, None), (429, "report_links_busy")]
    assert _code(dead) == (429, "report_links_busy")
    assert 1 <= int(dead.headers["retry-after"]) <= 60
    assert _code(live) == (503, "rate_limiter_unavailable")
