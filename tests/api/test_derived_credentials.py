"""Credentials derived from another credential die with it, at once: a report page's view token (its replay's
timeline grant) with the organisation key it was rendered for, a practice candidate's coaching link with their
invite, a share link's page and timeline with the link. Found in round 25: a view token outlived its key (and its
invite) for up to SHADOWS_API_REPORT_VIEW_MINUTES, since nothing but its signature and expiry was checked."""

from __future__ import annotations

import re

import psycopg
import pytest
from psycopg.rows import DictRow

from api.security import digest, new_api_key
from tests.api.report_support import grade, seed_interview
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
pytestmark = pytest.mark.usefixtures("web_dist")


def _timeline_url(html: str) -> str:
    found = re.search(r'data-timeline-url="([^"]+)"', html)
    assert found, "the page names its timeline"
    return found.group(1)


def _code(r: object) -> tuple[int, str]:
    status = r.status_code  # type: ignore[attr-defined]
    if r.headers.get("content-type", "").startswith("application/json"):  # type: ignore[attr-defined]
        return status, r.json()["error"]["code"]  # type: ignore[attr-defined]
    return status, ""


async def test_a_report_pages_timeline_grant_dies_with_the_key_it_was_rendered_for(
    api_server: ApiServer, db: Conn
) -> None:
    org_id, first = await api_server.create_org("Revokers")
    second = new_api_key()
    await db.execute(
        "insert into api_keys (organization_id, key_hash, prefix, name) values (%s, %s, %s, 'second')",
        (org_id, digest(second), second[:8]),
    )
    seeded = await seed_interview(api_server, db, key=first)
    urls = {}
    for name, key in (("first", first), ("second", second)):
        page = await api_server.client.get(
            f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers(key)
        )
        assert page.status_code == 200, page.text
        urls[name] = _timeline_url(page.text)
        assert (await api_server.client.get(urls[name])).status_code == 200

    await db.execute("update api_keys set revoked_at = now() where key_hash = %s", (digest(first),))
    # The key itself is refused at once, and so is every grant minted for it; another live key's grant still works.
    r = await api_server.client.get("/v1/sessions", headers=api_server.org_headers(first))
    assert r.status_code == 401
    assert _code(await api_server.client.get(urls["first"])) == (410, "share_link_revoked")
    assert (await api_server.client.get(urls["second"])).status_code == 200


async def test_a_grant_from_another_organisations_key_opens_nothing_when_the_session_moves_out(
    api_server: ApiServer, db: Conn
) -> None:
    """The grant is bound to the key and the key's organisation: a session that is not (or no longer) the key's
    organisation's is not opened by it."""
    _, key = await api_server.create_org("Movers")
    seeded = await seed_interview(api_server, db, key=key)
    page = await api_server.client.get(
        f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers(key)
    )
    url = _timeline_url(page.text)
    assert (await api_server.client.get(url)).status_code == 200
    await db.execute("update sessions set organization_id = %s where id = %s", (api_server.org_id, seeded.id))
    assert _code(await api_server.client.get(url)) == (410, "share_link_revoked")


async def test_a_coaching_link_dies_with_the_invite_it_was_minted_for(
    api_server: ApiServer, db: Conn
) -> None:
    practice = await seed_interview(api_server, db, practice=True)
    await grade(db, practice)
    mine = {"Authorization": f"Bearer {practice.session['invite']}"}
    link = await api_server.client.post(f"/v1/sessions/{practice.id}/coaching-link", headers=mine)
    url = link.json()["report_url"].removeprefix(api_server.settings.public_url)
    page = await api_server.client.get(f"/v1/sessions/{practice.id}/report", headers=mine)
    timeline = _timeline_url(page.text)
    assert (await api_server.client.get(url)).status_code == 200
    assert (await api_server.client.get(timeline)).status_code == 200

    # The invite is replaced (a reissue): whatever the old one minted stops at once.
    await db.execute(
        "update sessions set invite_hash = %s where id = %s", (digest(new_api_key()), practice.id)
    )
    r = await api_server.client.get(url)
    assert r.status_code == 410 and "This link was revoked" in r.text
    assert _code(await api_server.client.get(timeline)) == (410, "share_link_revoked")


async def test_erasing_the_session_cuts_its_view_grants(api_server: ApiServer, db: Conn) -> None:
    seeded = await seed_interview(api_server, db)
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    url = _timeline_url(page.text)
    r = await api_server.client.delete(f"/v1/sessions/{seeded.id}", headers=api_server.org_headers())
    assert r.status_code == 204
    assert _code(await api_server.client.get(url)) == (404, "share_link_invalid")


async def test_a_share_links_page_and_timeline_die_with_the_link(api_server: ApiServer, db: Conn) -> None:
    """The shared page's replay loads its timeline with the share token itself (no view token is derived from
    it), so revoking the link stops the page and its replay at once."""
    seeded = await seed_interview(api_server, db)
    created = (
        await api_server.client.post(
            f"/v1/sessions/{seeded.id}/share", json={}, headers=api_server.org_headers()
        )
    ).json()
    token = created["report_url"].rsplit("/", 1)[1]
    page = await api_server.client.get(f"/v1/reports/{token}")
    timeline = _timeline_url(page.text)
    assert not timeline.startswith("/v1/reports/shv_")
    assert (await api_server.client.get(timeline)).status_code == 200
    r = await api_server.client.delete(
        f"/v1/sessions/{seeded.id}/share/{created['id']}", headers=api_server.org_headers()
    )
    assert r.status_code == 204
    assert (await api_server.client.get(f"/v1/reports/{token}")).status_code == 410
    assert _code(await api_server.client.get(timeline)) == (410, "share_link_revoked")
