"""Scorecard outcomes into the outbox: the `scorecard.ready` / `scorecard.failed` webhook event and the calls back
to the ATS that asked for the session, written in the grading job's transaction that stores the version.

Session status changes, an invite that expired unused (`sessions.expired_at`, set by `api.jobs.lapsed_sessions`) and
the candidate's consent and accommodation requests reach the outbox through triggers (`outbox_session_status`,
`outbox_session_expired`, `outbox_session_event`); the SQL function `outbox_emit_webhook` writes every event,
whoever calls it.
"""

from __future__ import annotations

from psycopg.types.json import Jsonb

from api.db import integrations_repo, scorecards_repo
from api.db.pool import Conn
from api.integrations.profile_links import new_report_url
from api.score_summary import summary
from api.settings import ApiSettings


async def _subscribed(conn: Conn, session_id: str, event_type: str) -> bool:
    cur = await conn.execute(
        """
        select exists (
          select 1 from sessions s join webhook_endpoints e on e.organization_id = s.organization_id
          where s.id = %s and e.enabled and %s = any (e.event_types)
        ) as yes
        """,
        (session_id, event_type),
    )
    row = await cur.fetchone()
    return bool(row and row["yes"])


async def scorecard_stored(conn: Conn, settings: ApiSettings, session_id: str, version: int) -> None:
    """Call in the transaction that moved `version` from pending to ready or failed.

    Every outcome is a webhook event (`scorecard` is this version), with `current_scorecard`, the result that
    stands (the newest ready version, else this one). The ATS is told only when its result changes: a failed
    re-grade over a ready version leaves the ready one standing, so nothing is sent to Greenhouse or Ashby."""
    row = await scorecards_repo.get_version(conn, session_id, version)
    if row is None or row["status"] not in ("ready", "failed"):
        return
    standing = await integrations_repo.result_version(conn, session_id)
    assert standing is not None  # this version is finished
    event_type = f"scorecard.{row['status']}"
    if await _subscribed(conn, session_id, event_type):
        data = {
            "scorecard": summary(row),
            "current_scorecard": summary(standing),
            "report_url": await new_report_url(conn, settings, session_id),
        }
        await conn.execute("select outbox_emit_webhook(%s, %s, %s)", (session_id, event_type, Jsonb(data)))
    if standing["version"] != version:
        return
    await conn.execute(
        "select outbox_emit_ats_callback(%s, 'greenhouse', 'completed', %s)", (session_id, version)
    )
    await conn.execute("select outbox_emit_ats_callback(%s, 'ashby', 'result', %s)", (session_id, version))
