"""A whole simulated interview through the real API, Postgres and judge, with the real OpenAI plugin
talking to the local OpenAI-compatible fake; the stored events are then checked in the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.settings import AgentSettings
from agent.simulate import Script, load_script, simulate
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.two_sum_interview import BUGGY, CORRECT, GREETING, candidate_script, interviewer_model

pytestmark = [pytest.mark.db, pytest.mark.sandbox]


def _settings(api_server: Any, llm_url: str, tmp_path: Path) -> AgentSettings:
    return AgentSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        api_url=api_server.url,
        api_token=api_server.internal_token,
        openai_api_key="sk-fake",
        llm_base_url=llm_url,
        llm_model="fake-model",
        spool_dir=str(tmp_path / "spool"),
    )


async def _rows(db: Any, sid: str, type_: str | None = None) -> list[dict[str, Any]]:
    if type_ is None:
        cur = await db.execute("select * from session_events where session_id = %s order by seq", (sid,))
    else:
        cur = await db.execute(
            "select * from session_events where session_id = %s and type = %s order by seq", (sid, type_)
        )
    return list(await cur.fetchall())


async def test_simulated_interview_is_persisted_end_to_end(api_server: Any, db: Any, tmp_path: Path) -> None:
    script_file = tmp_path / "interview.yaml"
    script_file.write_text(candidate_script())
    script: Script = load_script(script_file)
    created = await api_server.consented_session(question_id=await _two_sum_id(db))
    sid = created["id"]
    lines: list[str] = []

    async with FakeOpenAIServer(responder=interviewer_model) as llm_server:
        result = await simulate(
            sid, script, settings=_settings(api_server, llm_server.url, tmp_path), out=lines.append
        )

    assert result.completed and result.events_delivered and not result.resumed
    assert result.end_reason == "completed"
    assert lines[0].endswith(f"interviewer: {GREETING}")
    assert sum("candidate:" in line for line in lines) == 10

    session = await (await db.execute("select * from sessions where id = %s", (sid,))).fetchone()
    assert session["status"] == "completed"
    assert session["final_code"] == CORRECT

    events = await _rows(db, sid)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))

    transcript = [e["payload"] for e in events if e["type"] == "transcript"]
    assert transcript[0] == {**transcript[0], "role": "assistant", "text": GREETING}
    assert sum(1 for p in transcript if p["text"] == GREETING) == 1  # greeted exactly once
    said = [p["text"] for p in transcript if p["role"] == "user"]
    assert said == [s.say for s in script.steps if s.say]
    user_starts = [p["start"] for p in transcript if p["role"] == "user"]
    assert user_starts == sorted(user_starts)
    assert 150 <= user_starts[3] < 200  # "Can you run the tests?" at t=150 on the interview clock

    phases = [e["payload"]["to"] for e in events if e["type"] == "phase_change"]
    assert phases == ["greeting", "problem", "approach", "coding", "testing", "complexity", "wrap_up", "end"]

    tools = [e["payload"]["name"] for e in events if e["type"] == "tool_call"]
    assert tools == [
        "begin_problem", "discuss_approach", "start_coding", "run_tests", "give_hint",
        "start_testing", "run_tests", "discuss_complexity", "wrap_up", "end_interview",
    ]  # fmt: skip

    runs = await _rows(db, sid, "test_run")
    assert len(runs) == 2
    verdicts = [r["payload"].get("verdict") for r in runs]
    assert verdicts[0] != "accepted" and verdicts[1] == "accepted"

    hints = await _rows(db, sid, "hint")
    assert [h["payload"]["index"] for h in hints] == [1]

    snapshots = [e["payload"]["code"] for e in events if e["type"] == "editor_snapshot"]
    assert snapshots == [BUGGY, CORRECT]

    metrics = await _rows(db, sid, "turn_metrics")
    assert len(metrics) >= 10 and all("llm_ttft" in m["payload"] for m in metrics)
    usage = await _rows(db, sid, "model_usage")
    assert usage[-1]["payload"]["final"] is True
    assert usage[-1]["payload"]["models"][0]["model"] == "fake-model"
    assert usage[-1]["payload"]["models"][0]["input_tokens"] == 42 * len(llm_server.requests)


async def _two_sum_id(db: Any) -> str:
    row = await (await db.execute("select id from questions where slug = 'two-sum'")).fetchone()
    return str(row["id"])
