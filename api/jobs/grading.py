"""The grading job. A session's end (or a re-grade) adds a `pending` scorecard version and enqueues `grade_session`
for it in the same transaction; the job loads the session, calls the grader and stores the outcome on that version.

Idempotent: versions are only ever added by the enqueuing transaction, never by the job, so a retried job cannot
make a second one; the job skips a version that is no longer pending, and stores an outcome only while it is.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from uuid import UUID

import psycopg
import structlog
from procrastinate import JobContext

from api.db import bundle_repo, runs_repo, scorecards_repo
from api.db.pool import Conn, connection
from api.db.scorecards_repo import Trigger
from api.errors import ApiError, ConflictError, NotFoundError
from api.jobs.artifacts import request_artifacts
from api.jobs.enqueue import enqueue
from api.jobs.queue import queue
from api.jobs.resources import WorkerResources, resources
from api.jobs.retry import JobRetryPolicy
from api.webhooks import outbox
from grader.errors import GraderError
from grader.facts import compute_facts
from grader.final_submit import final_submission
from grader.schemas import REASON_PATTERN, BundleInput, GradeOutcome
from grader.settings import get_grader_settings

log = structlog.get_logger(__name__)

GRADING_QUEUE = "grading"
GRADABLE_STATUSES = ("completed", "abandoned")
# Re-grades wait behind the gradings of interviews that have just ended (procrastinate takes the highest priority
# first): an organisation re-grading its whole history would otherwise queue ahead of every other organisation's
# new scorecards.
REGRADE_PRIORITY = -1
RETRY = JobRetryPolicy()
LEASE_POLL_S = 0.5  # how often the job looks again for the end of a run of the session still in flight

Grade = Callable[[BundleInput], Awaitable[GradeOutcome]]
_grader: Grade | None = None


def use_grader(grade: Grade | None) -> None:
    """Replace the grader in this process (a plugin or a test fake loaded with SHADOWS_WORKER_EXTRA_IMPORTS);
    None restores `grader.pipeline.grade`."""
    global _grader
    _grader = grade


def current_grader() -> Grade:
    if _grader is not None:
        return _grader
    # The pipeline (its bundle, redaction and claim checks: about 0.4 s of CPU to import) only where it grades: the
    # API enqueues through this module, and a worker loads it at start only when a model is configured.
    from grader import pipeline

    return pipeline.grade


class SessionNotGradableError(ConflictError):
    code = "session_not_finished"


class GradingPendingError(ConflictError):
    code = "grading_pending"


class TooManyScorecardVersionsError(ConflictError):
    code = "too_many_scorecard_versions"


class RecordDeletedError(ConflictError):
    code = "record_deleted"


# --- enqueueing (in the caller's transaction) ----------------------------------------------------------------------


async def request_grading(conn: Conn, session_id: str, *, trigger: Trigger) -> int | None:
    """Add the next pending version and enqueue its job, in the caller's transaction, which must hold the session's
    row lock (the status update that ended it, or `request_regrade`'s). Returns the version; None for a second
    `session_end` request (the agent's completion and LiveKit's room_finished may both arrive)."""
    if trigger == "session_end":  # the interview's raw record goes to storage now, and again once graded
        await request_artifacts(conn, session_id)
    version = await scorecards_repo.add_version(conn, session_id, trigger)
    if version is None:
        return None
    if trigger == "session_end":  # Ashby shows the interview is over and being graded (none: not Ashby's)
        await conn.execute("select outbox_emit_ats_callback(%s, 'ashby', 'grading')", (session_id,))
    # Jobs of one session never run at once (a re-grade queued while version 1 runs waits for it).
    await enqueue(
        conn,
        grade_session,
        lock=f"grade:{session_id}",
        priority=REGRADE_PRIORITY if trigger == "regrade" else None,
        session_id=session_id,
        version=version,
    )
    return version


async def request_regrade(
    conn: Conn, session_id: str, *, organization_id: UUID | None, max_versions: int | None = None
) -> int:
    """A new version of a finished session's scorecard (`organization_id` None: any session, for the CLI).
    Refused while an earlier version is still pending, so a double click never pays for two gradings, and (with
    `max_versions`, an organisation's request) once the session has that many versions: each one is a paid
    grading, a stored scorecard and its webhooks, and a caller looping on this route made them without end."""
    async with conn.transaction():
        cur = await conn.execute(
            """
            select status, retention_applied_at from sessions
            where id = %(id)s and (%(org)s::uuid is null or organization_id = %(org)s) for update
            """,
            {"id": session_id, "org": organization_id},
        )
        row = await cur.fetchone()
        if row is None:
            raise NotFoundError("Session not found.", code="session_not_found")
        if row["status"] not in GRADABLE_STATUSES:
            raise SessionNotGradableError(
                f"Only a completed or abandoned session can be graded; this one is {row['status']}."
            )
        if row["retention_applied_at"] is not None:  # grading what is left would grade an empty interview
            raise RecordDeletedError("The interview record was deleted under the retention period.")
        pending = await scorecards_repo.pending_version(conn, session_id)
        if pending is not None:
            raise GradingPendingError(f"Version {pending} of this scorecard is still being graded.")
        if (
            max_versions is not None
            and await scorecards_repo.count_versions(conn, session_id) >= max_versions
        ):
            raise TooManyScorecardVersionsError(
                f"A session has at most {max_versions} scorecard versions; this one has them all."
            )
        version = await request_grading(conn, session_id, trigger="regrade")
        assert version is not None  # a regrade version never collides
        return version


# --- the job ---------------------------------------------------------------------------------------------------


def _reason(code: str) -> str:
    return code if re.fullmatch(REASON_PATTERN, code) else "grader_error"


async def _store(
    res: WorkerResources, session_id: str, version: int, outcome: GradeOutcome, duration_ms: int | None
) -> bool:
    card = outcome.scorecard
    async with connection(res.pool) as conn, conn.transaction():
        # Whatever must happen exactly when a version is stored is written here, in this transaction, and only
        # when `stored`: the `scorecard.ready` / `scorecard.failed` webhook and the ATS callbacks (the outbox).
        stored = await scorecards_repo.store_outcome(
            conn,
            session_id,
            version,
            status=outcome.status,
            reason=outcome.reason,
            scorecard=card.model_dump(mode="json") if card else None,
            recommendation=card.recommendation if card else None,
            overall_score=card.overall_score() if card else None,
            facts=outcome.facts.model_dump(mode="json") if outcome.facts else None,
            needs_human_review=outcome.needs_human_review,
            model=outcome.model,
            prompt_version=outcome.prompt_version,
            rubric_version=outcome.rubric_version,
            input_tokens=outcome.usage.input_tokens,
            output_tokens=outcome.usage.output_tokens,
            cost_usd=outcome.usage.cost_usd,
            samples=outcome.usage.samples,
            duration_ms=duration_ms,
        )
        if stored:
            await outbox.scorecard_stored(conn, res.settings, session_id, version)
            await request_artifacts(conn, session_id)  # the dump and the report PDF with this version
    log.info(
        "grading.stored" if stored else "grading.already_stored",
        session_id=session_id,
        version=version,
        status=outcome.status,
        reason=outcome.reason,
        duration_ms=duration_ms,
    )
    return stored


async def _final_submit(
    res: WorkerResources, bundle: BundleInput, attempts: int, lease: UUID | None = None
) -> BundleInput | None:
    """When the candidate never submitted, submit their last code over every test through the API's own run flow
    (a `submission` row and event with `by: "grader"`; no connection held while the judge runs), and read the
    session again. A judge that cannot run it (unavailable, the code refused) leaves the bundle as it was; a busy one
    is retried with the job. None when the session was erased since the bundle was read, or retention deleted its
    record: nothing is graded (its record, read before, would otherwise go to the model after the erasure), and the
    submission is not stored (the candidate's code would be kept past the period they were promised). `lease`: the
    job's hold on the session's runs (`_hold_the_runs`), made to last as long as this run may take."""
    submission = final_submission(bundle)
    if submission is None:
        return bundle
    # The API's run flow (FastAPI, its request dependencies): loaded at a final submission, not at a worker's start.
    from api.run_flow import run_for_grader

    session_id = bundle.session.id
    try:
        await run_for_grader(
            res.pool,
            res.judge,
            res.admission,
            session_id=session_id,
            language=submission.language,
            code=submission.code,
            lease=lease,
            queue_wait_s=res.settings.run_queue_wait_s,
        )
    except ApiError as e:
        if e.code in ("session_not_found", "record_deleted"):
            log.info("grading.session_erased", session_id=session_id, code=e.code)
            return None
        if e.retryable and RETRY.will_retry(e, attempts):  # a busy judge: try the whole job again later
            raise
        # The judge unavailable, the code refused (too large): grade what there is. A refusal of the code itself is
        # part of the record (Facts.final_code_not_judged): a candidate who padded their code past the judge's limit
        # must not leave the grader believing nothing was there to judge.
        log.warning("grading.final_submit_skipped", session_id=session_id, code=e.code)
        if e.code == "code_too_large":
            return bundle.model_copy(update={"final_submit_refused": e.code})
        return bundle
    log.info("grading.final_submit", session_id=session_id, language=submission.language)
    async with connection(res.pool) as conn:
        reloaded = await bundle_repo.load_bundle_input(conn, session_id)
    if reloaded is None:  # erased, or its record deleted under retention, since the run was stored
        log.info("grading.session_erased", session_id=session_id)
    return reloaded


async def _hold_the_runs(res: WorkerResources, session_id: str) -> UUID:
    """The session's run lease, every caller's row, as a Submit takes it: a run or Submit admitted before the end
    and still being judged holds it until its result is stored (or its lease expires, if it crashed), so the job
    waits for it before it reads the record. Read earlier, a Submit in flight was not there: the job submitted the
    last snapshot in its place, graded without it, and the candidate's own was stored after, beside the grader's.
    The lease's time covers the job's own final submission (`run_for_grader` extends it to that run's bound).
    NotFoundError (`session_not_found`) when the session was erased meanwhile."""
    ttl = res.settings.run_queue_wait_s + res.judge.settings.job_timeout_s + 30.0
    while True:
        async with connection(res.pool) as conn:
            lease = await runs_repo.take_lease(conn, session_id, "grader", ttl)
        if lease is not None:
            return lease
        await asyncio.sleep(LEASE_POLL_S)


async def _drop_quietly(res: WorkerResources, session_id: str, lease: UUID) -> None:
    try:
        async with connection(res.pool) as conn:
            await runs_repo.drop_lease(conn, session_id, lease)
    except Exception as e:  # the lease expires by itself
        log.warning("grading.lease_not_dropped", session_id=session_id, error_type=type(e).__name__)


@queue.task(name="grade_session", queue=GRADING_QUEUE, pass_context=True, retry=RETRY)
async def grade_session(context: JobContext, session_id: str, version: int) -> None:
    """Grade one pending scorecard version and store the outcome on it."""
    res = resources(context)
    pool = res.pool
    attempts = (
        context.job.attempts
    )  # earlier attempts of this job, including ones a dead worker never finished
    async with connection(pool) as conn:
        row = await scorecards_repo.get_version(conn, session_id, version)
    if row is None or row["status"] != "pending":
        log.info("grading.skipped", session_id=session_id, version=version, found=row is not None)
        return
    if attempts >= RETRY.max_attempts:  # requeued again and again after crashes: give up, say so
        await _store(res, session_id, version, GradeOutcome.failed("attempts_exhausted"), None)
        return
    try:
        lease = await _hold_the_runs(res, session_id)
    except NotFoundError:  # erased meanwhile: the version went with the session
        log.info("grading.session_erased", session_id=session_id)
        return
    try:
        async with connection(pool) as conn:
            bundle = await bundle_repo.load_bundle_input(conn, session_id)
        if bundle is None:
            await _store(res, session_id, version, GradeOutcome.failed("session_unavailable"), None)
            return
        if (
            _grader is None and not get_grader_settings().configured
        ):  # fail at once, without the final submission's judge run
            outcome = GradeOutcome.failed("grader_not_configured", facts=compute_facts(bundle))
            await _store(res, session_id, version, outcome, None)
            return
        submitted = await _final_submit(res, bundle, attempts, lease)
    finally:  # the record is read: runs of the session (the interviewer's, trailing the end) may go on
        await _drop_quietly(res, session_id, lease)
    if submitted is None:
        # Erased meanwhile (the version went with the session: nothing is stored), or its record deleted under
        # retention: the version must not stay pending, as when the bundle could not be read.
        await _store(res, session_id, version, GradeOutcome.failed("session_unavailable"), None)
        return
    bundle = submitted
    started = time.monotonic()
    try:
        outcome = await current_grader()(bundle)
    except GraderError as e:
        if RETRY.will_retry(e, attempts):
            raise
        outcome = GradeOutcome.failed(_reason(e.code))
    except Exception as e:
        if RETRY.will_retry(e, attempts):
            raise
        # A bug or a refused write: the version says so, and the job fails loudly in the queue and the logs.
        await _store(res, session_id, version, GradeOutcome.failed("internal_error"), None)
        raise
    try:
        await _store(res, session_id, version, outcome, round((time.monotonic() - started) * 1000))
    except Exception as e:
        if RETRY.will_retry(e, attempts):
            raise
        # The database refused the outcome itself (a value out of its column's range): the version must not stay
        # pending, which refused every re-grade (`grading_pending`) and grew the grading lag for ever. It fails as
        # a bug, and the job fails loudly in the queue and the logs.
        await _store(res, session_id, version, GradeOutcome.failed("internal_error"), None)
        raise


# --- versions no job will finish -----------------------------------------------------------------------------------

ORPHANS_PER_RUN = 10_000  # a backlog is worked through over several runs
INTERRUPTED = "grading_interrupted"


async def fail_orphaned_versions(res: WorkerResources, limit: int = ORPHANS_PER_RUN) -> int:
    """Fail up to `limit` pending versions whose job ended without storing an outcome; returns how many.

    A job stores a failed outcome itself whenever it can, but not when the database is what failed: a lost
    connection while storing on the last attempt (retryable, so not stored as `internal_error`, and then not
    retried) ended the job with the version pending, and so did a job cancelled or deleted from the queue. Such a
    version stayed pending for ever: every re-grade was refused (`grading_pending`) and the grading lag grew. Each
    is stored as `grading_interrupted` through the job's own path (its `scorecard.failed` webhook, its ATS
    callbacks, its artifacts); a job that finishes after all finds it stored and skips it."""
    async with connection(res.pool) as conn:
        orphans = await scorecards_repo.orphaned_pending(conn, grade_session.name, limit)
    failed = 0
    for session_id, version in orphans:
        try:
            stored = await _store(res, session_id, version, GradeOutcome.failed(INTERRUPTED), None)
        except psycopg.OperationalError:  # the database itself: the next run tries them all again
            raise
        except Exception:  # this version alone (a bug in its outcome's path); the others still fail
            log.exception("grading.orphan_not_failed", session_id=session_id, version=version)
            continue
        if stored:
            log.warning("grading.orphan_failed", session_id=session_id, version=version)
            failed += 1
    return failed
