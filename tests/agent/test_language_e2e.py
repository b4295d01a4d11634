"""A Spanish interview end to end in text mode: the session's language set at creation (API), carried in the
context, followed by the prompts and the turn decision; an unsupported language is refused at creation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.simulate import Script, simulate
from tests.agent.test_e2e_simulate import _settings, _two_sum_id
from tests.fakes.openai_server import (
    FakeOpenAIServer,
    Reply,
    ToolCall,
    last_message,
    message_text,
    tool_names,
)
from tests.fakes.two_sum_interview import classifier_verdict

pytestmark = [pytest.mark.db, pytest.mark.sandbox]

RULES_ES = [
    ("lista para empezar", "begin_problem"),
    ("entiendo el problema", "discuss_approach"),
    ("un mapa", "start_coding"),
    ("ejecutar las pruebas", "run_tests"),
    ("terminar", "end_interview"),
    ("terminemos", "end_interview"),
]
SYSTEMS: list[str] = []


def spanish_model(body: dict[str, Any]) -> Reply:
    if (verdict := classifier_verdict(body)) is not None:
        return verdict
    SYSTEMS.extend(message_text(m) for m in body["messages"] if m.get("role") == "system")
    last, offered = last_message(body), tool_names(body)
    if last.get("role") == "user":
        said = message_text(last).lower()
        for phrase, tool in RULES_ES:
            if phrase in said and tool in offered:
                return Reply(
                    tool_calls=[
                        ToolCall(tool, {"reason": "candidate_request"} if tool == "end_interview" else {})
                    ]
                )
        return Reply(text="Claro, sigamos.")
    return Reply(text="Hola, soy una entrevistadora de IA." if last.get("role") != "tool" else "Entendido.")


async def test_a_spanish_interview_runs_end_to_end_in_text_mode(
    api_server: Any, db: Any, tmp_path: Path
) -> None:
    created = await api_server.consented_session(question_id=await _two_sum_id(db), interview_language="es")
    sid = created["id"]
    script = Script.model_validate({"steps": [
        {"at": 5, "say": "Hola, estoy lista para empezar."},
        {"at": 20, "say": "Entiendo el problema, no tengo preguntas."},
        {"at": 40, "say": "Usaría un mapa del valor al índice."},
        {"at": 60, "editor": "def two_sum(nums, target):\n    return []\n"},
        {"at": 70, "say": "entonces recorro el arreglo y guardo los índices"},
        {"at": 90, "say": "¿Puedes ejecutar las pruebas?"},
        {"at": 120, "say": "Quiero terminar la entrevista."},
        {"at": 130, "say": "Sí, terminemos."},
    ]})  # fmt: skip
    SYSTEMS.clear()
    async with FakeOpenAIServer(responder=spanish_model) as llm_server:
        result = await simulate(
            sid, script, settings=_settings(api_server, llm_server.url, tmp_path), out=None
        )
    assert result.completed and result.end_reason == "candidate_request"
    assert any("Speak Spanish throughout" in s for s in SYSTEMS)
    said = [(role, text) for _, role, text in result.transcript]
    thinking = said.index(("user", "entonces recorro el arreglo y guardo los índices"))
    assert said[thinking + 1][0] == "user"  # no reply while thinking aloud in Spanish
    cur = await db.execute(
        "select type, payload from session_events where session_id = %s order by seq", (sid,)
    )
    events = list(await cur.fetchall())
    assert [e["payload"]["to"] for e in events if e["type"] == "phase_change"][:4] == [
        "greeting", "problem", "approach", "coding",
    ]  # fmt: skip
    assert any(e["type"] == "test_run" for e in events)
    row = await (
        await db.execute("select interview_language, status from sessions where id = %s", (sid,))
    ).fetchone()
    assert row["interview_language"] == "es" and row["status"] == "completed"


async def test_interview_language_is_validated_at_session_creation(api_server: Any) -> None:
    r = await api_server.client.post(
        "/v1/sessions",
        json={"candidate": {"name": "A", "email": "a@example.com"}, "interview_language": "fr"},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 422 and "interview_language" in r.text
    created = await api_server.consented_session()
    headers = api_server.internal_headers()
    ctx = (
        await api_server.client.get(f"/v1/internal/sessions/{created['id']}/context", headers=headers)
    ).json()
    assert ctx["session"]["interview_language"] == "en"  # the default
