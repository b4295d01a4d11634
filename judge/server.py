"""The judge service's ASGI app (judge.remote_protocol describes the wire format): authentication, request bounds,
strict validation, and the answers of a JudgeHost.

Who may call what: /healthz and /readyz anyone who can reach the port (probes; they disclose the load only);
/metrics anyone, or the holders of SHADOWS_JUDGE_METRICS_TOKEN when it is set; /v1/runs the holders of
SHADOWS_JUDGE_REMOTE_TOKEN when it is set. With mTLS every connection needs a client certificate signed by
SHADOWS_JUDGE_SERVE_TLS_CLIENT_CA before any of this is reached.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import SecretStr, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from judge import remote_protocol as wire
from judge.errors import (
    CodeTooLargeError,
    InvalidTextError,
    JudgeBusyError,
    JudgeStartExpiredError,
    UnsupportedLanguageError,
)
from judge.host import JudgeHost
from judge.run_ledger import Answer, RunIdConflictError
from judge.settings import JudgeSettings

log = logging.getLogger("judge.server")

RETRY_AFTER_S = 1
_MAX_FIELD_ERRORS = 10


class _Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}
        self.extra: dict[str, Any] = {}


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status, headers=headers)


def _bearer_matches(request: Request, token: SecretStr | None) -> bool:
    """True when no token is configured, or the request carries it (compared in constant time, by digest so that
    not even its length leaks)."""
    if token is None:
        return True
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    expected = hashlib.sha256(token.get_secret_value().encode()).digest()
    return hmac.compare_digest(hashlib.sha256(given.strip().encode()).digest(), expected)


async def _read_body(request: Request, settings: JudgeSettings) -> bytes:
    """The body, refused past `serve_max_body_bytes` (by its declared length before reading any of it, else as it
    arrives) or past `serve_body_timeout_s`."""
    cap = settings.serve_max_body_bytes
    too_large = _Refusal(
        413, wire.BODY_TOO_LARGE, f"The request body is over {cap} bytes.", {"Connection": "close"}
    )
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > cap):
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(settings.serve_body_timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > cap:
                    raise too_large
                chunks.append(chunk)
    except TimeoutError:
        raise _Refusal(408, "request_timeout", "The request body did not arrive in time.") from None
    return b"".join(chunks)


def _field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Where and what, never the offending value (it may be test data)."""
    return [
        {"loc": ".".join(str(p) for p in e["loc"])[:200], "type": e["type"]}
        for e in exc.errors(include_url=False, include_input=False)[:_MAX_FIELD_ERRORS]
    ]


def create_app(settings: JudgeSettings, *, host: JudgeHost | None = None) -> Starlette:
    judge_host = host or JudgeHost(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await judge_host.start()
        try:
            yield
        finally:
            await judge_host.aclose()

    async def healthz(request: Request) -> Response:
        if judge_host.state == "failed":
            return JSONResponse({"status": "failed", "reason": judge_host.failure}, 503)
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        load = judge_host.load()
        body: dict[str, Any] = {"status": judge_host.state, "running": load.running, "queued": load.queued,
                                "slots": load.slots, "capacity": judge_host.capacity()}  # fmt: skip
        if judge_host.state == "failed":
            body["reason"] = judge_host.failure
        return JSONResponse(body, 200 if judge_host.state == "ready" else 503, headers=load.headers())

    async def metrics(request: Request) -> Response:
        if not _bearer_matches(request, settings.metrics_token):
            return _error(
                401, wire.UNAUTHORIZED, "A valid bearer token is required.", {"WWW-Authenticate": "Bearer"}
            )
        return Response(
            generate_latest(judge_host.metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    async def create_run(request: Request) -> Response:
        return await _answer_run(request, wire.RunEnvelope.model_validate_json)

    async def create_run_by_digest(request: Request) -> Response:
        def parse(body: bytes) -> wire.RunEnvelope:
            named = wire.RunByDigestEnvelope.model_validate_json(body)
            tests = judge_host.tests.get(named.tests_digest)
            if tests is None:
                raise _Refusal(
                    409, wire.TESTS_UNKNOWN, "No tests are held under that digest; put them first."
                )
            return named.with_tests(tests)

        return await _answer_run(request, parse)

    async def put_tests(request: Request) -> Response:
        """Hold a question's tests under the SHA-256 of their JSON, checked against the bytes received."""
        digest = request.path_params["digest"]
        try:
            _authorized_json(request)
            if re.fullmatch(wire.DIGEST_PATTERN, digest) is None:
                raise _Refusal(404, "not_found", "No such route.")
            # Read whole even when held (the connection stays usable), and checked: other bytes are refused.
            body = await _read_body(request, settings)
            if wire.tests_digest(body) != digest:
                raise _Refusal(422, wire.TESTS_DIGEST_MISMATCH, "The tests do not hash to that digest.")
            if judge_host.tests.get(digest) is None:  # held: the same bytes, parsed once already
                try:
                    tests = wire.decode_tests(body)
                except ValidationError as exc:
                    invalid = _Refusal(422, wire.INVALID_REQUEST, "The tests are not a valid list of tests.")
                    invalid.extra["fields"] = _field_errors(exc)
                    raise invalid from None
                judge_host.tests.put(digest, tuple(tests), len(body))
        except _Refusal as refused:
            return _error(refused.status, refused.code, refused.message, refused.headers, **refused.extra)
        return Response(status_code=204)

    def _authorized_json(request: Request) -> None:
        if not _bearer_matches(request, settings.remote_token):
            raise _Refusal(
                401, wire.UNAUTHORIZED, "A valid bearer token is required.", {"WWW-Authenticate": "Bearer"}
            )
        media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != "application/json":
            raise _Refusal(415, wire.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.")

    async def _answer_run(request: Request, parse: Callable[[bytes], wire.RunEnvelope]) -> Response:
        try:
            answer = await _run(request, parse)
        except _Refusal as refusal:
            headers = {**judge_host.load().headers(), **refusal.headers}
            return _error(refusal.status, refusal.code, refusal.message, headers, **refusal.extra)
        # Server-Timing: the time the judge took, so that a client can tell its own overhead from the run's.
        headers = {**judge_host.load().headers(), "Server-Timing": f"judge;dur={answer.seconds * 1000:.3f}"}
        return Response(answer.body, 200, headers=headers, media_type="application/json")

    async def _run(request: Request, parse: Callable[[bytes], wire.RunEnvelope]) -> Answer:
        # The start-by counts from the request's arrival, on this host's own clock.
        received = time.monotonic()
        count = judge_host.metrics.count
        try:
            _authorized_json(request)
        except _Refusal as refused:
            count("unauthorized" if refused.status == 401 else "rejected")
            raise
        try:
            within = wire.parse_start_within(request.headers.get(wire.START_WITHIN_HEADER))
        except ValueError:
            count("rejected")
            refusal = _Refusal(422, wire.INVALID_REQUEST, "The run is not a valid request.")
            refusal.extra["fields"] = [{"loc": f"header.{wire.START_WITHIN_HEADER}", "type": "invalid"}]
            raise refusal from None
        start_by = None if within is None else received + within
        try:
            body = await _read_body(request, settings)
            envelope = parse(body)
        except _Refusal as refused:
            count("tests_unknown" if refused.code == wire.TESTS_UNKNOWN else "rejected")
            raise
        except ValidationError as exc:
            count("rejected")
            refusal = _Refusal(422, wire.INVALID_REQUEST, "The run is not a valid request.")
            refusal.extra["fields"] = _field_errors(exc)
            raise refusal from None
        if judge_host.state != "ready":
            count("unavailable")
            raise _Refusal(
                503,
                wire.JUDGE_UNAVAILABLE,
                f"The judge is {judge_host.state}.",
                {"Retry-After": str(RETRY_AFTER_S)},
            )
        try:
            answer, started = await judge_host.run(envelope, body, start_by=start_by)
        except JudgeStartExpiredError:
            count("start_expired")
            log.warning("judge.run.start_expired", extra={"fields": {"run_id": envelope.run_id}})
            raise _Refusal(
                503,
                wire.START_EXPIRED,
                "The run was still waiting for a slot when its caller stopped waiting.",
            ) from None
        except JudgeBusyError:
            count("busy")
            queued = judge_host.load().queued
            log.info("judge.run.busy", extra={"fields": {"run_id": envelope.run_id, "queued": queued}})
            refusal = _Refusal(
                503, wire.JUDGE_BUSY, "Every judge slot is busy and the queue is full.",
                {"Retry-After": str(RETRY_AFTER_S)},
            )  # fmt: skip
            refusal.extra["queue_depth"] = queued
            raise refusal from None
        except UnsupportedLanguageError:
            count("rejected")
            raise _Refusal(422, wire.UNSUPPORTED_LANGUAGE, "Unsupported language.") from None
        except InvalidTextError as exc:
            count("rejected")
            refusal = _Refusal(422, wire.INVALID_REQUEST, "The run is not a valid request.")
            refusal.extra["fields"] = [{"loc": f"request.{exc.field}", "type": exc.code}]
            raise refusal from None
        except CodeTooLargeError:
            count("rejected")
            raise _Refusal(
                413, wire.CODE_TOO_LARGE, f"The source is over {settings.max_code_bytes} bytes."
            ) from None
        except RunIdConflictError:
            count("conflict")
            raise _Refusal(409, wire.RUN_ID_CONFLICT, "This run id was used for another request.") from None
        count("completed" if started else "replayed")
        return answer

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        return _error(status, "not_found" if status == 404 else "method_not_allowed", "No such route.")

    async def failed(request: Request, exc: Exception) -> Response:
        judge_host.metrics.count("failed")
        log.error("judge.serve.error", exc_info=exc)
        return _error(500, "judge_internal", "The judge service failed.")

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route(wire.RUNS_PATH, create_run, methods=["POST"]),
            Route(wire.RUNS_BY_DIGEST_PATH, create_run_by_digest, methods=["POST"]),
            Route(wire.TESTS_PATH, put_tests, methods=["PUT"]),
        ],
        lifespan=lifespan,
        exception_handlers={404: not_found, 405: not_found, Exception: failed},
    )
    app.state.host = judge_host
    return app
