"""ApiClient against a local HTTP server on 127.0.0.1: bodies, error mapping, retryability."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from agent.api_client import ApiClient
from agent.context import EventIn
from agent.errors import ApiError, ApiUnavailableError, SessionFinishedError, SessionNotFoundError
from tests.fakes.internal_api import FakeInternalApi


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeInternalApi]:
    api = await FakeInternalApi().start()
    yield api
    await api.aclose()


@pytest.fixture
async def client(fake_api: FakeInternalApi) -> AsyncIterator[ApiClient]:
    async with ApiClient(fake_api.url, fake_api.token, timeout=2.0) as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_start_session_returns_context_in_progress(
    client: ApiClient, fake_api: FakeInternalApi
) -> None:
    sid = fake_api.add_session()
    ctx = await client.start_session(sid)
    assert ctx.session_id == sid
    assert ctx.session.status == "in_progress"
    assert ctx.session.started_at is not None
    assert ctx.question.slug == "two-sum"
    assert ctx.question.hints and ctx.question.visible_tests


async def test_unknown_session_raises_session_not_found(client: ApiClient) -> None:
    with pytest.raises(SessionNotFoundError) as exc:
        await client.get_context("ses_nope")
    assert exc.value.status == 404 and not exc.value.retryable


async def test_finished_session_start_raises_session_finished(
    client: ApiClient, fake_api: FakeInternalApi
) -> None:
    sid = fake_api.add_session(status="completed")
    with pytest.raises(SessionFinishedError):
        await client.start_session(sid)


async def test_append_events_reports_duplicates_for_repeated_keys(
    client: ApiClient, fake_api: FakeInternalApi
) -> None:
    sid = fake_api.add_session(status="in_progress")
    ev = [
        EventIn(idempotency_key="k1", type="note", payload={"n": 1}),
        EventIn(idempotency_key="k2", type="note"),
    ]
    first = await client.append_events(sid, ev)
    again = await client.append_events(sid, ev)
    assert [(s.seq, s.duplicate) for s in first] == [(1, False), (2, False)]
    assert [(s.seq, s.duplicate) for s in again] == [(1, True), (2, True)]
    assert len(fake_api.sessions[sid].events) == 2


async def test_5xx_is_retryable_api_unavailable_with_server_code(
    client: ApiClient, fake_api: FakeInternalApi
) -> None:
    sid = fake_api.add_session(status="in_progress")
    fake_api.fail_statuses = [503]
    with pytest.raises(ApiUnavailableError) as exc:
        await client.append_events(sid, [EventIn(idempotency_key="k", type="note")])
    assert exc.value.retryable and exc.value.status == 503 and exc.value.code == "injected_failure"
    # append_events is not retried by the client: exactly one request reached the server.
    assert fake_api.requests.count(("POST", f"/v1/internal/sessions/{sid}/events")) == 1


async def test_idempotent_call_is_retried_after_5xx(client: ApiClient, fake_api: FakeInternalApi) -> None:
    sid = fake_api.add_session()
    fake_api.fail_statuses = [502, 500]
    ctx = await client.get_context(sid)
    assert ctx.session_id == sid
    assert fake_api.requests.count(("GET", f"/v1/internal/sessions/{sid}/context")) == 3


async def test_4xx_is_not_retryable(fake_api: FakeInternalApi) -> None:
    async with ApiClient(fake_api.url, "wrong-token") as c:
        with pytest.raises(ApiError) as exc:
            await c.get_context("ses_x")
    assert exc.value.status == 401 and exc.value.code == "unauthorized" and not exc.value.retryable
    assert len(fake_api.requests) == 1


async def test_connection_refused_is_retryable_unreachable() -> None:
    async with ApiClient(f"http://127.0.0.1:{_free_port()}", "t", retries=0) as c:
        with pytest.raises(ApiUnavailableError) as exc:
            await c.get_context("ses_x")
    assert exc.value.code == "api_unreachable" and exc.value.status is None and exc.value.retryable


async def test_connection_dropped_mid_request_is_retryable() -> None:
    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(drop, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with ApiClient(f"http://127.0.0.1:{port}", "t") as c:
            with pytest.raises(ApiUnavailableError) as exc:
                await c.append_events("ses_x", [EventIn(idempotency_key="k", type="note")])
        assert exc.value.code == "api_unreachable"
    finally:
        server.close()
        await server.wait_closed()


async def test_slow_server_times_out_as_retryable() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(stall, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with ApiClient(f"http://127.0.0.1:{port}", "t", timeout=0.3, retries=0) as c:
            with pytest.raises(ApiUnavailableError) as exc:
                await c.get_context("ses_x")
        assert exc.value.code == "api_timeout"
    finally:
        server.close()
        await server.wait_closed()


async def test_run_tests_and_complete_round_trip(client: ApiClient, fake_api: FakeInternalApi) -> None:
    sid = fake_api.add_session(status="in_progress")
    report = await client.run_tests(sid, "python", "def two_sum(n, t): return [0, 1]")
    assert report["verdict"] == "accepted"
    done = await client.complete(sid, "code", "python", "completed")
    assert done == {"id": sid, "status": "completed"}
    assert fake_api.sessions[sid].final_code == "code"


async def test_create_practice_returns_started_session(client: ApiClient) -> None:
    ctx = await client.create_practice("Easy", "python")
    assert ctx.session.status == "in_progress" and ctx.session.started_at is not None
