"""Report reads are counted per caller in the shared rate-limit store (api/report_limits.py): the report page and
its timeline, through a share link, a view token (a coaching link, a page's timeline token) or a practice invite,
per session the link opens and per client address (IPv6: /64 and /48 site); with an organisation key, per
organisation. Each read is a render of about 22 ms of CPU: uncounted, one link fetched in a loop, or many links
from one client, kept an API replica busy."""

from __future__ import annotations

import re

import httpx

from tests.api.conftest import serve
from tests.api.report_support import from_address, read_limit_settings
from tests.conftest import ApiServer, free_port


async def _share_path(server: ApiServer, session_id: str, key: str | None = None) -> str:
    r = await server.client.post(f"/v1/sessions/{session_id}/share", json={}, headers=server.org_headers(key))
    assert r.status_code == 201, r.text
    return "/v1/reports/" + str(r.json()["report_url"]).rsplit("/", 1)[1]


def _timeline_path(html: str) -> str:
    found = re.search(r'data-timeline-url="([^"]+)"', html)
    assert found, "the page names its timeline"
    return found.group(1)


def _assert_limited(r: httpx.Response) -> None:
    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1


async def test_one_share_link_fetched_in_a_loop_meets_its_links_limit(api_server: ApiServer) -> None:
    session = await api_server.create_session()
    looped_link, colleagues_link = [await _share_path(api_server, session["id"]) for _ in range(2)]
    async with serve(read_limit_settings(api_server, report_read_link_rate_limit="3/minute")) as client:
        statuses = [
            (await client.get(path, headers=from_address(f"198.51.100.{i}"))).status_code
            for i, path in enumerate([looped_link, f"{looped_link}/timeline", looped_link])
        ]
        # Every address on its own: the link itself is counted, page and timeline together.
        looped = await client.get(looped_link, headers=from_address("198.51.100.9"))
        looped_timeline = await client.get(f"{looped_link}/timeline", headers=from_address("198.51.100.10"))
        # A leaked link looped stops only itself: the organisation's other links and its own page still read.
        colleague = await client.get(colleagues_link, headers=from_address("198.51.100.11"))
        page = await client.get(f"/v1/sessions/{session['id']}/report", headers=api_server.org_headers())
        replay = await client.get(_timeline_path(page.text), headers=from_address("198.51.100.12"))
    assert statuses == [200, 200, 200]
    for r in (looped, looped_timeline):
        _assert_limited(r)
    assert (colleague.status_code, page.status_code, replay.status_code) == (200, 200, 200)


async def test_many_links_from_one_client_meet_its_address_limit(api_server: ApiServer) -> None:
    paths = [await _share_path(api_server, (await api_server.create_session())["id"]) for _ in range(5)]
    async with serve(read_limit_settings(api_server, report_read_client_rate_limit="4/minute")) as client:
        one = [(await client.get(p, headers=from_address("203.0.113.5"))).status_code for p in paths[:4]]
        fifth = await client.get(f"{paths[4]}/timeline", headers=from_address("203.0.113.5"))
        another_client = await client.get(paths[4], headers=from_address("203.0.113.6"))
        # Guessed or altered tokens count too: a token that fails its check still counts against the address.
        guesses = [
            (await client.get(p[:-3] + "AAA", headers=from_address("203.0.113.7"))).status_code
            for p in paths[:4]
        ]
        after_guessing = await client.get(paths[0], headers=from_address("203.0.113.7"))
    assert one == [200] * 4
    _assert_limited(fifth)
    assert another_client.status_code == 200
    assert all(s == 404 for s in guesses)
    _assert_limited(after_guessing)


async def test_an_ipv6_client_rotating_its_slash_64s_meets_its_sites_limit(api_server: ApiServer) -> None:
    path = await _share_path(api_server, (await api_server.create_session())["id"])
    settings = read_limit_settings(
        api_server, report_read_client_rate_limit="2/minute", report_read_site_rate_limit="5/minute"
    )
    async with serve(settings) as client:
        same_64 = [
            (await client.get(path, headers=from_address(f"2001:db8:1:1::{i + 1:x}"))).status_code
            for i in range(3)
        ]
        rotated = [
            (await client.get(path, headers=from_address(f"2001:db8:1:{i + 2:x}::1"))).status_code
            for i in range(5)
        ]
        other_site = await client.get(path, headers=from_address("2001:db8:2::1"))
    assert same_64 == [200, 200, 429]  # one bucket for the whole /64
    assert rotated == [200, 200, 200, 429, 429]  # the /48 has had its 5
    assert other_site.status_code == 200


async def test_reads_with_an_organisation_key_are_counted_per_organisation(api_server: ApiServer) -> None:
    mine = [await api_server.create_session() for _ in range(2)]
    _, their_key = await api_server.create_org("Other Hiring")
    theirs = await api_server.create_session(key=their_key)
    async with serve(read_limit_settings(api_server, report_read_org_rate_limit="4/minute")) as client:
        headers = api_server.org_headers()
        page = await client.get(f"/v1/sessions/{mine[0]['id']}/report", headers=headers)
        statuses = [
            page.status_code,
            # The timeline the page loads, through the view token minted for the key: the organisation's read.
            (await client.get(_timeline_path(page.text), headers=from_address("198.51.100.1"))).status_code,
            (await client.get(f"/v1/sessions/{mine[1]['id']}/report", headers=headers)).status_code,
            (await client.get(f"/v1/sessions/{mine[1]['id']}/timeline", headers=headers)).status_code,
        ]
        over = await client.get(f"/v1/sessions/{mine[0]['id']}/timeline", headers=headers)
        over_token = await client.get(_timeline_path(page.text), headers=from_address("198.51.100.2"))
        other_org = await client.get(
            f"/v1/sessions/{theirs['id']}/report", headers=api_server.org_headers(their_key)
        )
    assert statuses == [200] * 4
    _assert_limited(over)
    _assert_limited(over_token)
    assert other_org.status_code == 200


async def test_a_practice_invite_and_its_coaching_links_share_the_sessions_limit(
    api_server: ApiServer,
) -> None:
    created = await api_server.client.post("/v1/practice", json={})
    assert created.status_code == 201, created.text
    practice = created.json()
    invite = {"Authorization": f"Bearer {practice['invite']}"}
    async with serve(read_limit_settings(api_server, report_read_link_rate_limit="4/minute")) as client:

        async def coaching_path() -> str:
            r = await client.post(f"/v1/sessions/{practice['id']}/coaching-link", headers=invite)
            assert r.status_code == 200, r.text
            return "/v1/reports/" + str(r.json()["report_url"]).rsplit("/", 1)[1]

        statuses = [
            (await client.get(f"/v1/sessions/{practice['id']}/report", headers=invite)).status_code,
            (await client.get(f"/v1/sessions/{practice['id']}/timeline", headers=invite)).status_code,
            (await client.get(await coaching_path(), headers=from_address("198.51.100.1"))).status_code,
            (await client.get(await coaching_path(), headers=from_address("198.51.100.2"))).status_code,
        ]
        # A fresh coaching link per call is no fresh budget.
        fresh_link = await client.get(await coaching_path(), headers=from_address("198.51.100.3"))
        invite_again = await client.get(f"/v1/sessions/{practice['id']}/report", headers=invite)
    assert statuses == [200] * 4
    _assert_limited(fresh_link)
    _assert_limited(invite_again)


async def test_two_api_instances_sharing_redis_share_the_report_read_limits(api_server: ApiServer) -> None:
    path = await _share_path(api_server, (await api_server.create_session())["id"])
    settings = read_limit_settings(api_server, report_read_link_rate_limit="3/minute")
    async with serve(settings) as one, serve(settings) as two:
        statuses = [
            (await client.get(path, headers=from_address(f"198.51.100.{i}"))).status_code
            for i, client in enumerate((one, two, one, two, one))
        ]
    assert statuses == [200, 200, 200, 429, 429]


async def test_a_reviewer_clicking_through_reports_never_meets_the_defaults(api_server: ApiServer) -> None:
    # From one address: twenty reports opened by key and by share link, each page with its timeline, and one of
    # them reopened twenty times (80 + 40 reads in a minute).
    sessions = [await api_server.create_session() for _ in range(20)]
    paths = [await _share_path(api_server, s["id"]) for s in sessions]
    statuses: list[int] = []
    for s, path in zip(sessions, paths, strict=True):
        for url, headers in (
            (f"/v1/sessions/{s['id']}/report", api_server.org_headers()),
            (f"/v1/sessions/{s['id']}/timeline", api_server.org_headers()),
            (path, {}),
            (f"{path}/timeline", {}),
        ):
            statuses.append((await api_server.client.get(url, headers=headers)).status_code)
    for _ in range(20):
        statuses.append((await api_server.client.get(paths[0])).status_code)
        statuses.append((await api_server.client.get(f"{paths[0]}/timeline")).status_code)
    assert statuses == [200] * 120


async def test_an_unreachable_store_is_a_retryable_503_not_unlimited_reads(api_server: ApiServer) -> None:
    session = await api_server.create_session()
    path = await _share_path(api_server, session["id"])
    settings = api_server.settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    async with serve(settings) as client:
        shared = await client.get(path)
        by_key = await client.get(f"/v1/sessions/{session['id']}/report", headers=api_server.org_headers())
    for r in (shared, by_key):
        assert (r.status_code, r.json()["error"]["code"]) == (503, "rate_limiter_unavailable")
