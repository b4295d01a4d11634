"""A whole JSON answer sent straight through ASGI, for the middleware that answers before (or instead of) a route."""

from __future__ import annotations

from starlette.types import Send


async def send_json(send: Send, status: int, body: bytes) -> None:
    """Send `body` (JSON, already encoded) as the whole response with `status`."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
