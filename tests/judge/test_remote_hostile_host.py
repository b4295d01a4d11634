"""The remote backend against a hostile judge host (or whoever answers for it on a plain-http path): an answer that
never ends, that trickles, or that nests too deep for a parser is bounded in memory and time and becomes
`internal_error` or an unreachable host, never an exception out of `Judge.run`, a stalled poll or a full API
process. The host is a bare HTTP/1.1 server on 127.0.0.1 so that it can break the protocol's pacing at will."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from pydantic import SecretStr

from judge.backends import remote
from judge.backends.remote import RemoteBackend
from judge.backends.remote_answers import MAX_READYZ_BYTES
from judge.bank import load_question
from judge.schemas import RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
NOT_BLAMING = "the judge failed to run this code; please try again"
READY = b'{"status":"ready","running":0,"queued":0,"slots":1,"capacity":1}'
LOAD = b"x-judge-running: 0\r\nx-judge-queue-depth: 0\r\nx-judge-slots: 1\r\n"
# Past the server's own stop, a client still reading: far more than any bound the backend may keep.
STREAM_STOP_BYTES = 128 << 20

Writer = asyncio.StreamWriter
Answer = Callable[[Writer], Awaitable[None]]


def _plain(status: str, body: bytes) -> Answer:
    async def answer(writer: Writer) -> None:
        head = f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
        writer.write(head.encode() + LOAD + b"\r\n" + body)
        await writer.drain()

    return answer


class HostileHost:
    """Answers `/readyz` and runs as told; `sent` counts the bytes it managed to write of its endless answers."""

    def __init__(self) -> None:
        self.readyz: Answer = _plain("200 OK", READY)
        self.runs: Answer = _plain("500 Internal Server Error", b"{}")
        self.sent = 0
        self.url = ""
        self.stopped = False
        self._handlers: set[asyncio.Task[None]] = set()

    async def endless(self, writer: Writer) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
        )
        chunk = b"%x\r\n%s\r\n" % (1 << 16, b" " * (1 << 16))
        while self.sent < STREAM_STOP_BYTES:
            writer.write(chunk)
            await writer.drain()
            self.sent += 1 << 16

    async def trickle(self, writer: Writer) -> None:
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n"
        writer.write(head + LOAD + b"\r\n")
        while not self.stopped:  # one byte every 50 ms: each read arrives well within any per-read timeout
            writer.write(b"1\r\n \r\n")
            await writer.drain()
            await asyncio.sleep(0.05)

    async def _serve(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        self._handlers.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            while not self.stopped:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                await reader.readexactly(length)
                await (self.readyz if b" /readyz " in head.split(b"\r\n")[0] else self.runs)(writer)
        except (OSError, asyncio.IncompleteReadError):
            pass  # the backend hung up, as it should on an answer past its bounds
        finally:
            writer.close()

    async def __aenter__(self) -> HostileHost:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        self.stopped = True
        await asyncio.gather(*self._handlers, return_exceptions=True)


@pytest.fixture
async def host() -> AsyncIterator[HostileHost]:
    async with HostileHost() as served:
        yield served


def _judge(host: HostileHost, queue_wait_s: float = 60.0) -> Judge:
    return Judge(
        JudgeSettings(
            _env_file=None,  # type: ignore[call-arg]
            backend="remote",
            remote_urls=host.url,
            remote_token=SecretStr("t" * 40),
            remote_poll_s=0,  # the test polls
            remote_connect_timeout_s=0.5,
            remote_queue_wait_s=queue_wait_s,
        )
    )


def _request() -> RunRequest:
    return RunRequest.for_question(QUESTION, language="python", source=QUESTION.references["python"])


async def test_a_readyz_answer_without_end_is_cut_at_its_bound_and_the_host_counts_as_down(
    host: HostileHost,
) -> None:
    host.readyz = host.endless
    async with asyncio.timeout(20), _judge(host) as judge:  # its start polls
        backend = judge.backend
        assert isinstance(backend, RemoteBackend)
        assert backend.hosts.hosts[0].down
    # What the kernel's socket buffers took beyond the bound, not the 128 MiB the host would have sent.
    assert MAX_READYZ_BYTES <= host.sent < 32 << 20


async def test_a_trickled_readyz_answer_does_not_stall_the_polls(host: HostileHost) -> None:
    host.readyz = host.trickle
    began = time.monotonic()
    async with asyncio.timeout(20), _judge(host) as judge:  # its start polls
        backend = judge.backend
        assert isinstance(backend, RemoteBackend)
        assert backend.hosts.hosts[0].down
        # The poll within twice the connect timeout (0.5 s), not for as long as the host keeps trickling.
        assert time.monotonic() - began < 5


@pytest.mark.parametrize("status", ["500 Internal Server Error", "503 Service Unavailable", "409 Conflict"])
async def test_an_error_answer_nested_past_the_parsers_depth_is_internal_error(
    host: HostileHost, status: str
) -> None:
    host.runs = _plain(status, b"[" * 100_000)
    async with asyncio.timeout(20), _judge(host) as judge:
        report = await judge.run(_request())
    assert report.verdict is Verdict.INTERNAL_ERROR and report.message == NOT_BLAMING


async def test_a_run_answer_trickled_past_the_runs_deadline_is_internal_error(
    host: HostileHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run's deadline, a minute and more for any real run, brought down to a second and a half: what is tested is
    # that the answer as a whole is held to it, whatever pace each read keeps. The queue wait is the start-by: with
    # none, no host would be asked at all.
    monkeypatch.setattr(remote, "pool_timeout_s", lambda request, settings: 1.0)
    host.runs = host.trickle
    async with _judge(host, queue_wait_s=0.5) as judge:
        began = time.monotonic()
        async with asyncio.timeout(20):
            report = await judge.run(_request())
    assert report.verdict is Verdict.INTERNAL_ERROR and report.message == NOT_BLAMING
    assert time.monotonic() - began < 5


async def test_a_hosts_url_credentials_and_a_long_error_code_stay_out_of_the_logs(
    host: HostileHost, caplog: pytest.LogCaptureFixture
) -> None:
    long_code = "forged\n2026-12-07 judge.ok \x1b[2J" + "x" * (60 << 10)
    host.runs = _plain("500 Internal Server Error", json.dumps({"error": {"code": long_code}}).encode())
    host.url = host.url.replace("http://", "http://judge-user:hunter2-token@")
    with caplog.at_level("INFO", logger="judge"):
        async with asyncio.timeout(20), _judge(host) as judge:
            report = await judge.run(_request())
    assert report.verdict is Verdict.INTERNAL_ERROR and report.message == NOT_BLAMING
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "refused a run: HTTP 500 forged\\n2026-12-07 judge.ok \\x1b[2Jxxx" in logged  # escaped, one line
    assert "x" * 100 not in logged and "\x1b" not in logged and "judge.ok \n" not in logged
    assert "hunter2" not in logged and "judge-user" not in logged
