"""Credentials derived from another credential die with it, at once: a report page's view token (its replay's
timeline grant) with the organisation key it was rendered for, a practice candidate's coaching link with their
invite, a share link's page and timeline with the link, an ATS's profile link with the integration key it was
minted for. Found in round 25: a view token outlived its key (and its invite) for up to
SHADOWS_API_REPORT_VIEW_MINUTES, since nothing but its signature and expiry was checked. Found in round 26: the
report link handed to Greenhouse or Ashby outlived the revocation of that ATS's integration key (up to
SHADOWS_API_SHARE_LINK_MAX_DAYS)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg.rows import DictRow

from api import share_links
from api.db import integrations_repo
from api.integrations import callbacks, profile_links
from api.sealing import sealer
from api.security import digest, new_api_key
from tests.api.report_support import Seeded, grade, seed_interview
from tests.conftest import ApiServer
from tests.fakes.greenhouse import fake_greenhouse

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


async def _ats_assessment(api_server: ApiServer, db: Conn, provider: str) -> Seeded:
    """A graded interview that `provider` asked for (the row its send_test / assessment.start writes)."""
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await integrations_repo.insert_assessment(
        db,
        session_id=seeded.id,
        organization_id=api_server.org_id,
        provider=provider,
        partner_test_id="difficulty:easy",
        callback_url="https://app.greenhouse.io/ats/callback/1" if provider == "greenhouse" else None,
        external_candidate_id=None,
        external_application_id=None,
        join_url_sealed=sealer(api_server.settings).seal("https://example.invalid/join"),
    )
    return seeded


async def _greenhouse_key(api_server: ApiServer) -> str:
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    return str(r.json()["key"])


async def _profile_token(api_server: ApiServer, key: str, interview: str) -> str:
    basic = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    r = await api_server.client.get(
        "/integrations/greenhouse/test_status",
        params={"partner_interview_id": interview},
        headers={"Authorization": basic},
    )
    assert r.status_code == 200, r.text
    assert r.json()["partner_status"] == "complete"
    return str(r.json()["partner_profile_url"]).rsplit("/", 1)[1]


async def test_the_profile_link_greenhouse_holds_dies_with_its_integration_key(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await _ats_assessment(api_server, db, "greenhouse")
    first_key = await _greenhouse_key(api_server)
    token = await _profile_token(api_server, first_key, seeded.id)
    assert (await api_server.client.get(f"/v1/reports/{token}")).status_code == 200

    # The organisation revokes the key (it leaves Greenhouse, or the key leaked): the link Greenhouse shows dies.
    r = await api_server.client.delete("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 204
    r = await api_server.client.get(f"/v1/reports/{token}")
    assert r.status_code == 410 and "This link was revoked" in r.text
    # And what the page loads through it (the replay's timeline): nothing else is reachable with the link.
    assert _code(await api_server.client.get(f"/v1/reports/{token}/timeline")) == (410, "share_link_revoked")
    with pytest.raises(share_links.ShareLinkRevokedError):
        await share_links.verify(db, api_server.settings, token)
    listed = await api_server.client.get(f"/v1/sessions/{seeded.id}/share", headers=api_server.org_headers())
    (row,) = listed.json()["data"]
    assert row["active"] is False and row["key_prefix"] == first_key[:9]

    # A new key (a rotation): Greenhouse reads a new link, bound to the new key; the old one stays dead.
    second_key = await _greenhouse_key(api_server)
    renewed = await _profile_token(api_server, second_key, seeded.id)
    assert renewed != token
    assert (await api_server.client.get(f"/v1/reports/{renewed}")).status_code == 200
    assert (await api_server.client.get(f"/v1/reports/{token}")).status_code == 410
    assert await _profile_token(api_server, second_key, seeded.id) == renewed  # kept while its key is live


async def test_the_profile_link_in_ashbys_result_dies_with_the_ashby_key(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await _ats_assessment(api_server, db, "ashby")
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys",
        json={"ashby_api_key": "ashby-secret-1"},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 201, r.text
    cb = {
        "session_id": seeded.id,
        "organization_id": api_server.org_id,
        "provider": "ashby",
        "kind": "result",
        "scorecard_version": 1,
        "callback_url": None,
        "created_at": datetime.now(UTC),
    }
    call = await callbacks.build_call(db, api_server.settings, cb)
    assert call.content is not None
    url = json.loads(call.content)["assessment_profile_url"]["value"]
    token = url.rsplit("/", 1)[1]
    assert (await share_links.verify(db, api_server.settings, token)).session_id == seeded.id

    r = await api_server.client.delete("/v1/integrations/ashby/keys", headers=api_server.org_headers())
    assert r.status_code == 204
    with pytest.raises(share_links.ShareLinkRevokedError):
        await share_links.verify(db, api_server.settings, token)
    # Nothing hands Ashby a new link without a live key: the call cannot be built.
    with pytest.raises(callbacks.CallbackUnsendableError):
        await callbacks.build_call(db, api_server.settings, cb)


async def test_a_link_minted_with_an_api_key_outlives_the_key_and_names_it(
    api_server: ApiServer, db: Conn
) -> None:
    """Routine key rotation must not break the links handed to reviewers; the list says which key minted each, so
    the links a leaked key minted can be found and revoked."""
    org_id, first = await api_server.create_org("Rotators")
    second = new_api_key()
    await db.execute(
        "insert into api_keys (organization_id, key_hash, prefix, name) values (%s, %s, %s, 'second')",
        (org_id, digest(second), second[:8]),
    )
    seeded = await seed_interview(api_server, db, key=first)
    created = await api_server.client.post(
        f"/v1/sessions/{seeded.id}/share", json={}, headers=api_server.org_headers(first)
    )
    token = created.json()["report_url"].rsplit("/", 1)[1]
    await db.execute("update api_keys set revoked_at = now() where key_hash = %s", (digest(first),))
    assert (await share_links.verify(db, api_server.settings, token)).session_id == seeded.id
    listed = await api_server.client.get(
        f"/v1/sessions/{seeded.id}/share", headers=api_server.org_headers(second)
    )
    (row,) = listed.json()["data"]
    assert row["active"] is True and row["key_prefix"] == first[:8]


async def test_a_kept_profile_link_bound_to_no_key_is_replaced_and_revoked_by_the_sweep(
    api_server: ApiServer, db: Conn
) -> None:
    """A link kept for an ATS before links were bound to their integration key would outlive the key: the hourly
    sweep revokes it (and hands the ATS a bound one when it was handed the old one)."""
    seeded = await _ats_assessment(api_server, db, "greenhouse")
    await _greenhouse_key(api_server)
    legacy = await share_links.mint(db, api_server.settings, seeded.id, expires_in_days=90)
    await integrations_repo.keep_profile_link(
        db, seeded.id, sealer(api_server.settings).seal(legacy.report_url), legacy.expires_at
    )
    assert await profile_links.refresh_dead_links(db, api_server.settings) == 0  # never handed over: no call
    with pytest.raises(share_links.ShareLinkRevokedError):
        await share_links.verify(db, api_server.settings, legacy.token)
    assert await integrations_repo.profile_link(db, seeded.id) == {
        "provider": "greenhouse",
        "profile_url_sealed": None,
        "profile_url_expires_at": None,
    }


async def test_the_candidates_join_link_outlives_the_greenhouse_key_that_asked_for_it(
    api_server: ApiServer, db: Conn
) -> None:
    # What the organisation revokes with the key is Greenhouse's access (its calls, the report links it holds),
    # not the candidate's interview: the candidate holds the link already (e-mailed, or sent by the recruiter),
    # and cutting it would cancel interviews as a side effect of rotating a key. The session is withdrawn by
    # cancelling it (from Greenhouse, or `POST /v1/sessions/{id}/cancel`).
    first_key = await _greenhouse_key(api_server)
    async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", first_key) as gh:
        sent = await gh.send_test("difficulty:easy", {"first_name": "Ada", "email": "ada@example.com"})
        assert sent.status_code == 200, sent.text
        session_id = sent.json()["partner_interview_id"]
        join_url = (await gh.test_status(session_id)).json()["metadata"]["join_url"]
    invite = join_url.split("#invite=", 1)[1]

    r = await api_server.client.delete("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 204
    joined = await api_server.client.post("/v1/join", json={"invite": invite})
    assert joined.status_code == 200, joined.text
    assert joined.json()["session"]["id"] == session_id

    # After a rotation the new key reads the same link (the recruiter can still resend it); the old key reads
    # nothing.
    second_key = await _greenhouse_key(api_server)
    async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", second_key) as gh:
        assert (await gh.test_status(session_id)).json()["metadata"]["join_url"] == join_url
    async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", first_key) as old:
        assert (await old.test_status(session_id)).status_code == 401


async def test_an_artifact_url_dies_with_the_key_it_was_listed_with(api_server: ApiServer, db: Conn) -> None:
    # Found in round 3 of the ATS audit: the signed URL of a stored artifact (the session dump, the report PDF,
    # the résumé) was signed for its path and expiry only, so it kept downloading for
    # SHADOWS_API_STORAGE_SIGNED_URL_S (an hour by default, up to 7 days) after the key that listed it was revoked,
    # and after the session moved out of the organisation's reach. Like a report page's timeline grant, it is now
    # bound to the key and checked on every download.
    seeded = await seed_interview(api_server, db)
    storage = api_server.app.state.storage
    await storage.put(f"sessions/{seeded.id}/session.json", b'{"dump": 1}', "application/json")
    await _record_dump(db, seeded.id)
    key = new_api_key()
    await db.execute(
        "insert into api_keys (organization_id, key_hash, prefix, name) values (%s, %s, %s, 'lister')",
        (api_server.org_id, digest(key), key[:9]),
    )
    listed = await api_server.client.get(
        f"/v1/sessions/{seeded.id}/artifacts", headers={"Authorization": f"Bearer {key}"}
    )
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["data"]
    path = item["url"].removeprefix(api_server.url)
    r = await api_server.client.get(path)
    assert r.status_code == 200 and r.content == b'{"dump": 1}'

    await db.execute("update api_keys set revoked_at = now() where key_hash = %s", (digest(key),))
    assert _code(await api_server.client.get(path)) == (410, "share_link_revoked")
    # Nor does a token of the kind open anything else: a report page or its timeline.
    token = path.removeprefix("/v1/artifacts/").split("/", 1)[0]
    assert (await api_server.client.get(f"/v1/reports/{token}")).status_code in (404, 410)
    assert (await api_server.client.get(f"/v1/reports/{token}/timeline")).status_code in (404, 410)


async def _record_dump(db: Conn, session_id: str) -> None:
    await db.execute(
        "insert into session_artifacts (session_id, name, storage_key, content_type, size_bytes, sha256)"
        " values (%s, 'session.json', %s, 'application/json', 11, 'x')",
        (session_id, f"sessions/{session_id}/session.json"),
    )
