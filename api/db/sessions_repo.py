"""Sessions and candidates in Postgres: creation, lookups, cancellation, start and accommodations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from api.db.orgs_repo import ORG_FIELDS
from api.db.pool import Conn
from api.errors import ConflictError, GoneError
from api.notice_versions import newer_than_known

FINISHED = ("completed", "abandoned", "cancelled")

# What api/session_summary.py reads: the columns of a session in a list (history) or after a change. `s` is the
# session, `c` its candidate (left join).
SUMMARY_COLUMNS = """
  s.id, s.status, s.question_id, s.language, s.languages, s.duration_minutes, s.extra_time_minutes, s.text_only,
  s.role, s.created_at, s.started_at, s.ended_at, s.expires_at, s.end_reason, s.metadata,
  s.latest_scorecard_version, s.latest_scorecard_status, s.ready_scorecard_version, s.recommendation,
  s.overall_score, s.needs_human_review,
  c.name as candidate_name, c.email as candidate_email, c.external_id as candidate_external_id
"""
_DETAIL_COLUMNS = """
  s.organization_id, s.candidate_id, s.room_name, s.invite_expires_at, s.updated_at, s.practice,
  s.job_description, s.resume_text, s.final_code, s.interview_language, s.start_mode, s.agent_redispatches,
  s.retention_applied_at,
  (select q.updated_at from questions q where q.id = s.question_id) as question_updated_at
"""
SESSION_COLUMNS = ",".join((SUMMARY_COLUMNS, _DETAIL_COLUMNS))


@dataclass(frozen=True)
class NewSession:
    id: str
    organization_id: UUID | None
    question_id: UUID
    language: str
    room_name: str
    invite_hash: bytes
    invite_expires_at: datetime
    duration_minutes: int
    expires_at: datetime
    job_description: str | None
    resume_text: str | None
    metadata: dict[str, Any]
    practice: bool
    candidate_name: str
    candidate_email: str | None
    candidate_external_id: str | None
    status: str = "scheduled"
    role: str | None = None
    languages: tuple[str, ...] = ()
    extra_time_minutes: int = 0
    text_only: bool = False
    interview_language: str = "en"
    # Other names the candidate goes by, kept only for the grader to scrub (never shown or sent).
    candidate_other_names: tuple[str, ...] = ()


# Names and addresses a candidate went by before (api.db.bundle_repo.redaction_terms): one per retake under another
# name or address, so bounded, as an ATS key holder may schedule a thousand an hour.
OTHER_NAMES_KEPT = 16


async def insert_session(conn: Conn, s: NewSession) -> dict[str, Any]:
    """Candidate and session in one transaction: either both exist afterwards or neither does."""
    async with conn.transaction():
        if s.candidate_external_id is not None and s.organization_id is not None:
            # The candidate's row is shared by every session of theirs (one external id, an ATS's retake): a new
            # session brings the name and address to use now, and those it replaces stay in `other_names`, the
            # newest first, at most OTHER_NAMES_KEPT. The grader scrubs a session's record with the row as it is
            # when it grades: overwritten, an earlier interview (graded after the retake was scheduled, or
            # re-graded) was graded with the name and address its candidate gave in it left in.
            cur = await conn.execute(
                """
                insert into candidates (organization_id, name, email, external_id, other_names)
                values (%s, %s, %s, %s, %s)
                on conflict (organization_id, external_id) where external_id is not null
                do update set name = excluded.name, email = excluded.email, other_names = array(
                  select t.n from unnest(excluded.other_names || array[candidates.name, candidates.email]
                                         || candidates.other_names) with ordinality as t(n, ord)
                  where coalesce(t.n, '') <> '' and t.n is distinct from excluded.name
                    and t.n is distinct from excluded.email
                  group by t.n order by min(t.ord) limit %s
                )
                returning id
                """,
                (
                    s.organization_id,
                    s.candidate_name,
                    s.candidate_email,
                    s.candidate_external_id,
                    list(s.candidate_other_names),
                    OTHER_NAMES_KEPT,
                ),
            )
        else:
            cur = await conn.execute(
                "insert into candidates (organization_id, name, email, other_names) values (%s, %s, %s, %s) "
                "returning id",
                (s.organization_id, s.candidate_name, s.candidate_email, list(s.candidate_other_names)),
            )
        cand = await cur.fetchone()
        assert cand is not None
        started = "now()" if s.status == "in_progress" else "null"
        await conn.execute(
            f"""
            insert into sessions (id, organization_id, candidate_id, question_id, status, language, room_name,
                                  invite_hash, invite_expires_at, duration_minutes, expires_at, job_description,
                                  resume_text, metadata, practice, interview_language, role, languages,
                                  extra_time_minutes, text_only, candidate_names, started_at)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, {started})
            """,  # noqa: S608  # `started` is one of two literals above
            (
                s.id,
                s.organization_id,
                cand["id"],
                s.question_id,
                s.status,
                s.language,
                s.room_name,
                s.invite_hash,
                s.invite_expires_at,
                s.duration_minutes,
                s.expires_at,
                s.job_description,
                s.resume_text,
                Jsonb(s.metadata),
                s.practice,
                s.interview_language,
                s.role,
                list(s.languages or (s.language,)),
                s.extra_time_minutes,
                s.text_only,
                # What this session gave (erasing it takes off the shared row only that: artifacts_repo)
                [s.candidate_name, s.candidate_email, *s.candidate_other_names],
            ),
        )
    row = await get_session(conn, s.id)
    assert row is not None
    return row


async def get_session(
    conn: Conn, session_id: str, *, organization_id: UUID | None = None
) -> dict[str, Any] | None:
    """A session by id; with `organization_id`, only if it belongs to that organisation."""
    cur = await conn.execute(
        f"""
        select {SESSION_COLUMNS} from sessions s left join candidates c on c.id = s.candidate_id
        where s.id = %(id)s and (%(org)s::uuid is null or s.organization_id = %(org)s)
        """,  # noqa: S608  # constant column list
        {"id": session_id, "org": organization_id},
    )
    return await cur.fetchone()


async def get_session_by_invite(conn: Conn, invite_hash: bytes) -> dict[str, Any] | None:
    cur = await conn.execute(
        f"""
        select {SESSION_COLUMNS}, s.invite_hash from sessions s left join candidates c on c.id = s.candidate_id
        where s.invite_hash = %s
        """,  # noqa: S608  # constant column list
        (invite_hash,),
    )
    return await cur.fetchone()


@dataclass(frozen=True)
class CandidateRow:
    """A session with what its candidate's page shows beside it, read in one round trip: its organisation (None
    for practice), the highest notice version it agreed to (None: never agreed) and the hashes of every text it
    agreed to."""

    session: dict[str, Any]
    org: dict[str, Any] | None
    consented_version: str | None
    consented_sha256s: frozenset[str] = frozenset()

    def agreed_to(self, notice_sha256: str) -> bool:
        """Agreed to the notice in force (`notice_sha256`: the hash of its text as rendered for this session now),
        word for word. A consent to a version it replaced (v2 before v3 named the developer-tools observation), or
        to the same version's text before it changed (the organisation's name or retention period, the session's
        extra time: the text is rendered from them) is no consent to what the candidate is now told, so it neither
        opens the room nor starts. One to a newer version (a newer release's replica took it, during a rolling
        deploy) is: its text cannot be rendered here, and versions only grow."""
        return notice_sha256 in self.consented_sha256s or newer_than_known(self.consented_version)


# The organisation's columns come back as `org_<field>` and are split off in Python; `o.id` is null when the session
# has no organisation (practice), so a left join keeps such sessions.
_CANDIDATE_COLUMNS = ", ".join(
    (
        SESSION_COLUMNS,
        "s.invite_hash",
        *(f"o.{f} as org_{f}" for f in ORG_FIELDS),
        # Every distinct text this session agreed to, as [version, sha256] pairs (a handful: a consent is stored
        # once per text, and only to the text in force when it is taken).
        "(select coalesce(jsonb_agg(distinct jsonb_build_array(e.payload ->> 'notice_version',"
        " e.payload ->> 'notice_sha256')), '[]') from session_events e where e.session_id = s.id"
        " and e.type = 'consent') as consents",
    )
)
_CANDIDATE_FROM = """
  from sessions s left join candidates c on c.id = s.candidate_id left join organizations o on o.id = s.organization_id
"""


def _candidate_row(row: dict[str, Any] | None) -> CandidateRow | None:
    if row is None:
        return None
    org = {f: row.pop(f"org_{f}") for f in ORG_FIELDS}
    consents = [(str(v), str(h)) for v, h in row.pop("consents") if v is not None and h is not None]
    # The highest version agreed to, not the newest consent: during a rolling deploy a page can agree to the newer
    # release's version on one replica, then to the older one's on another, and the older text agreed last takes
    # nothing back from the newer one (`v10` after `v9`: longer first).
    version = max((v for v, _ in consents), key=lambda v: (len(v), v), default=None)
    return CandidateRow(
        session=row,
        org=org if org["id"] is not None else None,
        consented_version=version,
        consented_sha256s=frozenset(h for _, h in consents),
    )


async def get_candidate_by_invite(conn: Conn, invite_hash: bytes) -> CandidateRow | None:
    """`get_session_by_invite` with the organisation and the consent: a join's three lookups in one query."""
    return await _get_candidate(conn, "s.invite_hash", invite_hash)


async def get_candidate_session(conn: Conn, session_id: str) -> CandidateRow | None:
    """The same by session id (the start route, after it has changed the session)."""
    return await _get_candidate(conn, "s.id", session_id)


async def _get_candidate(conn: Conn, key: str, value: object) -> CandidateRow | None:
    cur = await conn.execute(f"select {_CANDIDATE_COLUMNS} {_CANDIDATE_FROM} where {key} = %s", (value,))
    return _candidate_row(await cur.fetchone())


async def get_session_by_room(conn: Conn, room_name: str) -> dict[str, Any] | None:
    cur = await conn.execute("select id, status from sessions where room_name = %s", (room_name,))
    return await cur.fetchone()


async def cancel_session(conn: Conn, session_id: str, organization_id: UUID) -> dict[str, Any] | None:
    """Cancel a scheduled or in-progress session; returns the row after the attempt (None: not this org's)."""
    await conn.execute(
        """
        update sessions set status = 'cancelled', ended_at = coalesce(ended_at, now()), end_reason = 'cancelled'
        where id = %s and organization_id = %s and status in ('scheduled', 'in_progress')
        """,
        (session_id, organization_id),
    )
    return await get_session(conn, session_id, organization_id=organization_id)


async def agree_retention(conn: Conn, session_id: str, days: int) -> None:
    """The candidate agreed to a notice stating `days` of retention: their record is kept no longer than that (the
    shortest, if they agreed more than once); the retention job reads it (artifacts_repo.due_for_retention)."""
    await conn.execute(
        "update sessions set retention_days = least(retention_days, %s) where id = %s",
        (days, session_id),
    )


async def mark_started(conn: Conn, session_id: str, mode: str | None = None) -> str | None:
    """scheduled -> in_progress (sets started_at, and how it started when known); returns the status afterwards,
    None if no such session. Whichever path starts it (the candidate's start, the agent's, LiveKit's
    `participant_joined`), a scheduled session never starts once its record was erased under retention (409
    `record_deleted`), its invite has expired (410 `invite_expired`) or the session has (410 `session_expired`).
    The session row is locked either way: in the caller's transaction, the status returned holds until it commits
    (no ending can commit in between)."""
    cur = await conn.execute(
        """
        update sessions set status = 'in_progress', started_at = coalesce(started_at, now()),
          start_mode = coalesce(start_mode, %s)
        where id = %s and status = 'scheduled' and retention_applied_at is null
          and invite_expires_at > now() and expires_at > now()
        returning status
        """,
        (mode, session_id),
    )
    row = await cur.fetchone()
    if row:
        return str(row["status"])
    cur = await conn.execute(
        """
        select status, retention_applied_at is not null as erased, invite_expires_at <= now() as invite_expired,
          expires_at <= now() as expired
        from sessions where id = %s for no key update
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    if row["status"] == "scheduled":
        if row["erased"]:
            raise ConflictError(
                "The interview record was deleted under the retention period.", code="record_deleted"
            )
        if row["invite_expired"]:
            raise GoneError("This invite has expired.", code="invite_expired")
        if row["expired"]:
            raise GoneError("This interview has expired.", code="session_expired")
    return str(row["status"])


async def record_bytes(conn: Conn, session_id: str) -> int:
    """What the session's event log holds, as its budgets count it (the agent's events, and the code of its editor
    snapshots): the bulk of its detail, known before the log is read. Once retention has erased the record the
    counters (which only grow) no longer say what is left: then the stored size of the events that remain (no
    payload is read: `pg_column_size`), so a session erased down to its consent and metrics is not priced as the
    tens of MiB it once held."""
    cur = await conn.execute(
        """
        select case when s.retention_applied_at is null then s.event_bytes + s.snapshot_code_bytes
                    else (select coalesce(sum(pg_column_size(e.payload)), 0) from session_events e
                          where e.session_id = s.id)
               end as n
        from sessions s where s.id = %s
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def list_runs(conn: Conn, session_id: str) -> list[dict[str, Any]]:
    cur = await conn.execute(
        """
        select id, kind, language, verdict, result_json, created_at from submissions
        where session_id = %s order by created_at
        """,
        (session_id,),
    )
    return await cur.fetchall()


def session_languages(session: dict[str, Any]) -> list[str]:
    """The languages the candidate may write in; the session's `language` first."""
    allowed = [str(x) for x in (session.get("languages") or [])] or [str(session["language"])]
    return [session["language"], *(x for x in allowed if x != session["language"])]


async def update_accommodations(
    conn: Conn,
    session_id: str,
    organization_id: UUID,
    *,
    extra_time_minutes: int | None,
    text_only: bool | None,
    languages: list[str] | None,
    role: str | None,
) -> dict[str, Any] | None:
    """Change what an organisation may still change on an unfinished session; returns the row afterwards, or None
    when it changed nothing (no such session of this organisation, or the session has finished: an end that
    committed after the caller read the session unfinished is seen here, under the row lock the update takes)."""
    cur = await conn.execute(
        """
        update sessions set
          extra_time_minutes = coalesce(%(extra)s, extra_time_minutes),
          text_only = coalesce(%(text_only)s, text_only),
          languages = coalesce(%(languages)s, languages),
          role = coalesce(%(role)s, role)
        where id = %(id)s and organization_id = %(org)s and status in ('scheduled', 'in_progress')
        returning id
        """,
        {
            "extra": extra_time_minutes,
            "text_only": text_only,
            "languages": languages,
            "role": role,
            "id": session_id,
            "org": organization_id,
        },
    )
    if await cur.fetchone() is None:
        return None
    return await get_session(conn, session_id, organization_id=organization_id)


async def has_submission(conn: Conn, session_id: str) -> bool:
    """Whether a final answer (a Submit, by the candidate or the agent on their behalf) is stored."""
    cur = await conn.execute(
        "select exists (select 1 from submissions where session_id = %s and kind = 'submit') as done",
        (session_id,),
    )
    row = await cur.fetchone()
    return bool(row and row["done"])
