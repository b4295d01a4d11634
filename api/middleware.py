"""ASGI middleware: request head cap (431), one Authorization header (400) and one way of framing the body (400,
connection closed), request body size cap (413, after refusing a second Content-Type or a content coding),
`Cache-Control: no-store` on every answer that does not say how it may be cached, per-route metrics with a
structured access log, and the media types the GZip middleware leaves as they are (`ALREADY_COMPRESSED`)."""

from __future__ import annotations

import time

import structlog
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi_reply import send_json
from api.media_types import MULTIPART, DuplicateContentTypeError, media_type
from api.metrics import LATENCY, REQUESTS

log = structlog.get_logger("api.access")

TOO_LARGE = b'{"error":{"code":"payload_too_large","message":"The request body is too large."}}'
TWO_CONTENT_TYPES = (
    b'{"error":{"code":"duplicate_content_type","message":"Send exactly one Content-Type header."}}'
)
CODED_BODY = (
    b'{"error":{"code":"unsupported_content_encoding",'
    b'"message":"Send the body uncompressed, without a Content-Encoding (or with identity)."}}'
)
_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


def has_content_coding(scope: Scope) -> bool:
    """Whether a request names a content coding other than identity for its body. The API never inflates a body,
    and reading a coded one as plain would make it mean one thing to a proxy or filter in front that decodes it
    (or waves through what it cannot decode) and another here; so it is refused, and a bomb is never inflated."""
    for name, value in scope["headers"]:
        if name == b"content-encoding":
            codings = [c.strip().lower() for c in value.split(b",")]
            if any(c not in (b"", b"identity") for c in codings):
                return True
    return False


# The methods the API answers; any other token a client sends is counted as `other`, so the request series stay
# bounded whatever arrives (the method is the client's to choose, and a label value is a series for ever).
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
HEAD_TOO_LARGE = b'{"error":{"code":"headers_too_large","message":"The request headers are too large."}}'
TWO_AUTHORIZATIONS = (
    b'{"error":{"code":"duplicate_authorization","message":"Send exactly one Authorization header."}}'
)
TWO_FRAMINGS = (
    b'{"error":{"code":"ambiguous_body_length",'
    b'"message":"Send either Content-Length or Transfer-Encoding, not both."}}'
)


def has_two_framings(scope: Scope) -> bool:
    """Whether a request gives its body's length both by Content-Length and by Transfer-Encoding."""
    names = {name for name, _ in scope["headers"]}
    return b"content-length" in names and b"transfer-encoding" in names


NO_STORE = (b"cache-control", b"no-store")

# Media types whose bodies are compressed already, which the GZip middleware passes through as they are: gzip
# gains nothing on them and costs CPU on the event loop (a report PDF is hundreds of KiB of deflated streams).
# Starlette's own list (archives, JPEG, PNG, WebP, AVIF, GIF, WOFF, audio, video, event streams) and the rest.
ALREADY_COMPRESSED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/pdf",
    "application/zstd",
    "application/x-bzip2",
    "application/x-xz",
    "application/x-7z-compressed",
    "application/vnd.rar",
    "application/x-rar-compressed",
    "image/heic",
    "image/heif",
    "image/jxl",
)


class NoStoreByDefaultMiddleware:
    """Adds `Cache-Control: no-store` to every answer that carries no Cache-Control of its own. API answers are
    never for a cache (a proxy, a CDN, a browser's disk): many carry a credential shown only there (an ATS
    integration key, a webhook signing secret, a candidate's join link, a report link) and most carry personal
    data. A route that may be cached says so itself (the page's hashed assets: `immutable`). A default here, rather
    than a header on each route, so that a route added later, an error answer or a 500 is private too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    message = {**message, "headers": [*headers, NO_STORE]}
            await send(message)

        await self.app(scope, receive, with_cache_control)


class HeaderLimitMiddleware:
    """Refuses requests whose headers add up to more than `max_bytes` (431). The server (h11) refuses a head it has
    to buffer past the same cap while it is still arriving; a head that arrived whole in one read is checked here.
    Also refuses two Authorization headers (400 `duplicate_authorization`): the API reads the first, a gateway in
    front may authenticate, log or rate-limit by the last, so the two would disagree on who is calling.

    And a request that gives its body's length both by Content-Length and by Transfer-Encoding (400
    `ambiguous_body_length`, then the connection is closed, as RFC 9112 6.3 requires of a server that answers one).
    The server (h11) framed it by its chunks and read on: a proxy in front that framed it by Content-Length saw the
    request end elsewhere, so bytes of one client's body were read here as the next request on a connection the
    proxy shares between clients (request smuggling)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            size += sum(len(name) + len(value) + 4 for name, value in scope["headers"])
            if size > self.max_bytes:
                await send_json(send, 431, HEAD_TOO_LARGE)
                return
            if sum(1 for name, _ in scope["headers"] if name == b"authorization") > 1:
                await send_json(send, 400, TWO_AUTHORIZATIONS)
                return
            if has_two_framings(scope):
                await send_json(send, 400, TWO_FRAMINGS, close=True)  # the body and what follows go unread
                return
        await self.app(scope, receive, send)


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuses bodies over `max_bytes`, by Content-Length up front and by counting streamed chunks.
    `route_caps` maps (method, path) to a cap of its own, whatever the body's type (the routes anyone may call);
    `multipart_caps` maps (method, path) to a larger cap for multipart bodies only (the session route's résumé
    upload); JSON bodies on those routes keep `max_bytes`."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        multipart_caps: dict[tuple[str, str], int] | None = None,
        route_caps: dict[tuple[str, str], int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.multipart_caps = multipart_caps or {}
        self.route_caps = route_caps or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            kind = media_type(scope)
        except DuplicateContentTypeError:
            await send_json(send, 400, TWO_CONTENT_TYPES)
            return
        if scope["method"] not in _NO_BODY and has_content_coding(scope):
            await send_json(send, 400, CODED_BODY)
            return
        limit = self.route_caps.get((scope["method"], scope["path"]), self.max_bytes)
        if kind == MULTIPART:
            limit = self.multipart_caps.get((scope["method"], scope["path"].rstrip("/")), limit)
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _reply_413(send)
                    return
        seen = 0
        started = False
        over = False
        replaced = False

        async def limited_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started, replaced
            if message["type"] == "http.response.start" and over and not started:
                # The app caught the cut-off read and answered with its own error (FastAPI turns any failure while
                # reading a body into a 400): the client gets the 413 instead, and the app's response is dropped.
                started = replaced = True
                await _reply_413(send)
                return
            if replaced:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reply_413(send)


async def _reply_413(send: Send) -> None:
    await send_json(send, 413, TOO_LARGE)


class MetricsMiddleware:
    """Counts and times requests by route template (never the raw path, which carries ids)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            elapsed = time.perf_counter() - start
            method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"
            REQUESTS.labels(method, template, str(status)).inc()
            LATENCY.labels(method, template).observe(elapsed)
            if template not in ("/healthz", "/metrics"):
                log.info(
                    "http", method=scope["method"], route=template, status=status, ms=round(elapsed * 1000, 2)
                )
