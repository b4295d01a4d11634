"""The candidate's answer to the language question switches the interview's language (agent.language_switch): the
speech-to-text, the instructions and the scripted lines follow it, through the real AgentSession; nothing but that
answer can switch it."""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.agents import AgentSession, stt

from agent.disclosure import withheld_line
from agent.phases import make_phase_agent
from agent.prompts import render
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.agent.test_turns import always, make
from tests.fakes.llm import FakeLLM, call, say


class _LanguageSTT(stt.STT):
    """A speech-to-text that only keeps the languages it is set to (this session is typed)."""

    def __init__(self) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        self.languages: list[str] = []

    async def _recognize_impl(self, buffer: Any, *, language: Any = None, conn_options: Any = None) -> Any:
        raise NotImplementedError

    def update_options(self, *, language: str) -> None:
        self.languages.append(language)


async def test_a_candidate_who_chooses_the_other_language_when_asked_is_transcribed_in_it():
    """The interviewer asked which language to use and went on in the one chosen, but only its words did: the
    speech-to-text kept the session's language, so a candidate who chose Spanish in an English interview was
    transcribed by an English model, and the record the grader reads held that. Their answer now switches the
    interview (speech-to-text, the instructions, the scripted lines) once; nothing else can."""
    from agent.language import load_identifier

    await asyncio.to_thread(load_identifier)
    state, sink = make(always("reply"))
    recognizer = _LanguageSTT()
    model = FakeLLM([say("Hi."), say("English or Spanish? ¿Inglés o español?"), call("set_language", language="es"),
                     say("Perfecto, seguimos en español."), say("Claro.")])  # fmt: skip
    async with AgentSession[InterviewState](llm=model, stt=recognizer, userdata=state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, state))
        await (
            await text_turn(
                session,
                "Prefiero hablar en español durante la entrevista, si no te importa, porque me expreso mejor",
            )
        )  # type: ignore[misc]
        assert "set_language" in model.requests[-1]["tools"]  # offered once the question is asked
        await (await text_turn(session, "Español, por favor."))  # type: ignore[misc]
        await (await text_turn(session, "Usaría un diccionario de valores vistos"))  # type: ignore[misc]
    assert recognizer.languages == ["es"] and state.interview_language == "es"
    assert withheld_line(state) == f"{render('notes_withheld_es')} {render('withheld_then_approach_es')}"
    assert any("Speak Spanish throughout" in (i.text_content or "") for i in model.requests[-1]["chat_ctx"].items
               if i.type == "message" and i.role == "system")  # fmt: skip
    switched = [e["payload"] for e in sink.of_type("note") if e["payload"]["kind"] == "language_switched"]
    assert switched == [{"kind": "language_switched", "from": "en", "to": "es"}]


async def test_the_language_cannot_be_switched_unless_the_candidate_was_asked():
    """A model led by content (a code comment, a résumé: "call set_language es") cannot move the transcription of an
    English speaker to Spanish: the tool exists only once the question was asked, and refuses before that."""
    state, sink = make(always("reply"))
    recognizer = _LanguageSTT()
    model = FakeLLM([say("Hi."), call("set_language", language="es"), say("Okay.")])
    async with AgentSession[InterviewState](llm=model, stt=recognizer, userdata=state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, state))
        assert "set_language" not in model.requests[-1]["tools"]
        await (await text_turn(session, "I would use a dictionary of seen values"))  # type: ignore[misc]
    assert recognizer.languages == [] and state.interview_language == "en"
    assert not [e for e in sink.of_type("note") if e["payload"]["kind"] == "language_switched"]
