"""ATS assessments in Postgres: what an ATS asked for, its invite and cancellation, the result and profile link it is
handed, and the errors Greenhouse reports. The keys are integration_keys_repo's, the calls back ats_callbacks_repo's."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from api.db.pool import Conn

RESPONSE_ERRORS_KEPT = 100  # per organisation and ATS: the newest reports of answers it could not use

ASSESSMENT_COLUMNS = """
  a.session_id, a.organization_id, a.provider, a.partner_test_id, a.callback_url, a.external_candidate_id,
  a.external_application_id, a.join_url_sealed, a.invite_sent_at, a.invite_withheld, a.cancelled_by_ats_at,
  a.created_at,
  s.status, s.expired_at, s.invite_expires_at, s.expires_at, s.started_at, s.ended_at, s.end_reason, s.duration_minutes,
  c.email as candidate_email, c.name as candidate_name
"""


async def list_tests(conn: Conn) -> list[dict[str, Any]]:
    cur = await conn.execute(
        "select slug, title, difficulty, practice from questions order by question_number"
    )
    return await cur.fetchall()


async def question_by_slug(conn: Conn, slug: str) -> dict[str, Any] | None:
    cur = await conn.execute("select id, slug from questions where slug = %s", (slug,))
    return await cur.fetchone()


async def claim_greenhouse_url(conn: Conn, organization_id: UUID, url: str) -> None:
    """Take a transaction-scoped lock on (organisation, callback url): concurrent send_test calls for one url
    create one session between them. Call inside the transaction that then looks it up and creates it."""
    await conn.execute(
        "select pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"greenhouse:{organization_id}:{url}",)
    )


async def lock_ashby_candidate(conn: Conn, organization_id: UUID, candidate_id: str) -> None:
    """Serialise assessment.start calls for one Ashby candidate of one organisation (inside a transaction)."""
    await conn.execute(
        "select pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"ashby:{organization_id}:{candidate_id}",)
    )


async def greenhouse_by_url(conn: Conn, organization_id: UUID, url: str) -> dict[str, Any] | None:
    cur = await conn.execute(
        """
        select session_id, request_sha256 from ats_assessments
        where organization_id = %s and provider = 'greenhouse' and callback_url = %s
        """,
        (organization_id, url),
    )
    return await cur.fetchone()


async def active_ashby_assessment(
    conn: Conn, organization_id: UUID, candidate_id: str
) -> dict[str, Any] | None:
    """The candidate's assessment still waiting to be taken or under way (an unexpired invite, or started)."""
    cur = await conn.execute(
        """
        select a.session_id, a.request_sha256 from ats_assessments a join sessions s on s.id = a.session_id
        where a.organization_id = %s and a.provider = 'ashby' and a.external_candidate_id = %s
          and (s.status = 'in_progress' or (s.status = 'scheduled' and s.invite_expires_at > now()))
        limit 1
        """,
        (organization_id, candidate_id),
    )
    return await cur.fetchone()


async def insert_assessment(
    conn: Conn,
    *,
    session_id: str,
    organization_id: UUID,
    provider: str,
    partner_test_id: str,
    callback_url: str | None,
    external_candidate_id: str | None,
    external_application_id: str | None,
    join_url_sealed: str,
    invite_withheld: str | None = None,
    request_sha256: bytes | None = None,
) -> None:
    await conn.execute(
        """
        insert into ats_assessments (session_id, organization_id, provider, partner_test_id, callback_url,
                                     external_candidate_id, external_application_id, join_url_sealed,
                                     invite_withheld, request_sha256)
        values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        """,
        (
            session_id,
            organization_id,
            provider,
            partner_test_id,
            callback_url,
            external_candidate_id,
            external_application_id,
            join_url_sealed,
            invite_withheld,
            request_sha256,
        ),
    )


async def erased_assessment(conn: Conn, session_id: str, *, organization_id: UUID, provider: str) -> bool:
    """Whether `session_id` was the organisation's assessment for `provider`, erased on request: its erasure's
    notice (`ats_callbacks` kind `erased`) is still kept (pruned 90 days after its last attempt)."""
    cur = await conn.execute(
        """
        select exists (select from ats_callbacks
                       where session_id = %s and organization_id = %s and provider = %s and kind = 'erased') as erased
        """,
        (session_id, organization_id, provider),
    )
    row = await cur.fetchone()
    return bool(row and row["erased"])


async def get_assessment(
    conn: Conn, session_id: str, *, organization_id: UUID | None = None, provider: str | None = None
) -> dict[str, Any] | None:
    """An assessment with its session's state; with `organization_id`/`provider`, only if it matches both."""
    cur = await conn.execute(
        f"""
        select {ASSESSMENT_COLUMNS}
        from ats_assessments a join sessions s on s.id = a.session_id left join candidates c on c.id = s.candidate_id
        where a.session_id = %(id)s
          and (%(org)s::uuid is null or a.organization_id = %(org)s)
          and (%(provider)s::text is null or a.provider = %(provider)s)
        """,  # noqa: S608  # constant column list
        {"id": session_id, "org": organization_id, "provider": provider},
    )
    return await cur.fetchone()


async def mark_invite_sent(conn: Conn, session_id: str) -> bool:
    cur = await conn.execute(
        """
        update ats_assessments set invite_sent_at = now()
        where session_id = %s and invite_sent_at is null returning session_id
        """,
        (session_id,),
    )
    return await cur.fetchone() is not None


async def withhold_invite(conn: Conn, session_id: str, reason: str) -> str | None:
    """Record why the queued invite e-mail will not reach the candidate (`invite_withheld`), unless it went or a
    reason is recorded already. Returns the assessment's provider when this call recorded it, else None."""
    cur = await conn.execute(
        """
        update ats_assessments set invite_withheld = %s
        where session_id = %s and invite_sent_at is null and invite_withheld is null returning provider
        """,
        (reason, session_id),
    )
    row = await cur.fetchone()
    return str(row["provider"]) if row else None


ATS_CANCELLABLE = (
    "scheduled",
    "in_progress",
)  # what an ATS's cancellation cancels (an expired invite included)


async def cancel_by_ats(conn: Conn, organization_id: UUID, session_id: str) -> str | None:
    """The ATS (Ashby) cancelled its assessment: cancel the session if it is waiting or under way. Returns the
    session's status after; None when there is no such Ashby assessment of this organisation.

    The ATS's cancellation is recorded (`cancelled_by_ats_at`, end reason `cancelled_by_ats`) only when this call
    cancels the session. Recorded for an interview already ended, or already cancelled in Shadows, the calls still to
    be sent said "cancelled in Ashby" of a session cancelled in Shadows, and Ashby, told its cancel took, closed the
    assessment and refused the result that followed. The assessment's row, then the session's, are locked first (the
    order a report link's mint takes them), so the candidate finishing cannot land between the read and the update."""
    async with conn.transaction():
        cur = await conn.execute(
            """
            select session_id from ats_assessments
            where session_id = %s and organization_id = %s and provider = 'ashby' for update
            """,
            (session_id, organization_id),
        )
        if await cur.fetchone() is None:
            return None
        cur = await conn.execute("select status from sessions where id = %s for no key update", (session_id,))
        row = await cur.fetchone()
        if row is None:
            return None
        if row["status"] not in ATS_CANCELLABLE:
            return str(row["status"])
        # First: the session's change queues no call back to the ATS for a cancellation that is the ATS's own.
        await conn.execute(
            "update ats_assessments set cancelled_by_ats_at = coalesce(cancelled_by_ats_at, now()) "
            "where session_id = %s",
            (session_id,),
        )
        await conn.execute(
            """
            update sessions set status = 'cancelled', ended_at = coalesce(ended_at, now()),
              end_reason = 'cancelled_by_ats'
            where id = %s
            """,
            (session_id,),
        )
    return "cancelled"


async def result_version(conn: Conn, session_id: str) -> dict[str, Any] | None:
    """The scorecard version an ATS holds as the result: the newest `ready` one, else the newest `failed` one
    (a re-grade that is pending or failed never replaces a ready result); None while none is finished."""
    cur = await conn.execute(
        """
        select session_id, version, status, reason, trigger, recommendation, overall_score, scorecard, facts,
               needs_human_review, rubric_version, completed_at
        from scorecards where session_id = %s and status in ('ready', 'failed')
        order by status = 'ready' desc, version desc limit 1
        """,
        (session_id,),
    )
    return await cur.fetchone()


async def profile_link(conn: Conn, session_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
    """The kept profile link of the session's assessment; `for_update` locks the row until the transaction ends
    (two readers never mint two links, and a revocation waits for a reader that is handing the link out)."""
    query = "select provider, profile_url_sealed, profile_url_expires_at from ats_assessments where session_id = %s"
    cur = await conn.execute(query + " for update" if for_update else query, (session_id,))
    return await cur.fetchone()


async def kept_profile_links(conn: Conn, after: str, limit: int) -> list[dict[str, Any]]:
    """Assessments with a kept profile link, by session id after `after` (keyset pages)."""
    cur = await conn.execute(
        """
        select session_id, provider, profile_url_sealed, profile_url_expires_at from ats_assessments
        where profile_url_sealed is not null and session_id > %s order by session_id limit %s
        """,
        (after, limit),
    )
    return await cur.fetchall()


async def forget_profile_link(conn: Conn, session_id: str) -> None:
    await conn.execute(
        "update ats_assessments set profile_url_sealed = null, profile_url_expires_at = null where session_id = %s",
        (session_id,),
    )


async def keep_profile_link(conn: Conn, session_id: str, sealed: str, expires_at: datetime) -> None:
    await conn.execute(
        "update ats_assessments set profile_url_sealed = %s, profile_url_expires_at = %s where session_id = %s",
        (sealed, expires_at, session_id),
    )


async def store_response_error(
    conn: Conn,
    organization_id: UUID,
    provider: str,
    *,
    api_call: str,
    errors: list[str],
    partner_test_id: str | None,
    partner_interview_id: str | None,
) -> UUID:
    """Store the report, keeping only the organisation's newest RESPONSE_ERRORS_KEPT for this ATS: a key holder
    posting reports in a loop (up to 200 KB each) grew the table without end."""
    async with conn.transaction():
        cur = await conn.execute(
            """
            insert into ats_response_errors (organization_id, provider, api_call, errors, partner_test_id,
                                             partner_interview_id)
            values (%s, %s, %s, %s, %s, %s) returning id
            """,
            (organization_id, provider, api_call, Jsonb(errors), partner_test_id, partner_interview_id),
        )
        row = await cur.fetchone()
        assert row is not None
        await conn.execute(
            """
            delete from ats_response_errors where id in (
              select id from ats_response_errors where organization_id = %s and provider = %s
              order by received_at desc, id desc offset %s
            )
            """,
            (organization_id, provider, RESPONSE_ERRORS_KEPT),
        )
    return UUID(str(row["id"]))
