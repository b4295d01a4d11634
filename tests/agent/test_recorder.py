"""EventRecorder over real HTTP on 127.0.0.1: batching, idempotent retries, spool during outages, replay."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from agent.api_client import ApiClient
from agent.recorder import EventRecorder, idempotency_key
from tests.fakes.internal_api import FakeInternalApi


class FlakyProxy:
    """HTTP/1.1 proxy on 127.0.0.1 in front of the API.

    ``drop_after_forward`` requests are forwarded upstream and then the connection is cut before the
    response reaches the client (the classic "did my write land?" case). While ``down`` is set every
    connection is cut without forwarding (the API is unreachable).
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.drop_after_forward = 0
        self.down = False
        self.forwarded = 0
        self.dropped = 0
        self.url = ""
        self._server: asyncio.Server | None = None
        self._http = httpx.AsyncClient(base_url=upstream)

    async def start(self) -> FlakyProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def aclose(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._http.aclose()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = dict(line.split(": ", 1) for line in lines[1:] if line)
                body = await reader.readexactly(
                    int(headers.get("content-length", headers.get("Content-Length", 0)))
                )
                if self.down:
                    break
                fwd = {k: v for k, v in headers.items() if k.lower() in {"authorization", "content-type"}}
                resp = await self._http.request(method, target, content=body, headers=fwd)
                self.forwarded += 1
                if self.drop_after_forward > 0:
                    self.drop_after_forward -= 1
                    self.dropped += 1
                    break
                writer.write(
                    f"HTTP/1.1 {resp.status_code} X\r\ncontent-type: application/json\r\n"
                    f"content-length: {len(resp.content)}\r\n\r\n".encode()
                    + resp.content
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeInternalApi]:
    api = await FakeInternalApi().start()
    yield api
    await api.aclose()


@pytest.fixture
async def proxy(fake_api: FakeInternalApi) -> AsyncIterator[FlakyProxy]:
    p = await FlakyProxy(fake_api.url).start()
    yield p
    await p.aclose()


@pytest.fixture
async def client(proxy: FlakyProxy, fake_api: FakeInternalApi) -> AsyncIterator[ApiClient]:
    async with ApiClient(proxy.url, fake_api.token, timeout=2.0) as c:
        yield c


def _recorder(client: ApiClient, sid: str, spool: Path, **kw: float) -> EventRecorder:
    opts = {"flush_interval": 0.05, "backoff_initial": 0.02, "backoff_max": 0.1, **kw}
    return EventRecorder(client, sid, spool_path=spool, **opts)  # type: ignore[arg-type]


def _stored(api: FakeInternalApi, sid: str) -> list[dict]:
    return api.sessions[sid].events


def test_idempotency_key_is_deterministic_with_key_and_bounded() -> None:
    assert idempotency_key("transcript", "item_1") == "agent:transcript:item_1"
    assert idempotency_key("note") != idempotency_key("note")
    long = idempotency_key("note", "x" * 500)
    assert len(long) <= 200 and long == idempotency_key("note", "x" * 500)


async def test_events_are_batched_and_kept_in_order(
    client: ApiClient, fake_api: FakeInternalApi, tmp_path: Path
):
    sid = fake_api.add_session(status="in_progress")
    rec = _recorder(client, sid, tmp_path / "s.jsonl", batch_size=20)
    keys = [rec.record("note", {"i": i}) for i in range(45)]
    assert await rec.flush(5)
    await rec.aclose()
    stored = _stored(fake_api, sid)
    assert [e["idempotency_key"] for e in stored] == keys
    assert [e["payload"]["i"] for e in stored] == list(range(45))
    posts = [r for r in fake_api.requests if r[1].endswith("/events")]
    assert len(posts) == 3  # 20 + 20 + 5
    assert not (tmp_path / "s.jsonl").exists()


async def test_events_wait_for_the_flush_interval_unless_flushed(
    client: ApiClient, fake_api: FakeInternalApi, tmp_path: Path
) -> None:
    sid = fake_api.add_session(status="in_progress")
    rec = _recorder(client, sid, tmp_path / "s.jsonl", flush_interval=30)
    rec.record("note", {"a": 1})
    await asyncio.sleep(0.3)
    assert _stored(fake_api, sid) == []
    assert await rec.flush(5)
    assert len(_stored(fake_api, sid)) == 1
    await rec.aclose()


async def test_clock_stamps_t_when_not_given(client: ApiClient, fake_api: FakeInternalApi, tmp_path: Path):
    sid = fake_api.add_session(status="in_progress")
    rec = EventRecorder(client, sid, spool_path=tmp_path / "s.jsonl", clock=lambda: 12.3456)
    rec.record("note", {})
    rec.record("note", {}, t=1.5)
    await rec.aclose()
    assert [e["t"] for e in _stored(fake_api, sid)] == [12.346, 1.5]


async def test_same_key_recorded_twice_is_stored_once(
    client: ApiClient, fake_api: FakeInternalApi, tmp_path: Path
):
    sid = fake_api.add_session(status="in_progress")
    rec = _recorder(client, sid, tmp_path / "s.jsonl")
    k1 = rec.record("phase_change", {"to": "coding"}, key="phase-4")
    await rec.flush(5)
    k2 = rec.record("phase_change", {"to": "coding"}, key="phase-4")
    await rec.aclose()
    assert k1 == k2 == "agent:phase_change:phase-4"
    assert len(_stored(fake_api, sid)) == 1
    assert rec.stats.duplicates == 1


async def test_lost_response_is_retried_and_stored_exactly_once(
    client: ApiClient, fake_api: FakeInternalApi, proxy: FlakyProxy, tmp_path: Path
) -> None:
    sid = fake_api.add_session(status="in_progress")
    rec = _recorder(client, sid, tmp_path / "s.jsonl")
    proxy.drop_after_forward = 2  # the API stores the batch twice over, the agent never hears back
    keys = [rec.record("transcript", {"role": "user", "i": i}) for i in range(5)]
    assert await rec.flush(10)
    keys += [rec.record("transcript", {"role": "assistant", "i": 5})]
    await rec.aclose()
    stored = _stored(fake_api, sid)
    assert proxy.dropped == 2 and proxy.forwarded >= 4
    assert [e["idempotency_key"] for e in stored] == keys  # each exactly once, in order
    assert [e["seq"] for e in stored] == list(range(1, 7))
    assert rec.stats.failed_attempts == 2
    assert rec.stats.duplicates == 5  # the third attempt was answered "already stored"


async def test_outage_spools_to_disk_then_replays_in_order(
    client: ApiClient, fake_api: FakeInternalApi, proxy: FlakyProxy, tmp_path: Path
) -> None:
    sid = fake_api.add_session(status="in_progress")
    spool = tmp_path / "spool" / f"{sid}.jsonl"
    rec = _recorder(client, sid, spool)
    keys = [rec.record("note", {"i": 0})]
    assert await rec.flush(5)
    proxy.down = True
    keys += [rec.record("note", {"i": i}) for i in range(1, 8)]
    assert not await rec.flush(0.5)  # cannot be delivered while down
    on_disk = [json.loads(line)["idempotency_key"] for line in spool.read_text().splitlines()]
    assert on_disk == keys[1:]  # durable, in order, before any replay
    keys += [rec.record("note", {"i": 8})]  # recorded during the outage, must stay behind the spool
    proxy.down = False
    assert await rec.flush(10)
    await rec.aclose()
    assert [e["idempotency_key"] for e in _stored(fake_api, sid)] == keys
    assert not spool.exists()
    assert rec.stats.spooled >= 7


async def test_spool_from_a_crashed_process_is_replayed_first(
    client: ApiClient, fake_api: FakeInternalApi, proxy: FlakyProxy, tmp_path: Path
) -> None:
    sid = fake_api.add_session(status="in_progress")
    spool = tmp_path / f"{sid}.jsonl"
    proxy.down = True
    first = _recorder(client, sid, spool)
    keys = [first.record("transcript", {"i": i}) for i in range(3)]
    assert not await first.aclose(max_wait=0.3)  # gives up: events stay on disk
    assert len(spool.read_text().splitlines()) >= 3
    with spool.open("a") as f:
        f.write('{"idempotency_key": "torn')  # a crash mid-append leaves a torn last line
    proxy.down = False
    second = _recorder(client, sid, spool)
    keys += [second.record("transcript", {"i": 3})]
    assert await second.flush(10)
    await second.aclose()
    assert [e["idempotency_key"] for e in _stored(fake_api, sid)] == keys
    assert not spool.exists()


async def test_refused_event_is_isolated_and_the_rest_delivered(
    client: ApiClient, fake_api: FakeInternalApi, tmp_path: Path
) -> None:
    sid = fake_api.add_session(status="in_progress")
    spool = tmp_path / "s.jsonl"
    rec = _recorder(client, sid, spool)
    a = rec.record("note", {"i": 1})
    bad = rec.record("editor_snapshot", {"code": "x" * 300_000})  # over the API's 256 KiB payload cap
    b = rec.record("note", {"i": 2})
    assert await rec.flush(10)
    await rec.aclose()
    assert [e["idempotency_key"] for e in _stored(fake_api, sid)] == [a, b]
    rejected = [json.loads(line) for line in rec.rejected_path.read_text().splitlines()]
    assert [r["idempotency_key"] for r in rejected] == [bad]
    assert rec.stats.rejected == 1


async def test_event_recorded_after_close_lands_in_the_spool(
    client: ApiClient, fake_api: FakeInternalApi, tmp_path: Path
) -> None:
    sid = fake_api.add_session(status="in_progress")
    spool = tmp_path / "s.jsonl"
    rec = _recorder(client, sid, spool)
    await rec.aclose()
    key = rec.record("note", {"late": True})
    assert [json.loads(line)["idempotency_key"] for line in spool.read_text().splitlines()] == [key]
