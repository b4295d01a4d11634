"""The judge service's connections, before any token is checked: anyone who reaches its port can open one, so a
request head must be small and arrive in time. Raw sockets on loopback against a real `shadows judge serve`.

uvicorn (with httptools, its default parser) kept every header line it was sent and times only the idle wait after
a response: one unauthenticated connection sending header lines without end took the service from 64 to 268 MiB
with 200 MiB of them, and a head never finished held its connection (a descriptor) for ever."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from judge import serve
from tests.judge import judge_service
from tests.judge.judge_service import JudgeService

pytestmark = pytest.mark.sandbox

KEEP_ALIVE_S = 2.0


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JudgeService]:
    service = judge_service.start(
        tmp_path_factory.mktemp("judge-connections"),
        "svc",
        # Ready: the pool has started (its memory is the service's before the test measures it).
        SHADOWS_JUDGE_SERVE_KEEP_ALIVE_S=str(KEEP_ALIVE_S),
    )
    try:
        yield service
    finally:
        service.kill()


def _connect(service: JudgeService) -> socket.socket:
    host, port = service.url.rsplit("//", 1)[1].rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def _answer(sock: socket.socket, timeout: float) -> bytes:
    """What the service sent until it closed the connection (b"" for a close without an answer); raises
    TimeoutError when the connection is still open after `timeout` seconds."""
    sock.settimeout(timeout)
    received = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return received
        received += chunk


def _rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])


def test_a_request_head_is_bounded_in_size(svc: JudgeService) -> None:
    before = _rss_kib(svc.pid)
    sock = _connect(svc)
    line = b"X-Pad: " + b"a" * 8000 + b"\r\n"
    sent = 0
    try:
        sock.sendall(b"POST /v1/runs HTTP/1.1\r\nHost: judge\r\n")
        while sent < 32 << 20:  # header lines without end, and no token
            sock.sendall(line)
            sent += len(line)
    except OSError:
        pass  # the service closed the connection as it should
    answer = _answer(sock, timeout=10)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 4"), answer[:200]
    assert sent < 32 << 20  # refused long before the client finished
    assert _rss_kib(svc.pid) - before < 16 << 10  # KiB: what it kept of the head is bounded (MAX_HEAD_BYTES)
    assert getattr(serve, "MAX_HEAD_BYTES", 0) <= 64 << 10


def test_a_request_head_must_arrive_in_time(svc: JudgeService) -> None:
    idle = _connect(svc)  # sends nothing at all
    trickled = _connect(svc)
    began = time.monotonic()
    head = b"GET /healthz HTTP/1.1\r\nHost: judge\r\nX-Slow: " + b"a" * 1000
    for byte in head:  # a byte at a time: each arrives long before the last would time out alone
        if select.select([trickled], [], [], 0.01)[0]:
            break  # the service answered: stop before it closes on bytes it would have to drop
        trickled.sendall(bytes([byte]))
    answer = _answer(trickled, timeout=KEEP_ALIVE_S + 8)
    assert b" 408 " in answer.split(b"\r\n", 1)[0], answer[:200]
    assert time.monotonic() - began < KEEP_ALIVE_S + 8
    assert _answer(idle, timeout=KEEP_ALIVE_S + 8) == b""  # an idle connection is closed silently
    idle.close()
    trickled.close()
    with httpx.Client(base_url=svc.url, timeout=30) as client:  # the service itself is unaffected
        assert client.get("/healthz").json() == {"status": "ok"}
