"""A restarted job goes on in the language the candidate chose, and does not ask which one again: the first job runs
through the real AgentSession and capture, its record is the stored log, and the second job is built from that log
(agent.resume ``build_resume``, agent.interview ``build_interview``), as the worker builds it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from livekit.agents import AgentSession

from agent.capture import attach_capture
from agent.context import SessionEvent
from agent.disclosure import withheld_line
from agent.interview import build_interview
from agent.language import load_identifier
from agent.phase_agent import PhaseAgent
from agent.phases import make_phase_agent
from agent.prompts import render
from agent.resume import build_resume
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.agent.test_turns import always, make
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.session import settle

SPANISH = "Prefiero hablar en español durante la entrevista, si no te importa, porque me expreso mejor"
# Spanish the language identifier is sure of (``MIN_CONFIDENCE``): heard by a job that has not asked, it asks.
CODING = "Para cada número miro si el complemento ya está en el diccionario, y si no lo guardo"
ANSWER = "Español, por favor, prefiero seguir la entrevista en español porque me expreso mucho mejor"
ASKED = "in both English and Spanish"  # the language question's note to the model (prompts/language_ask.md)


@pytest.fixture(autouse=True)
async def identifier() -> None:
    await asyncio.to_thread(load_identifier)


async def _first_job(turns: list[str], replies: list[Any]) -> list[SessionEvent]:
    """The log a job left behind: ``turns`` said in the approach phase, recorded as the worker records them."""
    state, sink = make(always("reply"))
    model = FakeLLM([say("Hi."), *replies])
    async with AgentSession[InterviewState](llm=model, userdata=state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, state))
        capture = attach_capture(session, sink, state.elapsed_s)
        for text in turns:
            await (await text_turn(session, text))  # type: ignore[misc]
        capture.detach()
    return [
        SessionEvent(seq=i, type=e["type"], t=e["t"], idempotency_key=e["key"], payload=e["payload"])
        for i, e in enumerate(sink.events, 1)
    ]


def _resumed(events: list[SessionEvent]) -> tuple[PhaseAgent, InterviewState, FakeSink]:
    resume = build_resume(events)
    assert resume is not None
    sink = FakeSink()
    agent, state = build_interview(make_context(), api=None, recorder=sink, clock=ManualClock(),
                                   channel=FakeChannel(), settings=test_settings(), resume=resume,
                                   classifier=always("reply"))  # fmt: skip
    return agent, state, sink


def _asked(model: FakeLLM) -> int:
    return sum(
        any(ASKED in (i.text_content or "") for i in r["chat_ctx"].items if i.type == "message")
        for r in model.requests
    )


async def test_a_restarted_job_goes_on_in_the_language_the_candidate_switched_to():
    """The switch was recorded (``language_switched``) but a restarted job started again from the session's language:
    the worker built the speech-to-text from it (``state.interview_language``), so the rest of the graded transcript
    came from an English model; the instructions and the scripted lines went back to English, and a Spanish turn got
    the language question a second time."""
    events = await _first_job(
        [SPANISH, "Español, por favor."],
        [
            say("English or Spanish? ¿Inglés o español?"),
            call("set_language", language="es"),
            say("Perfecto."),
        ],
    )
    kinds = [e.payload["kind"] for e in events if e.type == "note"]
    assert "language_mismatch" in kinds and "language_switched" in kinds

    agent, state, sink = _resumed(events)
    assert state.interview_language == "es"  # what the worker builds the speech-to-text with
    assert "Speak Spanish throughout" in agent.instructions
    # Where the first job was: the notes line goes on as the approach does.
    assert state.phase == Phase.APPROACH
    assert withheld_line(state) == f"{render('notes_withheld_es')} {render('withheld_then_approach_es')}"
    assert "set_language" not in [getattr(t, "id", None) for t in agent.tools]  # switched once, for good
    model = FakeLLM([say("Seguimos."), say("Claro.")])
    async with AgentSession[InterviewState](llm=model, userdata=state) as session:
        await session.start(agent)
        await settle(session)  # the resumed reply first, then the candidate's turn
        await (await text_turn(session, CODING))  # type: ignore[misc]
    assert _asked(model) == 0
    assert not [e for e in sink.of_type("note") if e["payload"]["kind"] == "language_mismatch"]
    for request in model.requests:  # the resumed reply's and the turn's
        assert any("Speak Spanish throughout" in (i.text_content or "") for i in request["chat_ctx"].items
                   if i.type == "message" and i.role == "system")  # fmt: skip


async def test_a_question_asked_before_the_restart_is_not_asked_again_and_its_answer_still_switches():
    """The job stopped after asking which language to use and before the answer: the restarted job asked again, and
    its ``set_language`` refused the answer (it is offered only once the question is asked)."""
    events = await _first_job([SPANISH], [say("English or Spanish? ¿Inglés o español?")])
    kinds = [e.payload["kind"] for e in events if e.type == "note"]
    assert "language_mismatch" in kinds and "language_switched" not in kinds

    agent, state, sink = _resumed(events)
    assert state.interview_language == "en" and state.language_watch.asked
    assert "set_language" in [getattr(t, "id", None) for t in agent.tools]
    model = FakeLLM(
        [say("Bienvenido de nuevo."), call("set_language", language="es"), say("Perfecto, en español.")]
    )
    async with AgentSession[InterviewState](llm=model, userdata=state) as session:
        await session.start(agent)
        await settle(session)  # the resumed reply first, then the candidate's turn
        await (await text_turn(session, ANSWER))  # type: ignore[misc]
    assert _asked(model) == 0
    assert not [e for e in sink.of_type("note") if e["payload"]["kind"] == "language_mismatch"]
    assert state.interview_language == "es"
    switched = [e["payload"] for e in sink.of_type("note") if e["payload"]["kind"] == "language_switched"]
    assert switched == [{"kind": "language_switched", "from": "en", "to": "es"}]
