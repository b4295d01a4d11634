"""Sessions straight into the database for history, export, analytics and benchmark fixtures: thousands in one
statement, with chosen statuses, times, questions and scorecards (stored as versions, so the trigger that keeps
each session's scorecard summary runs as in production)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import psycopg
from psycopg.rows import DictRow

Conn = psycopg.AsyncConnection[DictRow]
BANDS = ("strong_no_hire", "no_hire", "hire", "strong_hire")
DIMENSIONS = ("problem_solving", "coding", "verification", "communication")


async def question_ids(db: Conn) -> dict[str, UUID]:
    cur = await db.execute("select slug, id from questions order by slug")
    return {r["slug"]: r["id"] for r in await cur.fetchall()}


async def insert_sessions(
    db: Conn,
    organization_id: str | UUID,
    rows: list[dict[str, Any]],
) -> list[str]:
    """One session (and its candidate) per row, in two statements. Row keys: question_id (required), created_at,
    status, started_at, ended_at, name, email, external_id, metadata. Returns the session ids in order."""
    now = datetime.now().astimezone()
    payload = []
    by_external: dict[str, str] = {}  # one candidate per external id, as the API does
    for r in rows:
        cid = by_external.setdefault(r["external_id"], str(uuid4())) if r.get("external_id") else str(uuid4())
        payload.append(
            {
                "sid": "ses_" + secrets.token_hex(12),
                "cid": cid,
                "question_id": str(r["question_id"]),
                "created_at": (r.get("created_at") or now).isoformat(),
                "status": r.get("status", "completed"),
                "started_at": r["started_at"].isoformat() if r.get("started_at") else None,
                "ended_at": r["ended_at"].isoformat() if r.get("ended_at") else None,
                "name": r.get("name", "Candidate"),
                "email": r.get("email", "candidate@example.com"),
                "external_id": r.get("external_id"),
                "metadata": r.get("metadata", {}),
            }
        )
    recordset = """jsonb_to_recordset(%(rows)s::jsonb) as x(sid text, cid uuid, question_id uuid,
        created_at timestamptz, status text, started_at timestamptz, ended_at timestamptz, name text, email text,
        external_id text, metadata jsonb)"""
    params = {"rows": json.dumps(payload), "org": organization_id}
    async with db.transaction():
        await db.execute(
            f"""
            insert into candidates (id, organization_id, name, email, external_id)
            select distinct on (cid) cid, %(org)s, name, email, external_id from {recordset}
            on conflict do nothing
            """,
            params,
        )
        await db.execute(
            f"""
            insert into sessions (id, organization_id, candidate_id, question_id, status, language, room_name,
                                  invite_hash, invite_expires_at, duration_minutes, expires_at, created_at,
                                  started_at, ended_at, metadata)
            select sid, %(org)s,
                   coalesce((select c.id from candidates c where c.organization_id = %(org)s
                             and c.external_id = x.external_id), cid),
                   question_id, status, 'python', 'room-' || sid,
                   extensions.gen_random_bytes(32), created_at + interval '3 days', 45,
                   created_at + interval '7 days', created_at, started_at, ended_at, metadata
            from {recordset}
            """,
            params,
        )
    return [p["sid"] for p in payload]


def scorecard_json(scores: tuple[int, int, int, int], recommendation: str) -> dict[str, Any]:
    evidence = [{"seq": 1, "quote": ""}]
    return {
        "recommendation": recommendation,
        "dimensions": {
            name: {"score": s, "band": BANDS[s - 1], "justification": "x", "evidence": evidence}
            for name, s in zip(DIMENSIONS, scores, strict=True)
        },
        "rubric": [],
        "strengths": [],
        "areas_to_improve": [],
        "candidate_advice": "",
    }


async def add_scorecard(
    db: Conn,
    session_id: str,
    *,
    status: str = "ready",
    scores: tuple[int, int, int, int] = (3, 3, 3, 3),
    recommendation: str | None = None,
    review: bool = False,
    version: int | None = None,
) -> int:
    """Add the session's next scorecard version as `pending`, then store it as `status` (unless pending)."""
    cur = await db.execute(
        """
        insert into scorecards (session_id, version, status, trigger)
        select %(s)s, coalesce(%(v)s, coalesce(max(version), 0) + 1), 'pending',
               case when coalesce(max(version), 0) = 0 then 'session_end' else 'regrade' end
        from scorecards where session_id = %(s)s
        returning version
        """,
        {"s": session_id, "v": version},
    )
    v = (await cur.fetchone())["version"]  # type: ignore[index]  # insert ... returning
    if status == "pending":
        return int(v)
    rec = recommendation or BANDS[round(sum(scores) / 4) - 1]
    ready = status == "ready"
    await db.execute(
        """
        update scorecards set status = %(status)s, reason = %(reason)s, scorecard = %(card)s::jsonb,
          recommendation = %(rec)s, overall_score = %(score)s, needs_human_review = %(review)s,
          completed_at = now()
        where session_id = %(s)s and version = %(v)s
        """,
        {
            "status": status,
            "reason": None if ready else "citations_unverified",
            "card": json.dumps(scorecard_json(scores, rec)) if ready else None,
            "rec": rec if ready else None,
            "score": round(sum(scores) / 4, 2) if ready else None,
            "review": review,
            "s": session_id,
            "v": v,
        },
    )
    return int(v)
