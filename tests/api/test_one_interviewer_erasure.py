"""Erasing a finished session while its old agent job still posts to it: the two never deadlock, and the job gets a
clean answer (its post stored before the erasure, or 404 after it), never a 500 or 503.

The agent's posts lock the session's claim row (`session_interviewers`, api/db/interviewers_repo.py), then the
session row (the event append, the completion). The erasure (api/erasure.py) locked the session row, then deleted it,
and the cascade to the claim row waited for the post's lock while the post waited for the session row: Postgres
aborted one of them with a deadlock (the agent's post answered 503, or the erasure did). The erasure now locks the
claim row first. Each test holds one side inside its transaction, after its first lock, until the other side is
seen waiting on a lock, so the interleaving is the same at every run."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from api.db import artifacts_repo, endings_repo, events_repo
from tests.conftest import ApiServer

pytestmark = [pytest.mark.db]

JOB = "AJ_old"


async def _finished_session(api_server: ApiServer) -> str:
    """A session its job started and completed (the job's claim row stays, released)."""
    created = await api_server.create_session()
    sid = str(created["id"])
    headers = _job(api_server)
    assert (await api_server.agent_start(created, headers)).status_code == 200
    done = await api_server.client.post(
        f"/v1/internal/sessions/{sid}/complete",
        json={"final_code": "print(1)", "language": "python", "reason": "completed"},
        headers=headers,
    )
    assert done.json()["status"] == "completed", done.text
    return sid


def _job(api_server: ApiServer) -> dict[str, str]:
    return api_server.internal_headers() | {"X-Shadows-Agent-Job": JOB}


def _post(api_server: ApiServer, sid: str, kind: str) -> Awaitable[httpx.Response]:
    """The old job's last flush (its goodbye) or its completion, retried after the session finished."""
    base = f"/v1/internal/sessions/{sid}"
    if kind == "events":
        line = {"idempotency_key": f"agent:transcript:{JOB}:last", "type": "transcript",
                "payload": {"role": "assistant", "text": "Goodbye."}}  # fmt: skip
        return api_server.client.post(f"{base}/events", json={"events": [line]}, headers=_job(api_server))
    return api_server.client.post(
        f"{base}/complete",
        json={"final_code": "print(1)", "language": "python", "reason": "completed"},
        headers=_job(api_server),
    )


def _erase(api_server: ApiServer, sid: str) -> Awaitable[httpx.Response]:
    return api_server.client.delete(f"/v1/sessions/{sid}", headers=api_server.org_headers())


def _gate(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, sid: str
) -> tuple[asyncio.Event, asyncio.Event]:
    """Pause `module.name` for this session: (reached, go). The caller's transaction holds what it locked so far."""
    reached, go = asyncio.Event(), asyncio.Event()
    real: Callable[..., Awaitable[Any]] = getattr(module, name)

    async def paused(conn: Any, session_id: str, *args: Any, **kwargs: Any) -> Any:
        if session_id == sid:
            reached.set()
            await go.wait()
        return await real(conn, session_id, *args, **kwargs)

    monkeypatch.setattr(module, name, paused)
    return reached, go


async def _someone_waits_on_a_lock(db: Any) -> None:
    for _ in range(500):  # up to 10 s
        cur = await db.execute(
            """
            select count(*) as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'
            """
        )
        if (await cur.fetchone())["n"] > 0:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("no transaction came to wait on a lock")


async def _gone(db: Any, sid: str) -> bool:
    cur = await db.execute(
        "select not exists (select from sessions where id = %s)"
        " and not exists (select from session_interviewers where session_id = %s) as gone",
        (sid, sid),
    )
    return bool((await cur.fetchone())["gone"])


@pytest.mark.parametrize("kind", ["events", "complete"])
async def test_a_post_under_way_when_the_erasure_starts_is_stored_then_erased(
    api_server: ApiServer, db: Any, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    sid = await _finished_session(api_server)
    # The post holds the claim row (its holder check) and is about to lock the session row.
    module, name = (events_repo, "append_events") if kind == "events" else (endings_repo, "mark_completed")
    reached, go = _gate(monkeypatch, module, name, sid)
    post = asyncio.create_task(_post(api_server, sid, kind))
    await asyncio.wait_for(reached.wait(), 10)
    erasure = asyncio.create_task(_erase(api_server, sid))
    await _someone_waits_on_a_lock(db)  # the erasure, behind the post
    go.set()
    posted, erased = await asyncio.gather(post, erasure)
    assert posted.status_code == 200, posted.text
    assert erased.status_code == 204, erased.text
    assert await _gone(db, sid)


@pytest.mark.parametrize("kind", ["events", "complete"])
async def test_a_post_arriving_during_the_erasure_is_a_clean_404(
    api_server: ApiServer, db: Any, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    sid = await _finished_session(api_server)
    # The erasure holds its locks and is about to delete the session.
    reached, go = _gate(monkeypatch, artifacts_repo, "delete_session", sid)
    erasure = asyncio.create_task(_erase(api_server, sid))
    await asyncio.wait_for(reached.wait(), 10)
    post = asyncio.create_task(_post(api_server, sid, kind))
    await _someone_waits_on_a_lock(db)  # the post, behind the erasure
    go.set()
    erased, posted = await asyncio.gather(erasure, post)
    assert erased.status_code == 204, erased.text
    assert posted.status_code == 404 and posted.json()["error"]["code"] == "session_not_found", posted.text
    assert await _gone(db, sid)
