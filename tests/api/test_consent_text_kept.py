"""What the candidate agreed to is kept as they read it. A consent stored the notice's version and the SHA-256 of its
HTML, but not the HTML: the text is rendered from values that change after the consent (the organisation's name,
its retention period and its text-only policy, the session's extra time), so once one did, no one could produce
the text the hash was of, and a company could not show what its candidate was told (that the interviewer is an AI,
what is recorded, how long it is kept)."""

from __future__ import annotations

import hashlib
from typing import Any

from api.db import artifacts_repo
from api.db.pool import connection
from tests.conftest import ApiServer


async def _consent_events(server: ApiServer, session_id: str) -> list[dict[str, Any]]:
    """The consent events as the organisation reads its session (`GET /v1/sessions/{id}`)."""
    r = await server.client.get(f"/v1/sessions/{session_id}", headers=server.org_headers())
    assert r.status_code == 200, r.text
    return [e for e in r.json()["events"] if e["type"] == "consent"]


async def test_the_text_agreed_to_is_kept_after_everything_it_was_rendered_from_changes(
    api_server: ApiServer,
) -> None:
    s = await api_server.create_session(role="Backend engineer", duration_minutes=45)
    shown = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
    await api_server.consent(s)
    await api_server.consent(s)  # agreeing again to the same text stores nothing new
    assert len(await _consent_events(api_server, s["id"])) == 1

    # Everything the notice is rendered from changes after the consent.
    org = await api_server.client.patch(
        "/v1/organization",
        json={"name": "Renamed Hiring", "retention_days": 400, "allow_text_only": True},
        headers=api_server.org_headers(),
    )
    assert org.status_code == 200, org.text
    patched = await api_server.client.patch(
        f"/v1/sessions/{s['id']}", json={"extra_time_minutes": 15}, headers=api_server.org_headers()
    )
    assert patched.status_code == 200, patched.text
    now = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
    assert now["sha256"] != shown["sha256"]  # the current text is another text

    [event] = await _consent_events(api_server, s["id"])
    kept = event["payload"]["notice_html"]
    assert kept == shown["html"]
    assert (
        hashlib.sha256(kept.encode("utf-8")).hexdigest()
        == event["payload"]["notice_sha256"]
        == shown["sha256"]
    )
    assert "AI" in kept and "Renamed Hiring" not in kept

    # The retention job keeps the consent with its text.
    async with connection(api_server.app.state.pool) as conn, conn.transaction():
        await conn.execute(
            "update sessions set status = 'completed', ended_at = now() where id = %s", (s["id"],)
        )
        assert await artifacts_repo.apply_retention(conn, s["id"], 0) is not None
    [after] = await _consent_events(api_server, s["id"])
    assert after["payload"]["notice_html"] == shown["html"]
