"""A candidate erased on request while a call back to their ATS is queued: nothing about them goes to the ATS
after the erasure (the call goes with the session; its job finds nothing to send), only the erasure's own PATCH,
after which Greenhouse reads the interview as `erased`; and the organisation's other calls go on."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg.rows import DictRow

from tests.api.grading_support import wait_until
from tests.api.integration_support import delivery_worker, end_interview, simulate_interview, store_version
from tests.conftest import ApiServer, StartWorker
from tests.fakes.greenhouse import FakeGreenhouse
from tests.fakes.greenhouse import basic as greenhouse_basic

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
BOB = {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.com"}


async def _graded(server: ApiServer, greenhouse: FakeGreenhouse, db: Conn, who: dict[str, str]) -> str:
    sent = await greenhouse.send_test("difficulty:easy", who)
    assert sent.status_code == 200, sent.text
    interview = str(sent.json()["partner_interview_id"])
    await simulate_interview(server, interview)
    await end_interview(server, interview)
    await store_version(db, server, interview, 1, ready=True)  # queues the completion PATCH
    return interview


async def _calls_left(db: Conn) -> int:
    cur = await db.execute(
        "select count(*) as n from procrastinate_jobs"
        " where task_name = 'deliver_ats_callback' and status in ('todo', 'doing')"
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def test_a_call_queued_for_a_candidate_erased_since_is_never_sent(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    erased = await _graded(api_server, greenhouse, db, ADA)
    kept = await _graded(api_server, greenhouse, db, BOB)
    cur = await db.execute("select count(*) as n from ats_callbacks where status = 'pending'")
    assert (await cur.fetchone() or {})["n"] == 2  # both PATCHes queued, no worker yet

    r = await api_server.client.delete(f"/v1/sessions/{erased}", headers=api_server.org_headers())
    assert r.status_code == 204, r.text
    cur = await db.execute("select kind, provider from ats_callbacks where session_id = %s", (erased,))
    # The completion PATCH went with the session; only the erasure's own notice is left.
    assert [(c["kind"], c["provider"]) for c in await cur.fetchall()] == [("erased", "greenhouse")]

    delivery_worker(start_worker, api_server, tmp_path)

    async def settled() -> bool:
        return await _calls_left(db) == 0

    await wait_until(settled, what="every queued ATS call run")
    patched = {p.interview: p for p in greenhouse.patches}
    by_interview = {v: k for k, v in greenhouse.interviews.items()}
    assert sorted(patched) == sorted([by_interview[kept], by_interview[erased]]), patched
    assert [p.errors for p in greenhouse.patches] == [
        [],
        [],
    ]  # each test_status answer as Greenhouse takes it
    kept_read, erased_read = (
        patched[by_interview[kept]].status_read,
        patched[by_interview[erased]].status_read,
    )
    assert kept_read is not None and kept_read["partner_status"] == "complete"
    # Greenhouse reading the erased interview learns that it was erased, and nothing of it: before, it was never
    # told, kept the score and a report link that no longer opened, and a read answered 404 (an error to it).
    assert erased_read is not None
    assert {k: v for k, v in erased_read.items() if k != "metadata"} == {
        "partner_status": "erased",
        "partner_profile_url": None,
        "partner_score": None,
    }
    assert erased_read["metadata"] == {**dict.fromkeys(kept_read["metadata"]), "interview_status": "erased"}
    r = await greenhouse.test_status(erased)
    assert (r.status_code, r.json()) == (200, erased_read), r.text
    for value in ADA.values():
        assert value not in r.text
    # Another organisation's key reads nothing of it.
    _, other_key = await api_server.create_org("Other erased-notice org")
    issued = await api_server.client.post(
        "/v1/integrations/greenhouse/keys", headers=api_server.org_headers(other_key)
    )
    other = await api_server.client.get(
        "/integrations/greenhouse/test_status",
        params={"partner_interview_id": erased},
        headers={"Authorization": greenhouse_basic(issued.json()["key"])},
    )
    assert other.status_code == 404, other.text
