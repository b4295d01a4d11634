"""The interviewer's start of a session whose candidate has agreed to the notice in force: the API starts no
scheduled session without that consent (`api.candidate_rules.may_start`), whoever asks, the agent included."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from api.candidate_rules import session_notice
from api.db import events_repo, sessions_repo
from api.db.pool import Pool, connection
from api.notices import retention_days
from api.timestamps import utc_z


async def consent(client: httpx.AsyncClient, created: dict[str, Any]) -> None:
    """The candidate of `created` (a `POST /v1/sessions` answer) agrees to the notice their page shows now, through
    the routes their page calls (`/v1/join`, then `/consent`)."""
    join = await client.post("/v1/join", json={"invite": created["invite"]})
    assert join.status_code == 200, join.text
    notice = join.json()["notice"]
    r = await client.post(
        f"/v1/sessions/{created['id']}/consent",
        json={"notice_version": notice["version"], "notice_sha256": notice["sha256"], "agreed": True},
        headers={"Authorization": f"Bearer {created['invite']}"},
    )
    assert r.status_code == 201, r.text


async def record_consent(pool: Pool, session_id: str) -> None:
    """The same consent for a session whose invite the test never saw (an ATS scheduled it): the notice in force,
    rendered by the API's own function, stored with the repo calls `POST /consent` makes."""
    async with connection(pool) as conn:
        found = await sessions_repo.get_candidate_session(conn, session_id)
        assert found is not None, session_id
        notice = session_notice(found)
        days = retention_days(found.org)
        payload = {
            "notice_version": notice.version,
            "notice_sha256": notice.sha256,
            "notice_html": notice.html,
            "retention_days": days,
            "agreed_at": utc_z(datetime.now(UTC)),
        }
        key = f"page:consent:{notice.version}:{notice.sha256[:16]}"
        async with conn.transaction():
            stored = await events_repo.append_events(
                conn, session_id, [events_repo.EventIn(idempotency_key=key, type="consent", payload=payload)]
            )
            assert stored is not None, session_id
            await sessions_repo.agree_retention(conn, session_id, days)


async def agent_start(
    client: httpx.AsyncClient, created: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """Consent as the candidate, then the interviewer's start (`headers`: the internal token, and the job's
    `X-Shadows-Agent-Job` if any); the start's answer, unchecked."""
    await consent(client, created)
    return await client.post(f"/v1/internal/sessions/{created['id']}/start", headers=headers)
