"""Grading pipeline time: from a session's `completed` to its `ready` scorecard, with the model's latency at zero.

    python -m bench grader_throughput [--sessions 50] [--burst 200] [--concurrency 4] [--queues LIST]

The system: a throw-away durable PostgreSQL, the real `shadows worker` (its own process, one worker), and the local
OpenAI-compatible grading model (its own process, answering at once). Each session replays the 45-minute
calibration interview (`long-running-median`: 109 events, its runs and submission, so no final judge run) under a
candidate name of its own, and is completed the way the agent's `/complete` does it (status and grading job in one
transaction).

- latency: sessions completed one at a time; `scorecards.completed_at - sessions.ended_at` (both the database's
  clock), p50 and p95 (target <= 250 ms);
- throughput: `--burst` sessions completed at once; sessions graded per second from the first completion to the
  last stored scorecard (target >= 20/s with one worker on 2 cores).

The worker takes the queues docs/deployment.md gives a grading worker: all but `artifacts`, whose job prints every
graded report to PDF with Chromium (about 0.3 s of CPU each) and belongs on workers of its own. `--queues all`
measures one worker doing everything on the same two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from bench._machine import describe_cpu
from bench._proc_cpu import tree_cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
CASE = "long-running-median"
GRADING_WORKER_QUEUES = "grading,webhooks,integrations,email,maintenance"
FIRST_NAMES = ("Daniel", "Amara", "Wei", "Sofia", "Kwame", "Priya", "Mateo", "Yuki", "Olga", "Tariq", "Ines",
               "Chidi", "Hana", "Lars", "Noor", "Emeka")  # fmt: skip
LAST_NAMES = ("Okafor", "Lindqvist", "Tanaka", "Haddad", "Moreau", "Banerjee", "Kowalski", "Mensah", "Duarte",
              "Nakamura", "Petrov", "Achebe", "Ferreira", "Quispe", "Novak", "Abdi")  # fmt: skip


def _postmaster_pid(root: Path) -> int | None:
    for pidfile in root.rglob("postmaster.pid"):
        return int(pidfile.read_text().split()[0])
    return None


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def _seed(url: str, count: int) -> list[str]:
    """`count` in-progress sessions, each with the calibration interview's events, runs and submission."""
    from api.cli_database import import_questions
    from api.db import events_repo, sessions_repo
    from api.db.migrate import migrate
    from api.db.orgs_repo import create_org
    from api.db.pool import connection, create_pool
    from api.scheduling import schedule_session
    from api.settings import ApiSettings
    from bench._calibration import load_cases

    await migrate(url)
    await import_questions(url, ROOT / "questions")
    case = next(c for c in load_cases() if c.name == CASE)
    settings = ApiSettings(_env_file=None, environment="local", database_url=url)  # type: ignore[call-arg]
    pool = create_pool(url, min_size=1, max_size=2)
    await pool.open()
    ids: list[str] = []
    try:
        async with connection(pool) as conn:
            org_id, _ = await create_org(conn, "Bench Hiring")
            row = await (
                await conn.execute("select id from questions where slug = %s", (case.bundle.question.slug,))
            ).fetchone()
            assert row is not None
            for i in range(count):
                # A name of its own, as every real session has: the redactor's patterns are built from it, and one
                # name for all let Python's regex cache hide that cost (most of a session's grading CPU until cut).
                first = FIRST_NAMES[i % len(FIRST_NAMES)]
                last = LAST_NAMES[i // len(FIRST_NAMES) % len(LAST_NAMES)]
                async with conn.transaction():
                    scheduled = await schedule_session(
                        conn, settings, organization_id=org_id, candidate_name=f"{first} {last}",
                        candidate_email=f"{first}.{last}{i}@example.com".lower(), candidate_external_id=None,
                        question_id=row["id"], difficulty=None, topic=None, language="python",
                        duration_minutes=45, job_description=None, resume_text=None, metadata={},
                    )  # fmt: skip
                sid = scheduled.session["id"]
                await sessions_repo.mark_started(conn, sid)
                runs = {r.id: r for r in case.bundle.runs}
                batch: list[events_repo.EventIn] = []
                for e in case.bundle.events:
                    payload = dict(e.payload)
                    if e.type in ("test_run", "submission"):
                        run = runs[str(payload["submission_id"])]
                        cur = await conn.execute(
                            """
                            insert into submissions
                              (question_id, session_id, language, code, result_json, kind, verdict)
                            values (%s, %s, %s, %s, %s, %s, %s) returning id
                            """,
                            (
                                row["id"],
                                sid,
                                run.language,
                                run.code,
                                Jsonb(run.result),
                                run.kind,
                                run.verdict,
                            ),
                        )
                        inserted = await cur.fetchone()
                        assert inserted is not None
                        payload["submission_id"] = str(inserted["id"])
                    batch.append(events_repo.EventIn(f"bench:{e.seq}", e.type, payload, e.t))
                await events_repo.append_events(conn, sid, batch)
                ids.append(sid)
    finally:
        await pool.close()
    return ids


async def _complete(conn: Any, session_id: str) -> None:
    """What the agent's `/complete` does: the status and the grading job, in one transaction."""
    from api.db import endings_repo
    from api.jobs.grading import request_grading

    async with conn.transaction():
        status = await endings_repo.mark_completed(
            conn, session_id, final_code=None, language=None, reason="completed"
        )
        assert status == "completed"
        await request_grading(conn, session_id, trigger="session_end")


async def _measure(url: str, latency_ids: list[str], burst_ids: list[str]) -> dict[str, Any]:
    from api.db.pool import connection, create_pool

    pool = create_pool(url, min_size=2, max_size=2)
    await pool.open()
    try:
        async with connection(pool) as conn:
            for sid in latency_ids:
                await _complete(conn, sid)
                while True:
                    row = await (await conn.execute(
                        "select status from scorecards where session_id = %s and version = 1", (sid,)
                    )).fetchone()  # fmt: skip
                    if row and row["status"] != "pending":
                        break
                    await asyncio.sleep(0.002)
            started = time.monotonic()
            for sid in burst_ids:
                await _complete(conn, sid)
            while True:
                row = await (await conn.execute(
                    "select count(*) as n from scorecards where session_id = any(%s) and status = 'pending'",
                    (burst_ids,),
                )).fetchone()  # fmt: skip
                if row and row["n"] == 0:
                    break
                if time.monotonic() - started > 600:
                    raise RuntimeError("the burst did not finish within 10 minutes")
                await asyncio.sleep(0.01)
            cur = await conn.execute(
                """
                select s.id, c.status, c.reason, extract(epoch from c.completed_at - s.ended_at) * 1000 as ms,
                  extract(epoch from s.ended_at) as ended, extract(epoch from c.completed_at) as stored,
                  c.input_tokens, c.output_tokens
                from sessions s join scorecards c on c.session_id = s.id and c.version = 1
                where s.id = any(%s)
                """,
                (latency_ids + burst_ids,),
            )
            rows = {r["id"]: r for r in await cur.fetchall()}
    finally:
        await pool.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench grader_throughput", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--sessions", type=int, default=50, help="sessions completed one at a time (latency)")
    parser.add_argument("--burst", type=int, default=200, help="sessions completed at once (throughput)")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="SHADOWS_WORKER_CONCURRENCY of the one worker"
    )
    parser.add_argument(
        "--queues",
        default=GRADING_WORKER_QUEUES,
        help=f"SHADOWS_WORKER_QUEUES of the worker ('all': every queue; default {GRADING_WORKER_QUEUES})",
    )
    args = parser.parse_args(argv)
    from api.db.embedded import EmbeddedPostgres

    print(f"cores: {os.cpu_count()}; load average before: {_loadavg()}", flush=True)
    print(f"cpu: {describe_cpu()}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="shadows-bench-grader-"))
    os.chmod(tmp, 0o755)  # the postgres user must traverse it
    pg = EmbeddedPostgres(tmp / "pg")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        admin = pg.start()
        pg_pid = _postmaster_pid(tmp / "pg")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("create database shadows")
        url = admin.rsplit("/", 1)[0] + "/shadows"
        ids = asyncio.run(_seed(url, args.sessions + args.burst))
        model = subprocess.Popen(  # our own module
            [sys.executable, "-m", "tests.fakes.grader_model", "0"], cwd=ROOT, stdout=subprocess.PIPE
        )
        procs.append(model)
        assert model.stdout is not None
        model_url = model.stdout.readline().decode().strip()
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("SHADOWS_", "OPENAI_", "DATABASE_URL"))
            },
            "DATABASE_URL": url,
            "PYTHONPATH": str(ROOT),
            "SHADOWS_API_LOG_JSON": "true",
            "SHADOWS_GRADER_BASE_URL": model_url,
            "SHADOWS_GRADER_MODEL": "fake-grader",
            "SHADOWS_WORKER_CONCURRENCY": str(args.concurrency),
            "SHADOWS_WORKER_POLL_S": "1",
            "SHADOWS_WORKER_QUEUES": "" if args.queues == "all" else args.queues,
        }
        log = (tmp / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "api", "worker"], cwd=tmp, env=env, stdout=log, stderr=log
        )
        procs.append(worker)
        deadline = time.monotonic() + 60
        while b"worker.started" not in (tmp / "worker.log").read_bytes():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / "worker.log").read_text()[-2000:])
            time.sleep(0.05)
        latency_ids, burst_ids = ids[: args.sessions], ids[args.sessions :]
        before = {name: tree_cpu_seconds(p.pid) for name, p in (("worker", worker), ("model", model))}
        before["postgres"] = tree_cpu_seconds(pg_pid) if pg_pid else 0.0
        rows = asyncio.run(_measure(url, latency_ids, burst_ids))
        cpu = {
            name: tree_cpu_seconds(p.pid) - before[name] for name, p in (("worker", worker), ("model", model))
        }
        cpu["postgres"] = (tree_cpu_seconds(pg_pid) - before["postgres"]) if pg_pid else 0.0
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    bad = [r for r in rows.values() if r["status"] != "ready"]
    ms = sorted(float(rows[s]["ms"]) for s in latency_ids)
    p50 = statistics.median(ms)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    burst = [rows[s] for s in burst_ids]
    span = max(float(r["stored"]) for r in burst) - min(float(r["ended"]) for r in burst) if burst else 0.0
    rate = len(burst) / span if span > 0 else 0.0
    tokens = statistics.median(int(rows[s]["input_tokens"]) for s in latency_ids) if latency_ids else 0
    print(f"case: {CASE} (45-minute interview); model latency 0; worker concurrency {args.concurrency}, "
          f"queues {args.queues}")  # fmt: skip
    print(f"completed -> ready, {len(ms)} sessions one at a time: p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
          f"max {ms[-1]:.0f} ms (target <= 250 ms)")  # fmt: skip
    print(
        f"throughput, {len(burst)} sessions at once: {rate:.1f} sessions/s over {span:.2f} s (target >= 20/s)"
    )
    total = len(rows)
    per = ", ".join(f"{name} {seconds / total * 1000:.1f} ms" for name, seconds in cpu.items())
    print(f"CPU per session graded: {per} (the worker's: the job queue, the bundle's queries and the grader)")
    print(f"input tokens per session (the fake's estimate, characters / 4): {tokens}")
    print(f"not ready: {len(bad)}" + (f" ({bad[0]['reason']})" if bad else ""))
    print(f"load average after: {_loadavg()}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
