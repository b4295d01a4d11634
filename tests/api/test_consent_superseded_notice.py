"""A consent is to the notice the candidate page shows now, never to a version it replaced. The route rendered
whichever version the request named and checked the hash against that: an agreement to version 1 (which says
nothing of legal holds: version 2 added it) opened the room, though docs/candidate-page.md says a new version
shipped is 409 `notice_changed`. A stale page, or a candidate choosing the text they agree to, got a record of
consent to a notice the organisation no longer shows."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import DictRow

from api.db import events_repo, sessions_repo
from api.db.pool import connection
from api.notice_versions import current_version, versions
from api.notices import render_notice
from tests.conftest import ApiServer

Conn = AsyncConnection[DictRow]


async def _rendered(server: ApiServer, session_id: str, version: str) -> dict[str, Any]:
    """The exact text of `version` for this session, as the page would show it: what a client can compute."""
    async with connection(server.app.state.pool) as conn:
        found = await sessions_repo.get_candidate_session(conn, session_id)
    assert found is not None
    notice = render_notice(found.session, found.org, sessions_repo.session_languages(found.session), version)
    return {"notice_version": notice.version, "notice_sha256": notice.sha256, "agreed": True}


async def test_a_consent_to_a_superseded_notice_is_refused_and_opens_nothing(
    api_server: ApiServer, db: Conn
) -> None:
    assert len(versions()) > 1 and current_version() == versions()[-1]
    s = await api_server.create_session()
    auth = {"Authorization": f"Bearer {s['invite']}"}
    url = f"/v1/sessions/{s['id']}/consent"
    for old in versions()[:-1]:
        r = await api_server.client.post(url, json=await _rendered(api_server, s["id"], old), headers=auth)
        assert (r.status_code, r.json()["error"]["code"]) == (409, "notice_changed"), (old, r.text)
    cur = await db.execute("select count(*) as n from session_events where session_id = %s", (s["id"],))
    assert await cur.fetchone() == {"n": 0}
    join = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert (join["consented"], join["participant_token"]) == (False, "")
    started = await api_server.client.post(
        f"/v1/sessions/{s['id']}/start", json={"mode": "voice"}, headers=auth
    )
    assert (started.status_code, started.json()["error"]["code"]) == (409, "consent_required")

    current = await api_server.client.post(
        url, json=await _rendered(api_server, s["id"], current_version()), headers=auth
    )
    assert current.status_code == 201, current.text
    assert current.json()["notice_version"] == join["notice"]["version"] == current_version()


async def test_a_start_on_a_consent_to_a_replaced_notice_asks_for_the_current_one(
    api_server: ApiServer, db: Conn
) -> None:
    """A candidate who agreed to the previous version before the current one shipped (v2 before v3, which first
    names the developer-tools observation) started on that consent: any stored consent counted."""
    s = await api_server.create_session()
    auth = {"Authorization": f"Bearer {s['invite']}"}
    previous = versions()[-2]
    # The consent route as it stood while `previous` was the version in force: the same event, as it stored it.
    async with connection(api_server.app.state.pool) as conn:
        found = await sessions_repo.get_candidate_session(conn, s["id"])
        assert found is not None
        notice = render_notice(
            found.session, found.org, sessions_repo.session_languages(found.session), previous
        )
        stored = await events_repo.append_events(
            conn,
            s["id"],
            [
                events_repo.EventIn(
                    idempotency_key=f"page:consent:{notice.version}:{notice.sha256[:16]}",
                    type="consent",
                    payload={"notice_version": notice.version, "notice_sha256": notice.sha256},
                )
            ],
        )
        assert stored
    join = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert (join["consented"], join["participant_token"], join["notice"]["version"]) == (
        False,
        "",
        current_version(),
    )
    start = f"/v1/sessions/{s['id']}/start"
    refused = await api_server.client.post(start, json={"mode": "voice"}, headers=auth)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "notice_changed"), refused.text
    cur = await db.execute("select status, started_at from sessions where id = %s", (s["id"],))
    assert await cur.fetchone() == {"status": "scheduled", "started_at": None}

    agreed = await api_server.client.post(
        f"/v1/sessions/{s['id']}/consent",
        json=await _rendered(api_server, s["id"], current_version()),
        headers=auth,
    )
    assert agreed.status_code == 201, agreed.text
    started = await api_server.client.post(start, json={"mode": "voice"}, headers=auth)
    assert started.status_code == 200, started.text
    assert started.json()["session"]["status"] == "in_progress" and started.json()["participant_token"]
    # The record keeps each version agreed to, in order: the one in force at the start is the newest.
    cur = await db.execute(
        "select payload ->> 'notice_version' as v from session_events where session_id = %s and type = 'consent'"
        " order by seq",
        (s["id"],),
    )
    assert [r["v"] for r in await cur.fetchall()] == [previous, current_version()]


async def _store_consent(server: ApiServer, session_id: str, version: str) -> None:
    """A consent event as the route of the release whose version in force is `version` stored it."""
    async with connection(server.app.state.pool) as conn:
        stored = await events_repo.append_events(
            conn,
            session_id,
            [
                events_repo.EventIn(
                    idempotency_key=f"page:consent:{version}:test",
                    type="consent",
                    payload={"notice_version": version, "notice_sha256": "0" * 64},
                )
            ],
        )
        assert stored


async def test_a_consent_a_newer_release_took_counts_and_an_older_one_after_it_takes_nothing_back(
    api_server: ApiServer, db: Conn
) -> None:
    """A rolling deploy: the page agreed on a replica of the next release (its newer version), and the join and the
    start reach a replica of this one. Compared for equality with this release's version, that consent was none: the
    join asked for the notice again (no room token), the start was `notice_changed`, and the page went back and
    forth between the two releases' notices for as long as the deploy ran."""
    s = await api_server.create_session()
    auth = {"Authorization": f"Bearer {s['invite']}"}
    newer = f"v{int(current_version()[1:]) + 1}"
    await _store_consent(api_server, s["id"], newer)
    # Then this release's replica took a consent to its own version (a page it served meanwhile): still agreed.
    await _store_consent(api_server, s["id"], current_version())
    join = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert join["consented"] is True and join["participant_token"], join
    started = await api_server.client.post(
        f"/v1/sessions/{s['id']}/start", json={"mode": "voice"}, headers=auth
    )
    assert started.status_code == 200, started.text
    cur = await db.execute("select status from sessions where id = %s", (s["id"],))
    assert await cur.fetchone() == {"status": "in_progress"}


async def test_a_replaced_consent_stored_after_the_current_one_does_not_count_as_the_newest(
    api_server: ApiServer,
) -> None:
    """The other order: agreed to this release's version, then a page of the release it replaces agreed to the old
    one on an old replica. The highest version agreed to holds, not the last stored."""
    s = await api_server.create_session()
    await api_server.consent(s)
    await _store_consent(api_server, s["id"], versions()[-2])
    join = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert join["consented"] is True and join["participant_token"], join


async def test_a_text_changed_without_a_new_version_is_refused_and_stores_nothing(
    api_server: ApiServer, db: Conn
) -> None:
    """The version alone does not bind a consent: the text is rendered from values that change (the organisation's
    name, its policies, the session's extra time), so the same version can say something else. The hash of the text
    the page showed is checked against the text in force."""
    s = await api_server.create_session()
    shown = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
    await db.execute("update organizations set name = 'Other Hiring' where id = %s", (api_server.org_id,))
    now = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
    assert now["version"] == shown["version"] and now["sha256"] != shown["sha256"]
    refused = await api_server.client.post(
        f"/v1/sessions/{s['id']}/consent",
        json={"notice_version": shown["version"], "notice_sha256": shown["sha256"], "agreed": True},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "notice_changed"), refused.text
    cur = await db.execute("select count(*) as n from session_events where session_id = %s", (s["id"],))
    assert await cur.fetchone() == {"n": 0}


async def test_a_start_on_a_consent_to_a_text_changed_since_asks_for_the_current_one(
    api_server: ApiServer, db: Conn
) -> None:
    """The start and the room token checked the version alone: a candidate who agreed, then whose notice changed
    without a new version (the organisation's name, the session's extra time: the text is rendered from them),
    started on a consent to a text they are no longer shown. The consent binds to the exact text, and each of these
    changes asks for a new tick."""
    s = await api_server.create_session()
    auth = {"Authorization": f"Bearer {s['invite']}"}
    start = f"/v1/sessions/{s['id']}/start"
    await api_server.consent(s)
    agreed = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert agreed["consented"] is True and agreed["participant_token"], agreed
    changes = (
        lambda: db.execute(
            "update organizations set name = 'Renamed Hiring' where id = %s", (api_server.org_id,)
        ),
        lambda: api_server.client.patch(
            f"/v1/sessions/{s['id']}", json={"extra_time_minutes": 15}, headers=api_server.org_headers()
        ),
    )
    for change in changes:
        before = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
        await change()
        join = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
        assert join["notice"]["version"] == before["version"] and join["notice"]["sha256"] != before["sha256"]
        assert (join["consented"], join["participant_token"]) == (False, ""), join
        token = await api_server.client.post(
            "/v1/livekit/token", json={}, headers={"Authorization": f"Bearer {s['invite']}"}
        )
        assert (token.status_code, token.json()["error"]["code"]) == (409, "consent_required"), token.text
        refused = await api_server.client.post(start, json={"mode": "voice"}, headers=auth)
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "notice_changed"), refused.text
        cur = await db.execute("select status, started_at from sessions where id = %s", (s["id"],))
        assert await cur.fetchone() == {"status": "scheduled", "started_at": None}
        await api_server.consent(s)  # the current text, as the page shows it
    started = await api_server.client.post(start, json={"mode": "voice"}, headers=auth)
    assert started.status_code == 200, started.text
    assert started.json()["session"]["status"] == "in_progress" and started.json()["consented"] is True
    # One consent per text, each kept with its hash; the last is the one the start found.
    cur = await db.execute(
        "select payload ->> 'notice_sha256' as h from session_events where session_id = %s and type = 'consent'"
        " order by seq",
        (s["id"],),
    )
    hashes = [r["h"] for r in await cur.fetchall()]
    assert len(set(hashes)) == 3 and hashes[-1] == started.json()["notice"]["sha256"], hashes
