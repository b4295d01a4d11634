"""procrastinate's logs as our structured logs, without the job's arguments.

procrastinate logs through the standard library, with each job's arguments in the message (`task[id](args)`) and
in `extra`. The handler below re-emits only what identifies the job and its outcome (action, job id, task, queue,
attempts, status, duration, error type): never the message text, the arguments or an exception's text.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger("queue")

_JOB_FIELDS = ("id", "task_name", "queue", "attempts", "priority")
_RECORD_FIELDS = ("status", "duration", "periodic_id", "task_name", "queue_name")


class QueueLogHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields: dict[str, Any] = {"logger": record.name}
            job = getattr(record, "job", None)
            if isinstance(job, dict):
                fields.update({f"job_{k}" if k == "id" else k: job.get(k) for k in _JOB_FIELDS})
            worker = getattr(record, "worker", None)
            if isinstance(worker, dict):
                fields["worker"] = worker.get("name")
                fields["worker_id"] = worker.get("worker_id")
                if fields.get("job_id") is None and worker.get("job_id") is not None:
                    fields["job_id"] = worker.get("job_id")
            for name in _RECORD_FIELDS:
                value = getattr(record, name, None)
                if isinstance(value, str | int | float | bool):
                    fields[name] = value
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                fields["error_type"] = type(exc).__name__
                frames = traceback.extract_tb(exc.__traceback__)
                if frames:
                    fields["error_at"] = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"
            action = getattr(record, "action", None)
            event = f"queue.{action}" if isinstance(action, str) else "queue.log"
            log.log(record.levelno, event, **fields)
        except Exception:  # a log line must never break the worker
            self.handleError(record)


def route_queue_logs(level: int = logging.INFO) -> None:
    """Send procrastinate's logs through QueueLogHandler only (idempotent)."""
    logger = logging.getLogger("procrastinate")
    logger.handlers = [QueueLogHandler()]
    logger.setLevel(level)
    logger.propagate = False
