"""The interviewer's posts renew its claim even when the record refuses what they carry.

A post of the holder renewed its lease inside the append's transaction, so a batch the record refused (409
`session_record_full`, `session_finished`, `idempotency_key_reused`) took the renewal back with it. On a full record
a job's heartbeat note (new for each job: a resumed job's first) is refused at every beat, and so is everything it
records: the lease of a live, interviewing job ran out 40 s after its start, and any other job's start took the
candidate over from it. A refusal for what a post holds is no sign the holder has gone; a refusal for who sent it
(another job's post) renews nothing."""

from __future__ import annotations

import pytest

from api.settings import ApiSettings
from tests.api.test_one_interviewer import (  # noqa: F401  # `world` is a fixture
    Conn,
    World,
    world,
)

MAX_EVENTS = 5  # the candidate page's consent, and a few lines


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(update={"event_max_count": MAX_EVENTS})


async def _seconds_left(db: Conn, sid: str) -> float:
    cur = await db.execute(
        "select extract(epoch from lease_until - now())::float8 as left from session_interviewers "
        "where session_id = %s",
        (sid,),
    )
    row = await cur.fetchone()
    assert row is not None
    return float(row["left"])


async def _running_out(db: Conn, sid: str) -> None:
    await db.execute(
        "update session_interviewers set lease_until = now() + interval '2 seconds' where session_id = %s",
        (sid,),
    )


async def test_a_holder_on_a_full_record_keeps_its_claim_and_another_job_cannot_take_it(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    s = await world.running_session()
    sid = s["id"]
    assert (await world.start(sid, "AJ_resumed")).status_code == 200
    for n in range(MAX_EVENTS + 1):  # what the interview recorded fills the record
        posted = await world.client.post(
            f"/v1/internal/sessions/{sid}/events",
            json={"events": [{"idempotency_key": f"agent:transcript:{n}", "type": "transcript",
                              "payload": {"role": "user", "text": f"Line {n}."}}]},
            headers=world.job("AJ_resumed"),
        )  # fmt: skip
        if posted.status_code == 409:
            break
        assert posted.status_code == 200, posted.text
    assert posted.json()["error"]["code"] == "session_record_full"

    await _running_out(db, sid)  # 38 s later, say: the lease is due for renewal
    beat = await world.heartbeat(sid, "AJ_resumed")  # its note is new: the full record refuses it
    assert beat.status_code == 409 and beat.json()["error"]["code"] == "session_record_full"
    assert await _seconds_left(db, sid) > 30  # renewed all the same
    assert (await world.start(sid, "AJ_other")).status_code == 409

    await _running_out(db, sid)
    line = await world.events(sid, "AJ_resumed", "Four.")  # a transcript line the record has no room for
    assert line.status_code == 409 and line.json()["error"]["code"] == "session_record_full"
    assert await _seconds_left(db, sid) > 30

    # Another job's post, refused for who sent it, renews nothing of the holder's.
    await _running_out(db, sid)
    other = await world.events(sid, "AJ_other", "Five.")
    assert other.status_code == 409 and other.json()["error"]["code"] == "interviewer_present"
    assert await _seconds_left(db, sid) < 3
