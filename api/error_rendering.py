"""Every error leaves the API as `{"error": {"code", "message"}}` (validation errors add `fields`): the exception
handlers, and the middleware that turns an unexpected exception into a 500 after logging it structurally. On Ashby's
partner routes every error also carries a top-level `message` for the recruiter (api.integrations.ashby_errors),
added by that same middleware, which every answer passes through."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi_reply import send_json
from api.errors import ApiError
from api.integrations.ashby_errors import RecruiterMessageSend, is_ashby_path

log = structlog.get_logger(__name__)

INTERNAL_ERROR = b'{"error":{"code":"internal_error","message":"Internal error."}}'
UNLABELLED_BODY = "Send the body as JSON with the header `Content-Type: application/json`."


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    body = error_body(exc.code, exc.message)
    if exc.fields:
        body["fields"] = exc.fields
    return JSONResponse(body, status_code=exc.status, headers=headers)


def _field(loc: Any) -> str:
    return ".".join(str(p) for p in loc if p != "body")


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if isinstance(exc.body, bytes | bytearray):
        # FastAPI parses a body as JSON only when its Content-Type says JSON (`application/json`, `*/*+json`); with
        # none, or another, the route's model was handed the raw bytes and the caller read "body: Input should be a
        # valid dictionary or object to extract fields from" for a JSON body it had only forgotten to label.
        return JSONResponse(error_body("unsupported_media_type", UNLABELLED_BODY), status_code=415)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request"}
    field = _field(first.get("loc", ())) or "body"
    return JSONResponse(
        {
            **error_body("validation_error", f"{field}: {first.get('msg', 'invalid')}"),
            "fields": [{"field": _field(e.get("loc", ())), "message": e.get("msg")} for e in errors[:20]],
        },
        status_code=422,
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "http_error"
    )
    message = {400: "Malformed request.", 404: "Not found.", 405: "Method not allowed."}.get(
        exc.status_code, "Request failed."
    )
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


class UnexpectedErrorMiddleware:
    """The last line: an exception no handler rendered is logged once (type and frames, no message, no request
    data) and answered with a plain 500 `internal_error`. It is not re-raised, so the server does not log it again
    with its text. Outside every middleware that refuses a request, it is also where an error answered on Ashby's
    partner routes, whoever produced it (its own 500 included), gets its recruiter's `message`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if is_ashby_path(scope.get("path", "")):
            send = RecruiterMessageSend(send)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            route = getattr(scope.get("route"), "path", "unmatched")
            log.error("unhandled_error", method=scope["method"], route=route, exc_info=exc)
            if started:
                return  # the response is under way; the server closes the connection
            await send_json(send, 500, INTERNAL_ERROR)
