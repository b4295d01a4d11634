"""A session interrupted mid-interview resumes from its stored events: no second greeting, same phase,
hints still counted (real API, Postgres and judge; real OpenAI plugin against the local fake)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.context import SessionEvent
from agent.resume import build_resume
from agent.simulate import Script, simulate
from agent.state import SeenRun
from tests.agent.test_e2e_simulate import _settings, _two_sum_id
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.two_sum_interview import CORRECT, GREETING, interviewer_model

pytestmark = [pytest.mark.db, pytest.mark.sandbox]

BEFORE = Script.model_validate(
    {"steps": [
        {"at": 5, "say": "Hi, I'm ready to start."},
        {"at": 20, "say": "I understand the problem, no clarifying questions."},
        {"at": 40, "say": "Could I get a hint?"},
    ]}
)  # fmt: skip
AFTER = Script.model_validate(
    {"steps": [
        {"at": 60, "say": "I would use a hash map from value to index. Shall I code it?"},
        {"at": 120, "editor": CORRECT},
        {"at": 150, "say": "I'm stuck, could I get a hint?"},
        {"at": 200, "say": "Can you run the tests?"},
    ]}
)  # fmt: skip


async def test_resumed_session_continues_without_a_second_greeting(
    api_server: Any, db: Any, tmp_path: Path
) -> None:
    sid = (await api_server.consented_session(question_id=await _two_sum_id(db)))["id"]
    settings = _settings(api_server, "", tmp_path)

    async with FakeOpenAIServer(responder=interviewer_model) as llm_server:
        settings.llm_base_url = llm_server.url
        first = await simulate(sid, BEFORE, settings=settings, complete=False, out=None)
    assert not first.resumed and first.events_delivered and not first.completed

    async with FakeOpenAIServer(responder=interviewer_model) as llm_server:
        settings.llm_base_url = llm_server.url
        second = await simulate(sid, AFTER, settings=settings, out=None)
        opening = llm_server.requests[0]
    assert second.resumed and not second.ended
    assert not second.completed  # regression: an unfinished script was stored as completed

    # The first thing the resumed interviewer said was not a greeting, and the model saw the earlier talk of the
    # graded phases; the greeting's talk is left out, a note in its place (agent.background).
    assert second.transcript[0][1] == "assistant" and second.transcript[0][2] != GREETING
    history = json.dumps(opening["messages"])
    assert "I understand the problem" in history and "Hi, I'm ready to start." not in history
    assert GREETING not in history and "never bring up the candidate's background" in history
    assert "reconnected" in history  # the resumed prompt asks to acknowledge the interruption

    cur = await db.execute("select * from session_events where session_id = %s order by seq", (sid,))
    events = list(await cur.fetchall())
    transcript = [e["payload"] for e in events if e["type"] == "transcript"]
    assert sum(1 for p in transcript if p["text"] == GREETING) == 1
    phases = [e["payload"]["to"] for e in events if e["type"] == "phase_change"]
    assert phases == ["greeting", "problem", "approach", "coding"]  # resumed in approach, not re-entered
    assert [e["payload"].get("kind") for e in events if e["type"] == "note"].count("resumed") == 1
    assert [e["payload"]["index"] for e in events if e["type"] == "hint"] == [1, 2]
    tools = [e["payload"]["name"] for e in events if e["type"] == "tool_call"]
    assert tools == [
        "begin_problem",
        "discuss_approach",
        "give_hint",
        "start_coding",
        "give_hint",
        "run_tests",
    ]
    runs = [e for e in events if e["type"] == "test_run"]
    assert len(runs) == 1 and runs[0]["payload"]["verdict"] == "accepted"
    # A job restarted now keeps that run as the interviewer's to speak of: the API's event, the tool's answer after
    # it and the editor's last snapshot (the code the run ran) agree (agent.resume ``seen_run``).
    point = build_resume([SessionEvent.model_validate(dict(e)) for e in events])
    assert point is not None and point.editor_code == CORRECT
    run = runs[0]["payload"]
    assert point.seen_run == SeenRun(run["passed"], run["total"], run["code_sha256"], run["language"])
    assert point.seen_run.total > 0 and point.seen_run.passed == point.seen_run.total
    status = await (await db.execute("select status from sessions where id = %s", (sid,))).fetchone()
    assert status["status"] == "in_progress"
