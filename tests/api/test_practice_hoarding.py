"""The practice offering's limits as an abuser meets them: invites cannot be gathered for days and started together,
and a request refused for capacity spends nothing of its caller's own allowance (practice sessions and their PDFs)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from limits import parse
from limits.aio.storage import MemoryStorage
from psycopg.rows import DictRow

from api.errors import RateLimitedError
from api.ratelimits import Count, RateLimits
from api.routers.reports import _count_practice_pdf
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def test_a_practice_invite_expires_within_the_practice_window_not_an_organisations_three_days(
    api_server: ApiServer, db: Conn
) -> None:
    # The practice limits bound how many sessions are created (5 an hour an address, 500 for everyone); a session
    # costs when it is used. With the organisations' 72 h to start it, one address gathered 360 invites and a few
    # networks 36,000, to start at once: interviews on the house's bills, taking the interviewer workers.
    ttl = timedelta(minutes=api_server.settings.practice_invite_ttl_minutes)
    before = datetime.now(UTC).replace(microsecond=0)
    practice = await api_server.client.post("/v1/practice", json={})
    scheduled = await api_server.client.post(
        "/v1/sessions",
        json={"candidate": {"name": "Ada", "email": "ada@example.com"}},
        headers=api_server.org_headers(),
    )
    after = datetime.now(UTC) + timedelta(seconds=1)

    assert (practice.status_code, scheduled.status_code) == (201, 201), (practice.text, scheduled.text)
    expires = datetime.fromisoformat(practice.json()["invite_expires_at"])
    assert before + ttl <= expires <= after + ttl
    cur = await db.execute("select invite_expires_at from sessions where id = %s", (practice.json()["id"],))
    assert (await cur.fetchone()) == {"invite_expires_at": expires}  # what every candidate route checks
    org_ttl = timedelta(hours=api_server.settings.invite_ttl_hours)
    assert datetime.fromisoformat(scheduled.json()["invite_expires_at"]) >= before + org_ttl


def test_a_practice_invite_cannot_outlive_an_organisations(api_settings: ApiSettings) -> None:
    values = api_settings.model_dump() | {"invite_ttl_hours": 1, "practice_invite_ttl_minutes": 61}
    with pytest.raises(ValueError, match="PRACTICE_INVITE_TTL_MINUTES"):
        ApiSettings.model_validate(values)


async def test_a_practice_request_refused_for_capacity_spends_nothing_of_its_addresss_allowance(
    api_server: ApiServer,
) -> None:
    # Counted address first, then the offering: while the offering was at capacity every retry spent one of the
    # address's own five, and once there was room again the address was refused for the rest of the hour.
    limit = int(api_server.settings.practice_rate_limit.split("/")[0])
    full = api_server.settings.model_copy(
        update={"forwarded_allow_ips": "127.0.0.1", "practice_global_rate_limit": "1/hour"}
    )
    async with serve(full) as busy:  # the same Redis: the same address bucket as api_server's (127.0.0.1)
        other = await busy.post("/v1/practice", json={}, headers={"X-Forwarded-For": "203.0.113.9"})
        refused = [await busy.post("/v1/practice", json={}) for _ in range(limit)]
    # The offering has room again (its own limit, a bucket of its own): the address still has its allowance.
    later = [(await api_server.client.post("/v1/practice", json={})).status_code for _ in range(limit + 1)]

    assert other.status_code == 201
    assert [(r.status_code, r.json()["error"]["code"]) for r in refused] == [(429, "practice_busy")] * limit
    assert later == [201] * limit + [429]


async def test_a_practice_pdf_refused_for_capacity_spends_nothing_of_its_sessions_allowance(
    api_settings: ApiSettings,
) -> None:
    ratelimits = RateLimits.from_settings(api_settings)  # the suite's Redis
    own = api_settings.model_copy(
        update={"practice_pdf_rate_limit": "2/hour", "practice_pdf_global_rate_limit": "1/hour"}
    )
    await _count_practice_pdf(ratelimits, own, "ses_other")
    codes = []
    for _ in range(3):
        with pytest.raises(RateLimitedError) as refused:
            await _count_practice_pdf(ratelimits, own, "ses_mine")
        codes.append(refused.value.code)
    roomy = own.model_copy(update={"practice_pdf_global_rate_limit": "100/hour"})
    await _count_practice_pdf(ratelimits, roomy, "ses_mine")
    await _count_practice_pdf(ratelimits, roomy, "ses_mine")
    with pytest.raises(RateLimitedError) as spent:
        await _count_practice_pdf(ratelimits, roomy, "ses_mine")

    assert codes == ["practice_busy"] * 3
    assert spent.value.code == "rate_limited"


async def test_a_practice_request_losing_the_offerings_last_place_to_a_concurrent_one_spends_nothing_of_its_own() -> (
    None
):
    # At capacity every freed place of the offering is contended: the callers retrying all find room, and all but one
    # are refused as they count. Counted address first, each of those had spent its address's own allowance. In the
    # in-process store (a deployment without Redis), here the concurrent request takes the offering's last place
    # while this one waits for the offering's lock (held as the store's own sweep holds it, across an await).
    storage = MemoryStorage()
    ratelimits = RateLimits(storage)
    address = Count("practice", "1/hour", "198.51.100.7", "Too many from this address.")
    offering = Count("practice_all", "1/hour", "all", "At capacity.", code="practice_busy")

    lock = storage.locks[parse("1/hour").key_for("practice_all", "all")]
    await lock.acquire()
    concurrent = asyncio.create_task(
        ratelimits.hit("practice_all", "1/hour", "all", message="At capacity.", code="practice_busy")
    )
    this = asyncio.create_task(ratelimits.hit_all([address, offering]))
    await asyncio.sleep(0)  # both wait for the offering's lock, the concurrent request first
    assert not concurrent.done() and not this.done()
    lock.release()
    await concurrent
    with pytest.raises(RateLimitedError) as refused:
        await this
    assert refused.value.code == "practice_busy"
    # The address's own place is still there once the offering has room again.
    await ratelimits.hit_all([address, Count("practice_all", "2/hour", "all", "At capacity.")])
