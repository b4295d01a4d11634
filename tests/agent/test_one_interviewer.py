"""One interviewer per interview, from the agent's side: the job that starts a session holds it (the API's claim,
api/db/interviewers_repo.py); any other job leaves without speaking or recording, and a job replaced while it ran
(its lease ran out) stops without completing the session. Against the real API and Postgres."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import agent.worker as worker
from agent.api_client import ApiClient
from agent.context import EventIn
from agent.interview import build_interview
from agent.recorder import EventRecorder
from agent.spool import append_lines
from agent.spool_replay import replay_spools
from tests.agent.entrypoint_support import AgentJob
from tests.fakes.clock import ManualClock
from tests.fakes.interview import test_settings

pytestmark = pytest.mark.db


async def _texts(db: Any, sid: str) -> list[str]:
    cur = await db.execute(
        "select payload->>'text' as text from session_events where session_id = %s and type = 'transcript' "
        "order by seq",
        (sid,),
    )
    return [r["text"] for r in await cur.fetchall()]


async def _status(db: Any, sid: str) -> str:
    cur = await db.execute("select status from sessions where id = %s", (sid,))
    return str((await cur.fetchone())["status"])


def _line(key: str, text: str) -> EventIn:
    return EventIn(idempotency_key=f"agent:transcript:{key}", type="transcript",
                   payload={"role": "user", "text": text})  # fmt: skip


async def _expire(db: Any, sid: str) -> None:
    """The holder crashed long enough ago: its lease ran out (the API's TTL, without waiting for it)."""
    await db.execute(
        "update session_interviewers set lease_until = now() - interval '1 second' where session_id = %s",
        (sid,),
    )


async def test_a_second_job_for_a_running_session_leaves_without_a_word_or_a_record(
    api_server: Any, db: Any, agent_job: AgentJob, tmp_path: Path
) -> None:
    created = await api_server.create_session(difficulty="Easy", language="python")
    sid = created["id"]
    first = api_server.internal_headers() | {"X-Shadows-Agent-Job": "AJ_first"}  # the job interviewing
    assert (await api_server.agent_start(created, first)).status_code == 200
    line = {"events": [_line("1", "Hello, I am here.").model_dump(mode="json")]}
    r = await api_server.client.post(f"/v1/internal/sessions/{sid}/events", json=line, headers=first)
    assert r.status_code == 200
    # It asks again while it waits (a dead holder's lease would run out); the holder here is alive throughout.
    agent_job.point_at(
        api_server.url,
        api_server.internal_token,
        tmp_path,
        SHADOWS_AGENT_CLAIM_WAIT_S="1.0",
        SHADOWS_AGENT_CLAIM_RETRY_S="0.2",
    )
    reasons = await agent_job.run(sid, job_id="AJ_second", timeout_s=60)

    assert reasons == ["interviewer_present"] and agent_job.told == []  # not a word to the candidate
    spooled = await asyncio.to_thread(lambda: list(tmp_path.glob(f"{sid}*")))
    assert spooled == []  # no spool: nothing recorded, nothing to replay later
    assert await _texts(db, sid) == ["Hello, I am here."]
    assert await _status(db, sid) == "in_progress"  # the second job's shutdown did not complete it
    line = {"events": [_line("2", "Still me.").model_dump(mode="json")]}  # the first keeps interviewing
    r = await api_server.client.post(f"/v1/internal/sessions/{sid}/events", json=line, headers=first)
    assert r.status_code == 200 and await _texts(db, sid) == ["Hello, I am here.", "Still me."]


async def test_a_job_replaced_while_running_stops_at_its_heartbeat_and_never_completes(
    api_server: Any, db: Any, tmp_path: Path
) -> None:
    created = await api_server.consented_session(difficulty="Easy", language="python")
    sid = created["id"]
    old = ApiClient(api_server.url, api_server.internal_token, job_id="AJ_old")
    context = await old.start_session(sid)
    recorder = EventRecorder(old, sid, spool_path=tmp_path / f"{sid}.jsonl", job_id="AJ_old")
    _, state = build_interview(
        context, api=old, recorder=recorder, clock=ManualClock(), settings=test_settings()
    )
    state.record("transcript", {"role": "user", "text": "Before the lease ran out."})
    assert await recorder.flush(10)

    await _expire(db, sid)  # cut off from the API for longer than the lease
    async with ApiClient(api_server.url, api_server.internal_token, job_id="AJ_new") as new:
        resumed = await new.start_session(sid)
    assert [e.payload["text"] for e in resumed.events if e.type == "transcript"] == [
        "Before the lease ran out."
    ]

    lost: list[bool] = []
    await asyncio.wait_for(worker.keep_claim(old, sid, lambda: lost.append(True), interval_s=0.05), 10)
    assert lost == [True]

    state.record("transcript", {"role": "user", "text": "Heard by the replaced job."})
    state.editor.ingest("def two_sum(nums, target):\n    return []\n", {"version": "2"})
    job = worker.InterviewJob(api=old, state=state, recorder=recorder, replaced=True)
    await job.shutdown("interviewer_replaced")

    assert await _texts(db, sid) == ["Before the lease ran out."]
    assert await _status(db, sid) == "in_progress"  # the new job's interview goes on
    assert recorder.rejected_path.exists()  # refused, kept aside, never retried


async def test_a_dead_jobs_spool_is_replayed_as_that_job_and_refused_once_another_holds_the_session(
    api_server: Any, db: Any, tmp_path: Path
) -> None:
    kept = (await api_server.consented_session(difficulty="Easy", language="python"))["id"]
    taken = (await api_server.consented_session(difficulty="Easy", language="python"))["id"]
    async with ApiClient(api_server.url, api_server.internal_token, job_id="AJ_dead") as dead:
        await dead.start_session(kept)
        await dead.start_session(taken)
    await _expire(db, taken)
    async with ApiClient(api_server.url, api_server.internal_token, job_id="AJ_taker") as taker:
        await taker.start_session(taken)
    from agent.spool import write_owner

    for sid in (kept, taken):  # what the dead job spooled and never delivered
        spool = tmp_path / f"{sid}.jsonl"
        append_lines(spool, [_line("crash", "Said just before the crash.")])
        write_owner(spool, "AJ_dead")

    async with ApiClient(api_server.url, api_server.internal_token, job_id="AJ_host") as host:
        await replay_spools(host, tmp_path, max_wait=10)

    assert await _texts(db, kept) == ["Said just before the crash."]  # still the dead job's session
    assert await _texts(db, taken) == []  # another job resumed without it: not written into its record
    assert (tmp_path / f"{taken}.jsonl.rejected").exists()


async def test_a_job_refused_while_the_holder_lives_takes_over_once_a_dead_holders_lease_runs_out(
    api_server: Any, db: Any
) -> None:
    """A holder that died before joining the room (LiveKit reports no leave for it) must not leave the candidate
    with no interviewer: a job refused while its lease runs waits, asking again, and takes the interview over once
    the lease ran out; while the holder renews it, the job gives up after its wait."""
    from agent.api_client import INTERVIEWER_PRESENT
    from agent.errors import ApiError

    created = await api_server.create_session(difficulty="Easy", language="python")
    sid = created["id"]
    first = api_server.internal_headers() | {"X-Shadows-Agent-Job": "AJ_first"}
    assert (await api_server.agent_start(created, first)).status_code == 200
    settings = test_settings().model_copy(update={"claim_wait_s": 1.0, "claim_retry_s": 0.2})
    second = ApiClient(api_server.url, api_server.internal_token, job_id="AJ_second")
    try:
        with pytest.raises(ApiError) as refused:  # the holder's lease runs (40 s): the second job gives up
            await worker._claim_and_start(second, sid, settings, console=False)
        assert refused.value.code == INTERVIEWER_PRESENT

        async def die_later() -> None:  # the holder's lease runs out while the second job waits
            await asyncio.sleep(0.5)
            await _expire(db, sid)

        settings = settings.model_copy(update={"claim_wait_s": 10.0})
        expiry = asyncio.create_task(die_later())
        context, recording = await worker._claim_and_start(second, sid, settings, console=False)
        await expiry
        assert context.session_id == sid and recording
    finally:
        await second.aclose()
    cur = await db.execute("select job_id from session_interviewers where session_id = %s", (sid,))
    assert await cur.fetchone() == {"job_id": "AJ_second"}
    line = {"events": [_line("1", "Hello?").model_dump(mode="json")]}  # the dead holder writes nothing more
    r = await api_server.client.post(f"/v1/internal/sessions/{sid}/events", json=line, headers=first)
    assert r.status_code == 409
