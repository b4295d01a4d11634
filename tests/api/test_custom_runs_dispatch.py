"""Custom input (validated against the signature, run by the real judge) and the interviewer's redispatch through
LiveKit's AgentDispatchService, against a local server speaking its Twirp API."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.custom_input import custom_cases, custom_report
from api.errors import UnprocessableError
from api.settings import ApiSettings
from judge.bank import Param, Signature
from judge.schemas import RunReport, TestResult, Verdict
from judge.verdict import VALUE_NOT_SHOWN
from tests.api.conftest import consent_and_start, create_session_as, serve
from tests.api.test_candidate_flow import _auth, _consent, _start
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, ApiServer
from tests.fakes.livekit_server import FakeLiveKitServer

Conn = psycopg.AsyncConnection[DictRow]


async def _two_sum_session(server: ApiServer, db: Conn, **body: Any) -> dict[str, Any]:
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    qid = str((await cur.fetchone())["id"])  # type: ignore[index]  # the bank has two-sum
    return await server.create_session(question_id=qid, **body)


@pytest.mark.parametrize(
    ("inputs", "fragment"),
    [
        ([[[1, 2]]], "needs 2 arguments (nums, target)"),
        ([[[1, 2], 3, 4]], "needs 2 arguments"),
        ([[[1, "2"], 3]], "nums must be a int[]"),
        ([[[1, 2], 2**40]], "target must be a int"),
        ([[[1, 2], True]], "target must be a int"),
        ([[[[1]], 3]], "nums must be a int[]"),
        ([[{"a": 1}, 3]], "nums must be a int[]"),
        ([[list(range(5000)), 3]], "larger than"),
    ],
)
async def test_custom_input_is_validated_against_the_signature_before_running(
    api_server: ApiServer, db: Conn, inputs: list[Any], fragment: str
) -> None:
    s = await _two_sum_session(api_server, db)
    await _consent(api_server, s)
    await _start(api_server, s)
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/custom-runs",
        json={"language": "python", "code": "def two_sum(nums, target):\n    return []\n", "inputs": inputs},
        headers=_auth(s),
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_input"
    assert fragment in r.json()["error"]["message"]
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (s["id"],))
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*)


async def test_custom_input_refuses_deep_nesting_many_cases_and_early_runs(
    api_server: ApiServer, db: Conn
) -> None:
    s = await _two_sum_session(api_server, db)
    url = f"/v1/sessions/{s['id']}/custom-runs"
    body = {"language": "python", "code": "def two_sum(nums, target):\n    return []\n", "inputs": [[[1], 1]]}
    early = await api_server.client.post(url, json=body, headers=_auth(s))
    assert (early.status_code, early.json()["error"]["code"]) == (409, "session_not_started")
    await _consent(api_server, s)
    await _start(api_server, s)
    deep = "[" * 3000 + "1" + "]" * 3000  # sent as raw JSON: deeper than any client library would encode
    raw = '{"language": "python", "code": "x", "inputs": [[' + deep + ", 1]]}"
    r = await api_server.client.post(
        url, content=raw, headers={**_auth(s), "Content-Type": "application/json"}
    )
    assert r.status_code in (400, 422), r.text  # FastAPI refuses JSON past its parser's depth limit as 400
    r = await api_server.client.post(url, json={**body, "inputs": [[[1], 1]] * 6}, headers=_auth(s))
    assert r.status_code == 422
    r = await api_server.client.post(url, json={**body, "language": "java"}, headers=_auth(s))
    assert (r.status_code, r.json()["error"]["code"]) == (422, "unsupported_language")


@pytest.mark.sandbox
async def test_custom_input_runs_the_function_on_the_candidates_arguments(
    api_server: ApiServer, db: Conn
) -> None:
    s = await _two_sum_session(api_server, db)
    await _consent(api_server, s)
    await _start(api_server, s)
    code = (
        "def two_sum(nums, target):\n"
        "    print('looking for', target)\n"
        "    seen = {}\n"
        "    for i, x in enumerate(nums):\n"
        "        if target - x in seen:\n"
        "            return [seen[target - x], i]\n"
        "        seen[x] = i\n"
        "    return []\n"
    )
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/custom-runs",
        json={"language": "python", "code": code, "inputs": [[[3, 3], 6], [[1, 5, 9], 14]]},
        headers=_auth(s),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["custom"] is True
    assert [t["id"] for t in body["tests"]] == ["custom-1", "custom-2"]
    assert [t["actual"] for t in body["tests"]] == [[0, 1], [1, 2]]
    assert body["verdict"] == "accepted" and body["passed"] == 2, "a returned value counts as having run"
    assert all(t["expected"] is None and t["message"] is None for t in body["tests"])
    assert [t["args"] for t in body["tests"]] == [[[3, 3], 6], [[1, 5, 9], 14]]
    assert "looking for 6" in (body["tests"][0]["stdout"] or "")
    cur = await db.execute(
        "select payload from session_events where session_id = %s and type = 'test_run'", (s["id"],)
    )
    [event] = await cur.fetchall()
    assert event["payload"]["custom"] is True
    results = (await api_server.client.get(f"/v1/sessions/{s['id']}/results", headers=_auth(s))).json()
    assert results["custom"]["custom"] is True and results["custom"]["tests"][1]["actual"] == [1, 2]
    assert results["run"] is None  # a custom input is never returned as the newest plain Run
    cur = await db.execute("select kind, custom from submissions where session_id = %s", (s["id"],))
    assert [(r["kind"], r["custom"]) for r in await cur.fetchall()] == [("run", True)]
    # The organisation's read of the session says so beside the verdict, which is `accepted` for any code.
    detail = (await api_server.client.get(f"/v1/sessions/{s['id']}", headers=api_server.org_headers())).json()
    assert [(r["verdict"], r["custom"]) for r in detail["runs"]] == [("accepted", True)]


def test_a_custom_run_says_when_a_returned_value_was_too_large_to_show() -> None:
    # The judge leaves out a value too large to show and says so; a custom run drops the mismatch hint against its
    # placeholder expected value, but must keep that note, or the value reads as a returned null.
    big = TestResult(
        id="custom-1", verdict=Verdict.WRONG_ANSWER, message=f"expected [0, 1]; {VALUE_NOT_SHOWN}"
    )
    null = TestResult(id="custom-2", verdict=Verdict.WRONG_ANSWER, message="expected [0, 1], got null")
    echo = TestResult(
        id="custom-3", verdict=Verdict.WRONG_ANSWER, actual=VALUE_NOT_SHOWN, message=VALUE_NOT_SHOWN
    )
    report = RunReport(
        verdict=Verdict.WRONG_ANSWER, language="python", mode="run", tests=[big, null, echo], total=3
    )
    out = custom_report(report)
    assert [t.verdict for t in out.tests] == [Verdict.ACCEPTED] * 3 and out.passed == 3
    assert [t.message for t in out.tests] == [
        VALUE_NOT_SHOWN,
        None,
        None,
    ]  # a returned string is no such note


async def test_redispatch_calls_livekit_once_per_allowance_with_a_room_admin_token(
    api_settings: ApiSettings, db: Conn
) -> None:
    from api.db.orgs_repo import create_org

    _, key = await create_org(db, "Dispatch Org")
    async with FakeLiveKitServer(LIVEKIT_KEY, LIVEKIT_SECRET) as livekit:
        settings = api_settings.model_copy(
            update={"livekit_url": livekit.ws_url, "agent_redispatch_limit": 1}
        )
        async with serve(settings) as client:
            s = await create_session_as(client, key)
            url = f"/v1/sessions/{s['id']}/agent-dispatch"
            early = await client.post(url, headers=_auth(s))
            assert (early.status_code, early.json()["error"]["code"]) == (409, "session_not_started")
            await consent_and_start(client, s)
            first = await client.post(url, headers=_auth(s))
            second = await client.post(url, headers=_auth(s))
    assert first.status_code == 202, first.text
    assert first.json() == {"dispatch_id": "AD_1"}
    assert (second.status_code, second.json()["error"]["code"]) == (429, "redispatch_limit")
    [request] = livekit.dispatches
    assert request.agent_name == settings.agent_name
    assert request.room == f"shadows-{s['id']}"
    assert livekit.metadata() == {"session_id": s["id"]}
    assert livekit.grants[0].room_admin and livekit.grants[0].room == f"shadows-{s['id']}"


async def test_redispatch_reports_livekit_failures_as_retryable_503(
    api_settings: ApiSettings, db: Conn
) -> None:
    from api.db.orgs_repo import create_org

    _, key = await create_org(db, "Dispatch Org")
    async with FakeLiveKitServer(LIVEKIT_KEY, LIVEKIT_SECRET) as livekit:
        livekit.fail_with = (503, "unavailable")
        settings = api_settings.model_copy(
            update={"livekit_url": livekit.ws_url, "agent_redispatch_limit": 1}
        )
        async with serve(settings) as client:
            s = await create_session_as(client, key)
            await consent_and_start(client, s)
            r = await client.post(f"/v1/sessions/{s['id']}/agent-dispatch", headers=_auth(s))
            again = await client.post(f"/v1/sessions/{s['id']}/agent-dispatch", headers=_auth(s))
            livekit.fail_with = None
            # The 503s used none of the session's one redispatch: the retry they ask for dispatches.
            retried = await client.post(f"/v1/sessions/{s['id']}/agent-dispatch", headers=_auth(s))
    assert (r.status_code, r.json()["error"]["code"]) == (503, "livekit_unavailable")
    assert r.headers["retry-after"] == "1"
    assert livekit.grants, "the request reached LiveKit with a valid token"
    assert again.status_code == 503
    assert retried.status_code == 202, retried.text
    assert len(livekit.dispatches) == 1


def test_custom_input_past_what_a_javascript_number_holds_is_refused_for_javascript_alone():
    # A JavaScript program would read 2^53 + 1 as 2^53 and show it back so: a 422 that says why, not a value that
    # changed on the way in. Java, C++ and Python hold every 64-bit long.
    signature = Signature(function="f", params=[Param(name="xs", type="long[]")], returns="long")
    inputs = [[[1, -(2**63)]]]
    with pytest.raises(UnprocessableError) as info:
        custom_cases(signature, inputs, "javascript")
    assert "2^53" in info.value.message
    for language in ("python", "java", "cpp"):
        assert custom_cases(signature, inputs, language)[0].args == [[1, -(2**63)]]
    assert custom_cases(signature, [[[2**53, -(2**53)]]], "javascript")[0].args == [[2**53, -(2**53)]]
