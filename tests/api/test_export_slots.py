"""Session exports are bounded per process and per organisation, and an export its client stops reading is ended.

Each export is spooled (its first MiB in memory, the rest in a temporary file the size of the export) and sent at
the client's pace. Unbounded, every export a client opened and never read kept its spool until the connection
closed, and one organisation could open as many as it liked. The clients here are called the way uvicorn calls the
app: a client that stops reading is a `send` that never returns; one that goes away is a `send` that raises
OSError (uvicorn's ClientDisconnected)."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from typing import Any
from uuid import uuid4

import pytest
from starlette.requests import ClientDisconnect

from api.export_slots import ExportsBusy, ExportSlots
from tests.conftest import ApiServer


class StalledClient:
    """GET /v1/sessions/export for a client that reads the response head and the first block of the body, then
    stops reading; `hang_up()` makes its pending send fail as a disconnected socket's does."""

    def __init__(self, api_server: ApiServer, key: str) -> None:
        self.stalled = asyncio.Event()
        self.gone = asyncio.Event()
        self.status: int | None = None
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/v1/sessions/export",
            "raw_path": b"/v1/sessions/export",
            "query_string": b"format=csv",
            "root_path": "",
            "headers": [(b"host", b"shadows"), (b"authorization", f"Bearer {key}".encode())],
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 80),
        }
        self.call = asyncio.create_task(api_server.app(scope, self._receive, self._send))

    async def _receive(self) -> dict[str, Any]:
        if not hasattr(self, "_asked"):
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message.get("body"):
            self.stalled.set()
            await self.gone.wait()
            raise OSError("client disconnected")

    def hang_up(self) -> None:
        self.gone.set()

    async def aclose(self) -> None:
        self.hang_up()
        self.call.cancel()
        with contextlib.suppress(asyncio.CancelledError, OSError, ClientDisconnect):
            await self.call


async def _settled(condition: Any) -> None:
    async with asyncio.timeout(30):
        while not condition():  # noqa: ASYNC110  # the slot table signals nothing: poll it
            await asyncio.sleep(0.02)


@pytest.fixture
def spools(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every export spool opened during the test."""
    opened: list[Any] = []
    real = tempfile.SpooledTemporaryFile

    def spool(*args: Any, **kwargs: Any) -> Any:
        opened.append(real(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", spool)
    return opened


async def _export(api_server: ApiServer, key: str) -> Any:
    return await api_server.client.get(
        "/v1/sessions/export", params={"format": "csv"}, headers=api_server.org_headers(key)
    )


async def test_unread_exports_are_bounded_per_organisation_and_per_process_and_slots_come_back(
    api_server: ApiServer, spools: list[Any]
) -> None:
    # Unbounded: one organisation's clients opened export after export and read none, each keeping a spool (on
    # disk past its first MiB) for as long as their connections stayed open.
    slots = ExportSlots(capacity=3, per_org=2, hold_s=120, stall_s=120)
    api_server.app.state.exports = slots
    await api_server.create_session()
    _, second = await api_server.create_org("Second")
    _, third = await api_server.create_org("Third")
    clients: list[StalledClient] = []
    try:
        for key in (api_server.org_key, api_server.org_key, second):
            clients.append(StalledClient(api_server, key))
            async with asyncio.timeout(30):
                await clients[-1].stalled.wait()
        assert [c.status for c in clients] == [200, 200, 200]

        busy = await _export(api_server, api_server.org_key)  # its organisation holds two
        assert busy.status_code == 429, busy.text
        assert busy.json()["error"]["code"] == "exports_busy"
        assert int(busy.headers["Retry-After"]) >= 1
        full = await _export(api_server, third)  # the process holds three
        assert full.status_code == 429 and full.json()["error"]["code"] == "exports_busy"

        clients[0].hang_up()  # a client that goes away gives its slot back, and its spool is closed
        await _settled(lambda: slots.held == 2 and clients[0].call.done())
        assert spools[0].closed
        read = await _export(api_server, third)  # a slot read to the end comes back too
        assert read.status_code == 200 and read.text.startswith("session_id,")
        assert slots.held == 2
        again = await _export(api_server, api_server.org_key)
        assert again.status_code == 200, again.text
    finally:
        for c in clients:
            await c.aclose()
    await _settled(lambda: slots.held == 0)
    assert all(s.closed for s in spools)


async def test_an_export_its_client_stops_reading_is_ended_and_its_slot_and_spool_freed(
    api_server: ApiServer, spools: list[Any]
) -> None:
    # Unbounded in time: an export that was never read kept its slot and its temporary file until the client's
    # connection closed, however long that took.
    slots = ExportSlots(capacity=1, per_org=1, hold_s=120, stall_s=0.5)
    api_server.app.state.exports = slots
    await api_server.create_session()
    client = StalledClient(api_server, api_server.org_key)
    try:
        async with asyncio.timeout(30):
            await client.stalled.wait()
            await client.call  # the server gives up on it: the call returns, the connection is closed
        assert slots.held == 0 and spools[0].closed
        r = await _export(api_server, api_server.org_key)
        assert r.status_code == 200, r.text
    finally:
        await client.aclose()


async def test_an_export_is_ended_after_its_hold_bound_however_slowly_it_is_read(
    api_server: ApiServer, spools: list[Any]
) -> None:
    slots = ExportSlots(capacity=1, per_org=1, hold_s=1.0, stall_s=120)
    api_server.app.state.exports = slots
    await api_server.create_session()
    client = StalledClient(api_server, api_server.org_key)
    try:
        async with asyncio.timeout(30):
            await client.call
        assert client.stalled.is_set() and slots.held == 0 and spools[0].closed
    finally:
        await client.aclose()


def test_a_slot_never_given_back_is_free_after_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    # A response that is never called (nothing gives its slot back) does not hold the slot for ever.
    now = [1000.0]
    monkeypatch.setattr("api.export_slots.time.monotonic", lambda: now[0])
    slots = ExportSlots(capacity=1, per_org=1, hold_s=10, stall_s=5)
    org = uuid4()
    first = slots.take(org)
    with pytest.raises(ExportsBusy):
        slots.take(org)
    now[0] += 11
    second = slots.take(org)
    first.release()  # late and idempotent: the second slot stays held
    assert slots.held == 1
    second.release()
    second.release()
    assert slots.held == 0
