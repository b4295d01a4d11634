"""A job refused because another interviewer holds the session never speaks to the candidate, whatever it is told
when it asks again.

It asks again for up to 50 s (a holder that died before joining loses its lease). When the holder completed the
interview meanwhile, the next answer was 409 `session_finished`, and the refused job joined the room to tell the
candidate that the session was unavailable (`start_failed` for an API failure): a second interviewer in the room of
a candidate who had one, the one thing the refusal is for. Now a job once refused leaves as refused, unjoined."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import agent.worker as worker
from agent.api_client import CONSENT_REQUIRED, INTERVIEWER_PRESENT
from agent.context import SessionContext
from agent.errors import ApiError, SessionNotFoundError
from tests.agent.entrypoint_support import AgentJob
from tests.fakes.interview import test_settings


class RefusedThen:
    """An API whose start is refused (another job holds the session) until `then` is answered instead."""

    def __init__(self, refusals: int, then: ApiError) -> None:
        self.refusals, self.then, self.calls = refusals, then, 0

    async def start_session(self, session_id: str) -> SessionContext:
        self.calls += 1
        if self.calls <= self.refusals:
            raise ApiError(INTERVIEWER_PRESENT, "another job holds it", status=409)
        raise self.then


@pytest.mark.parametrize(
    "then",
    [SessionNotFoundError(), ApiError("http_400", "refused", status=400)],
    ids=["erased", "refused_otherwise"],
)
async def test_a_job_refused_once_leaves_as_refused_whatever_the_next_answer(then: ApiError) -> None:
    api = RefusedThen(2, then)
    settings = test_settings().model_copy(update={"claim_wait_s": 5.0, "claim_retry_s": 0.01})
    with pytest.raises(ApiError) as left:
        await worker._claim_and_start(api, "s_refused", settings, console=False)  # type: ignore[arg-type]
    assert left.value.code == INTERVIEWER_PRESENT and api.calls == 3


async def test_a_first_answer_that_is_not_a_refusal_is_still_what_the_job_reports() -> None:
    # Never refused: the session cannot run, and the candidate is told (the caller's `_unavailable`).
    api = RefusedThen(0, SessionNotFoundError())
    settings = test_settings()
    with pytest.raises(SessionNotFoundError):
        await worker._claim_and_start(api, "s_gone", settings, console=False)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "told_code"),
    [
        (ApiError("invite_expired", "expired", status=410), "session_unavailable"),
        (ApiError("session_expired", "expired", status=410), "session_unavailable"),
        (ApiError("record_deleted", "erased", status=409), "session_unavailable"),
        (SessionNotFoundError(), "session_unavailable"),
        (ApiError("http_400", "refused", status=400), "start_failed"),
    ],
    ids=["invite_expired", "session_expired", "record_deleted", "not_found", "refused_otherwise"],
)
async def test_a_session_that_can_never_start_is_unavailable_not_a_failed_start(
    error: ApiError, told_code: str, agent_job: AgentJob
) -> None:
    # The API's start refuses an expired or erased session (sessions_repo.mark_started): "start_failed" would have
    # the page offer the candidate a retry of what cannot work, and log our failure.
    ctx = SimpleNamespace(shutdown=lambda reason="": agent_job.reasons.append(reason))
    await worker._unavailable(ctx, error, console=False)  # type: ignore[arg-type]
    assert agent_job.told == [told_code]
    assert agent_job.reasons == ([error.code] if told_code == "session_unavailable" else ["api_unavailable"])


@pytest.mark.db
async def test_a_job_waiting_while_the_holder_completes_the_interview_leaves_without_a_word(
    api_server: Any, db: Any, agent_job: AgentJob, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    created = await api_server.create_session(difficulty="Easy", language="python")
    sid = created["id"]
    holder = api_server.internal_headers() | {"X-Shadows-Agent-Job": "AJ_holder"}
    base = f"/v1/internal/sessions/{sid}"
    assert (await api_server.agent_start(created, holder)).status_code == 200
    agent_job.point_at(
        api_server.url,
        api_server.internal_token,
        tmp_path,
        SHADOWS_AGENT_CLAIM_WAIT_S="10.0",
        SHADOWS_AGENT_CLAIM_RETRY_S="0.2",
    )
    refused = asyncio.Event()
    starting = worker.start_context

    async def start_context(*args: Any, **kwargs: Any) -> Any:
        try:
            return await starting(*args, **kwargs)
        except ApiError as e:
            if e.code == INTERVIEWER_PRESENT:
                refused.set()
            raise

    monkeypatch.setattr(worker, "start_context", start_context)

    async def holder_completes() -> None:  # while the second job waits, once it was refused
        await asyncio.wait_for(refused.wait(), 20)
        done = await api_server.client.post(
            f"{base}/complete",
            json={"final_code": "print('done')", "language": "python", "reason": "completed"},
            headers=holder,
        )
        assert done.json()["status"] == "completed", done.text

    async with agent_job.job(sid, job_id="AJ_waiting") as ctx:
        completing = asyncio.create_task(holder_completes())
        await asyncio.wait_for(worker.entrypoint(ctx), 30)
        await completing

    # not "session_unavailable" to the candidate
    assert agent_job.told == [] and agent_job.reasons == [INTERVIEWER_PRESENT]
    cur = await db.execute("select status, final_code from sessions where id = %s", (sid,))
    assert await cur.fetchone() == {"status": "completed", "final_code": "print('done')"}


@pytest.mark.db
async def test_a_job_dispatched_without_a_consent_leaves_unjoined_and_starts_nothing(
    api_server: Any, db: Any, agent_job: AgentJob, tmp_path: Path
) -> None:
    # A room token used by a client other than our page, the candidate never having agreed: LiveKit dispatches
    # the agent all the same. It neither joins to tell anyone (there is no page to tell) nor starts the session.
    sid = (await api_server.create_session(difficulty="Easy", language="python"))["id"]
    agent_job.point_at(api_server.url, api_server.internal_token, tmp_path)
    reasons = await agent_job.run(sid, job_id="AJ_stale", timeout_s=30)

    assert agent_job.told == [] and reasons == [CONSENT_REQUIRED]
    assert await asyncio.to_thread(os.listdir, tmp_path) == []  # nothing spooled for a later job to replay
    cur = await db.execute("select status, started_at from sessions where id = %s", (sid,))
    assert await cur.fetchone() == {"status": "scheduled", "started_at": None}
    cur = await db.execute("select count(*) as n from session_interviewers where session_id = %s", (sid,))
    assert (await cur.fetchone())["n"] == 0  # no interviewer claimed it
