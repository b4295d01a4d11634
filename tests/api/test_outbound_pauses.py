"""A receiver's "wait" pauses its target for its organisation (`api.webhooks.slots.hold_off`, `take_slot`): which
answers pause, for how long, and what the pause holds back, over a real Postgres."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import outbound_leases_repo
from api.db.orgs_repo import create_org
from api.egress import Reply
from api.settings import ApiSettings
from api.webhooks.schedule import RetryLater
from api.webhooks.slots import hold_off, take_slot
from tests.api.integration_support import create_endpoint
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
LONGEST_S = 40.0


def _reply(status: int, retry_after_s: float | None) -> Reply:
    return Reply(status_code=status, body=b"", truncated=False, retry_after_s=retry_after_s)


async def _take(db: Conn, settings: ApiSettings, org: uuid.UUID, target: str) -> str:
    """`taken`, or the reason the call was put off."""
    holder = uuid.uuid4()
    try:
        await take_slot(db, settings, kind="webhook", organization_id=org, target=target, target_cap=2,
                        holder_id=holder, job_attempts=0)  # fmt: skip
    except RetryLater as e:
        left = await db.execute("select count(*) as n from outbound_leases where holder_id = %s", (holder,))
        assert (await left.fetchone() or {"n": -1})["n"] == 0  # a call put off holds no slot
        return e.reason
    await outbound_leases_repo.release(db, org, target, holder)
    return "taken"


@pytest.fixture
def settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(update={"webhook_retry_delays_s": f"1,5,{LONGEST_S:g}"})


async def test_only_a_429_or_503_with_a_wait_pauses_and_only_its_own_target_and_organisation(
    db: Conn, settings: ApiSettings
) -> None:
    ours, _ = await create_org(db, "Ours")
    theirs, _ = await create_org(db, "Theirs")
    endpoint = outbound_leases_repo.webhook_target(uuid.uuid4())
    other_endpoint = outbound_leases_repo.webhook_target(uuid.uuid4())
    ats = outbound_leases_repo.ats_target("greenhouse")

    # No wait asked: a 429 without Retry-After, one whose date has passed (0 s), a 500 or a 302 with one.
    for reply in (_reply(429, None), _reply(429, 0.0), _reply(500, 30.0), _reply(302, 30.0), None):
        await hold_off(db, settings, ours, endpoint, reply)
    assert await _take(db, settings, ours, endpoint) == "taken"

    await hold_off(db, settings, ours, endpoint, _reply(503, 30.0))
    await hold_off(db, settings, ours, ats, _reply(429, 30.0))
    assert await _take(db, settings, ours, endpoint) == "target_paused"
    assert await _take(db, settings, ours, ats) == "target_paused"
    assert await _take(db, settings, ours, other_endpoint) == "taken"  # another receiver of ours
    assert await _take(db, settings, theirs, ats) == "taken"  # another organisation's Greenhouse


async def test_a_pause_is_bounded_by_the_schedule_and_a_shorter_one_never_shortens_it(
    db: Conn, settings: ApiSettings
) -> None:
    org, _ = await create_org(db, "Limited")
    target = outbound_leases_repo.ats_target("ashby")
    await hold_off(db, settings, org, target, _reply(429, 86_400_000.0))
    left = await outbound_leases_repo.paused_for(db, org, target)
    assert left is not None and LONGEST_S - 5 <= left <= LONGEST_S
    await hold_off(
        db, settings, org, target, _reply(429, 2.0)
    )  # an answer of a call that was already in flight
    left = await outbound_leases_repo.paused_for(db, org, target)
    assert left is not None and left > 2.0 + 5
    # The put-off call runs again once the pause has ended, within a tenth of what was left of it.
    with pytest.raises(RetryLater) as put_off:
        await take_slot(db, settings, kind="ats", organization_id=org, target=target, target_cap=2,
                        holder_id=uuid.uuid4(), job_attempts=0)  # fmt: skip
    assert left * 0.95 <= put_off.value.delay_s <= LONGEST_S * 1.1


async def test_a_call_that_gets_a_slot_freed_after_a_pause_began_is_put_off_too(
    db: Conn, settings: ApiSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answered call writes its pause before giving its slot back; a call that found no pause, then took that
    slot, must see it with the slot in hand."""
    org, _ = await create_org(db, "Racing")
    target = outbound_leases_repo.ats_target("greenhouse")
    real_paused_for = outbound_leases_repo.paused_for
    looks: list[float | None] = []

    async def first_look_before_the_pause(conn: Conn, o: uuid.UUID, t: str) -> float | None:
        if not looks:  # the call's first look: the answered call has not written its pause yet
            await hold_off(conn, settings, org, target, _reply(429, 20.0))
            looks.append(None)
            return None
        left = await real_paused_for(conn, o, t)
        looks.append(left)
        return left

    monkeypatch.setattr(outbound_leases_repo, "paused_for", first_look_before_the_pause)
    assert await _take(db, settings, org, target) == "target_paused"
    assert looks[0] is None and looks[1] is not None


async def test_a_webhook_endpoint_given_a_new_url_or_deleted_keeps_no_pause(
    api_server: ApiServer, db: Conn
) -> None:
    """A pause is the receiver's own wait: a new URL is a new receiver, which asked for none (before, its calls
    waited up to 24 h on the old one's Retry-After); a deleted endpoint leaves no pause row behind. A change of
    anything else keeps it."""
    org = uuid.UUID(api_server.org_id)
    endpoint = await create_endpoint(api_server, "http://127.0.0.1:9/hooks")
    path, target = (
        f"/v1/webhook-endpoints/{endpoint['id']}",
        outbound_leases_repo.webhook_target(endpoint["id"]),
    )
    headers = api_server.org_headers()

    await hold_off(db, api_server.settings, org, target, _reply(429, 30.0))
    r = await api_server.client.patch(
        path, json={"description": "ATS prod", "enabled": True}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert await outbound_leases_repo.paused_for(db, org, target) is not None
    r = await api_server.client.patch(path, json={"url": "http://127.0.0.1:9/new-hooks"}, headers=headers)
    assert r.status_code == 200, r.text
    assert await outbound_leases_repo.paused_for(db, org, target) is None

    await hold_off(db, api_server.settings, org, target, _reply(503, 30.0))
    assert (await api_server.client.delete(path, headers=headers)).status_code == 204
    rows = await db.execute("select count(*) as n from outbound_pauses where target = %s", (target,))
    assert (await rows.fetchone() or {"n": -1})["n"] == 0
