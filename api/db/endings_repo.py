"""How a session ends: completion, abandonment, an ending without its agent, and the final code each keeps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.db import interviewers_repo, late_completion
from api.db.pool import Conn
from api.db.sessions_repo import session_languages

# The end_reason of an interview that ran to its end (its interviewer recorded the END) but whose agent was lost
# before its completion call: LiveKit's room_finished or the stall sweep completed it instead (`end_unattended`).
ENDED_AGENT_LOST = "ended_agent_lost"


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


async def end_unattended(conn: Conn, session_id: str, reason: str) -> str | None:
    """End an in-progress session that nothing completed (LiveKit's `room_finished`, the stall sweep: `reason`), in
    the caller's transaction. When its interviewer had recorded the interview's end
    (`interviewers_repo.ending_recorded`: only the holder's events are stored) the interview ran to its end and
    only the agent's completion was lost (its process crashed or lost its connection after the END): `completed`,
    `end_reason` `ended_agent_lost`, as `mark_completed` without code handed in, `ended_at` the END's time
    (`_end_recorded_at`; never before `started_at`, never after now). Otherwise `abandoned` with
    `reason`, as before. The final code follows the same rules either way (`_ENDING_CODE`). Returns the status
    it set, None when the session had already finished or never started (nothing changed: no grading, no event).

    A session still scheduled is left so: no path started it (the candidate's start, their joining the room, the
    interviewer's start each need the consent to the notice in force), so nobody was interviewed. Its room
    finishing (a room token used without that consent, its room closed on the refusal) abandoned it before, graded
    an empty record and told the organisation and its ATS `session.abandoned`, and its candidate, who could still
    agree and start, found the interview over.

    The row is locked first, so the END is read under the lock the event append takes (api.db.events_repo): an END
    committed before it is seen; one appended after it finds the session abandoned, and the agent's completion
    then follows the abandonment (`mark_completed`), as before."""
    cur = await conn.execute("select status from sessions where id = %s for no key update", (session_id,))
    row = await cur.fetchone()
    if row is None or row["status"] != "in_progress":
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
