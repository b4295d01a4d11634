"""Revoking the report link an ATS holds hands the ATS a replacement: a new link, and a call telling it (Greenhouse's
PATCH, Ashby's result). The organisation key revoking each replacement as the ATS key read it grew a session's links
past their bound and queued a call to the ATS per loop, without end. Past the bound a revocation stands and is not
replaced (api/integrations/profile_links.py)."""

from __future__ import annotations

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from api import share_links
from api.settings import ApiSettings
from tests.api.integration_support import end_interview, simulate_interview, store_version
from tests.conftest import ApiServer
from tests.fakes.greenhouse import FakeGreenhouse, basic

Conn = psycopg.AsyncConnection[DictRow]
BOUND = 3


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(update={"share_links_per_session": BOUND})


async def _count(db: Conn, query: str, session_id: str) -> int:
    cur = await db.execute(query, (session_id,))
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def test_revoking_each_replacement_of_an_ats_profile_link_stops_replacing_it_at_the_session_bound(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    sent = await greenhouse.send_test("difficulty:easy", {"first_name": "Ada", "email": "ada@example.com"})
    interview = sent.json()["partner_interview_id"]
    await simulate_interview(api_server, interview)
    await end_interview(api_server, interview)
    await store_version(db, api_server, interview, 1, ready=True)  # queues the completion PATCH

    handed: list[str] = []
    for _ in range(BOUND + 3):
        url = (await greenhouse.test_status(interview)).json()["partner_profile_url"]
        handed.append(url)
        token = url.rsplit("/", 1)[1]
        link_id, _ = share_links.check_token(api_server.settings, token)
        r = await api_server.client.delete(
            f"/v1/sessions/{interview}/share/{link_id}", headers=api_server.org_headers()
        )
        assert r.status_code == 204
        # Every revocation stands, the ones past the bound included.
        assert (await api_server.client.get(f"/v1/reports/{token}")).status_code == 410

    # A new link for each of the first BOUND reads; past the bound the ATS keeps the dead one it holds.
    assert len(set(handed[:BOUND])) == BOUND
    assert handed[BOUND:] == [handed[BOUND - 1]] * 3
    links = "select count(*) as n from share_links where session_id = %s"
    assert await _count(db, links, interview) == BOUND
    # The first completion PATCH, and one more for each revocation that was replaced.
    calls = "select count(*) as n from ats_callbacks where session_id = %s and kind = 'completed'"
    assert await _count(db, calls, interview) == 1 + (BOUND - 1)

    # A new integration key (a rotation) is handed a live link bound to it.
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    async with httpx.AsyncClient(
        base_url=greenhouse.partner_url, headers={"Authorization": basic(r.json()["key"])}
    ) as c:
        status = await c.get("/test_status", params={"partner_interview_id": interview})
    fresh = status.json()["partner_profile_url"]
    assert fresh not in handed
    assert (await api_server.client.get(f"/v1/reports/{fresh.rsplit('/', 1)[1]}")).status_code == 200
