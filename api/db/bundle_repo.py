"""One finished session read for the grader (`grader.schemas.BundleInput`): the question with its rubric, reference
solutions and the starter code the candidate was given (recorded as the interview started), the event log, the runs
and the final code. Never the candidate's name, e-mail, résumé, job description or ATS metadata, except the name
parts and e-mail, and the organisations the résumé names, handed over separately for redaction. What of them becomes a
redaction term, and which organisations a résumé names, is the grader's rule (grader/candidate_terms.py,
grader/resume_affiliations.py, under the grading version): this module passes the data only."""

from __future__ import annotations

from typing import Any

from psycopg.pq import TransactionStatus

from api.db import events_repo, report_repo, sessions_repo
from api.db.pool import Conn
from api.scheduling import allowed_minutes
from grader.candidate_terms import redaction_terms as redaction_terms  # the tests' and benches' import too
from grader.resume_affiliations import affiliations
from grader.schemas import BundleEvent, BundleInput, BundleQuestion, BundleRun, BundleSession


async def _question(conn: Conn, question_id: Any) -> BundleQuestion | None:
    cur = await conn.execute(
        """
        select q.id, q.slug, q.title, q.difficulty, q.description_md, q.signature, q.hints, q.rubric, q.updated_at,
          (select count(*) from test_cases t where t.question_id = q.id and not coalesce(t.hidden, false)) as visible,
          (select count(*) from test_cases t where t.question_id = q.id and coalesce(t.hidden, false)) as hidden
        from questions q where q.id = %s
        """,
        (question_id,),
    )
    q = await cur.fetchone()
    if q is None:
        return None
    cur = await conn.execute(
        "select language, code from reference_solutions where question_id = %s order by language",
        (question_id,),
    )
    references = {r["language"]: r["code"] for r in await cur.fetchall()}
    cur = await conn.execute(
        "select language, code from starter_codes where question_id = %s order by language", (question_id,)
    )
    starters = {r["language"]: r["code"] for r in await cur.fetchall()}
    return BundleQuestion(
        id=str(q["id"]),
        slug=q["slug"],
        title=q["title"],
        difficulty=q["difficulty"],
        statement_md=q["description_md"],
        signature=q["signature"],
        hints=list(q["hints"]),
        rubric=list(q["rubric"]),
        reference_solutions=references,
        starter_code=starters,
        visible_test_count=int(q["visible"]),
        hidden_test_count=int(q["hidden"]),
        version=q["updated_at"].isoformat() if q["updated_at"] else "",
    )


async def _other_names(conn: Conn, candidate_id: Any) -> list[str]:
    if candidate_id is None:
        return []
    cur = await conn.execute("select other_names from candidates where id = %s", (candidate_id,))
    row = await cur.fetchone()
    return list(row["other_names"]) if row else []


async def load_bundle_input(conn: Conn, session_id: str) -> BundleInput | None:
    """None when the session or its question no longer exists, or retention deleted its record (a version graded
    from what is left would grade an empty interview).

    Read in one snapshot (REPEATABLE READ, read only) unless the caller has a transaction open: read statement by
    statement, a retention or erasure committed after the session's row was read left its events and runs out, and
    the job graded an empty interview (a `ready` scorecard, sent to the ATS as the result)."""
    if conn.info.transaction_status != TransactionStatus.IDLE:
        return await _load(conn, session_id)
    async with conn.transaction():
        await conn.execute("set transaction isolation level repeatable read, read only")
        return await _load(conn, session_id)


async def _load(conn: Conn, session_id: str) -> BundleInput | None:
    session = await sessions_repo.get_session(conn, session_id)
    if session is None or session["question_id"] is None or session["retention_applied_at"] is not None:
        return None
    question = await _question(conn, session["question_id"])
    if question is None:
        return None
    # The starter code the candidate was given, as recorded when the interview started (the bank may have been
    # re-imported since: its starter now is not what their editor held); a session started before it was recorded
    # (null) keeps the bank's.
    cur = await conn.execute("select starter_code from sessions where id = %s", (session_id,))
    given = await cur.fetchone()
    if given is not None and given["starter_code"] is not None:
        question = question.model_copy(update={"starter_code": dict(given["starter_code"])})
    events = await events_repo.list_events(conn, session_id)
    cur = await conn.execute(
        """
        select id, kind, language, code, code_omitted, code_bytes, verdict, result_json, created_at from submissions
        where session_id = %s order by created_at, id
        """,
        (session_id,),
    )
    runs = await cur.fetchall()
    left_out = await report_repo.left_out(conn, session_id)
    return BundleInput(
        session=bundle_session(session, left_out),
        question=question,
        events=[
            BundleEvent(
                seq=e["seq"], type=e["type"], t=e["t"], payload=e["payload"], stored_at=e["created_at"]
            )
            for e in events
        ],
        runs=[
            BundleRun(
                id=str(r["id"]),
                kind=r["kind"],
                language=r["language"],
                code=None if r["code_omitted"] else r["code"],
                code_bytes=r["code_bytes"],
                verdict=r["verdict"],
                result=r["result_json"],
                created_at=r["created_at"],
            )
            for r in runs
        ],
        final_code=session["final_code"],
        redact=redaction_terms(
            session["candidate_name"],
            session["candidate_email"],
            await _other_names(conn, session["candidate_id"]),
        ),
        affiliations=affiliations(session["resume_text"]),
    )


def bundle_session(session: dict[str, Any], left_out: dict[str, Any]) -> BundleSession:
    """The grader's view of a session row (`sessions_repo` columns) and what its record left out
    (`report_repo.left_out`): the bundle's, and the un-graded report's count of time used (api/db/time_used_repo.py)."""
    return BundleSession(
        id=session["id"],
        status=session["status"],
        language=session["language"],
        languages=sessions_repo.session_languages(session),
        # The candidate's own time (extra time included): the grader states time used against it, and is never told
        # why it differs from the question's usual length (accommodations are not in the bundle).
        duration_minutes=allowed_minutes(session),
        started_at=session["started_at"],
        ended_at=session["ended_at"],
        end_reason=session["end_reason"],
        practice=session["practice"],
        # From when the record may be incomplete (seconds from the start, or None): the facts say that their counts
        # of hints, phases and speech stop there, rather than state them as the whole interview's.
        record_full_s=left_out["record_full_s"],
        observations_capped_s=left_out["observations_capped_s"],
    )
