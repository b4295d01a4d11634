"""Code runs only in the languages the organisation allowed for the session (`languages`, default its `language`).
Drafts, custom input and the end refused any other with 422 `unsupported_language`, but Run and Submit (the
candidate's, and the agent's, which runs what the candidate's editor sends) took any language the judge knows: a
candidate of a Java-only interview could submit a Python final answer, and it was graded as the answer."""

from __future__ import annotations

from psycopg import AsyncConnection
from psycopg.rows import DictRow

from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

Conn = AsyncConnection[DictRow]
JS = {"language": "javascript", "code": "function twoSum(nums, target) { return [0, 1]; }\n"}


async def test_runs_and_submissions_in_a_language_the_session_does_not_allow_are_refused(
    api_server: ApiServer, db: Conn
) -> None:
    client = api_server.client
    s = await api_server.create_session(language="python")  # languages: python only
    await consent_and_start(client, s)
    candidate = {"Authorization": f"Bearer {s['invite']}"}
    refused = [
        await client.post(f"/v1/sessions/{s['id']}/runs", json=JS, headers=candidate),
        await client.post(f"/v1/sessions/{s['id']}/submissions", json=JS, headers=candidate),
        await client.post(
            f"/v1/internal/sessions/{s['id']}/runs",
            json={**JS, "mode": "submit"},
            headers=api_server.internal_headers(),
        ),
    ]
    assert [(r.status_code, r.json()["error"]["code"]) for r in refused] == [
        (422, "unsupported_language")
    ] * 3
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (s["id"],))
    assert await cur.fetchone() == {"n": 0}
    cur = await db.execute(
        "select count(*) as n from session_events where session_id = %s and type in ('test_run', 'submission')",
        (s["id"],),
    )
    assert await cur.fetchone() == {"n": 0}


async def test_a_language_the_session_allows_gets_past_the_check(api_server: ApiServer) -> None:
    # Code over the judge's size cap is refused after the language check, before the judge: past the check, no run.
    s = await api_server.create_session(language="python", languages=["python", "javascript"])
    await consent_and_start(api_server.client, s)
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/runs",
        json={"language": "javascript", "code": "x" * 150_000},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert (r.status_code, r.json()["error"]["code"]) == (413, "code_too_large"), r.text
