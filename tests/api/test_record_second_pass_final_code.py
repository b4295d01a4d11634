"""The grading job's final Submit for a candidate who never submitted judges the code the session ended with, the
final code the report shows, never the interviewer's last snapshot recorded before it. The attack (or mishap): fix
the code and press End at once, within the snapshot recorder's interval; the End hands in the editor's code. Before,
the job judged the older snapshot, and the report showed the new code beside the old code's verdict. Through the
candidate's own End, the job's own step (`_final_submit`), the app's real judge and Postgres."""

from __future__ import annotations

from types import SimpleNamespace

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import bundle_repo
from api.db.pool import connection
from api.jobs.grading import _final_submit
from tests.api.test_candidate_flow import _auth, _consent, _start
from tests.conftest import ApiServer

pytestmark = [pytest.mark.db, pytest.mark.sandbox]
Conn = psycopg.AsyncConnection[DictRow]

OLDER = "def two_sum(nums, target):\n    return [0, 0]\n"
ENDED_WITH = "def two_sum(nums, target):\n    return [0, 1]  # changed, then End at once\n"


async def test_the_code_the_candidate_ended_with_is_judged_not_the_last_snapshot(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await _consent(api_server, s)
    await _start(api_server, s)
    internal = api_server.internal_headers()
    snapshot = {"idempotency_key": "s1", "type": "editor_snapshot", "t": 30.0,
                "payload": {"language": "python", "code": OLDER}}  # fmt: skip
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events", json={"events": [snapshot]}, headers=internal
    )
    assert r.status_code == 200, r.text
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/end", json={"code": ENDED_WITH, "language": "python"}, headers=_auth(s)
    )
    assert r.status_code == 200, r.text
    async with connection(api_server.app.state.pool) as conn:
        bundle = await bundle_repo.load_bundle_input(conn, s["id"])
    assert bundle is not None and bundle.final_code == ENDED_WITH  # the final code the report shows
    runs = api_server.app.state.runs
    res = SimpleNamespace(
        pool=api_server.app.state.pool,
        judge=runs.judge,
        admission=runs.admission,
        settings=api_server.settings,
    )
    graded = await _final_submit(res, bundle, 0)  # type: ignore[arg-type]
    assert graded is not None
    cur = await db.execute("select kind, language, code from submissions where session_id = %s", (s["id"],))
    [row] = await cur.fetchall()
    assert (row["kind"], row["language"], row["code"]) == ("submit", "python", ENDED_WITH)
