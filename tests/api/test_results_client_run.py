"""The id the candidate's page gives each run (`X-Shadows-Client-Run-Id`): validated, stored with the run
(`submissions.client_run_id`), said on each latest report, and a run's own report found by it
(`GET .../results?client_run_id=`) behind another tab's newer one."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.conftest import ApiServer

pytestmark = pytest.mark.sandbox

HEADER = "X-Shadows-Client-Run-Id"
# The judge's cheapest answer: it does not compile.
COMPILE_ERROR = {"language": "python", "code": "def f(:\n"}


async def test_a_tab_finds_its_own_run_by_its_id_behind_another_tabs_newer_one(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow]
) -> None:
    cur = await db.execute("select id::text from questions where slug = 'two-sum'")
    two_sum = await cur.fetchone()
    assert two_sum is not None
    s = await api_server.create_session(
        question_id=two_sum["id"]
    )  # custom input's arguments follow its signature
    r = await api_server.agent_start(s)
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {s['invite']}"}
    runs = f"/v1/sessions/{s['id']}/runs"
    results = f"/v1/sessions/{s['id']}/results"
    first, second, custom = "tab-one-run-0000001", "tab-two-run-0000001", "tab-one-custom-00001"

    mine = await api_server.client.post(runs, json=COMPILE_ERROR, headers={**auth, HEADER: first})
    assert mine.status_code == 200, mine.text
    theirs = await api_server.client.post(runs, json=COMPILE_ERROR, headers={**auth, HEADER: second})
    assert theirs.status_code == 200, theirs.text
    tried = await api_server.client.post(
        f"/v1/sessions/{s['id']}/custom-runs",
        json={**COMPILE_ERROR, "inputs": [[[1, 2], 3]]},
        headers={**auth, HEADER: custom},
    )
    assert tried.status_code == 200, tried.text

    # The newest Run is the other tab's, and says whose; this tab's is found by its id all the same.
    read = await api_server.client.get(
        results, params={"by": "candidate", "client_run_id": first}, headers=auth
    )
    assert read.status_code == 200, read.text
    body = read.json()
    assert (body["run"]["submission_id"], body["run"]["client_run_id"]) == (
        theirs.json()["submission_id"],
        second,
    )
    assert (body["custom"]["submission_id"], body["custom"]["client_run_id"]) == (
        tried.json()["submission_id"],
        custom,
    )
    assert body["client_run"]["submission_id"] == mine.json()["submission_id"]
    assert body["client_run"]["client_run_id"] == first and body["client_run"]["mode"] == "run"
    assert not body["client_run"].get("custom")
    found = (await api_server.client.get(results, params={"client_run_id": custom}, headers=auth)).json()
    assert found["client_run"]["custom"] is True and found["client_run"]["client_run_id"] == custom

    # An id no run was given: none yet (the page keeps following). Without the question, no `client_run` at all.
    none = (
        await api_server.client.get(results, params={"client_run_id": "not-stored-yet-0001"}, headers=auth)
    ).json()
    assert none["client_run"] is None
    assert "client_run" not in (await api_server.client.get(results, headers=auth)).json()

    # A run given no id (the interviewer's, a page from before the ids) says none: the page matches it by time.
    agent = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/runs", json=COMPILE_ERROR, headers=api_server.internal_headers()
    )
    assert agent.status_code == 200, agent.text
    latest = (await api_server.client.get(results, headers=auth)).json()
    assert (latest["run"]["by"], latest["run"]["client_run_id"]) == ("agent", None)

    # Ids are bounded and plain: too short, too long, or anything but A-Z a-z 0-9 _ - is refused (on the query too),
    # before anything runs or is stored.
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (s["id"],))
    stored = (await cur.fetchone() or {"n": -1})["n"]
    for bad in ("short", "x" * 65, "tab one run 000001", "../../etc/passwd0000"):
        for path in (runs, f"/v1/sessions/{s['id']}/submissions"):
            refused = await api_server.client.post(path, json=COMPILE_ERROR, headers={**auth, HEADER: bad})
            assert refused.status_code == 422, (bad, refused.text)
            assert refused.json()["error"]["code"] == "validation_error"
        assert (
            await api_server.client.get(results, params={"client_run_id": bad}, headers=auth)
        ).status_code == 422
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (s["id"],))
    assert (await cur.fetchone() or {"n": -2})["n"] == stored

    # The column takes only such ids, whoever writes it.
    with pytest.raises(psycopg.errors.CheckViolation):
        await db.execute(
            "update submissions set client_run_id = 'no spaces allowed here' where id = %s",
            (mine.json()["submission_id"],),
        )
