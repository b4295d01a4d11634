"""Session artifacts in Postgres: the staged résumé upload, the record of what is in storage, what a session dump
contains, retention's work list and erasures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from api.db.pool import Conn
from api.db.sessions_repo import OTHER_NAMES_KEPT
from api.record import KINDS, erased_event_types, promised_kinds


async def stage_resume(conn: Conn, session_id: str, pdf: bytes) -> None:
    await conn.execute(
        """
        insert into session_uploads (session_id, resume_pdf) values (%s, %s)
        on conflict (session_id) do update set resume_pdf = excluded.resume_pdf, created_at = now()
        """,
        (session_id, pdf),
    )


async def staged_resume(conn: Conn, session_id: str) -> bytes | None:
    cur = await conn.execute("select resume_pdf from session_uploads where session_id = %s", (session_id,))
    row = await cur.fetchone()
    return bytes(row["resume_pdf"]) if row else None


async def drop_staged_resume(conn: Conn, session_id: str) -> None:
    await conn.execute("delete from session_uploads where session_id = %s", (session_id,))


async def record_artifact(
    conn: Conn, session_id: str, name: str, key: str, content_type: str, size: int, sha256: str
) -> None:
    await conn.execute(
        """
        insert into session_artifacts (session_id, name, storage_key, content_type, size_bytes, sha256)
        values (%s, %s, %s, %s, %s, %s)
        on conflict (session_id, name) do update set storage_key = excluded.storage_key,
          content_type = excluded.content_type, size_bytes = excluded.size_bytes, sha256 = excluded.sha256,
          written_at = now()
        """,
        (session_id, name, key, content_type, size, sha256),
    )


async def get_artifact(conn: Conn, session_id: str, name: str) -> dict[str, Any] | None:
    cur = await conn.execute(
        "select name, storage_key, content_type, size_bytes from session_artifacts where session_id = %s and name = %s",
        (session_id, name),
    )
    return await cur.fetchone()


async def forget_artifacts(conn: Conn, session_id: str) -> None:
    await conn.execute("delete from session_artifacts where session_id = %s", (session_id,))


async def list_artifacts(conn: Conn, session_id: str) -> list[dict[str, Any]]:
    cur = await conn.execute(
        """
        select name, storage_key, content_type, size_bytes, sha256, written_at from session_artifacts
        where session_id = %s order by name
        """,
        (session_id,),
    )
    return await cur.fetchall()


async def dump_parts(conn: Conn, session_id: str) -> dict[str, list[dict[str, Any]]]:
    """Everything recorded about a session, for its JSON dump: the whole event log, every run and submission, and
    every scorecard version."""
    events = await conn.execute(
        "select seq, type, t, payload, created_at from session_events where session_id = %s order by seq",
        (session_id,),
    )
    runs = await conn.execute(
        """
        select id, kind, language, case when code_omitted then null else code end as code, code_omitted, code_bytes,
          code_sha256, verdict, result_json, created_at
        from submissions where session_id = %s order by created_at, id
        """,
        (session_id,),
    )
    versions = await conn.execute(
        """
        select version, status, reason, trigger, recommendation, overall_score, scorecard, facts, needs_human_review,
          model, prompt_version, rubric_version, input_tokens, output_tokens, cost_usd, duration_ms, samples,
          created_at, completed_at
        from scorecards where session_id = %s order by version
        """,
        (session_id,),
    )
    return {
        "events": await events.fetchall(),
        "runs": await runs.fetchall(),
        "scorecards": await versions.fetchall(),
    }


async def due_for_retention(conn: Conn, now: datetime, limit: int, practice_days: int) -> list[str]:
    """Sessions not erased yet whose retention period ran out before `now`, oldest first. The period is the
    organisation's `retention_days` (`practice_days` for an org-less practice session), or the one the candidate
    agreed to in the notice (`sessions.retention_days`) when that is shorter. Counted from the end of a
    finished session, and from the expiry of one that never started (its invite can no longer open it, and its
    résumé would otherwise be kept for ever). A session on legal hold is never due."""
    cur = await conn.execute(
        """
        select id from (
          select s.id, s.ended_at as over_at
          from sessions s left join organizations o on o.id = s.organization_id
          where s.retention_applied_at is null and s.status in ('completed', 'abandoned', 'cancelled')
            and not exists (select 1 from legal_holds h where h.session_id = s.id and h.lifted_at is null)
            and s.ended_at < %(now)s - make_interval(
              days => least(s.retention_days, coalesce(o.retention_days, %(practice)s)))
          union all
          select s.id, s.expires_at
          from sessions s left join organizations o on o.id = s.organization_id
          where s.retention_applied_at is null and s.status = 'scheduled'
            and not exists (select 1 from legal_holds h where h.session_id = s.id and h.lifted_at is null)
            and s.expires_at < %(now)s - make_interval(
              days => least(s.retention_days, coalesce(o.retention_days, %(practice)s)))
        ) due
        order by over_at, id limit %(limit)s
        """,
        {"now": now, "practice": practice_days, "limit": limit},
    )
    return [r["id"] for r in await cur.fetchall()]


async def lock_for_retention(conn: Conn, session_id: str) -> bool:
    """Lock the session's row for the caller's transaction (the lock `api.legal_holds` places a hold under) and say
    whether retention may still erase it: not erased yet, and not on legal hold."""
    cur = await conn.execute(
        "select 1 from sessions where id = %s and retention_applied_at is null for update", (session_id,)
    )
    if await cur.fetchone() is None:
        return False
    # A statement of its own, after the lock: under READ COMMITTED it sees a hold committed while this waited for
    # the lock, which a subquery of the locking statement (its snapshot taken before the wait) would not.
    cur = await conn.execute(
        "select exists (select 1 from legal_holds where session_id = %s and lifted_at is null) as held",
        (session_id,),
    )
    row = await cur.fetchone()
    return not (row and row["held"])


async def promised(conn: Conn, session_id: str) -> tuple[str, ...]:
    """The kinds of data the notices this session's candidate agreed to list as recorded, from each version's own
    table (`api.record.promised_kinds`; UnshippedNoticeError for a version this release does not ship)."""
    cur = await conn.execute(
        """
        select distinct payload->>'notice_version' as v from session_events
        where session_id = %s and type = 'consent' and payload ? 'notice_version'
        """,
        (session_id,),
    )
    return promised_kinds(sorted(str(r["v"]) for r in await cur.fetchall()))


async def apply_retention(
    conn: Conn, session_id: str, objects_deleted: int, kinds: tuple[str, ...] | None = None
) -> dict[str, int] | None:
    """Erase everything the notice the candidate agreed to lists as recorded (`kinds`, read by `promised` when not
    given: transcript, code, runs and submissions, page observations) and the résumé, keep the scorecard and the
    other derived facts, and log the counts (one transaction, the caller's). None when another worker did it
    first."""
    if kinds is None:
        kinds = await promised(conn, session_id)
    cur = await conn.execute(
        """
        update sessions set retention_applied_at = now(), resume_text = null
        where id = %s and retention_applied_at is null returning organization_id
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    removed: dict[str, int] = {"storage_objects": objects_deleted}
    cur = await conn.execute(
        "delete from session_events where session_id = %s and type = any(%s)",
        (session_id, list(erased_event_types(kinds))),
    )
    removed["events"] = cur.rowcount
    homes = {h for k in kinds for h in KINDS[k].elsewhere}
    for home, sql in _ERASERS.items():
        if home in homes:
            cur = await conn.execute(sql, (session_id,))
            removed[home.replace(".", "_")] = cur.rowcount
    cur = await conn.execute("delete from session_uploads where session_id = %s", (session_id,))
    removed["staged_uploads"] = cur.rowcount
    await forget_artifacts(conn, session_id)
    await log_deletion(conn, session_id, row["organization_id"], "retention", removed)
    return removed


# Where each kind's data lives outside the event log (`api.record.KINDS[...].elsewhere`), and how it goes.
_ERASERS: dict[str, str] = {
    "sessions.transcript": "update sessions set transcript = null where id = %s and transcript is not null",
    "sessions.events": "update sessions set events = null where id = %s and events is not null",
    "sessions.final_code": "update sessions set final_code = null where id = %s and final_code is not null",
    "session_drafts": "delete from session_drafts where session_id = %s",
    "submissions": "delete from submissions where session_id = %s",
}


async def log_deletion(
    conn: Conn, session_id: str, organization_id: Any, reason: str, removed: dict[str, int]
) -> None:
    await conn.execute(
        "insert into session_deletions (session_id, organization_id, reason, removed) values (%s, %s, %s, %s)",
        (session_id, organization_id, reason, Jsonb(removed)),
    )


async def _take_off_names(conn: Conn, candidate_id: Any, erased: list[str | None]) -> None:
    """Take off a candidate's row, shared with their other sessions (one ATS external id), the names and address
    that the erased session alone gave (`erased`: its `sessions.candidate_names`): from `other_names`, and from the
    row's name and address, which then become the newest remaining session's. Left as it is while any remaining
    session was scheduled before sessions recorded what they gave (null): what that one gave is unknown. Caller's
    transaction, the row locked."""
    cur = await conn.execute(
        "select candidate_names from sessions where candidate_id = %s order by created_at desc, id desc",
        (candidate_id,),
    )
    remaining = [r["candidate_names"] for r in await cur.fetchall()]
    if not remaining or any(names is None for names in remaining):
        return
    kept = {n for names in remaining for n in names if n}
    gone = {n for n in erased if n} - kept
    if not gone:
        return
    cur = await conn.execute("select name, email, other_names from candidates where id = %s", (candidate_id,))
    cand = await cur.fetchone()
    assert cand is not None  # locked, not deleted: a session refers to it
    name, email = cand["name"], cand["email"]
    listed = list(cand["other_names"])
    if name in gone or email in gone:  # the erased session's, the newest until now: the next newest's instead
        # What of them another session gave too stays, as a name replaced does.
        listed = [name, email, *listed]
        name, email = remaining[0][0], remaining[0][1]
    others = [n for n in dict.fromkeys(listed) if n and n not in gone and n != name and n != email]
    await conn.execute(
        "update candidates set name = %s, email = %s, other_names = %s where id = %s",
        (name, email, others[:OTHER_NAMES_KEPT], candidate_id),
    )


async def delete_session(conn: Conn, session_id: str) -> dict[str, Any] | None:
    """Delete a session and everything recorded about it (events, runs, scorecards, links, uploads cascade), and
    its candidate when no other session refers to them, else what of the candidate's names it alone gave
    (`_take_off_names`). Caller's transaction; returns what was removed."""
    cur = await conn.execute(
        """
        select organization_id, candidate_id, candidate_names,
          (select count(*) from session_events where session_id = s.id) as events,
          (select count(*) from submissions where session_id = s.id) as runs,
          (select count(*) from scorecards where session_id = s.id) as scorecards,
          (select count(*) from share_links where session_id = s.id) as share_links
        from sessions s where id = %s
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    await conn.execute("delete from sessions where id = %s", (session_id,))
    candidate_deleted = 0
    if row["candidate_id"] is not None:
        # The candidate's row is locked first, in a statement of its own. A session created meanwhile for the same
        # candidate (a create naming their external id locks this row in its upsert) has then committed, and the
        # check below, a statement of its own, sees it. In one statement the check kept its snapshot from before
        # the wait, the candidate was deleted, and `on delete set null` took them off the new session: no name on
        # its page, none for the grader to redact.
        await conn.execute("select 1 from candidates where id = %s for update", (row["candidate_id"],))
        cur = await conn.execute(
            """
            delete from candidates c where c.id = %s
              and not exists (select 1 from sessions s where s.candidate_id = c.id)
            """,
            (row["candidate_id"],),
        )
        candidate_deleted = cur.rowcount
        if not candidate_deleted and row["candidate_names"] is not None:
            await _take_off_names(conn, row["candidate_id"], row["candidate_names"])
    return {
        "organization_id": row["organization_id"],
        "removed": {
            "events": int(row["events"]),
            "runs": int(row["runs"]),
            "scorecards": int(row["scorecards"]),
            "share_links": int(row["share_links"]),
            "candidate": candidate_deleted,
        },
    }
