"""ApiClient against the real API over loopback (through a fault-injecting proxy) and raw failing servers."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agent.api_client import KEEPALIVE_EXPIRY_S, ApiClient
from agent.context import EventIn
from agent.errors import ApiError, ApiUnavailableError, SessionFinishedError, SessionNotFoundError
from api.settings import ApiSettings
from tests.fakes.flaky_proxy import FlakyProxy


@pytest.fixture
async def proxy(api_server: Any) -> AsyncIterator[FlakyProxy]:
    async with FlakyProxy(api_server.url) as p:
        yield p


@pytest.fixture
async def client(proxy: FlakyProxy, api_server: Any) -> AsyncIterator[ApiClient]:
    async with ApiClient(proxy.url, api_server.internal_token, timeout=30.0) as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_start_session_returns_context_without_hidden_tests(client: ApiClient, api_server: Any) -> None:
    sid = (await api_server.consented_session(resume_text="Built a compiler."))["id"]
    before = await client.get_context(sid)
    assert before.session.status == "scheduled" and before.session.started_at is None
    ctx = await client.start_session(sid)
    assert ctx.session_id == sid
    assert ctx.session.status == "in_progress" and ctx.session.started_at is not None
    assert ctx.session.ends_at is not None
    assert ctx.candidate.name == "Ada Lovelace" and ctx.resume_text == "Built a compiler."
    assert ctx.question.hints and ctx.question.visible_tests and ctx.question.statement_md
    assert ctx.question.starter_code.get("python")
    assert not any(t.get("hidden") for t in ctx.question.visible_tests)
    again = await client.start_session(sid)  # idempotent while in progress
    assert again.session.started_at == ctx.session.started_at


async def test_unknown_session_raises_session_not_found(client: ApiClient) -> None:
    with pytest.raises(SessionNotFoundError) as exc:
        await client.get_context("ses_doesnotexist")
    assert exc.value.status == 404 and not exc.value.retryable


async def test_finished_session_start_raises_session_finished(client: ApiClient, api_server: Any) -> None:
    sid = (await api_server.consented_session())["id"]
    await client.start_session(sid)
    done = await client.complete(sid, "print(1)", "python", "completed")
    assert done == {"id": sid, "status": "completed"}
    with pytest.raises(SessionFinishedError) as exc:
        await client.start_session(sid)
    assert exc.value.status == 409 and not exc.value.retryable


async def test_append_events_reports_duplicates_for_repeated_keys(client: ApiClient, api_server: Any) -> None:
    sid = (await api_server.consented_session())["id"]
    await client.start_session(sid)
    ev = [
        EventIn(idempotency_key="k1", type="note", payload={"n": 1}),
        EventIn(idempotency_key="k2", type="note"),
    ]
    first = await client.append_events(sid, ev)
    again = await client.append_events(sid, ev)
    assert [s.duplicate for s in first] == [False, False]
    assert [(s.seq, s.duplicate) for s in again] == [(s.seq, True) for s in first]
    ctx = await client.get_context(sid)
    assert [e.type for e in ctx.events[:1]] == ["consent"]  # the candidate's, before the start
    assert [e.idempotency_key for e in ctx.events[1:]] == ["k1", "k2"]
    assert ctx.events[1].payload == {"n": 1}


async def test_5xx_is_retryable_and_append_is_not_retried_by_the_client(
    client: ApiClient, api_server: Any, proxy: FlakyProxy
) -> None:
    sid = (await api_server.consented_session())["id"]
    proxy.fail_statuses = [503]
    with pytest.raises(ApiUnavailableError) as exc:
        await client.append_events(sid, [EventIn(idempotency_key="k", type="note")])
    assert exc.value.retryable and exc.value.status == 503 and exc.value.code == "injected_failure"
    assert proxy.requests.count(("POST", f"/v1/internal/sessions/{sid}/events")) == 1


async def test_idempotent_call_is_retried_after_5xx(
    client: ApiClient, api_server: Any, proxy: FlakyProxy
) -> None:
    sid = (await api_server.consented_session())["id"]
    proxy.fail_statuses = [502, 500]
    ctx = await client.get_context(sid)
    assert ctx.session_id == sid
    assert proxy.requests.count(("GET", f"/v1/internal/sessions/{sid}/context")) == 3


async def test_wrong_token_is_a_non_retryable_401(proxy: FlakyProxy) -> None:
    async with ApiClient(proxy.url, "wrong-token") as c:
        with pytest.raises(ApiError) as exc:
            await c.get_context("ses_x")
    assert exc.value.status == 401 and not exc.value.retryable
    assert len(proxy.requests) == 1


async def test_invalid_event_is_a_non_retryable_422(client: ApiClient, api_server: Any) -> None:
    sid = (await api_server.consented_session())["id"]
    big = EventIn(idempotency_key="big", type="editor_snapshot", payload={"code": "x" * 300_000})
    with pytest.raises(ApiError) as exc:
        await client.append_events(sid, [big])
    assert exc.value.status == 422 and not exc.value.retryable


@pytest.mark.sandbox
async def test_run_tests_returns_the_judge_report_for_visible_tests(
    client: ApiClient, api_server: Any, db: Any
) -> None:
    row = await (await db.execute("select id from questions where slug = 'two-sum'")).fetchone()
    sid = (await api_server.consented_session(question_id=str(row["id"])))["id"]
    ctx = await client.start_session(sid)
    report = await client.run_tests(sid, "python", "def two_sum(nums, target):\n    return [0, 1]\n")
    assert report["verdict"] == "wrong_answer"  # right for the first example only
    visible = {t["id"] for t in ctx.question.visible_tests}
    assert {t["id"] for t in report["tests"]} <= visible


async def test_create_practice_returns_started_practice_session(client: ApiClient) -> None:
    ctx = await client.create_practice("Easy", "python")
    assert ctx.session.practice and ctx.session.status == "in_progress" and ctx.session.started_at is not None
    assert ctx.question.difficulty == "Easy"


async def test_connection_refused_is_retryable_unreachable() -> None:
    async with ApiClient(f"http://127.0.0.1:{_free_port()}", "t", retries=0) as c:
        with pytest.raises(ApiUnavailableError) as exc:
            await c.get_context("ses_x")
    assert exc.value.code == "api_unreachable" and exc.value.status is None and exc.value.retryable


async def test_connection_dropped_after_request_is_retryable(api_server: Any, proxy: FlakyProxy) -> None:
    sid = (await api_server.consented_session())["id"]
    proxy.drop_after_forward = 1
    async with ApiClient(proxy.url, api_server.internal_token) as c:
        await c.start_session(sid)  # idempotent: the retry gets the answer the dropped response carried
        with pytest.raises(ApiUnavailableError) as exc:
            proxy.drop_after_forward = 1
            await c.append_events(sid, [EventIn(idempotency_key="k", type="note")])
    assert exc.value.code == "api_unreachable"
    assert proxy.dropped == 2


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


async def test_unexpected_response_shape_is_an_api_error(
    client: ApiClient, api_server: Any, proxy: FlakyProxy
) -> None:
    sid = (await api_server.consented_session())["id"]
    proxy.garble_after_forward = 1
    with pytest.raises(ApiError) as exc:
        await client.get_context(sid)
    assert exc.value.code == "bad_response"
    proxy.garble_after_forward = 1
    with pytest.raises(ApiUnavailableError) as exc2:
        await client.append_events(sid, [EventIn(idempotency_key="k", type="note")])
    assert exc2.value.code == "bad_response" and exc2.value.retryable


def test_idle_connections_expire_before_the_api_closes_them() -> None:
    # Equal idle timeouts race: a call sent as the API's idle timer fires goes out on a connection being closed.
    api_keep_alive_s = ApiSettings.model_fields["keep_alive_s"].default
    assert api_keep_alive_s / 2 >= KEEPALIVE_EXPIRY_S
