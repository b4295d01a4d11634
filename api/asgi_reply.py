"""A whole JSON answer sent straight through ASGI, for the middleware that answers before (or instead of) a route."""

from __future__ import annotations

from starlette.types import Send


async def send_json(send: Send, status: int, body: bytes, *, close: bool = False) -> None:
    """Send `body` (JSON, already encoded) as the whole response with `status`. It is data to nothing that
    renders it: never sniffed, never framed (an answer at a page's path, e.g. /embed/…%00, included). With `close`,
    the response says `Connection: close`, and the server closes the connection once it is sent."""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
