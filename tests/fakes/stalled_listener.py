"""StalledListener: a TCP port on 127.0.0.1 whose accept queue is full, as on a host too loaded to accept, so a
connect to it hangs until the client's timeout (the kernel drops the SYN). Once resumed it accepts, and forwards each
connection byte for byte to `upstream`."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import httpx


class StalledListener:
    def __init__(self, upstream: str) -> None:
        target = httpx.URL(upstream)
        self._upstream = (target.host, target.port or 80)
        self._sock: socket.socket | None = None
        self._filler: socket.socket | None = None
        self._server: asyncio.Server | None = None
        self._pumps: set[asyncio.Task[None]] = set()
        self.url = ""
        self.accepted = 0  # connections forwarded since it was resumed (the filler not counted)

    async def __aenter__(self) -> StalledListener:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(0)  # room for one connection nobody accepts: the filler below
        sock.setblocking(False)
        self._sock = sock
        port = sock.getsockname()[1]
        self._filler = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._pumps):
            task.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)
        if self._filler is not None:
            self._filler.close()
        if self._sock is not None:
            self._sock.close()

    async def resume(self) -> None:
        """Accept from now on (the host's load has passed)."""
        assert self._sock is not None and self._filler is not None
        self._filler.close()
        self._filler = None
        self._server = await asyncio.start_server(self._accept, sock=self._sock)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._pumps.add(task)
        try:
            first = await reader.read(65536)
            if not first:  # the filler, closed before it was accepted
                return
            self.accepted += 1
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
            up_writer.write(first)
            await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer))
        except ConnectionError:
            pass
        finally:
            self._pumps.discard(task)
            writer.close()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(ConnectionError, RuntimeError):
            writer.write_eof()
