"""A run or submission in three steps, none of which holds a database connection while the judge works:

1. on one short connection: authenticate, check the session's time, take the session's run lease (one run of the
   session in flight at a time, whoever asked for it: api.db.runs_repo.take_lease), refuse any run
   after the final answer unless resubmission is allowed, count the per-session run rate and load the question's
   tests; release it;
2. wait for this organisation's turn (api.run_admission) and run the judge; a Submit's end is then held to a coarse
   grid (api.submit_padding), so that its program cannot tell the caller a hidden input by how long it took;
3. on another short connection: store the submission and its event and drop the lease, in one transaction (an
   agent's run only while its job still holds the session, checked in that transaction: api.db.runs_repo).

A failure after step 1 drops the lease on a fresh connection; if even that fails, the lease expires by itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

import structlog
from fastapi import Request

from api.candidate_rules import require_editable, session_org
from api.custom_input import custom_cases, custom_report
from api.db import events_repo, questions_repo, runs_repo, sessions_repo
from api.db.pool import Conn, Pool, connection
from api.deps import admitted_invite, own_session, session_for_invite
from api.errors import ConflictError, NotFoundError, RateLimitedError, UnprocessableError
from api.judging import LazyJudge, Mode, check_code_size, for_candidate, judge_code, redact
from api.question_cache import QuestionCache
from api.ratelimits import RateLimits
from api.run_admission import PRACTICE_TENANT, RunAdmission
from api.session_window import require_not_over, require_record_open, require_running
from api.settings import ApiSettings
from api.submit_padding import hold_until_grid
from judge.limits import run_bound_s
from judge.schemas import RunRequest

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RunServices:
    """What a run needs from the app (built once in the lifespan)."""

    pool: Pool
    judge: LazyJudge
    admission: RunAdmission
    ratelimits: RateLimits
    settings: ApiSettings
    questions: QuestionCache
    # Invites (by digest) with a run under way in this process: a repeat is refused before it costs a database
    # round trip, so a flood of parallel runs on one invite cannot crowd the pool. The lease is the cross-process rule.
    in_flight: set[bytes] = field(default_factory=set)

    @property
    def lease_ttl_s(self) -> float:
        # Long enough for the longest wait plus the judge's whole-job budget; only a crashed run ever reaches it.
        return self.settings.run_queue_wait_s + self.judge.settings.job_timeout_s + 30.0

    def lease_ttl_for(self, request: RunRequest) -> float:
        """How long the lease of a run of `request` must last: the longest wait for a slot and the longest the judge
        may take to run it (its job budget grows with the tests; `job_timeout_s` is only its floor)."""
        return self.settings.run_queue_wait_s + run_bound_s(request, self.judge.settings) + 30.0


@dataclass(frozen=True)
class _Prepared:
    session_id: str
    question_id: UUID
    tenant: str
    caller: runs_repo.Caller
    lease: UUID
    request: RunRequest
    # The agent job that asked: its run is stored only while that job holds the session.
    agent_job: str | None = None
    # The id the candidate's page gave the run (api/routers/runs.py `ClientRunId`), stored with it.
    client_run_id: str | None = None


def _tenant(session: dict[str, Any]) -> str:
    org = session.get("organization_id")
    return str(org) if org is not None else PRACTICE_TENANT


async def _lease_and_load(
    conn: Conn,
    services: RunServices,
    session: dict[str, Any],
    caller: runs_repo.Caller,
    *,
    language: str,
    code: str,
    mode: Mode,
    rate_limited: bool,
    custom: list[list[Any]] | None = None,
) -> _Prepared:
    # Only the languages the organisation allowed (drafts, custom input and the end checked it; Run and Submit did
    # not, and a Java-only interview took a Python final answer). The agent's runs too: it runs what the editor sent.
    if language not in sessions_repo.session_languages(session):
        raise UnprocessableError("This interview does not use that language.", code="unsupported_language")
    check_code_size(code, services.judge.settings)
    lease = await runs_repo.take_lease(conn, session["id"], caller, services.lease_ttl_s)
    if lease is None:
        raise _already_running()
    try:
        # One final answer, and nothing of the session's code runs after it (Run, custom input, the agent's runs
        # alike), unless the organisation allows resubmission: a process whose output is shown could read what the
        # Submit's process left in the host's page cache (docs/judge.md, "Known gaps"). Under the lease: a submit
        # that committed its answer gave the lease back in that same transaction, so it is seen here. Checked
        # before the lease, another replica's answer could commit in between.
        await require_editable(conn, session, await session_org(conn, session))
        if rate_limited:
            await services.ratelimits.hit(
                "runs",
                services.settings.run_rate_limit,
                session["id"],
                message="Too many runs for this interview; wait a moment.",
            )
        question = await services.questions.judge_question(
            conn, session["question_id"], session.get("question_updated_at")
        )
        # Custom input (api/routers/custom_runs.py): the candidate's own calls replace the question's tests.
        tests = question["tests"] if custom is None else custom_cases(question["signature"], custom, language)
        request = RunRequest(
            language=language,  # type: ignore[arg-type]  # validated by the route's Literal
            source=code,
            signature=question["signature"],
            tests=tests,
            compare=question["compare"],
            mode=mode,
        )
        # The lease lasts as long as the judge may take with this run: a Submit's budget (a bank question's, 236 to
        # 622 s) outlasted `lease_ttl_s` (180 s), and a Submit slow on purpose could then be joined by a Run of its
        # own session before its final answer was stored, reading what its process left in the host's caches.
        await runs_repo.extend_lease(conn, session["id"], lease, services.lease_ttl_for(request))
    except BaseException:
        await runs_repo.drop_lease(conn, session["id"], lease)
        raise
    return _Prepared(session["id"], session["question_id"], _tenant(session), caller, lease, request)


async def _judge_and_store(
    services: RunServices, prepared: _Prepared, event_t: float | None = None
) -> dict[str, Any]:
    started = time.monotonic()
    try:
        report = await judge_code(services.judge, services.admission, prepared.tenant, prepared.request)
        if prepared.request.mode == "submit":
            # Held before anything of it shows (the store, the lease's release, the response): api/submit_padding.py.
            bound = services.settings.run_queue_wait_s + run_bound_s(
                prepared.request, services.judge.settings
            )
            await hold_until_grid(started, bound)
    except BaseException:
        await _drop_lease_quietly(services.pool, prepared)
        raise
    custom = all(t.id.startswith("custom-") for t in prepared.request.tests)
    if custom:
        report = custom_report(report)
    body = {**redact(report), **({"custom": True} if custom else {})}
    try:
        async with connection(services.pool) as conn:
            submission_id, seq = await runs_repo.store_run(
                conn,
                runs_repo.FinishedRun(
                    session_id=prepared.session_id,
                    question_id=prepared.question_id,
                    caller=prepared.caller,
                    lease=prepared.lease,
                    mode=prepared.request.mode,
                    language=prepared.request.language,
                    code=prepared.request.source,
                    verdict=report.verdict.value,
                    report=body,
                    event_t=event_t,
                    agent_job=prepared.agent_job,
                    client_run_id=prepared.client_run_id,
                ),
                code_budget=services.settings.run_code_budget_bytes,
                report_budget=services.settings.run_report_budget_bytes,
                closed_after_s=services.settings.complete_after_abandon_s,
            )
    except (
        BaseException
    ):  # the store's transaction (and the lease's release in it) rolled back: the run is over
        await _drop_lease_quietly(services.pool, prepared)
        raise
    return {**body, "submission_id": submission_id, "event_seq": seq}


async def _drop_lease_quietly(pool: Pool, prepared: _Prepared) -> None:
    try:
        async with connection(pool) as conn:
            await runs_repo.drop_lease(conn, prepared.session_id, prepared.lease)
    except Exception as e:  # the lease expires by itself; the run's own error is what the caller must see
        log.warning("run.lease_not_dropped", error_type=type(e).__name__)


def _already_running() -> RateLimitedError:
    return RateLimitedError(
        "A run of this session is already in progress; wait for its result.",
        code="run_in_progress",
        retry_after=2,
    )


async def run_for_candidate(
    services: RunServices,
    *,
    invite: str,
    session_id: str,
    language: str,
    code: str,
    mode: Mode,
    custom: list[list[Any]] | None = None,
    caller: Request | None = None,
    client_run_id: str | None = None,
) -> dict[str, Any]:
    """`caller`: the request, whose address a failed lookup of `invite` is counted against (api/guess_limits.py).
    `client_run_id`: the id the page gave the run, stored with it (api/routers/runs.py `ClientRunId`)."""
    # In-process: a misshapen invite, or one from a spent address, takes no connection.
    key = admitted_invite(invite, caller)
    if key in services.in_flight:
        raise _already_running()
    services.in_flight.add(key)
    try:
        async with connection(services.pool) as conn:
            session = own_session(
                await session_for_invite(conn, invite, services.settings, request=caller), session_id
            )
            require_running(session, services.settings)
            prepared = await _lease_and_load(
                conn,
                services,
                session,
                "candidate",
                language=language,
                code=code,
                mode=mode,
                rate_limited=True,
                custom=custom,
            )
        prepared = replace(prepared, client_run_id=client_run_id)
        return for_candidate(await _judge_and_store(services, prepared))
    finally:
        services.in_flight.discard(key)


async def run_for_agent(
    services: RunServices,
    *,
    session_id: str,
    language: str,
    code: str,
    mode: Mode,
    event_t: float | None = None,
    agent_job: str | None = None,
) -> dict[str, Any]:
    """`event_t`: the session time of the agent's request, so the run's event sorts with the moment that caused it.
    `agent_job`: the job that asked; its run is stored only if it still holds the session then (api.db.runs_repo)."""
    async with connection(services.pool) as conn:
        session = await sessions_repo.get_session(conn, session_id)
        if session is None:
            raise NotFoundError("Session not found.", code="session_not_found")
        if session["status"] == "cancelled":
            raise ConflictError("This session was cancelled.", code="session_cancelled")
        require_record_open(session, services.settings)
        require_not_over(session, services.settings)
        prepared = await _lease_and_load(
            conn, services, session, "agent", language=language, code=code, mode=mode, rate_limited=False
        )
    return await _judge_and_store(services, replace(prepared, agent_job=agent_job), event_t)


async def run_for_grader(
    pool: Pool,
    judge: LazyJudge,
    admission: RunAdmission,
    *,
    session_id: str,
    language: str,
    code: str,
    lease: UUID | None = None,
    queue_wait_s: float = 0.0,
) -> dict[str, Any]:
    """The grading job's final submission of a finished session's last code, stored like any other (`by: grader`),
    in the same three steps. No rate limit or time window: the session is over, and the grading job's queue lock
    already keeps one session's gradings from running at once. `lease`: the session's run lease the job holds from
    before it read the record until it has read it again (api.jobs.grading), made to last as long as this run may
    take (`queue_wait_s` and the judge's bound, as a Submit's); it stays held when the run is stored."""
    async with connection(pool) as conn:
        session = await sessions_repo.get_session(conn, session_id)
        if session is None:
            raise NotFoundError("Session not found.", code="session_not_found")
        # Before the judge's seconds; `store_run` refuses it too when retention commits while the code is judged.
        if session["retention_applied_at"] is not None:
            raise events_repo.RecordErasedError("The record was deleted under the retention period.")
        check_code_size(code, judge.settings)
        question = await questions_repo.load_question_for_judge(conn, session["question_id"])
    request = RunRequest(
        language=language,  # type: ignore[arg-type]  # the grader submits only the judge's languages
        source=code,
        signature=question["signature"],
        tests=question["tests"],
        compare=question["compare"],
        mode="submit",
    )
    if lease is not None:
        async with connection(pool) as conn:
            await runs_repo.extend_lease(
                conn, session_id, lease, queue_wait_s + run_bound_s(request, judge.settings) + 30.0
            )
    report = await judge_code(judge, admission, _tenant(session), request)
    body = redact(report)
    async with connection(pool) as conn:
        submission_id, seq = await runs_repo.store_run(
            conn,
            runs_repo.FinishedRun(
                session_id=session_id,
                question_id=session["question_id"],
                caller="grader",
                lease=None,
                mode="submit",
                language=language,
                code=code,
                verdict=report.verdict.value,
                report=body,
            ),
        )
    return {**body, "submission_id": submission_id, "event_seq": seq}
