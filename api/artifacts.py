"""A session's artifacts in object storage, under `sessions/<session id>/`:

- `session.json`: the raw dump (the session, its question, every event, every run and submission with its code and
  result, every scorecard version; a run's `code` is null, `code_omitted` true, past the session's run code budget);
- `report.pdf`: the report page printed (the organisation's view; the coaching view for a practice session);
- `resume.pdf`: the résumé PDF uploaded with the session (staged in `session_uploads` until copied here).

`write_artifacts` writes them all again (each object replaced whole); the `write_session_artifacts` job calls it
when an interview ends and after each grading. While a scorecard version is pending the PDF waits for it (the
grading job's own write follows). `erase_artifacts` removes every object of a session (deletion, retention).
`session_artifacts` records what was written, for the artifacts route.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import structlog

from api.db import artifacts_repo, report_repo, sessions_repo
from api.db.pool import Conn
from api.export_text import escape_json
from api.pdf import PdfRenderer
from api.report_pages import report_html
from api.report_view import load_report
from api.storage import StorageBackend
from api.timeline import View
from api.web_assets import WebAssets

log = structlog.get_logger(__name__)

DUMP, REPORT, RESUME = "session.json", "report.pdf", "resume.pdf"
DUMP_VERSION = 1


def folder(session_id: str) -> str:
    return f"sessions/{session_id}"


def key(session_id: str, name: str) -> str:
    return f"{folder(session_id)}/{name}"


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


async def build_dump(conn: Conn, session: dict[str, Any]) -> bytes:
    sid = session["id"]
    parts = await artifacts_repo.dump_parts(conn, sid)
    question = await report_repo.question_header(conn, session["question_id"])
    body = {
        "dump_version": DUMP_VERSION,
        "session": {
            "id": sid,
            "organization_id": session["organization_id"],
            "status": session["status"],
            "practice": session["practice"],
            "language": session["language"],
            "duration_minutes": session["duration_minutes"],
            "created_at": session["created_at"],
            "started_at": session["started_at"],
            "ended_at": session["ended_at"],
            "end_reason": session["end_reason"],
            # From when the record is incomplete, in seconds from the start as the report says it (docs/reports.md):
            # null while nothing was left out. A reader of the dump alone could not tell otherwise.
            **await report_repo.left_out(conn, sid),
            "metadata": session["metadata"],
            "final_code": session["final_code"],
            "job_description": session["job_description"],
            "candidate": {
                "name": session["candidate_name"],
                "email": session["candidate_email"],
                "external_id": session["candidate_external_id"],
            },
            "question": {"id": session["question_id"], **(question or {})},
        },
        **parts,
    }
    # Readable as UTF-8, but DEL, C1 controls and invisible characters escaped (`cat` shows the text as it is).
    return escape_json(json.dumps(body, default=_json, ensure_ascii=False, indent=1)).encode("utf-8")


@dataclass
class Written:
    names: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # name -> why


async def _store(
    conn: Conn, storage: StorageBackend, sid: str, name: str, data: bytes, content_type: str, written: Written
) -> None:
    await storage.put(key(sid, name), data, content_type)
    digest = hashlib.sha256(data).hexdigest()
    await artifacts_repo.record_artifact(conn, sid, name, key(sid, name), content_type, len(data), digest)
    written.names.append(name)


async def write_artifacts(
    conn: Conn, storage: StorageBackend, renderer: PdfRenderer, assets: WebAssets, session_id: str
) -> Written | None:
    """Write a session's artifacts to storage (None when the session is gone or its data was already erased under
    retention). Storage errors propagate (`StorageError.retryable`); a host without Chromium skips the PDF."""
    session = await sessions_repo.get_session(conn, session_id)
    if session is None:
        return None
    if session["retention_applied_at"] is not None:
        return None
    written = Written()
    await _store(
        conn, storage, session_id, DUMP, await build_dump(conn, session), "application/json", written
    )
    resume = await artifacts_repo.staged_resume(conn, session_id)
    if resume is not None:
        await _store(conn, storage, session_id, RESUME, resume, "application/pdf", written)
        await artifacts_repo.drop_staged_resume(conn, session_id)  # copied: the bucket is its home now
    if session["latest_scorecard_status"] == "pending":
        # The grading job stores the version, then writes the PDF with it; one now would only say "pending".
        written.skipped[REPORT] = "grading_pending"
    elif renderer.available():
        view: View = "coach" if session["practice"] else "org"
        page = await load_report(conn, session, view=view, timeline_url=None, assets=assets)
        html, _ = report_html(page, print_mode=True)
        await _store(
            conn, storage, session_id, REPORT, await renderer.render(html), "application/pdf", written
        )
    else:
        written.skipped[REPORT] = "chromium_unavailable"
        log.warning("artifacts.pdf_skipped", session_id=session_id, reason="chromium_unavailable")
    return written


async def erase_artifacts(storage: StorageBackend, session_id: str) -> int:
    """Remove every object stored for a session (idempotent); returns how many existed."""
    objects = await storage.list_folder(folder(session_id))
    keys = sorted({o.key for o in objects} | {key(session_id, n) for n in (DUMP, REPORT, RESUME)})
    return await storage.delete(keys)


async def erase_recorded_artifacts(conn: Conn, storage: StorageBackend, session_id: str) -> int:
    """What the erase job does: remove every object stored for a session, then the records of them. Records go too
    for a session under retention: an artifact write that read the session before retention marked it may have
    stored (and recorded) its artifacts after retention erased them; this job runs after it (same lock)."""
    removed = await erase_artifacts(storage, session_id)
    await artifacts_repo.forget_artifacts(conn, session_id)
    return removed
