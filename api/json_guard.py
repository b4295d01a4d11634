"""Refuses, at the edge, with a 422 naming the field: JSON bodies that repeat a key in one object
(`duplicate_json_key`, api.json_keys), JSON bodies whose strings or keys hold lone UTF-16 surrogates (`"\\ud800"`)
or the NUL character (`"\\u0000"`), and query parameters holding the NUL character (`%00`); with a 400
`duplicate_query_parameter`, a query naming a parameter twice. A path holding a NUL (`%00`) never gets here: it is
no plain path (api.path_guard, a 404 `not_found`).

Every body is checked but a form's (multipart or URL-encoded), whatever its Content-Type says: FastAPI parses a
body as JSON for a JSON media type or none (api.app), and the routes that read their body
themselves (LiveKit's webhook, Ashby's calls) parse it whatever its label. A body that is not JSON is left to the
route.

Python's JSON parser accepts such escapes and yields strings that cannot be encoded as UTF-8, so PostgreSQL (and
every UTF-8 consumer downstream) would fail on them later, mid-request. It yields them from surrogates written as
UTF-8 bytes too, and from bodies in UTF-16 or UTF-32. Checked once at the edge for every JSON body: a byte scan
finds candidate escapes, and a strict UTF-8 decode the rest; only then is the body parsed to name the field.

PostgreSQL text and jsonb never hold U+0000 either. Each model listed the fields it checked for it, and a field left
off its list (the organisation's `logo_url`) reached a query with one: a 500. No JSON body of ours means anything
with a NUL in it, so none is read, whatever its fields. The one exception is LiveKit's webhook (`LIVEKIT_WEBHOOK`):
LiveKit writes it, with attributes and metadata that participants set themselves, and nothing of it but ids is
stored; its route applies the other checks itself (`refusal`), once the body's signature holds, so that an anonymous
body is never parsed. A query parameter is compared with or bound into a query (filters, topics, partner ids): no
parameter of ours can mean anything with a NUL either, so it is refused for every route before any route reads it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import json_keys
from api.asgi_reply import send_json
from api.errors import UnprocessableError
from api.media_types import FORMS, media_type

# A surrogate escape (\uD800-\uDFFF), or an escaped backslash (so that `\\ud800` is read as text, not an escape).
_ESCAPE = re.compile(rb"\\(?:u([dD][89a-fA-F][0-9a-fA-F]{2})|.)", re.DOTALL)
_CANDIDATE = re.compile(rb"\\u[dD][89a-fA-F]")
# A NUL escape (\u0000), or an escaped backslash (so that `\\u0000` is read as text, not an escape).
_NUL_ESCAPE = re.compile(rb"\\(?:(u0000)|.)", re.DOTALL)
LIVEKIT_WEBHOOK = "/v1/livekit/webhook"  # signed by LiveKit, written with what participants set (see above)


def has_nul_escape(body: bytes) -> bool:
    """True when a JSON text escapes U+0000 (a raw NUL is no valid JSON text: the parser refuses it)."""
    if b"u0000" not in body:
        return False
    return any(m.group(1) is not None for m in _NUL_ESCAPE.finditer(body))


def has_lone_surrogate_escape(body: bytes) -> bool:
    """True when a JSON text escapes a high surrogate without a low one right after it, or a low one alone."""
    if not _CANDIDATE.search(body):
        return False
    pending_high_end = -1
    for m in _ESCAPE.finditer(body):
        hex4 = m.group(1)
        if hex4 is None:
            if pending_high_end >= 0:
                return True
            continue
        low = hex4[1:2].lower() in (b"c", b"d", b"e", b"f")
        if low:
            if pending_high_end != m.start():
                return True
            pending_high_end = -1
        else:
            if pending_high_end >= 0:
                return True
            pending_high_end = m.end()
    return pending_high_end >= 0


def _is_surrogate_text(value: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def _has_nul(value: str) -> bool:
    return "\x00" in value


def surrogate_path(value: Any, bad: Callable[[str], bool] = _is_surrogate_text) -> str | None:
    """The dotted path of the first key or string (in the order the body writes them) holding a lone surrogate (or
    whatever `bad` finds), walked without recursion."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if bad(node):
                return path or "body"
        elif isinstance(node, dict):
            if any(bad(key) for key in node):
                return path or "body"
            children = [(f"{path}.{key}" if path else str(key), child) for key, child in node.items()]
            stack.extend(reversed(children))  # popped first to last
        elif isinstance(node, list):
            stack.extend(
                reversed([(f"{path}.{i}" if path else str(i), child) for i, child in enumerate(node)])
            )
    return None


# json.detect_encoding's names for UTF-8 (a UTF-16 body without a BOM is valid UTF-8: ASCII and NULs).
_UTF8 = ("utf-8", "utf-8-sig")


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")  # strict: refuses a surrogate's UTF-8 form (ED A0 80), as every consumer must
    except UnicodeDecodeError:
        return False
    return True


class BodyRefusedError(UnprocessableError):
    """The edge's 422 for a body a route checks itself (`refusal`), in the same shape."""

    def __init__(self, field: str, problem: str, code: str) -> None:
        super().__init__(f"{field}: {problem}", code=code)
        self.fields = [{"field": field, "message": problem}]


def refusal(body: bytes, *, nul: bool = True) -> BodyRefusedError | None:
    """What the edge would answer for `body` (a repeated key, a lone surrogate, a NUL unless `nul` is False), for a
    route the edge leaves its body to; None when the body may be read."""
    problem = _problem(body, nul=nul)
    return BodyRefusedError(*problem) if problem is not None else None


def _printable(path: str) -> str:
    return path.replace("\x00", "\\0").encode("ascii", "backslashreplace").decode()


def _problem(body: bytes, *, nul: bool = True) -> tuple[str, str, str] | None:
    """(field, problem, error code) for a JSON body the API must not read; None for one it may (or no JSON).
    `nul`: whether a NUL in a string or key is a problem (everywhere but LiveKit's webhook)."""
    if not body.strip():
        return None
    try:
        parsed = json_keys.loads(body)
    except json_keys.DuplicateKeyError as e:
        return e.field, json_keys.DUPLICATE, "duplicate_json_key"
    except (ValueError, RecursionError):
        return None  # not JSON the app would accept either; it answers with its own error
    # Python's parser also reads surrogates and NULs that are no escape in the bytes: a surrogate written as UTF-8
    # bytes (it decodes with 'surrogatepass'), and anything in a UTF-16 or UTF-32 body (which the byte scan cannot
    # see).
    plain = json.detect_encoding(body) in _UTF8 and _is_utf8(body)
    if (not plain or has_lone_surrogate_escape(body)) and (path := surrogate_path(parsed)):
        return _printable(path), SURROGATES, "validation_error"
    if nul and (not plain or has_nul_escape(body)) and (path := surrogate_path(parsed, _has_nul)):
        return _printable(path), NUL, "validation_error"
    return None


SURROGATES = "text must not contain unpaired UTF-16 surrogates"
NUL = "must not contain the NUL character (U+0000)"


def nul_query_field(query_string: bytes) -> str | None:
    """The first query parameter whose name or value holds a NUL (`%00`), as `query.<name>`."""
    if b"%00" not in query_string and b"\x00" not in query_string:
        return None
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8"):
        if "\x00" in key or "\x00" in value:
            name = key.replace("\x00", "\\0").encode("ascii", "backslashreplace").decode()
            return f"query.{name}"
    return None


def repeated_query_name(query_string: bytes) -> str | None:
    """The first query parameter named more than once (names compared decoded, `%6Cimit` is `limit`)."""
    if b"&" not in query_string:
        return None
    seen: set[str] = set()
    for key, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8"):
        if key in seen:
            return key.encode("ascii", "backslashreplace").decode()
        seen.add(key)
    return None


def _repeated_reply(name: str) -> bytes:
    message = f"query.{name}: named more than once; send each query parameter once"
    return json.dumps({"error": {"code": "duplicate_query_parameter", "message": message}}).encode()


def _reply(field: str, problem: str, code: str = "validation_error") -> bytes:
    return json.dumps(
        {
            "error": {"code": code, "message": f"{field}: {problem}"},
            "fields": [{"field": field, "message": problem}],
        }
    ).encode()


class JsonTextMiddleware:
    """Refuses a NUL in the query string; buffers every body but a form's (already capped by
    BodyLimitMiddleware outside it) and refuses JSON that repeats a key or holds lone surrogates or NULs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (nul := nul_query_field(scope.get("query_string", b""))):
            await send_json(send, 422, _reply(nul, NUL))
            return
        if scope["type"] == "http" and (repeated := repeated_query_name(scope.get("query_string", b""))):
            # FastAPI keeps the last of a repeated parameter; a proxy, cache key or WAF rule often the first.
            await send_json(send, 400, _repeated_reply(repeated))
            return
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        if media_type(scope) in FORMS or scope.get("path") == LIVEKIT_WEBHOOK:
            # LiveKit's webhook is checked by its route once its signature holds (`refusal`): read here, an
            # anonymous 2 MiB body was parsed before anything could refuse it.
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = _problem(body)
        if problem is not None:
            await send_json(send, 422, _reply(*problem))
            return
        await self.app(
            scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send
        )


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
