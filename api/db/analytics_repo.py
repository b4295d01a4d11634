"""The analytics queries: one organisation's sessions created in a time range, aggregated in Postgres."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from api.db.pool import Conn


async def session_figures(conn: Conn, org: UUID, since: datetime, until: datetime) -> dict[str, Any]:
    """Counts by status, expired ones, recommendations, review flags, latest scorecard statuses and hints."""
    cur = await conn.execute(
        """
        with s as (
          select id, status, expires_at, recommendation, needs_human_review, ready_scorecard_version,
                 latest_scorecard_status
          from sessions where organization_id = %(org)s and created_at >= %(since)s and created_at < %(until)s
        ), hints as (
          select s.id, (select count(*) from session_events e where e.session_id = s.id and e.type = 'hint') as n
          from s where s.status in ('completed', 'abandoned')
        )
        select
          (select coalesce(jsonb_object_agg(status, n), '{}') from (select status, count(*) n from s group by status) x)
            as by_status,
          (select count(*) from s where status in ('scheduled', 'in_progress') and expires_at < now()) as expired,
          (select coalesce(jsonb_object_agg(recommendation, n), '{}') from (
             select recommendation, count(*) n from s where ready_scorecard_version is not null group by recommendation
           ) x) as recommendations,
          (select count(*) from s where ready_scorecard_version is not null and needs_human_review) as review,
          (select coalesce(jsonb_object_agg(latest_scorecard_status, n), '{}') from (
             select latest_scorecard_status, count(*) n from s where latest_scorecard_status is not null
             group by latest_scorecard_status
           ) x) as scorecards,
          (select avg(n)::float8 from hints) as average_hints
        """,
        {"org": org, "since": since, "until": until},
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def dimension_figures(conn: Conn, org: UUID, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per dimension and score: how many sessions' latest ready scorecard gave it."""
    cur = await conn.execute(
        """
        select d.key as dimension, (d.value)::int as score, count(*) as n
        from sessions s, jsonb_each_text(s.dimension_scores) d
        where s.organization_id = %(org)s and s.created_at >= %(since)s and s.created_at < %(until)s
          and s.ready_scorecard_version is not null and d.value ~ '^[1-4]$'
        group by 1, 2 order by 1, 2
        """,
        {"org": org, "since": since, "until": until},
    )
    return await cur.fetchall()


async def question_figures(conn: Conn, org: UUID, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per question: finished sessions, passed ones, and the median time to the first passing run."""
    cur = await conn.execute(
        """
        with finished as (
          select s.id, s.question_id, s.started_at from sessions s
          where s.organization_id = %(org)s and s.created_at >= %(since)s and s.created_at < %(until)s
            and s.status in ('completed', 'abandoned') and s.question_id is not null
        ), per_session as (
          select f.question_id,
            exists (select 1 from submissions x where x.session_id = f.id and x.kind = 'submit'
                    and x.verdict = 'accepted') as passed,
            -- a custom run (the candidate's own inputs, api/custom_input.py) is `accepted` whenever its calls
            -- return: it checked nothing, and is no passing run
            (select extract(epoch from min(x.created_at) - f.started_at)::float8 from submissions x
              where x.session_id = f.id and x.verdict = 'accepted'
                and coalesce(x.result_json ->> 'custom', 'false') <> 'true') as first_pass_s
          from finished f
        )
        select p.question_id, q.slug, q.title, count(*) as sessions, count(*) filter (where p.passed) as passed,
          percentile_cont(0.5) within group (order by p.first_pass_s)
            filter (where p.first_pass_s is not null and p.first_pass_s >= 0) as median_first_pass_s
        from per_session p left join questions q on q.id = p.question_id
        group by p.question_id, q.slug, q.title
        order by count(*) desc, q.slug
        """,
        {"org": org, "since": since, "until": until},
    )
    return await cur.fetchall()
