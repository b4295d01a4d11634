"""Seed data for the report benchmarks, written with SQL in bulk: an organisation's history of sessions with
scorecard summaries, and one 45-minute interview with a realistic event log and a graded scorecard."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import psycopg

BANDS = ("strong_no_hire", "no_hire", "hire", "strong_hire")
DIMENSIONS = ("problem_solving", "coding", "verification", "communication")


def db_url(data_dir: Path) -> str:
    """The benchmark stack's database (bench/_api_stack.py keeps the cluster's port next to its data)."""
    port = (data_dir.parent / "port").read_text().strip()
    return f"postgresql://postgres@127.0.0.1:{port}/shadows"


def seed_history(url: str, sessions: int, noise: int) -> dict[str, Any]:
    """`sessions` sessions of the benchmark's organisation over the last year (every tenth still scheduled or
    running, one in five graded sessions flagged and so on), `noise` of another organisation, then ANALYZE.
    Scorecard summaries are set on the sessions rows directly (the trigger's job in production)."""
    with psycopg.connect(url, autocommit=True) as conn:
        org = conn.execute("select id from organizations order by created_at limit 1").fetchone()
        assert org is not None
        other = conn.execute(
            "insert into organizations (name, slug) values ('Noise Inc', 'noise-inc') returning id"
        ).fetchone()
        assert other is not None
        questions = [r[0] for r in conn.execute("select id from questions order by slug").fetchall()]
        for organization, count, prefix in ((org[0], sessions, "a"), (other[0], noise, "b")):
            conn.execute(
                """
                insert into candidates (id, organization_id, name, email, external_id)
                select md5(%(p)s || i)::uuid, %(org)s, 'Candidate ' || i, 'c' || i || '@example.com',
                       %(p)s || '-ats-' || i
                from generate_series(1, %(n)s) i
                """,
                {"org": organization, "n": count, "p": prefix},
            )
            conn.execute(
                """
                with s as (
                  select i, now() - (i * interval '5 minutes') - (random() * interval '4 minutes') as created,
                    case when i %% 10 = 0 then 'scheduled' when i %% 10 = 1 then 'abandoned'
                         when i %% 50 = 2 then 'cancelled' else 'completed' end as status,
                    1 + (random() * 3)::numeric(4, 2) as score
                  from generate_series(1, %(n)s) i
                )
                insert into sessions (id, organization_id, candidate_id, question_id, status, language, room_name,
                  invite_hash, invite_expires_at, duration_minutes, expires_at, created_at, started_at, ended_at,
                  metadata, latest_scorecard_version, latest_scorecard_status, ready_scorecard_version,
                  recommendation, overall_score, needs_human_review, dimension_scores)
                select 'ses_' || %(p)s || lpad(to_hex(i), 23, '0'), %(org)s, md5(%(p)s || i)::uuid,
                  (%(questions)s::uuid[])[1 + i %% cardinality(%(questions)s::uuid[])], status, 'python',
                  'bench-' || %(p)s || i, sha256((%(p)s || i)::bytea), created + interval '3 days', 45,
                  created + interval '7 days', created,
                  case when status <> 'scheduled' then created + interval '1 hour' end,
                  case when status in ('completed', 'abandoned', 'cancelled') then created + interval '100 minutes' end,
                  jsonb_build_object('req', 'R-' || (i %% 40)),
                  case when status in ('completed', 'abandoned') then 1 end,
                  case when status in ('completed', 'abandoned') then
                    case when i %% 97 = 0 then 'failed' else 'ready' end end,
                  case when status in ('completed', 'abandoned') and i %% 97 <> 0 then 1 end,
                  case when status in ('completed', 'abandoned') and i %% 97 <> 0 then
                    (array['strong_no_hire', 'no_hire', 'hire', 'strong_hire'])
                      [least(4, greatest(1, round(score)::int))] end,
                  case when status in ('completed', 'abandoned') and i %% 97 <> 0 then score end,
                  status in ('completed', 'abandoned') and i %% 5 = 0,
                  case when status in ('completed', 'abandoned') and i %% 97 <> 0 then jsonb_build_object(
                    'problem_solving', 1 + i %% 4, 'coding', 1 + (i / 3) %% 4, 'verification', 1 + (i / 7) %% 4,
                    'communication', 1 + (i / 11) %% 4) end
                from s
                """,
                {"org": organization, "n": count, "p": prefix, "questions": questions},
            )
        conn.execute("vacuum analyze candidates")
        conn.execute("vacuum analyze sessions")
        return {"question_id": str(questions[0]), "external_id": "a-ats-12345"}


def insert_interview(
    conn: psycopg.Connection[Any], sid: str, *, status: str, minutes: int, final_code: str | None
) -> Any:
    """One interview of the benchmark's organisation on two-sum, with its candidate, ended five minutes ago
    after `minutes` of talk (the row a recording or a report reads). Returns the question's id."""
    org = conn.execute("select id from organizations order by created_at limit 1").fetchone()
    q = conn.execute("select id from questions where slug = 'two-sum'").fetchone()
    assert org is not None and q is not None
    cand = conn.execute(
        "insert into candidates (organization_id, name, email) values (%s, 'Ada Lovelace', 'ada@example.com') "
        "returning id",
        (org[0],),
    ).fetchone()
    assert cand is not None
    conn.execute(
        """
        insert into sessions (id, organization_id, candidate_id, question_id, status, language, room_name,
          invite_hash, invite_expires_at, duration_minutes, expires_at, started_at, ended_at, final_code)
        values (%s, %s, %s, %s, %s, 'python', %s, sha256(%s::bytea), now() + interval '1 day',
          %s, now() + interval '7 days', now() - interval '50 minutes', now() - interval '5 minutes', %s)
        """,
        (sid, org[0], cand[0], q[0], status, "bench-" + sid, sid, minutes, final_code),
    )
    return q[0]


def insert_submission(
    conn: psycopg.Connection[Any], question_id: Any, sid: str, code: str, kind: str, verdict: str
) -> str:
    """A run or submit of `code` in the session (its result lives in the session's events). Returns its id."""
    row = conn.execute(
        "insert into submissions (question_id, session_id, language, code, result_json, kind, verdict) "
        "values (%s, %s, 'python', %s, '{}', %s, %s) returning id",
        (question_id, sid, code, kind, verdict),
    ).fetchone()
    assert row is not None
    return str(row[0])


def _code(lines: int) -> str:
    body = [
        "def two_sum(nums, target):",
        "    seen = {}",
        "    for i, x in enumerate(nums):",
        "        if target - x in seen:",
        "            return [seen[target - x], i]",
        "        seen[x] = i",
    ]
    while len(body) < lines:
        body.append(f"    # note {len(body)}: checking the edge case of an empty list and duplicates")
    return "\n".join(body[:lines]) + "\n"


def seed_interview(url: str, *, minutes: int = 45, seed: int = 7) -> str:
    """One graded 45-minute interview: ~270 transcript turns, ~400 editor snapshots growing to ~80 lines, 25 runs
    and 3 submissions, hints, warnings, phases, integrity observations, and the agent's own events (tool calls,
    turn metrics) that the report leaves out. Returns the session id."""
    rnd = random.Random(seed)
    events: list[tuple[str, float, dict[str, Any]]] = []
    total = minutes * 60.0
    for n, phase in enumerate(
        ("greeting", "problem", "approach", "coding", "testing", "complexity", "wrap_up")
    ):
        events.append(("phase_change", total * n / 7, {"from": None, "to": phase}))
    t = 2.0
    while t < total - 20:
        role = rnd.choice(("user", "assistant"))
        text = " ".join(
            rnd.choice(("hash", "map", "index", "value", "loop", "so", "then", "I", "think", "test"))
            for _ in range(rnd.randint(6, 40))
        )
        events.append(("transcript", t, {"role": role, "text": text, "start": t, "end": t + 4}))
        events.append(("turn_metrics", t, {"ttft": 0.4, "e2e": 1.1}))
        t += rnd.uniform(6, 14)
    for k in range(400):
        at = 700 + k * (total - 800) / 400
        events.append(
            ("editor_snapshot", at, {"language": "python", "code": _code(6 + k // 5), "version": k + 1})
        )
    for k in range(4):
        events.append(
            ("hint", 900 + k * 300, {"index": k + 1, "total": 4, "text": "Think about duplicates."})
        )
    for m in (10, 5, 1):
        events.append(("time_warning", total - m * 60, {"minutes_left": m}))
    for k in range(30):
        events.append(("integrity", 800 + k * 50, {"kind": "focus_lost", "duration_ms": 2500 + k}))
    for k in range(200):
        events.append(("tool_call", 700 + k * 9, {"name": "get_editor_snapshot", "result": _code(20)}))
    events.sort(key=lambda e: e[1])

    with psycopg.connect(url, autocommit=True) as conn:
        sid = f"ses_{rnd.getrandbits(96):024x}"
        with conn.transaction():
            question = insert_interview(
                conn, sid, status="in_progress", minutes=minutes, final_code=_code(80)
            )
            seqs: dict[str, list[int]] = {}
            for seq, (kind, at, payload) in enumerate(events, start=1):
                if kind in ("test_run", "submission"):
                    continue
                conn.execute(
                    "insert into session_events (session_id, seq, idempotency_key, type, t, payload) "
                    "values (%s, %s, %s, %s, %s, %s)",
                    (sid, seq, f"b{seq}", kind, at, json.dumps(payload)),
                )
                seqs.setdefault(kind, []).append(seq)
            seq = len(events)
            for k in range(28):
                seq += 1
                kind = "submit" if k >= 25 else "run"
                passed = min(3 if kind == "run" else 8, k // 3)
                total_tests = 3 if kind == "run" else 8
                verdict = "accepted" if passed == total_tests else "wrong_answer"
                submission_id = insert_submission(conn, question, sid, _code(40), kind, verdict)
                tests = [
                    {
                        "id": f"t{j}",
                        "verdict": "accepted" if j < passed else "wrong_answer",
                        "hidden": kind == "submit" and j >= 3,
                    }
                    for j in range(total_tests)
                ]
                conn.execute(
                    "insert into session_events (session_id, seq, idempotency_key, type, t, payload) "
                    "values (%s, %s, %s, %s, %s, %s)",
                    (
                        sid,
                        seq,
                        f"r{seq}",
                        "test_run" if kind == "run" else "submission",
                        800 + k * 60,
                        json.dumps(
                            {
                                "submission_id": submission_id,
                                "by": "candidate",
                                "verdict": verdict,
                                "passed": passed,
                                "total": total_tests,
                                "tests": tests,
                            }
                        ),
                    ),
                )
            said = seqs["transcript"]
            typed = seqs["editor_snapshot"]

            def evidence(k: int) -> list[dict[str, Any]]:
                return [
                    {"seq": said[(k * 7) % len(said)], "quote": "hash"},
                    {"seq": typed[-1 - k], "quote": "seen = {}"},
                ]

            card = {
                "recommendation": "hire",
                "dimensions": {
                    d: {
                        "score": 3,
                        "band": "hire",
                        "justification": "A clear plan, tested.",
                        "evidence": evidence(k),
                    }
                    for k, d in enumerate(DIMENSIONS)
                },
                "rubric": [
                    {
                        "id": f"item_{k}",
                        "behaviour": "Uses a hash map",
                        "mark": "met",
                        "evidence": evidence(k),
                    }
                    for k in range(6)
                ],
                "strengths": ["Fast to a linear plan"] * 3,
                "areas_to_improve": ["Test duplicates"] * 3,
                "candidate_advice": "Say the complexity out loud.",
            }
            conn.execute("update sessions set status = 'completed' where id = %s", (sid,))
            conn.execute(
                """
                insert into scorecards (session_id, version, status, trigger, scorecard, recommendation, overall_score,
                  model, completed_at)
                values (%s, 1, 'ready', 'session_end', %s, 'hire', 3.0, 'bench', now())
                """,
                (sid, json.dumps(card)),
            )
        conn.execute("vacuum analyze session_events")
        return sid
