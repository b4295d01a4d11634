"""What an API caller can grow under one parent is bounded, with a clear 409: a session's share links (minting and
revoking in a loop made rows without end), its scorecard versions (re-grading in a loop made paid gradings,
scorecards and webhooks without end), and an organisation's stored Greenhouse response errors. Found in round 25."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from psycopg.rows import DictRow

from api import share_links
from api.db import integrations_repo, scorecards_repo
from api.settings import ApiSettings
from tests.api.grading_support import complete, interview
from tests.conftest import ApiServer
from tests.fakes.greenhouse import fake_greenhouse

Conn = psycopg.AsyncConnection[DictRow]
SHARE_CAP = 4
VERSION_CAP = 3


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(
        update={"share_links_per_session": SHARE_CAP, "scorecard_versions_per_session": VERSION_CAP}
    )


async def _share(server: ApiServer, session_id: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = await server.client.post(f"/v1/sessions/{session_id}/share", json={}, headers=server.org_headers())
    return r.status_code, r.json()


async def test_share_links_per_session_are_bounded_and_revoking_does_not_make_room(
    api_server: ApiServer, db: Conn
) -> None:
    session = await api_server.create_session()
    other = await api_server.create_session()
    # Parallel mints cannot together pass the bound.
    results = await asyncio.gather(*(_share(api_server, session["id"]) for _ in range(SHARE_CAP + 3)))
    assert sorted(status for status, _ in results) == [201] * SHARE_CAP + [409] * 3
    refused = next(body for status, body in results if status == 409)
    assert refused["error"]["code"] == "too_many_share_links"
    assert str(SHARE_CAP) in refused["error"]["message"]

    # Revoked links still count until they expire: a mint-and-revoke loop does not grow the table.
    for status, body in results:
        if status == 201:
            r = await api_server.client.delete(
                f"/v1/sessions/{session['id']}/share/{body['id']}", headers=api_server.org_headers()
            )
            assert r.status_code == 204
    assert (await _share(api_server, session["id"]))[0] == 409
    cur = await db.execute("select count(*) as n from share_links where session_id = %s", (session["id"],))
    assert (await cur.fetchone())["n"] == SHARE_CAP  # type: ignore[index]
    # Another session is not affected; expired links stop counting.
    assert (await _share(api_server, other["id"]))[0] == 201
    await db.execute(
        "update share_links set created_at = now() - interval '2 days', expires_at = now() - interval '1 day'"
        " where session_id = %s",
        (session["id"],),
    )
    assert (await _share(api_server, session["id"]))[0] == 201


async def test_links_shadows_mints_itself_are_never_refused(api_server: ApiServer, db: Conn) -> None:
    """An ATS profile link or a webhook's report_url must be handed over whatever the caller has minted."""
    session = await api_server.create_session()
    for _ in range(SHARE_CAP):
        assert (await _share(api_server, session["id"]))[0] == 201
    link = await share_links.mint(db, api_server.settings, session["id"])
    assert (await share_links.verify(db, api_server.settings, link.token)).session_id == session["id"]


async def test_scorecard_versions_per_session_are_bounded(api_server: ApiServer, db: Conn) -> None:
    h = api_server.org_headers()
    s = await interview(api_server)
    await complete(api_server, s["id"])
    url = f"/v1/sessions/{s['id']}/grade"
    for version in range(1, VERSION_CAP + 2):
        await scorecards_repo.store_outcome(
            db, s["id"], version, status="failed", reason="grader_not_configured", scorecard=None,
            recommendation=None, overall_score=None, facts=None, needs_human_review=False, model=None,
            prompt_version=None, rubric_version=None, input_tokens=None, output_tokens=None, cost_usd=None,
            samples=None, duration_ms=None,
        )  # fmt: skip
        r = await api_server.client.post(url, json={}, headers=h)
        if version < VERSION_CAP:
            assert (r.status_code, r.json()["version"]) == (202, version + 1)
        else:
            assert (r.status_code, r.json()["error"]["code"]) == (409, "too_many_scorecard_versions")
    cur = await db.execute("select count(*) as n from scorecards where session_id = %s", (s["id"],))
    assert (await cur.fetchone())["n"] == VERSION_CAP  # type: ignore[index]


async def test_greenhouse_response_errors_kept_per_organisation_are_bounded(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Greenhouse key holder posting reports in a loop (each up to 100 errors of 2,000 characters) grew
    ats_response_errors without end: only the organisation's newest reports are kept."""
    monkeypatch.setattr(integrations_repo, "RESPONSE_ERRORS_KEPT", 3, raising=False)
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    key = r.json()["key"]
    _, other_key = await api_server.create_org("Other Hiring")
    other = (
        await api_server.client.post(
            "/v1/integrations/greenhouse/keys", headers=api_server.org_headers(other_key)
        )
    ).json()["key"]
    for n, k in [*((n, key) for n in range(6)), (99, other)]:
        async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", k) as gh, gh.client() as c:
            r = await c.post("/response_error", json={"api_call": f"call_{n}", "errors": ["x" * 2000] * 100})
            assert r.status_code == 200, r.text
    cur = await db.execute(
        "select o.name, e.api_call from ats_response_errors e join organizations o on o.id = e.organization_id"
        " order by e.received_at"
    )
    assert [(row["name"], row["api_call"]) for row in await cur.fetchall()] == [
        ("Acme Hiring", "call_3"),
        ("Acme Hiring", "call_4"),
        ("Acme Hiring", "call_5"),
        ("Other Hiring", "call_99"),
    ]
