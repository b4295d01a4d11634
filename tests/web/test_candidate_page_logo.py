"""The organisation's logo on the candidate page, in Debian's headless chromium against the real API (driver:
drive_logo_reload.cjs). It is fetched only once the candidate has agreed to the notice (its https host learns who
opened the link), and then shows on every screen after: the device check, the interview, and the interview reloaded.
A page opened on a running interview took the join's `consented` alone as the agreement, and that is false once
the notice agreed to has been replaced by a newer version (a running interview is not interrupted by it): the logo
was hidden after a reload, though the candidate had agreed and started."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from psycopg import AsyncConnection
from psycopg.rows import DictRow

from api.db import events_repo, sessions_repo
from api.db.pool import connection
from api.notice_versions import versions
from api.notices import render_notice
from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_logo_reload.cjs")
LOGO = "https://logo.test/acme.png"

Conn = AsyncConnection[DictRow]


async def _drive(api_server: ApiServer, s: dict[str, Any], scenario: str) -> dict[str, Any]:
    body = await run_driver(
        DRIVER,
        {
            "scenario": scenario,
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "logo": LOGO,
            "shots": str(ARTIFACTS / f"logo-{scenario}"),
        },
        limit_s=180,
    )
    bad = {state: v for state, v in body["axe"].items() if v}
    assert bad == {}, bad
    return dict(body["result"])


@pytest.mark.timeout(240)
async def test_the_logo_shows_after_the_consent_in_the_interview_and_after_a_reload(
    api_server: ApiServer, db: Conn
) -> None:
    await db.execute("update organizations set logo_url = %s where id = %s", (LOGO, api_server.org_id))
    s = await api_server.create_session(text_only=True)
    seen = await _drive(api_server, s, "consentStartReload")
    assert seen["welcome"]["hidden"] is True and seen["welcome"]["src"] is None, seen
    assert seen["welcome"]["fetched"] == 0, seen  # nothing asked of the logo's host before the consent
    for step in ("agreed", "interview", "reloaded"):
        assert seen[step]["shown"] is True, (step, seen)
        assert seen[step]["src"] == LOGO and seen[step]["alt"] == "Acme Hiring logo", (step, seen)
    narrow = seen["narrow"]
    assert narrow["sideways"] == 0 and narrow["logo_inside"] is True and narrow["logo_width"] > 0, seen


@pytest.mark.timeout(240)
async def test_the_logo_shows_on_a_reload_of_an_interview_started_under_a_notice_since_replaced(
    api_server: ApiServer, db: Conn
) -> None:
    await db.execute("update organizations set logo_url = %s where id = %s", (LOGO, api_server.org_id))
    s = await api_server.create_session(text_only=True)
    # Agreed and started under the previous deploy, whose version in force was the one since replaced: the consent
    # as that deploy's route stored it, and the start it then allowed.
    async with connection(api_server.app.state.pool) as conn:
        found = await sessions_repo.get_candidate_session(conn, s["id"])
        assert found is not None
        notice = render_notice(
            found.session, found.org, sessions_repo.session_languages(found.session), versions()[-2]
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
        await sessions_repo.mark_started(conn, s["id"], "text")
    join = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert join["session"]["status"] == "in_progress" and join["participant_token"], join
    seen = await _drive(api_server, s, "openRunning")
    assert seen["first"]["shown"] is True and seen["reloaded"]["shown"] is True, seen
    assert seen["reloaded"]["src"] == LOGO, seen
