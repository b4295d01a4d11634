"""Data retention: a periodic job (hourly, on the maintenance queue) that erases the record the candidate notice
lists (transcript, code, runs and submissions, page observations: `api.record`) and the raw artifacts of sessions
that ended longer ago than their organisation's `retention_days` (the period the candidate notice states: "keeps
this record for N days, then it is deleted"; `PRACTICE_RETENTION_DAYS` for an org-less practice session), keeping
their scorecard and facts.

A session on legal hold (`api.legal_holds`) is not erased while the hold lasts. Per session, in one transaction
that first locks its row (the lock a hold is placed under) and checks it is still unerased and unheld: the stored
objects (dump, report PDF, résumé PDF) are deleted; every kind of data the notice it agreed to lists as recorded
(`api.db.artifacts_repo.apply_retention`), its staged upload and résumé text are erased, `retention_applied_at` is
set and a `session_deletions` row (`reason = retention`, counts only) is written, and an `erase_session_artifacts`
job is queued under the session's artifact lock: an artifact write under way (it read the session before the
commit) may store after the erase, and that job runs after it. A storage failure rolls the transaction back and
leaves the session for the next run, and the run, once done with the others, ends failed. So does a session whose
candidate agreed to a notice version this release does not ship (a newer release's, then rolled back): what it
promised is read from that version's own table, so the session is left, untouched, for a release that has it
(`retention.deferred`). Each erasure is logged with the session id and counts, never content.

Each run first prunes the rows of other tables that serve nothing any more (`api.jobs.pruning`: LiveKit's webhook
dedup, expired share links, revoked integration keys, old ATS response errors) and folds the grading usage's
changes into its totals (`grading_usage`, which `/metrics` serves). Both count periods on the database's
clock, which wrote every timestamp they compare: a worker host's clock that jumped ahead erases nothing early.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from procrastinate import JobContext

from api.db import artifacts_repo
from api.db.pool import Pool, connection
from api.jobs.artifacts import request_erasure
from api.jobs.pruning import database_now, fold_usage_changes, prune
from api.jobs.queue import queue
from api.jobs.resources import resources
from api.notices import PRACTICE_RETENTION_DAYS
from api.record import UnshippedNoticeError
from api.storage import StorageBackend, StorageError, open_storage

log = structlog.get_logger(__name__)

RETENTION_CRON = "23 * * * *"  # hourly
BATCH = 200
MAX_PER_RUN = 5000  # a backlog is worked through over several runs


class RetentionIncompleteError(Exception):
    """The run erased what it could, but some due sessions were left: storage refused them (`left`), or their
    candidate agreed to a notice version this release does not ship (`deferred`: what it promises to erase is not
    known here). Their records are kept past the period the candidate was promised until a later run (of a release
    that ships that notice) gets through. The job fails with it, so that the queue's failed-job gauge
    (`shadows_queue_jobs_failed_last_hour`) and its alert show it, not only each session's log line."""

    def __init__(self, erased: int, left: int, deferred: int = 0) -> None:
        super().__init__(
            f"retention erased {erased} session(s); storage refused {left} and {deferred} agreed to a notice this "
            "release does not ship, left for the next run"
        )
        self.erased = erased
        self.left = left
        self.deferred = deferred


async def run_retention(pool: Pool, storage: StorageBackend, *, now: datetime | None = None) -> int:
    """Erase every due session (up to MAX_PER_RUN) as of `now`, the database's clock unless given (never this
    host's: `api.jobs.pruning.database_now`); returns how many were erased. Raises RetentionIncompleteError at the
    end of a run in which storage refused any session, or any was deferred (its candidate agreed to a notice this
    release does not ship), the others erased all the same."""
    now = now or await database_now(pool)
    erased = 0
    # Failed in storage, deferred, or held (or erased) since the list was read: not this run.
    passed: set[str] = set()
    refused = 0  # of those, failed in storage
    deferred = 0  # of those, agreed to a notice this release does not ship
    while erased + len(passed) < MAX_PER_RUN:
        async with connection(pool) as conn:
            due = [
                s
                for s in await artifacts_repo.due_for_retention(
                    conn, now, BATCH + len(passed), PRACTICE_RETENTION_DAYS
                )
                if s not in passed
            ]
        if not due:
            break
        for session_id in due[:BATCH]:
            try:
                removed = await _erase_one(pool, storage, session_id)
            except StorageError:
                refused += 1
                removed = None
            except UnshippedNoticeError:
                deferred += 1
                removed = None
            if removed is None:
                passed.add(session_id)
            else:
                erased += 1
                log.info("retention.applied", session_id=session_id, **removed)
    if refused or deferred:
        raise RetentionIncompleteError(erased, refused, deferred)
    return erased


class _Held(Exception):
    """Raised inside the erase's transaction to roll it back: the session was held (or erased) meanwhile."""


async def _erase_one(pool: Pool, storage: StorageBackend, session_id: str) -> dict[str, int] | None:
    """Erase one session under its row's lock, the lock a legal hold is placed under (`api.legal_holds`): checked
    for a hold first, its stored objects removed, then its rows, in one transaction. None when it was held or erased
    since the list was read; StorageError when storage failed (the transaction is rolled back: nothing of it is
    erased); UnshippedNoticeError, before anything is erased, when its candidate agreed to a notice version this
    release does not ship (what that notice promises is read from its own table, which only a release shipping it
    has: erasing what the current one lists, and marking the session erased, would keep the rest for ever)."""
    from api.artifacts import erase_artifacts  # with the report's rendering: only when a session is due

    try:
        async with connection(pool) as conn, conn.transaction():
            if not await artifacts_repo.lock_for_retention(conn, session_id):
                raise _Held
            kinds = await artifacts_repo.promised(conn, session_id)  # before anything goes
            # Storage is erased while the lock is held: a hold asked for now waits, then finds the record gone.
            objects = await erase_artifacts(storage, session_id)
            removed = await artifacts_repo.apply_retention(conn, session_id, objects, kinds)
            assert removed is not None  # locked, unerased and unheld above
            # An artifact write that read the session before this commit may store after the erase above; the
            # session's artifact jobs run one at a time, so an erase queued behind it takes that too.
            await request_erasure(conn, session_id)
    except _Held:
        log.info("retention.skipped", session_id=session_id)
        return None
    except StorageError as e:
        log.warning("retention.storage_failed", session_id=session_id, retryable=e.retryable)
        raise
    except UnshippedNoticeError as e:
        log.warning("retention.deferred", session_id=session_id, notice_versions=e.agreed)
        raise
    return removed


@queue.task(name="apply_retention", queue="maintenance", pass_context=True, queueing_lock="apply_retention")
async def apply_retention(context: JobContext, timestamp: int) -> None:
    """Prune the rows that serve nothing any more and fold the grading usage's changes into its totals
    (`api.jobs.pruning`), then erase the recorded interview and raw artifacts of sessions past their organisation's
    retention period."""
    res = resources(context)
    await prune(res.pool)
    await fold_usage_changes(res.pool)
    storage = open_storage(res.settings)
    try:
        erased = await run_retention(res.pool, storage)
    except RetentionIncompleteError as e:
        log.warning("retention.run", erased=e.erased, left=e.left, deferred=e.deferred)
        raise
    finally:
        await storage.aclose()
    log.info("retention.run", erased=erased)
