"""A session's detail (GET /v1/sessions/{id}) holds its whole event log: a full record is about 25 MB of JSON and a
second of the API's event loop. It was read for an organisation key as often as the key asked; now it counts once per
read, and by the size of its log, before the log is read, with the numbers of the organisation's report reads but
in budgets of its own: an integrator polling details never keeps the organisation's reviewers from their reports."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.db import artifacts_repo
from api.db.pool import connection
from api.report_limits import READ_UNIT_BYTES
from api.settings import ApiSettings
from tests.conftest import ApiServer

READS_A_MINUTE = 10


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(update={"report_read_org_rate_limit": f"{READS_A_MINUTE}/minute"})


def _code(r: httpx.Response) -> tuple[int, str | None]:
    return r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else None


async def _said(server: ApiServer, session_id: str, batch: int) -> None:
    """A batch of the agent's transcript lines, about 1.2 MiB."""
    events: list[dict[str, Any]] = [
        {
            "idempotency_key": f"b{batch}-{i}",
            "type": "transcript",
            "t": float(i),
            "payload": {"role": "user", "text": "word " * 20_000},
        }
        for i in range(12)
    ]
    r = await server.client.post(
        f"/v1/internal/sessions/{session_id}/events",
        json={"events": events},
        headers=server.internal_headers(),
    )
    assert r.status_code == 200, r.text


async def test_an_organisations_reads_of_a_large_session_detail_are_counted_by_size_before_the_log_is_read(
    api_server: ApiServer,
) -> None:
    large = await api_server.create_session()
    for batch in range(3):
        await _said(api_server, large["id"], batch)
    small = await api_server.create_session()
    org = api_server.org_headers()

    reads = [await api_server.client.get(f"/v1/sessions/{large['id']}", headers=org) for _ in range(4)]
    # 3 units a read of the organisation's 10 a minute: the fourth would pass it.
    assert [_code(r) for r in reads] == [(200, None)] * 3 + [(429, "rate_limited")]
    assert len(reads[0].content) > 3 * READ_UNIT_BYTES
    assert int(reads[3].headers["retry-after"]) >= 1

    # A small detail counts nothing by size: it still reads, until the reads themselves are spent.
    smalls = [await api_server.client.get(f"/v1/sessions/{small['id']}", headers=org) for _ in range(7)]
    assert [_code(r) for r in smalls] == [(200, None)] * (READS_A_MINUTE - 4) + [(429, "rate_limited")]

    # Both detail budgets spent: the organisation's reviewers still open the session's timeline, a report read.
    timeline = await api_server.client.get(f"/v1/sessions/{large['id']}/timeline", headers=org)
    assert _code(timeline) == (200, None)


async def test_a_session_erased_by_retention_is_priced_by_what_is_left_not_by_what_it_once_held(
    api_server: ApiServer,
) -> None:
    # The log's byte counters only grow: read after the retention job erased the transcript, the detail (a few KB)
    # was priced as the 3.4 MiB it once held, 3 units of the organisation's size budget a read.
    erased = await api_server.create_session()
    for batch in range(3):
        await _said(api_server, erased["id"], batch)
    async with connection(api_server.app.state.pool) as conn, conn.transaction():
        await conn.execute(
            "update sessions set status = 'completed', ended_at = now() where id = %s", (erased["id"],)
        )
        assert await artifacts_repo.apply_retention(conn, erased["id"], 0) is not None

    org = api_server.org_headers()
    reads = [await api_server.client.get(f"/v1/sessions/{erased['id']}", headers=org) for _ in range(5)]
    assert [_code(r) for r in reads] == [(200, None)] * 5
    assert len(reads[0].content) < READ_UNIT_BYTES
