"""Structured logging (structlog): JSON lines in deployments, readable lines locally, for our loggers and for the
standard library's (uvicorn, psycopg, the judge) alike. Never personal data, code or request data.

Exceptions are rendered as structured fields (`error`: type, frames, causes) without their messages and
without local variables: an exception's text can quote request data (a database error names the value that broke
a constraint), so only the type, PostgreSQL's SQLSTATE and schema names (constraint, table, column) are kept.
HTTP clients' own request lines (httpx's full URLs) are not logged: the URLs we call may carry a receiver's token.
Whatever a record says, credentials written into a URL or connection string (`scheme://user:password@`,
libpq's `password=...`) are masked in every field before it is rendered: a library's own message (psycopg_pool's
"error connecting", quoting libpq's error, which quotes the connection string) is not ours to reword.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType
from typing import Any

import psycopg
import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

# One rule for every process (the settings print with it too); `mask_credentials` is used from here as well.
from judge.credential_mask import mask_credentials as mask_credentials
from judge.credential_mask import masked

HANDLER_NAME = "shadows-structured"
MAX_FRAMES = 30
MAX_CAUSES = 5
OUTBOUND_CLIENT_LOGGERS = ("httpx", "httpcore")  # HTTP clients that log request URLs


def masked_credentials(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """Every field of a record, credentials in URLs and connection strings masked (the last step before output)."""
    return {k: masked(v) for k, v in event.items()}


def _frames(tb: TracebackType | None) -> list[dict[str, Any]]:
    summary = traceback.extract_tb(tb)[-MAX_FRAMES:]
    return [{"file": f.filename, "line": f.lineno, "function": f.name} for f in summary]


def describe_exception(exc: BaseException) -> dict[str, Any]:
    """Type, frames and (for database errors) SQLSTATE and schema names; never the message or locals."""
    out: dict[str, Any] = {"type": f"{type(exc).__module__}.{type(exc).__qualname__}"}
    if isinstance(exc, psycopg.Error):
        diag = exc.diag
        out["sqlstate"] = exc.sqlstate
        for key, value in (
            ("constraint", diag.constraint_name),
            ("table", diag.table_name),
            ("column", diag.column_name),
        ):
            if value:
                out[key] = value
    out["frames"] = _frames(exc.__traceback__)
    causes: list[dict[str, Any]] = []
    seen = {id(exc)}
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen and len(causes) < MAX_CAUSES:
        seen.add(id(cause))
        causes.append(
            {
                "type": f"{type(cause).__module__}.{type(cause).__qualname__}",
                "frames": _frames(cause.__traceback__),
            }
        )
        cause = cause.__cause__ or cause.__context__
    if causes:
        out["causes"] = causes
    return out


def structured_exception(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """Replace `exc_info` with a structured, message-free `error` field."""
    exc_info = event.pop("exc_info", None)
    if not exc_info:
        return event
    if exc_info is True:
        exc_info = sys.exc_info()
    exc = (
        exc_info
        if isinstance(exc_info, BaseException)
        else exc_info[1]
        if isinstance(exc_info, tuple)
        else None
    )
    if exc is not None:
        event["error"] = describe_exception(exc)
    return event


def _drop_stdlib_message_args(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    # Standard-library records arrive with their message already formatted; `positional_args` is never rendered.
    event.pop("positional_args", None)
    return event


def _current_stderr(*_: Any) -> structlog.PrintLogger:
    return structlog.PrintLogger(sys.stderr)


def configure_logging(*, json_lines: bool, level: int = logging.INFO) -> None:
    renderer: Processor = (
        structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structured_exception,
        masked_credentials,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        # The stderr of the moment, not the one at configuration: tests swap sys.stderr per test and close it after.
        logger_factory=_current_stderr,
        # Not cached: a module-level logger used before a reconfiguration (one process serving an app per test, or
        # an app factory called twice) must follow the configuration in force, JSON or console, not the first one.
        cache_logger_on_first_use=False,
    )
    # The standard library's records (uvicorn, psycopg_pool, the judge) go through the same processors.
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_logger_name, _drop_stdlib_message_args, *shared],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's own handlers print plain text; its records propagate to ours instead.
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # Our access log (api.middleware) carries route templates; uvicorn's would carry raw paths and queries.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # httpx logs every request's full URL at INFO ("HTTP Request: POST https://..."). The worker's requests go to
    # URLs organisations and ATSs gave us (webhook endpoints, Greenhouse's callback), whose path or query is often
    # the receiver's only credential; our own records (webhook.attempt, ats_callback.attempt) name them by id.
    for name in OUTBOUND_CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
