"""A question about ending is not a request to end (agent.end_questions): "what happens if I stop?", "if I give up
now, do I fail?", "would stopping count against me?", "¿qué pasa si me rindo?" are read by the rules as questions to
the interviewer, answered without asking the classifier model, never a request to end nor a yes to "shall we stop
here?". Before, "what happens if I stop the interview?" and "¿qué pasa si me rindo?" were requests to end (and a
yes: answering "shall we stop here?" with either ended the interview), and the others went to the classifier while
coding, which could leave the candidate's question unanswered. Requests to end said with such a question are still
requests."""

from __future__ import annotations

import pytest
from livekit.agents import AgentSession, llm

from agent.addressing import asks_to_end, confirms, explicit_request
from agent.end_questions import asks_about_ending
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from agent.turn_classifier import TurnClassifier
from agent.turns import decide, text_turn
from tests.agent.ending_support import ask_to_end_then_answer
from tests.agent.test_resume_restart import _notes
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.session import make_interview, settle

QUESTIONS = [
    "If I give up now do I fail?",
    "If I give up now, do I fail?",
    "what happens if I stop",
    "What happens if I stop the interview?",
    "What would happen if I just stopped here?",
    "Would stopping count against me?",
    "Does it count against me if I leave early?",
    "Do I fail if I give up?",
    "Will I fail if I quit now?",
    "Is giving up an automatic fail?",
    "Would it hurt my chances if I stopped here?",
    "If we end now, what happens to my application?",
    "um, if I, uh, give up, do I fail?",
    "¿Qué pasa si me rindo?",
    "Si me rindo ahora, ¿repruebo?",
    "¿Cuenta en mi contra si termino ahora?",
    "¿Rendirme ahora cuenta en mi contra?",
    "¿Qué pasaría si lo dejo aquí?",
]

REQUESTS = [
    ("I need to stop, does that count against me?", "leave"),
    ("I give up. Does that count against me?", "give_up"),
    ("Me rindo, ¿eso cuenta en mi contra?", "give_up"),
    ("Can we stop here?", "leave"),
    ("I want to stop the interview.", "leave"),
    ("I need to stop the interview. What happens now?", "leave"),
    ("Quiero terminar la entrevista, ¿qué pasa ahora?", "leave"),
    # The condition first, then a request or leave asked, no cost (read out, they asked to end nothing).
    ("If I stop now, can we end the interview?", "leave"),
    ("If we end the interview now, is that fine?", "leave"),
]


@pytest.mark.parametrize("words", QUESTIONS)
def test_a_question_about_what_ending_would_cost_is_a_question_not_a_request_to_end(words: str) -> None:
    assert asks_about_ending(words)
    assert explicit_request(words) not in ("leave", "give_up")
    assert asks_to_end(words) is False
    assert confirms(words) is False  # to "shall we stop here?": no yes


@pytest.mark.parametrize(("words", "kind"), REQUESTS)
def test_a_request_to_end_said_with_such_a_question_still_asks_to_end(words: str, kind: str) -> None:
    assert explicit_request(words) == kind
    assert asks_to_end(words) is True


@pytest.mark.parametrize(
    "words",
    [
        "if I stop the loop at n minus one, it works",
        "if I stop now I lose my train of thought",
        "is it okay if I leave now?",  # asking leave to go: a request, not a question of its cost
        "if I leave now, is that okay?",  # the same, the condition first
        "what if we stop here?",
        "stopping early when the pointers cross saves time",
    ],
)
def test_conditions_that_ask_no_cost_of_ending_are_not_read_as_such_questions(words: str) -> None:
    assert not asks_about_ending(words)


async def test_while_coding_the_question_is_answered_without_asking_the_classifier() -> None:
    """Before: the turn went to the classifier model, which took it for thinking aloud here, and the candidate's
    question went unanswered."""
    for words in ("If I give up now, do I fail?", "¿Qué pasa si me rindo?"):
        classifier = TurnClassifier(FakeLLM([call("stay_silent")]))
        decision = await decide(
            words, llm.ChatContext.empty(), quiet_phase=True, languages=("en", "es"), classifier=classifier,
            nonce="n",
        )  # fmt: skip
        assert (decision.reply, decision.reason, decision.kind) == (True, "explicit", "question")
        assert classifier.calls == 0

    state, _, _, _ = make_interview()
    state.candidate_spoke = True
    state.classifier = TurnClassifier(FakeLLM([call("stay_silent")]))
    answer = "No: stopping is your choice, and what you did is what is assessed."
    fake = FakeLLM([say("Go ahead."), say(answer)])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state))
        await settle(session)
        handle = await text_turn(session, "Would stopping now count against me?")
        assert handle is not None
        await handle
        await settle(session)
    assert state.classifier.calls == 0
    said = [i for i in session.history.items if isinstance(i, llm.ChatMessage) and i.role == "assistant"]
    assert (said[-1].text_content or "").strip() == answer


async def test_asking_what_stopping_would_cost_in_answer_to_shall_we_stop_here_ends_nothing() -> None:
    """The candidate asked to stop, was asked "shall we stop here?", and asked back what giving up would cost; the model
    called end_interview on it. Before: read as a yes (the Spanish one as giving up), it ended the interview."""
    for answer in ("¿Qué pasa si me rindo?", "What happens if I stop the interview?"):
        job = await ask_to_end_then_answer("I'd like to stop the interview now, please.", answer)
        assert not job.state.ended and job.finished == []
        assert [n["why"] for n in _notes(job.sink, "end_refused")] == ["not_asked"]
