"""A request's path must mean the same to a proxy in front and to the router here: one rule, before routing.

The server decodes percent-escapes before the router sees the path, so `/v1/sessions%2Fexport` was routed as
`/v1/sessions/export` and `/v1/%69nternal/...` as `/v1/internal/...`, while a proxy, gateway or WAF rule in front
that matches the path as written (deny `/v1/internal/`, allow only `/v1/sessions/...`) saw another path, or none
of its rules. A backslash, a `;` (matrix parameters, which some proxies strip) and a `.` or `..` segment (which
proxies resolve and the router does not) are read differently the same way.

No path of ours needs any of them: ids, tokens, slugs, languages, artifact names and asset files are all plain
ASCII (letters, digits, `-._~` and a few sub-delimiters). So a path whose raw bytes hold anything else (a `%`
escape of any character, `\\`, `;`, a space, a control or non-ASCII byte, a NUL) or a `.`/`..` segment is 404
`not_found`, as a path no route answers, before authentication, any route or any lookup. The query string is not
the path: it is left to the routes and api.json_guard."""

from __future__ import annotations

import string

from starlette.types import ASGIApp, Receive, Scope, Send

from api.asgi_reply import send_json

NOT_FOUND = (
    b'{"error":{"code":"not_found","message":"Not found."}}'  # as the app's own 404 for an unknown path
)
# RFC 3986's unreserved characters, its sub-delimiters but ';', ':' and '@' (a pchar), and the separator '/'.
PLAIN = (string.ascii_letters + string.digits + "-._~" + "!$&'()*+,=" + ":@" + "/").encode("ascii")
_DOT_SEGMENTS = (b".", b"..")


def plain_path(raw: bytes) -> bool:
    """Whether `raw` (a request path as sent, without its query) means the same however a reader decodes it:
    only PLAIN bytes, and no `.` or `..` segment."""
    if raw.translate(None, PLAIN):  # what is left once every plain byte is deleted
        return False
    return b"." not in raw or not any(segment in _DOT_SEGMENTS for segment in raw.split(b"/"))


def raw_path(scope: Scope) -> bytes:
    """The path as the client sent it; from the decoded path when the server gives none (ASGI makes `raw_path`
    optional: then an escape cannot be seen, but anything it decoded to that is not plain still is)."""
    raw = scope.get("raw_path")
    if isinstance(raw, bytes):
        return raw
    return str(scope.get("path", "")).encode("utf-8", "surrogatepass")


class PlainPathMiddleware:
    """404 `not_found` for a path that is not plain (`plain_path`), before anything routes or reads it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not plain_path(raw_path(scope)):
            await send_json(send, 404, NOT_FOUND)
            return
        await self.app(scope, receive, send)
