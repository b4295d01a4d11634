"""What the agent and the API must agree on: size caps (UTF-8 bytes), end reasons, the final code, and the `t` of
API-written test runs. Against the real API and Postgres."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.api_client import ApiClient
from agent.completion import complete, final_code
from agent.errors import ApiError
from agent.interview import build_interview
from agent.payloads import MAX_CODE_BYTES, MAX_PAYLOAD_BYTES
from agent.recorder import EventRecorder
from tests.agent.test_e2e_simulate import _two_sum_id
from tests.fakes.clock import ManualClock
from tests.fakes.interview import test_settings

pytestmark = [pytest.mark.db]


def test_agent_and_api_caps_are_the_same_numbers() -> None:
    from api.routers.internal import MAX_PAYLOAD_BYTES as API_PAYLOAD
    from api.schemas import MAX_CODE_BYTES as API_CODE

    assert (MAX_CODE_BYTES, MAX_PAYLOAD_BYTES) == (API_CODE, API_PAYLOAD)


def test_the_deepest_payload_the_agent_records_is_one_the_api_stores() -> None:
    from agent.tool_args import MAX_DEPTH as TOOL_ARGUMENTS
    from api.schemas import unstorable

    deep: object = 1
    for _ in range(TOOL_ARGUMENTS):
        deep = [deep]
    assert unstorable({"name": "run_tests", "arguments": {"a": deep}}) is None  # a tool_call event's payload


def test_the_agent_stores_numbers_within_the_apis_bounds() -> None:
    from agent import payloads
    from api import stored_json
    from api.schemas import unstorable

    assert (payloads.MIN_INT, payloads.MAX_INT, payloads.MAX_FLOAT, payloads.MIN_FLOAT) == (
        stored_json.MIN_INT,
        stored_json.MAX_INT,
        stored_json.MAX_FLOAT,
        stored_json.MIN_FLOAT,
    )
    # What a model's tool-call arguments or a metric can hold: each would have made the API refuse the batch.
    wild = [1e308, -1e300, 1e-30, -5e-324, 2**64, -(2**70), float("nan"), 2.0**63, 0.5, 7, True, 1e-18]
    cleaned = payloads.clean({"arguments": {"xs": wild}})
    assert unstorable(cleaned) is None
    assert cleaned["arguments"]["xs"] == [None, None, 0.0, 0.0, None, None, None, None, 0.5, 7, True, 1e-18]


async def _session(api_server: Any, db: Any) -> tuple[ApiClient, str]:
    sid = (await api_server.consented_session(question_id=await _two_sum_id(db)))["id"]
    client = ApiClient(api_server.url, api_server.internal_token)
    await client.start_session(sid)
    return client, sid


async def test_a_non_ascii_snapshot_under_the_cap_is_stored_not_lost(
    api_server: Any, db: Any, tmp_path: Path
):
    """Regression: the API measured ASCII-escaped JSON, six bytes per CJK character, and refused it."""
    client, sid = await _session(api_server, db)
    code = "# 注释\n" * 18_000  # ~160 KB of UTF-8, ~400 KB once escaped as \\uXXXX
    async with client:
        rec = EventRecorder(client, sid, spool_path=tmp_path / "s.jsonl", flush_interval=0.05)
        key = rec.record("editor_snapshot", {"version": 1, "language": "python", "code": code})
        assert await rec.aclose(20)
    assert rec.stats.rejected == 0
    row = await (
        await db.execute("select payload from session_events where idempotency_key = %s", (key,))
    ).fetchone()
    assert row["payload"]["code"] == code


async def test_final_code_over_the_cap_is_stored_as_a_marked_prefix(api_server: Any, db: Any, tmp_path: Path):
    client, sid = await _session(api_server, db)
    async with client:
        context = await client.get_context(sid)
        rec = EventRecorder(client, sid, spool_path=tmp_path / "s.jsonl", flush_interval=0.05)
        _, state = build_interview(
            context, api=client, recorder=rec, clock=ManualClock(), settings=test_settings()
        )
        big = "x = 'é'\n" * (MAX_CODE_BYTES // 9 + 500)
        state.editor.ingest(big, {"version": "3", "language": "Python"})
        final = final_code(state)
        assert await rec.aclose(20)
        state.ended, state.end_reason = True, "no_show"
        assert await complete(client, sid, final, "no_show")
        with pytest.raises(ApiError) as refused:  # the API refuses more than the cap outright
            await client.complete(sid, big, "python", "completed")
        assert refused.value.status == 422
    row = await (await db.execute("select final_code, end_reason, status, language from sessions where id = %s",
                                  (sid,))).fetchone()  # fmt: skip
    assert row["status"] == "completed" and row["end_reason"] == "no_show" and row["language"] == "python"
    assert big.startswith(row["final_code"]) and len(row["final_code"].encode()) <= MAX_CODE_BYTES
    cur = await db.execute(
        "select type, payload from session_events where session_id = %s order by seq", (sid,)
    )
    events = list(await cur.fetchall())
    [note] = [
        e["payload"] for e in events if e["type"] == "note" and e["payload"]["kind"] == "code_truncated"
    ]
    assert note["original_bytes"] == len(big.encode()) and note["where"] == "final_code"
    [snap] = [e["payload"] for e in events if e["type"] == "editor_snapshot"]
    assert snap["truncated"] is True and snap["original_bytes"] == len(big.encode())


async def test_an_event_reusing_a_stored_key_is_refused_once_and_dropped_while_the_rest_is_delivered(
    api_server: Any, db: Any, tmp_path: Path
) -> None:
    """The API answers 409 idempotency_key_reused to a changed event under a stored key: the recorder must not retry
    it (a 409 is not retryable), but set it aside (`.rejected`) and deliver its batch's other events."""
    client, sid = await _session(api_server, db)
    async with client:
        first = EventRecorder(client, sid, spool_path=tmp_path / "a.jsonl", flush_interval=0.05)
        first.record("note", {"kind": "x", "n": 1}, key="k", t=1.0)
        assert await first.aclose(20)
        again = EventRecorder(client, sid, spool_path=tmp_path / "b.jsonl", flush_interval=0.05)
        again.record("note", {"kind": "x", "n": 1}, key="k", t=1.0)  # an exact repeat (a replay)
        again.record("note", {"kind": "x", "n": 2}, key="k", t=1.0)  # a bug: a new event under the old key
        after = again.record("note", {"kind": "after"}, key="after")
        assert await again.aclose(20)
    assert (again.stats.rejected, again.stats.duplicates) == (1, 1)
    [rejected] = [json.loads(line) for line in again.rejected_path.read_text().splitlines()]
    assert (rejected["idempotency_key"], rejected["code"]) == ("agent:note:k", "idempotency_key_reused")
    assert "payload" not in rejected  # its key and why, never the candidate's data
    cur = await db.execute(
        "select idempotency_key, payload from session_events where session_id = %s and type = 'note' order by seq",
        (sid,),
    )
    rows = [(r["idempotency_key"], r["payload"]) for r in await cur.fetchall()]
    assert rows == [("agent:note:k", {"kind": "x", "n": 1}), (after, {"kind": "after"})]


async def test_unknown_end_reasons_are_refused_and_no_show_is_accepted(api_server: Any, db: Any) -> None:
    client, sid = await _session(api_server, db)
    async with client:
        with pytest.raises(ApiError):
            await client.complete(sid, None, "python", "room closed")
        await client.complete(sid, None, "python", "no_show")


@pytest.mark.sandbox
async def test_agent_test_runs_carry_the_session_time_of_the_request(api_server: Any, db: Any) -> None:
    """Regression: API-written test_run events had wall-clock t and sorted before the call that caused them."""
    client, sid = await _session(api_server, db)
    async with client:
        await client.run_tests(sid, "python", "def two_sum(nums, target):\n    return [0, 1]\n", t=1234.5)
    row = await (await db.execute("select t from session_events where session_id = %s and type = 'test_run'",
                                  (sid,))).fetchone()  # fmt: skip
    assert row["t"] == 1234.5
