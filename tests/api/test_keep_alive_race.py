"""A request that reaches an idle kept-alive connection as its keep-alive timeout ends (judge/http_protocol.py).

The server closed the connection at the deadline without reading what had arrived since the event loop last polled
it: closing over unread bytes makes the kernel reset the connection, so the client saw a reset (httpx's ReadError,
a browser's failed fetch) for a request it sent on a connection it had every reason to reuse: a candidate's Run or
Submit failed that way. Now the deadline looks for unread bytes first and, finding some, gives the request's head
one more timeout to arrive; a head that never completes is still answered 408 and closed.

Made deterministic on the test's own event loop, which serves the API too: a callback blocks the loop past the
deadline, and the request is sent by a timer that the loop runs just before the deadline's, in the same iteration,
after its poll, as when a loaded server falls behind its timers. The keep-alive is lowered to 1 s; no sleep is
longer than that."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from api.settings import ApiSettings
from tests.api.conftest import serve

KEEP_ALIVE_S = 1
HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: shadows\r\n\r\n"
Scope = MutableMapping[str, Any]


async def _healthz(
    scope: Scope, receive: Callable[[], Awaitable[Scope]], send: Callable[[Scope], Awaitable[None]]
) -> None:
    """An ASGI app answering every request 200 "ok": only the HTTP protocol is under test, not the API behind it."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def _read_answer(sock: socket.socket) -> bytes:
    """One answer with a content-length, or what came before the server closed (b"" for nothing); a reset raises."""
    loop = asyncio.get_running_loop()
    received = b""
    async with asyncio.timeout(30):
        while b"\r\n\r\n" not in received:
            if not (chunk := await loop.sock_recv(sock, 65536)):
                return received
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(body) < length:
            if not (chunk := await loop.sock_recv(sock, 65536)):
                break
            body += chunk
    return head + b"\r\n\r\n" + body


async def _sent_as_the_keep_alive_ends(port: int, request: bytes) -> bytes:
    """Open a connection, get one answer, then send `request` in the loop iteration whose timers include the
    connection's keep-alive deadline, just before it: the server's answer to it."""
    loop = asyncio.get_running_loop()
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setblocking(False)
    try:
        await loop.sock_sendall(sock, HEALTHZ)
        first = await _read_answer(sock)
        assert first.startswith(b"HTTP/1.1 200"), first
        # The server armed the deadline before it answered: KEEP_ALIVE_S from now has passed it.

        def send_request() -> None:
            sock.send(request)  # a few bytes on loopback: into the server's receive queue at once

        def fall_behind() -> None:
            # Due at once (time 0), so first among the timers the next iteration finds due; the deadline's comes
            # right after it, before the loop polls again.
            loop.call_at(0.0, send_request)
            time.sleep(KEEP_ALIVE_S + 0.05)  # the loop falls behind past the deadline (no CPU spent)

        loop.call_soon(fall_behind)
        return await _read_answer(sock)
    finally:
        sock.close()


async def test_a_request_sent_as_the_keep_alive_ends_is_answered_not_reset() -> None:
    settings = ApiSettings(_env_file=None, environment="test", keep_alive_s=KEEP_ALIVE_S)  # type: ignore[call-arg]
    async with serve(settings, app=_healthz) as client:
        assert client.base_url.port is not None
        answer = await _sent_as_the_keep_alive_ends(client.base_url.port, HEALTHZ)
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"\r\n\r\nok"), answer

        # The extra time is given once, to a head that then arrives: one begun at the deadline and never finished
        # is answered 408 at the next deadline and closed, as any slow head is.
        started = time.monotonic()
        partial = await _sent_as_the_keep_alive_ends(
            client.base_url.port, b"POST /v1/join HTTP/1.1\r\nHost: sh"
        )
        head, _, body = partial.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408"), partial
        assert json.loads(body)["error"]["code"] == "request_timeout"
        assert time.monotonic() - started < 10 * KEEP_ALIVE_S  # a loaded box's slack; never held open
