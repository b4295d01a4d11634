"""Every error answered on Ashby's partner routes (`/integrations/ashby/...`) carries a top-level `message` written
for the recruiter, whoever produced it.

Ashby shows an error's `message` to the recruiter verbatim and reads nothing else of it. The routes' own refusals
(api.integrations.ashby) write one; every other error on the same paths did not: the 401 of a wrong key, the edge's
400, 413, 422 and 431 (api.middleware, api.json_guard, api.body_credentials), a 429 or 503 from a limit or the
database, a 404 or 405, a 500. They answered the API's usual `{"error": {"code", "message"}}`, and Ashby showed the
recruiter nothing they could act on.

So the rule sits where every answer passes, not in each producer: `UnexpectedErrorMiddleware`
(api.error_rendering), outside everything that can refuse a request and around its own 500, wraps `send` for these
paths with `RecruiterMessageSend`. An answer of status 400 or more whose JSON object has no `message` string of its
own gets one, chosen by its status (and its Retry-After), with the API's own message quoted where it names what was
wrong with the request. `error` stays as it was, for Shadows' own tools and logs; a body that is not a JSON object
is replaced by `{"message": ...}`. Answers below 400 (Ashby's own `success: false` with `errorInfo` included) pass
untouched.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from starlette.types import Message, Send

PREFIX = "/integrations/ashby"  # the partner routes' prefix (api.integrations.ashby.router)

GENERIC_MESSAGE = (
    "Shadows could not read this request from Ashby ({field}). Try again; if it keeps failing, contact Shadows "
    "support."
)
KEY_MESSAGE = (
    "Shadows did not accept the API key Ashby sent: it is missing, mistyped or revoked. Ask your Shadows "
    "administrator for a new Ashby integration key and enter it in Ashby's Shadows integration settings."
)
UNKNOWN_CALL_MESSAGE = (
    "Shadows does not recognise this request from Ashby. Check that the Shadows integration's base URL in Ashby ends "
    "in /integrations/ashby; if it does, contact Shadows support."
)
TOO_LARGE_MESSAGE = "This request from Ashby was too large for Shadows to read. Contact Shadows support."
RATE_LIMITED_MESSAGE = (
    "Your organisation has sent Shadows too many requests in a short time. Try again {wait}."
)
UNAVAILABLE_MESSAGE = (
    "Shadows is temporarily unavailable. Try again {wait}; if it keeps failing, contact Shadows support."
)
INTERNAL_MESSAGE = (
    "Shadows ran into an internal error with this request. Try again in a few minutes; if it keeps failing, "
    "contact Shadows support."
)
MAX_DETAIL = 200  # characters of the API's own message quoted in GENERIC_MESSAGE
MAX_BUFFERED = 256 * 1024  # an error body longer than this (none of ours is) passes unchanged


def is_ashby_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def _wait(retry_after: str | None, default: str) -> str:
    if retry_after is None or not retry_after.strip().isdigit():
        return default
    seconds = int(retry_after)
    if seconds <= 90:
        return f"in {max(seconds, 1)} seconds"
    return f"in {-(-seconds // 60)} minutes"


def _detail(body: Any) -> str | None:
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    if not isinstance(message, str) or not message.strip():
        return None
    # Printable and bounded: the API's message can quote a field's path from the request.
    text = "".join(ch if ch.isprintable() else " " for ch in message).strip()
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def recruiter_message(status: int, body: Any, retry_after: str | None) -> str:
    """What the recruiter reads in Ashby for an error answer of `status` (its JSON `body`, its Retry-After)."""
    if status in (401, 403):
        return KEY_MESSAGE
    if status in (404, 405):
        return UNKNOWN_CALL_MESSAGE
    if status in (413, 431):
        return TOO_LARGE_MESSAGE
    if status == 429:
        return RATE_LIMITED_MESSAGE.format(wait=_wait(retry_after, "later"))
    if status in (502, 503, 504):
        return UNAVAILABLE_MESSAGE.format(wait=_wait(retry_after, "in a few minutes"))
    if status >= 500:
        return INTERNAL_MESSAGE
    return GENERIC_MESSAGE.format(field=_detail(body) or f"HTTP {status}")


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _decoded(body: bytes, encoding: bytes | None) -> bytes | None:
    """The body without its content coding (GZipMiddleware's gzip); None for one this cannot decode."""
    if encoding is None or encoding.strip().lower() in (b"", b"identity"):
        return body
    if encoding.strip().lower() != b"gzip":
        return None
    inflater = zlib.decompressobj(wbits=31)
    try:
        plain = inflater.decompress(body, MAX_BUFFERED + 1)
    except zlib.error:
        return None
    return plain if len(plain) <= MAX_BUFFERED and inflater.eof else None


def with_message(
    status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body to answer instead: the body with a `message` for the recruiter, or unchanged when it
    already has one (or is coded in a way this does not read)."""
    plain = _decoded(body, _header(headers, b"content-encoding"))
    if plain is None:
        return headers, body
    try:
        parsed: Any = json.loads(plain) if plain.strip() else None
    except (ValueError, RecursionError):
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("message"), str) and parsed["message"].strip():
        return headers, body
    retry_after = _header(headers, b"retry-after")
    message = recruiter_message(status, parsed, retry_after.decode("latin-1") if retry_after else None)
    new_body = {"message": message, **parsed} if isinstance(parsed, dict) else {"message": message}
    new_body["message"] = message  # over a `message` that was not a usable string
    encoded = json.dumps(new_body).encode()
    kept = [
        (k, v)
        for k, v in headers
        if k.lower() not in (b"content-length", b"content-encoding", b"content-type")
    ]
    kept += [(b"content-type", b"application/json"), (b"content-length", str(len(encoded)).encode())]
    return kept, encoded


class RecruiterMessageSend:
    """Wraps an ASGI `send` for an Ashby path: holds an error answer (status 400 or more) until its body is whole,
    then sends it with a `message` (`with_message`). Other answers pass as they come."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.passing = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if int(message["status"]) >= 400:
                self.start = message
                return
            self.passing = True
        elif message["type"] == "http.response.body" and self.start is not None and not self.passing:
            chunk = message.get("body", b"")
            self.chunks.append(chunk)
            self.size += len(chunk)
            if self.size > MAX_BUFFERED:
                await self._flush_unchanged(message)
                return
            if message.get("more_body", False):
                return
            start, self.start = self.start, None
            headers, body = with_message(
                int(start["status"]), list(start.get("headers", ())), b"".join(self.chunks)
            )
            await self.send({**start, "headers": headers})
            await self.send({"type": "http.response.body", "body": body})
            return
        await self.send(message)

    async def _flush_unchanged(self, last: Message) -> None:
        assert self.start is not None
        self.passing = True
        await self.send(self.start)
        await self.send(
            {
                "type": "http.response.body",
                "body": b"".join(self.chunks),
                "more_body": last.get("more_body", False),
            }
        )
