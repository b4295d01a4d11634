"""FlakyProxy: an HTTP/1.1 proxy on 127.0.0.1 in front of the real API that injects outages and lost responses."""

from __future__ import annotations

import asyncio
import json

import httpx


class FlakyProxy:
    """Forwards requests to ``upstream`` with faults injected on demand.

    - ``fail_statuses``: the next requests are answered with these statuses without being forwarded.
    - ``drop_after_forward``: that many requests reach the API, then the connection is cut before the
      response gets back (the write landed but the caller cannot know); with ``drop_only`` set, only requests of
      that method count (and are cut).
    - ``down``: every connection is cut without forwarding (the API is unreachable).
    - ``garble_after_forward``: that many requests reach the API, then the client gets a 200 whose body
      is not what the API sent (a broken intermediary or a version mismatch).
    ``requests`` logs ``(method, path)`` of every request the proxy received.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.fail_statuses: list[int] = []
        self.drop_after_forward = 0
        self.drop_only: str | None = None
        self.garble_after_forward = 0
        self.down = False
        self.forwarded = 0
        self.dropped = 0
        self.requests: list[tuple[str, str]] = []
        self.url = ""
        self._server: asyncio.Server | None = None
        self._http = httpx.AsyncClient(base_url=upstream, timeout=60)

    async def start(self) -> FlakyProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def aclose(self) -> None:
        if self._server is not None:
            self._server.close()
        await self._http.aclose()

    async def __aenter__(self) -> FlakyProxy:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:] if line)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests.append((method, target.split("?")[0]))
                if self.down:
                    break
                if self.fail_statuses:
                    status = self.fail_statuses.pop(0)
                    content = json.dumps(
                        {"error": {"code": "injected_failure", "message": "injected"}}
                    ).encode()
                else:
                    fwd = {k: v for k, v in headers.items() if k in {"authorization", "content-type"}}
                    resp = await self._http.request(method, target, content=body, headers=fwd)
                    self.forwarded += 1
                    if self.drop_after_forward > 0 and self.drop_only in (None, method):
                        self.drop_after_forward -= 1
                        self.dropped += 1
                        break
                    status, content = resp.status_code, resp.content
                    if self.garble_after_forward > 0:
                        self.garble_after_forward -= 1
                        status, content = 200, b'{"unexpected": true}'
                writer.write(
                    f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n"
                    f"content-length: {len(content)}\r\n\r\n".encode()
                    + content
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
