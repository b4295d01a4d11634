"""Runs in Postgres: the one-in-flight lease per session (one run of a session at a time, whoever asked for it), and
storing a finished run (the submission row, its event and the lease's release in one transaction)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID, uuid4

from psycopg.types.json import Jsonb

from api.db import events_repo, interviewers_repo
from api.db.pool import Conn
from api.errors import NotFoundError
from api.stored_json import stored_bytes
from judge.verdict import VALUES_OMITTED

# Every lease takes every caller's row: the candidate's, the agent's and the grading job's (api.jobs.grading) alike.
Caller = Literal["candidate", "agent", "grader"]
HIDDEN_FIELDS = ("id", "verdict", "hidden", "time_ms")


LEASING_CALLERS: tuple[Caller, ...] = ("agent", "candidate")  # sorted: every taker locks rows in this order


class _Refused(Exception):
    """Rolls back a lease of which one row was held by another run."""


def _gone() -> NotFoundError:
    # The session was erased after the caller read it (a finished session, deleted while its run was on its way):
    # the rows a run writes refer to it, and inserting them failed on the foreign key (a 500).
    return NotFoundError("Session not found.", code="session_not_found")


async def take_lease(conn: Conn, session_id: str, caller: Caller, ttl_s: float) -> UUID | None:
    """A new lease, or None while another run of the session holds an unexpired one. ``caller``: who asks (a taker
    of any caller leases the same rows).

    A run leases every caller's row, all or none: one run of a session in flight at a time, whoever asked for it (the
    candidate's Run, Submit or custom input, the agent's `run_tests` or Submit, the grading job's final submission).
    Two runs of one session at once were each the other's "other work" to the judge's meter (judge/meter.py), which
    credits a test's waiting for a CPU as far as other work explains it: a candidate running a program too slow for
    its limit twice at once (its own Run beside the interviewer's) had each run credited with the waiting behind its
    own threads and passed visible tests it failed alone. And a Submit's process holds the hidden tests' inputs while
    a Run's output is shown; two processes on one host at once share caches (the page cache) through which one can
    signal the other. The rows are inserted in one order, so two takers cannot deadlock.
    """
    token = uuid4()
    callers = sorted(LEASING_CALLERS)
    try:
        async with conn.transaction():
            # Held until the lease is in: an erasure is seen here (404), or waits for it. A key-share lock, which
            # no event append (no key update) waits for.
            cur = await conn.execute("select 1 from sessions where id = %s for key share", (session_id,))
            if await cur.fetchone() is None:
                raise _gone()
            cur = await conn.execute(
                """
                insert into session_run_leases (session_id, caller, token, expires_at)
                select %(s)s, c, %(t)s, now() + make_interval(secs => %(ttl)s)
                  from unnest(%(callers)s::text[]) with ordinality as u(c, n)
                 order by n
                on conflict (session_id, caller) do update
                  set token = excluded.token, expires_at = excluded.expires_at, created_at = now()
                  where session_run_leases.expires_at <= now()
                returning caller
                """,
                {"s": session_id, "t": token, "ttl": ttl_s, "callers": callers},
            )
            if len(await cur.fetchall()) < len(callers):
                raise _Refused
    except _Refused:
        return None
    return token


async def extend_lease(conn: Conn, session_id: str, token: UUID, ttl_s: float) -> None:
    """Make every row of the lease ``token`` last ``ttl_s`` from now (never shorter than it was)."""
    await conn.execute(
        "update session_run_leases set expires_at = greatest(expires_at, now() + make_interval(secs => %s))"
        " where session_id = %s and token = %s",
        (ttl_s, session_id, token),
    )


async def drop_lease(conn: Conn, session_id: str, token: UUID) -> None:
    """Release every row of the lease ``token`` (each caller's)."""
    await conn.execute(
        "delete from session_run_leases where session_id = %s and token = %s", (session_id, token)
    )


@dataclass(frozen=True)
class FinishedRun:
    session_id: str
    question_id: UUID
    caller: Caller
    # None: no lease to release with the store (the grader's final submission: the job releases its own)
    lease: UUID | None
    mode: str
    language: str
    code: str
    verdict: str
    report: dict[str, Any]  # redacted: hidden tests carry only HIDDEN_FIELDS
    event_t: float | None = None  # session time of the event; None: the server's clock at storage
    # The agent job that asked for the run (`X-Shadows-Agent-Job`; None from an agent from before claims): an
    # agent's run is stored only while that job holds the session, checked in the store's transaction.
    agent_job: str | None = None
    # The id the candidate's page gave the run (api/routers/runs.py `ClientRunId`); None from anyone else.
    client_run_id: str | None = None


async def _keeps_code(conn: Conn, run: FinishedRun, size: int, budget: int | None) -> tuple[bool, bool]:
    """Whether the run's code is stored, and whether it is stored past the budget (the newest Submit's). Locks the
    session row (`for no key update`, as every event append does) and counts the code in `run_code_bytes`, so
    concurrent runs on any replica cannot together pass the budget. A Submit past the budget keeps its code and
    takes the one slot beyond it from the Submit that held it, whose code is then left out: the newest Submit's code
    is always there for the reader and the grader, and a session holds at most the budget plus one Submit's code.
    A session erased since the run was admitted is a 404: nothing is stored."""
    cur = await conn.execute(
        "select run_code_bytes from sessions where id = %s for no key update", (run.session_id,)
    )
    row = await cur.fetchone()
    if row is None:
        raise _gone()
    used = int(row["run_code_bytes"])
    if budget is not None and used + size > budget:
        if run.mode != "submit":
            return False, False
        await conn.execute(
            """
            update submissions set code = '', code_omitted = true, code_over_budget = false
            where session_id = %s and code_over_budget
            """,
            (run.session_id,),
        )
        return True, True
    await conn.execute("update sessions set run_code_bytes = %s where id = %s", (used + size, run.session_id))
    return True, False


def without_values(report: dict[str, Any]) -> dict[str, Any]:
    """`report` as stored past the session's report budget: its verdicts, counts, times, messages and compile output
    (each bounded by the judge), without what the program returned and printed in each visible test (up to 256 KiB
    of each value, and 2,000 bytes of each stream) nor, for custom input, the candidate's own arguments (16 KB a
    call); marked `values_omitted`, and each such test's message says so."""
    custom = bool(report.get("custom"))
    tests = []
    for t in report.get("tests") or []:
        if t.get("hidden"):
            tests.append(t)  # only HIDDEN_FIELDS already
            continue
        message = t.get("message")
        slim = {
            **t,
            "actual": None,
            "stdout": None,
            "stderr": None,
            "message": f"{message}; {VALUES_OMITTED}" if message else VALUES_OMITTED,
        }
        if custom:
            slim["args"] = None
        tests.append(slim)
    return {**report, "tests": tests, "values_omitted": True}


async def _report_to_store(
    conn: Conn, run: FinishedRun, budget: int | None
) -> tuple[dict[str, Any], int, bool]:
    """The report as stored, its size as PostgreSQL gives it back (`stored_bytes`), and whether it is kept whole
    beyond the budget. Within the budget, whole; past it, `without_values`, except a Submit's: the newest Submit
    keeps its whole report (the final answer's failed tests are what the grader grades and the reload shows) and
    takes the one slot beyond the budget from the Submit that held it, which is stored again `without_values`. So
    the values and output a session holds take at most the budget plus one Submit's report; each run past it still
    adds its verdicts, messages and compile output (docs/data-model.md). Called with the session row locked
    (`_keeps_code`), so concurrent runs on any replica are counted one after another."""
    size = stored_bytes(run.report)
    if budget is None:
        return run.report, size, False
    if await run_report_bytes(conn, run.session_id, counted=True) + size <= budget:
        return run.report, size, False
    if run.mode != "submit":
        slim = without_values(run.report)
        return slim, stored_bytes(slim), False
    cur = await conn.execute(
        "select id, result_json from submissions where session_id = %s and report_over_budget",
        (run.session_id,),
    )
    for held in await cur.fetchall():
        slim = without_values(held["result_json"])
        await conn.execute(
            "update submissions set result_json = %s, result_bytes = %s, report_over_budget = false where id = %s",
            (Jsonb(slim), stored_bytes(slim), held["id"]),
        )
    return run.report, size, True


async def store_run(
    conn: Conn,
    run: FinishedRun,
    *,
    code_budget: int | None = None,
    closed_after_s: int | None = None,
    report_budget: int | None = None,
) -> tuple[str, int | None]:
    """The submission row, its `test_run`/`submission` event and the lease's release, all or nothing.
    Returns the submission id and the event's seq.

    With `code_budget`, the run's code is stored only while the session's `run_code_bytes` stays within it
    (`_keeps_code`); past it the run is stored all the same, its `code` '' and `code_omitted`, with its
    `code_bytes` and `code_sha256`. Without one (the grader's single final Submit), the code is kept and counted.

    With `report_budget`, the run's report is stored whole only while the session's stored reports stay within it
    (`_report_to_store`); past it, without the values and output it showed (`without_values`), except the newest
    Submit's (`report_over_budget`). Without one (the grader's single final Submit), whole. Either way its size is
    `result_bytes`.

    With `closed_after_s`, a session that stopped running longer ago than that takes no run: RecordClosedError
    (409), and nothing is stored (`events_repo.append_events`). The grader's own Submit passes none.

    An agent's run is stored only while its job (`agent_job`) holds the session: InterviewerPresentError (409)
    otherwise, nothing stored. Checked here, the claim row locked (before the session row, the claims' lock order)
    until the run is in: the route's check before the judge ran left the judge's seconds for another job to take
    the session over, and the replaced job's run was stored all the same."""
    body = run.report
    raw = run.code.encode("utf-8", "surrogatepass")
    sha = hashlib.sha256(raw).hexdigest()
    async with conn.transaction():
        if run.caller == "agent":
            await interviewers_repo.require_holder(conn, run.session_id, run.agent_job)
        keep, over = await _keeps_code(conn, run, len(raw), code_budget)
        kept_report, report_size, report_over = await _report_to_store(conn, run, report_budget)
        cur = await conn.execute(
            """
            insert into submissions (question_id, session_id, language, code, code_omitted, code_bytes,
                                     code_sha256, code_over_budget, result_json, result_bytes, report_over_budget,
                                     kind, custom, run_by, verdict, client_run_id)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) returning id
            """,
            (
                run.question_id,
                run.session_id,
                run.language,
                run.code if keep else "",
                not keep,
                len(raw),
                sha,
                over,
                Jsonb(kept_report),
                report_size,
                report_over,
                run.mode,
                bool(body.get("custom")),
                run.caller,
                run.verdict,
                run.client_run_id,
            ),
        )
        row = await cur.fetchone()
        assert row is not None
        submission_id = str(row["id"])
        stored = await events_repo.append_events(
            conn,
            run.session_id,
            [
                events_repo.EventIn(
                    idempotency_key=f"api:{run.mode}:{submission_id}",
                    type="test_run" if run.mode == "run" else "submission",
                    t=run.event_t,
                    payload={
                        "submission_id": submission_id,
                        "by": run.caller,
                        "mode": run.mode,
                        "language": run.language,
                        "code_sha256": sha,
                        "verdict": body["verdict"],
                        "passed": body["passed"],
                        "total": body["total"],
                        "tests": [{k: t.get(k) for k in HIDDEN_FIELDS} for t in body["tests"]],
                        "timings": body["timings"],
                        **({"custom": True} if body.get("custom") else {}),  # custom input (its own calls)
                    },
                )
            ],
            closed_after_s=closed_after_s,
        )
        if run.lease is not None:
            await drop_lease(conn, run.session_id, run.lease)
    return submission_id, (stored[0].seq if stored else None)


# What a stored run report weighs: its `result_bytes` (as PostgreSQL gives it back). Rows from before that column
# were given it by migration (20270107120100); one an older replica stores during a rolling deploy has none, and
# counts by its size on disk (`pg_column_size`, compressed: far less than it reads out, but no report is read).
_REPORT_BYTES = "coalesce(result_bytes, pg_column_size(result_json), 0)"


async def run_report_bytes(conn: Conn, session_id: str, *, counted: bool = False) -> int:
    """What the session's stored run reports hold (the session's detail reads them all). `counted`: only those
    counted against the report budget (api/db/runs_repo.py), without the one Submit kept whole beyond it."""
    where = "session_id = %s and not report_over_budget" if counted else "session_id = %s"
    cur = await conn.execute(
        f"select coalesce(sum({_REPORT_BYTES}), 0) as n from submissions where {where}",  # noqa: S608  # constant expressions
        (session_id,),
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


# What `latest_results` returns, by kind and whether it was custom input: the newest plain Run (`run`), the newest
# Submit (`submit`) and the newest custom input (`custom`, stored as a Run marked so).
_LATEST = {("run", False): "run", ("submit", False): "submit", ("run", True): "custom"}
# A run's custom flag, from its column; a row without one (stored by a replica from before it) reads its report.
_CUSTOM = "coalesce(custom, coalesce(result_json ->> 'custom', '') = 'true')"


def _whose(own: bool) -> str:
    # `own`: the candidate's runs only, and those not known (null `run_by`: stored by a replica from before the column,
    # or whose event was gone for the backfill), which the page then matches by time alone.
    return " and (run_by is null or run_by = 'candidate')" if own else ""


async def latest_results_bytes(
    conn: Conn, session_id: str, *, own: bool = False, client_run_id: str | None = None
) -> int:
    """What `latest_results` would read: the newest report of each of its kinds, by its stored size, none of it read
    (only a row without the `custom` column set, from a replica that predates it, has its report's flag read); and,
    with `client_run_id`, that run's report too."""
    cur = await conn.execute(
        f"""
        select coalesce(sum(n), 0) as n from (
          select distinct on (kind, {_CUSTOM}) {_REPORT_BYTES} as n from submissions
          where session_id = %s and result_json is not null{_whose(own)}
          order by kind, {_CUSTOM}, created_at desc
        ) newest
        """,  # noqa: S608  # constant expressions
        (session_id,),
    )
    row = await cur.fetchone()
    n = int(row["n"]) if row else 0
    if client_run_id is not None:
        cur = await conn.execute(
            f"select {_REPORT_BYTES} as n from submissions where {_CLIENT_RUN}",  # noqa: S608  # constant expressions
            (session_id, client_run_id),
        )
        row = await cur.fetchone()
        n += int(row["n"]) if row else 0
    return n


# The run a page gave `client_run_id` (the newest, should a page give one id twice): by the session's runs' index.
_CLIENT_RUN = (
    "session_id = %s and client_run_id = %s and result_json is not null order by created_at desc limit 1"
)


def _as_read(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row["result_json"],
        "submission_id": str(row["id"]),
        "created_at": row["created_at"].isoformat(),
        "by": row["run_by"],
        "client_run_id": row["client_run_id"],
    }


async def latest_results(
    conn: Conn, session_id: str, *, own: bool = False, client_run_id: str | None = None
) -> dict[str, dict[str, Any] | None]:
    """The newest stored report of each kind for the session, what the page shows after a reload: `run` (the newest
    Run that is not custom input), `submit`, and `custom` (the newest custom input). Before `custom`, `run` was the
    newest Run of either, so a Run made before the newest custom input was not returned at all. Each says who ran it
    (`by`: `candidate`, `agent` or `grader`; null when not known) and the id its page gave it (`client_run_id`; null
    when none). `own`: the candidate's runs only (`_whose`). With `client_run_id`, also `client_run`: the report of
    the run the page gave that id, or None while none is stored (a page whose answer was lost finds its own run
    there, behind any other tab's newer one)."""
    cur = await conn.execute(
        f"""
        select distinct on (kind, {_CUSTOM}) id, kind, {_CUSTOM} as is_custom, language, result_json, created_at,
               run_by, client_run_id
        from submissions
        where session_id = %s and result_json is not null{_whose(own)}
        order by kind, {_CUSTOM}, created_at desc
        """,  # noqa: S608  # constant expressions
        (session_id,),
    )
    rows = {
        _LATEST[(r["kind"], bool(r["is_custom"]) and r["kind"] == "run")]: r for r in await cur.fetchall()
    }
    out = {name: (_as_read(rows[name]) if name in rows else None) for name in ("run", "submit", "custom")}
    if client_run_id is not None:
        cur = await conn.execute(
            f"select id, result_json, created_at, run_by, client_run_id from submissions where {_CLIENT_RUN}",  # noqa: S608  # constant expressions
            (session_id, client_run_id),
        )
        row = await cur.fetchone()
        out["client_run"] = _as_read(row) if row else None
    return out
