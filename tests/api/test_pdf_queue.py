"""The queue for Chromium is bounded: in all, per organisation (all practice sessions count as one) and in time.

Unbounded, one caller's burst of `GET /v1/sessions/{id}/report.pdf` (an anonymous practice candidate's invite is
enough) queued without limit behind a few Chromium slots, each request holding its rendered page, and every other
organisation's PDF waited behind all of them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.pdf import PdfRenderer
from tests.conftest import ApiServer


async def _settled(condition: Any, within: float = 30) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110  # the semaphore signals nothing: poll it
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def _every_slot_taken(renderer: PdfRenderer, slots: int) -> AsyncIterator[None]:
    for _ in range(slots):
        await renderer._slots.acquire()
    try:
        yield
    finally:
        for _ in range(slots):
            renderer._slots.release()


def _waiters(renderer: PdfRenderer) -> int:
    return len(renderer._slots._waiters or ())


async def test_one_callers_burst_of_pdfs_is_bounded_and_other_organisations_still_queue(
    api_server: ApiServer,
) -> None:
    settings = api_server.settings
    renderer: PdfRenderer = api_server.app.state.pdf
    per_tenant, most = settings.pdf_queue_per_tenant, settings.pdf_queue_max
    practice = [(await api_server.client.post("/v1/practice", json={})).json() for _ in range(2)]
    org_session = await api_server.create_session()
    others = [await api_server.create_org(f"Other {i}") for i in range(-(-most // per_tenant) + 1)]
    other_sessions = [await api_server.create_session(key=key) for _, key in others]

    def pdf(sid: str, token: str) -> asyncio.Task[httpx.Response]:
        return asyncio.create_task(
            api_server.client.get(
                f"/v1/sessions/{sid}/report.pdf", headers={"Authorization": f"Bearer {token}"}
            )
        )

    waiting: list[asyncio.Task[httpx.Response]] = []
    try:
        async with _every_slot_taken(renderer, settings.pdf_concurrency):
            # One practice candidate fills the practice tenant's places; the next PDF of any practice session is
            # refused at once, with Retry-After.
            waiting += [pdf(practice[0]["id"], practice[0]["invite"]) for _ in range(per_tenant)]
            await _settled(lambda: _waiters(renderer) == per_tenant)
            for p in practice:
                r = await asyncio.wait_for(
                    api_server.client.get(
                        f"/v1/sessions/{p['id']}/report.pdf",
                        headers={"Authorization": f"Bearer {p['invite']}"},
                    ),
                    15,
                )
                assert (r.status_code, r.json()["error"]["code"]) == (503, "pdf_busy"), r.text
                assert int(r.headers["Retry-After"]) >= 1
            # Another organisation still gets a place; then as many as the queue holds in all.
            waiting.append(pdf(org_session["id"], api_server.org_key))
            for s, (_, key) in zip(other_sessions[:-1], others, strict=False):
                for _ in range(min(per_tenant, most - len(waiting))):
                    waiting.append(pdf(s["id"], key))
            assert len(waiting) == most
            await _settled(lambda: _waiters(renderer) == most)
            full = await asyncio.wait_for(
                api_server.client.get(
                    f"/v1/sessions/{other_sessions[-1]['id']}/report.pdf",
                    headers=api_server.org_headers(others[-1][1]),
                ),
                15,
            )
            assert (full.status_code, full.json()["error"]["code"]) == (503, "pdf_busy"), full.text
            # Clients that give up give their places back at once, not when their wait (30 s) runs out: the
            # test waited for those waits, and lost the race with its own 30 s now and then.
            assert settings.pdf_queue_wait_s >= 30
            for task in waiting:
                task.cancel()
            await asyncio.gather(*waiting, return_exceptions=True)
            await _settled(lambda: _waiters(renderer) == 0 and not renderer._admitted, within=10)
    finally:
        for task in waiting:
            task.cancel()
    # The places come back: the practice candidate's PDF prints.
    r = await api_server.client.get(
        f"/v1/sessions/{practice[0]['id']}/report.pdf",
        headers={"Authorization": f"Bearer {practice[0]['invite']}"},
    )
    assert r.status_code == 200 and r.content.startswith(b"%PDF-"), r.text[:200]


async def test_a_pdf_waits_for_chromium_only_so_long(api_server: ApiServer) -> None:
    renderer = PdfRenderer(api_server.settings.chromium_bin, timeout_s=60, concurrency=1, wait_s=0.5)
    api_server.app.state.pdf = renderer
    s = await api_server.create_session()
    async with _every_slot_taken(renderer, 1):
        r = await asyncio.wait_for(
            api_server.client.get(f"/v1/sessions/{s['id']}/report.pdf", headers=api_server.org_headers()), 15
        )
    assert (r.status_code, r.json()["error"]["code"]) == (503, "pdf_busy"), r.text
    assert not renderer._admitted and renderer._waiting == 0


@pytest.mark.parametrize("tenant", ["", "org"])
async def test_a_cancelled_wait_gives_its_place_back(tenant: str) -> None:
    renderer = PdfRenderer("/bin/true", timeout_s=5, concurrency=1, per_tenant=1)
    async with _every_slot_taken(renderer, 1):
        task = asyncio.create_task(renderer.render("<p>x</p>", tenant=tenant))
        await _settled(lambda: _waiters(renderer) == 1)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert not renderer._admitted and renderer._waiting == 0 and not renderer._slots.locked()
