"""A request that says how long its body is in two ways, Content-Length and Transfer-Encoding, is refused and its
connection closed (RFC 9112, 6.3: a server that answers it MUST close the connection). The server framed such a
request by its chunks, answered it and read on: a proxy in front that framed it by Content-Length saw a different
request boundary, so the bytes after the chunks became the start of the next request on a connection the proxy
shares between clients (request smuggling). Raw sockets over loopback: no HTTP client sends such a request."""

from __future__ import annotations

import asyncio

from psycopg import AsyncConnection
from psycopg.rows import DictRow

from tests.conftest import ApiServer

Conn = AsyncConnection[DictRow]
BODY = b'{"candidate": {"name": "A", "email": "a@example.com"}}'


async def _exchange(server: ApiServer, data: bytes) -> tuple[bytes, bool]:
    """What the server answers to `data` on one connection, and whether it closed the connection (within a minute;
    the server's idle timeout is far longer, so a connection kept open is seen as such at the first read that
    waits)."""
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(data)
        await writer.drain()
        out = b""
        while True:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), 5 if out else 60)
            except TimeoutError:
                return out, False  # an answer came, and then nothing: the connection is still open
            if not chunk:
                return out, True
            out += chunk
    finally:
        writer.close()


def _post(key: str, framing: bytes) -> bytes:
    chunked = b"%x\r\n" % len(BODY) + BODY + b"\r\n0\r\n\r\n"
    return (
        b"POST /v1/sessions HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer " + key.encode() + b"\r\n"
        b"Content-Type: application/json\r\n" + framing + b"\r\n" + chunked
    )


async def test_content_length_with_transfer_encoding_is_refused_and_the_connection_closed(
    api_server: ApiServer, db: Conn
) -> None:
    follow = (
        b"GET /v1/organization HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer " + api_server.org_key.encode()
    )
    follow += b"\r\n\r\n"
    for framing in (
        b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: Chunked\r\nContent-Length: 200\r\n",
    ):
        answer, closed = await _exchange(api_server, _post(api_server.org_key, framing) + follow)
        assert answer.startswith(b"HTTP/1.1 400 "), answer
        assert b'"code":"ambiguous_body_length"' in answer, answer
        assert answer.count(b"HTTP/1.1 ") == 1, answer  # the request behind it was never read as one
        assert closed, answer
    cur = await db.execute("select count(*) as n from sessions")
    assert await cur.fetchone() == {"n": 0}


async def test_a_body_framed_one_way_is_read_as_before(api_server: ApiServer, db: Conn) -> None:
    # `Connection: close`: the server closes once it has answered, so nothing waits for an idle connection.
    framing = b"Transfer-Encoding: chunked\r\nConnection: close\r\n"
    chunked, _ = await _exchange(api_server, _post(api_server.org_key, framing))
    assert chunked.startswith(b"HTTP/1.1 201 "), chunked
    plain = (
        b"POST /v1/sessions HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer "
        + api_server.org_key.encode()
        + b"\r\n"
        b"Content-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
        % len(BODY)
        + BODY
    )
    sized, _ = await _exchange(api_server, plain)
    assert sized.startswith(b"HTTP/1.1 201 "), sized
    cur = await db.execute("select count(*) as n from sessions")
    assert await cur.fetchone() == {"n": 2}
