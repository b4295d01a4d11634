"""Sessions and candidates in Postgres: creation, listing, lookups by invite, and status transitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from api.db import interviewers_repo, late_completion
from api.db.orgs_repo import ORG_FIELDS
from api.db.pool import Conn

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
    for practice) and whether the candidate has agreed to a notice (a consent event of this session)."""

    session: dict[str, Any]
    org: dict[str, Any] | None
    consented: bool


# The organisation's columns come back as `org_<field>` and are split off in Python; `o.id` is null when the session
# has no organisation (practice), so a left join keeps such sessions.
_CANDIDATE_COLUMNS = ", ".join(
    (
        SESSION_COLUMNS,
        "s.invite_hash",
        *(f"o.{f} as org_{f}" for f in ORG_FIELDS),
        "exists (select 1 from session_events e where e.session_id = s.id and e.type = 'consent') as consented",
    )
)
_CANDIDATE_FROM = """
  from sessions s left join candidates c on c.id = s.candidate_id left join organizations o on o.id = s.organization_id
"""


def _candidate_row(row: dict[str, Any] | None) -> CandidateRow | None:
    if row is None:
        return None
    org = {f: row.pop(f"org_{f}") for f in ORG_FIELDS}
    consented = bool(row.pop("consented"))
    return CandidateRow(session=row, org=org if org["id"] is not None else None, consented=consented)


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
    None if no such session."""
    cur = await conn.execute(
        """
        update sessions set status = 'in_progress', started_at = coalesce(started_at, now()),
          start_mode = coalesce(start_mode, %s)
        where id = %s and status = 'scheduled'
        returning status
        """,
        (mode, session_id),
    )
    row = await cur.fetchone()
    if row:
        return str(row["status"])
    cur = await conn.execute("select status from sessions where id = %s", (session_id,))
    row = await cur.fetchone()
    return str(row["status"]) if row else None


# What an ending keeps as the final code, best first:
# - `answer`: the final answer, once it locked the code (a Submit where the organisation does not allow
#   resubmission; practice sessions have no organisation and stay open, as api.candidate_rules.policies reads it).
#   Drafts, Runs and custom input are refused after it (409 `already_submitted`); code handed in at the end (the
#   candidate's /end, the agent's completion with what the editor showed) must not replace it either, or a candidate
#   who saw their answer's verdict could rewrite the code the report, the dump and the grader take as final. The
#   grader's own Submit of the final code (after an abandonment, before the agent's completion) is no answer.
# - the code handed in, then any final code stored before (an abandonment the agent's completion follows);
# - `newest`: no code handed in (no voice to snapshot it, time ran out): the newest saved draft;
# - `kept`: no draft either: the last editor snapshot's code (the code the report printed and the grader submitted
#   as the answer while the session kept none; grader/answer.py), in its language when the session runs it.
# With no code at all, the language is the one the answer states (`told`): the last snapshot's, else the last
# run's, when the session runs it, else the scheduled one. So the session's `language` and `final_code` are the
# answer the report, the grader's facts and the model's "Final code" speak of (grader/answer.py).
_ENDING_CODE = """
  newest as (
    select code, language from session_drafts where session_id = %(id)s
    order by updated_at desc, revision desc limit 1
  ),
  allowed as (
    select array[language] || languages as langs from sessions where id = %(id)s
  ),
  snap as (
    select payload ->> 'code' as code, payload ->> 'language' as named from session_events
    where session_id = %(id)s and type = 'editor_snapshot'
    order by seq desc limit 1
  ),
  kept as (
    select code, case when named = any(allowed.langs) then named end as language from snap, allowed
    where code is not null and btrim(code) <> ''
  ),
  last_run as (
    select language from submissions where session_id = %(id)s order by created_at desc, id desc limit 1
  ),
  told as (
    select coalesce(
      (select named from snap, allowed where named = any(allowed.langs)),
      (select language from last_run, allowed where language = any(allowed.langs))
    ) as language
  ),
  answer as (
    select sub.code, sub.language from submissions sub
      join sessions s on s.id = sub.session_id
      join organizations o on o.id = s.organization_id
    where sub.session_id = %(id)s and sub.kind = 'submit' and not o.allow_resubmission
      and not exists (
        select from session_events e
        where e.session_id = sub.session_id and e.idempotency_key = 'api:submit:' || sub.id
          and e.payload ->> 'by' = 'grader'
      )
    order by sub.created_at desc limit 1
  )
"""


async def _lock_for_ending(conn: Conn, session_id: str, window_s: int = 0) -> dict[str, Any] | None:
    """Lock the session row before an ending reads its final answer (the caller's transaction holds it): a Submit
    stores its answer under this lock (api.db.runs_repo), so one that committed while the ending waited is seen by
    the ending's next statement, not missed by a snapshot taken before it committed. `unattended`: the session was
    ended without its agent (`room_finished`, `ended_agent_lost`) less than `window_s` ago."""
    cur = await conn.execute(
        """
        select language, languages, status,
          coalesce((status = 'abandoned' and end_reason = 'room_finished'
                    or status = 'completed' and end_reason = %s)
                   and ended_at > now() - make_interval(secs => %s), false) as unattended
        from sessions where id = %s for no key update
        """,
        (ENDED_AGENT_LOST, window_s, session_id),
    )
    return await cur.fetchone()


async def mark_completed(
    conn: Conn,
    session_id: str,
    *,
    final_code: str | None,
    language: str | None,
    reason: str,
    after_abandon_s: int = 0,
    ended_at: datetime | None = None,
) -> str | None:
    """scheduled/in_progress -> completed; also abandoned-by-room_finished -> completed within `after_abandon_s`
    of that abandonment (the webhook overtook the agent's last call: its final code still counts), and the same
    for a session completed as `ended_agent_lost` (`end_unattended`), whose status stays `completed`: the agent
    was not lost after all, and its code and reason replace the ones taken without it, but only while nothing of
    that ending has gone out (graded, or its end event sent): otherwise `EndingAlreadyReportedError` and nothing
    changes (api.db.late_completion). Returns the status afterwards, None if no such session. `ended_at`: when the
    interview ended, if known before now (an END recorded before `end_unattended`); else now.

    Code handed in for a language the interview does not use (the agent hands in what the candidate's editor
    reported) is not the final answer: the newest saved draft, always in an allowed language, is taken instead.
    Once a final answer locked the code (`_ENDING_CODE`), it is the final code, whatever is handed in."""
    allowed = await _lock_for_ending(conn, session_id, after_abandon_s)
    late = allowed is not None and bool(allowed["unattended"])
    if late:
        assert allowed is not None
        if out := await late_completion.gone_out(conn, session_id):
            raise late_completion.EndingAlreadyReportedError(
                f"This session was ended without its interviewer ({allowed['status']}) and that ending has "
                f"already been {'graded' if out.graded else 'sent'}; the completion was not stored."
            )
    if language is not None and allowed is not None and language not in session_languages(allowed):
        final_code = language = None
    cur = await conn.execute(
        f"""
        with {_ENDING_CODE}
        update sessions set status = 'completed',
          ended_at = coalesce(
            ended_at, least(now(), greatest(coalesce(%(ended)s::timestamptz, now()), coalesce(started_at, now())))
          ),
          final_code = coalesce(
            (select code from answer), %(code)s, final_code, (select code from newest), (select code from kept)
          ),
          language = case when exists (select from answer) then (select language from answer)
                          when %(code)s::text is null and final_code is null and exists (select from newest)
                          then (select language from newest)
                          when %(code)s::text is null and final_code is null and exists (select from kept)
                          then coalesce((select language from kept), language)
                          when %(code)s::text is null and final_code is null
                          then coalesce((select language from told), language)
                          else coalesce(
                            %(lang)s,
                            (select language from kept where code = %(code)s::text),
                            language
                          ) end,
          end_reason = %(reason)s, started_at = coalesce(started_at, now())
        where id = %(id)s and (status in ('scheduled', 'in_progress') or %(late)s)
        returning status
        """,  # noqa: S608  # a constant CTE
        {
            "code": final_code,
            "lang": language,
            "reason": reason,
            "id": session_id,
            "late": late,
            "ended": ended_at,
        },
    )
    row = await cur.fetchone()
    if row:
        if late:
            assert allowed is not None
            await late_completion.restate_queued_ending(
                conn, session_id, was=allowed["status"], reason=reason
            )
        return str(row["status"])
    cur = await conn.execute("select status from sessions where id = %s", (session_id,))
    row = await cur.fetchone()
    return str(row["status"]) if row else None


async def mark_abandoned(conn: Conn, session_id: str, reason: str) -> bool:
    """in_progress/scheduled -> abandoned when the room ended without a normal completion (the candidate's newest
    draft becomes the final code; a final answer that locked the code comes before it: `_ENDING_CODE`)."""
    await _lock_for_ending(conn, session_id)
    cur = await conn.execute(
        f"""
        with {_ENDING_CODE}
        update sessions set status = 'abandoned', ended_at = coalesce(ended_at, now()), end_reason = %(reason)s,
          final_code = coalesce(
            (select code from answer), final_code, (select code from newest), (select code from kept)
          ),
          language = case when exists (select from answer) then (select language from answer)
                          when final_code is null and exists (select from newest)
                          then (select language from newest)
                          when final_code is null and exists (select from kept)
                          then coalesce((select language from kept), language)
                          when final_code is null then coalesce((select language from told), language)
                          else language end
        where id = %(id)s and status in ('scheduled', 'in_progress')
        returning id
        """,  # noqa: S608  # a constant CTE
        {"reason": reason, "id": session_id},
    )
    return await cur.fetchone() is not None


# The end_reason of an interview that ran to its end (its interviewer recorded the END) but whose agent was lost
# before its completion call: LiveKit's room_finished or the stall sweep completed it instead (`end_unattended`).
ENDED_AGENT_LOST = "ended_agent_lost"


async def end_unattended(conn: Conn, session_id: str, reason: str) -> str | None:
    """End a scheduled or in-progress session that nothing completed (LiveKit's `room_finished`, the stall sweep:
    `reason`), in the caller's transaction. When its interviewer had recorded the interview's end
    (`interviewers_repo.ending_recorded`: only the holder's events are stored) the interview ran to its end and
    only the agent's completion was lost (its process crashed or lost its connection after the END): `completed`,
    `end_reason` `ended_agent_lost`, as `mark_completed` without code handed in, `ended_at` the END's time
    (`_end_recorded_at`; never before `started_at`, never after now). Otherwise `abandoned` with
    `reason`, as before. The final code follows the same rules either way (`_ENDING_CODE`). Returns the status
    it set, None when the session had already finished (nothing changed: no second grading, no second event).

    The row is locked first, so the END is read under the lock the event append takes (api.db.events_repo): an END
    committed before it is seen; one appended after it finds the session abandoned, and the agent's completion
    then follows the abandonment (`mark_completed`), as before."""
    cur = await conn.execute("select status from sessions where id = %s for no key update", (session_id,))
    row = await cur.fetchone()
    if row is None or row["status"] not in ("scheduled", "in_progress"):
        return None
    if await interviewers_repo.ending_recorded(conn, session_id):
        status = await mark_completed(
            conn,
            session_id,
            final_code=None,
            language=None,
            reason=ENDED_AGENT_LOST,
            ended_at=await _end_recorded_at(conn, session_id),
        )
        return status if status == "completed" else None
    return "abandoned" if await mark_abandoned(conn, session_id, reason) else None


async def _end_recorded_at(conn: Conn, session_id: str) -> datetime | None:
    """When the interviewer recorded the interview's END: the first such event's storing time (the events that
    `interviewers_repo.ending_recorded` finds). `ended_at` of a session ended without its agent is that time, not the
    later one of LiveKit's `room_finished` or the stall sweep (an hour past the interview's end), so the report's
    length, the timeline and an ATS read the interview's own end."""
    cur = await conn.execute(
        """
        select min(created_at) as at from session_events
        where session_id = %s and type = 'phase_change' and payload ->> 'to' = 'end'
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    return row["at"] if row else None


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
