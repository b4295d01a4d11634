"""Artifact jobs: write a session's artifacts to storage (when it ends, and after each grading), and erase them
(after the session was deleted). Both run per session under the lock `artifacts:<session id>`, so a write and an
erase of one session never overlap; a write finding the session gone or erased does nothing."""

from __future__ import annotations

import structlog
from procrastinate import JobContext

from api.db.pool import Conn, connection
from api.jobs.enqueue import enqueue
from api.jobs.queue import queue
from api.jobs.resources import resources
from api.jobs.retry import JobRetryPolicy

# The report's rendering (FastAPI, Jinja2, the grader's redaction tables) and the storage SDK load when a job here
# runs: every process that enqueues one (the API, the grading job, retention) imports this module, and a worker
# imports it at start: about 0.4 s of CPU that most of them never need.

log = structlog.get_logger(__name__)

ARTIFACTS_QUEUE = "artifacts"
RETRY = JobRetryPolicy()
# Archival work yields to grading, which a recruiter is waiting for.
PRIORITY = -10


def _lock(session_id: str) -> str:
    return f"artifacts:{session_id}"


async def request_artifacts(conn: Conn, session_id: str) -> int | None:
    """Enqueue a write of the session's artifacts in the caller's transaction. A write already waiting in the queue
    covers this one (it reads the session when it runs): None then."""
    return await enqueue(
        conn,
        write_session_artifacts,
        lock=_lock(session_id),
        queueing_lock=_lock(session_id),
        session_id=session_id,
    )


async def request_erasure(conn: Conn, session_id: str) -> int | None:
    return await enqueue(
        conn, erase_session_artifacts, lock=_lock(session_id), priority=PRIORITY, session_id=session_id
    )


@queue.task(name="write_session_artifacts", queue=ARTIFACTS_QUEUE, pass_context=True, retry=RETRY)
async def write_session_artifacts(context: JobContext, session_id: str) -> None:
    """Write the session's dump, report PDF and résumé PDF to storage."""
    from api.artifacts import write_artifacts
    from api.pdf import PdfRenderer
    from api.storage import open_storage
    from api.web_assets import WebAssets

    res = resources(context)
    storage = open_storage(res.settings)
    renderer = PdfRenderer(res.settings.chromium_bin, timeout_s=res.settings.pdf_timeout_s, concurrency=1)
    try:
        async with connection(res.pool) as conn:
            written = await write_artifacts(
                conn, storage, renderer, WebAssets(res.settings.web_dir), session_id
            )
    finally:
        await storage.aclose()
    if written is None:
        log.info("artifacts.skipped", session_id=session_id)
        return
    log.info("artifacts.written", session_id=session_id, names=written.names, skipped=sorted(written.skipped))


@queue.task(name="erase_session_artifacts", queue=ARTIFACTS_QUEUE, pass_context=True, retry=RETRY)
async def erase_session_artifacts(context: JobContext, session_id: str) -> None:
    """Remove every stored object of a deleted session, or of one under retention, and the records of them
    (idempotent)."""
    from api.artifacts import erase_recorded_artifacts
    from api.storage import open_storage

    res = resources(context)
    storage = open_storage(res.settings)
    try:
        async with connection(res.pool) as conn:
            removed = await erase_recorded_artifacts(conn, storage, session_id)
    finally:
        await storage.aclose()
    log.info("artifacts.erased", session_id=session_id, objects=removed)
