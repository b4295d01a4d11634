"""Words that go on with the work are not requests: a hint said no to ("I don't want a hint") is not a hint request,
and "okay stop, let me think" or "I give up on this approach" is not the candidate leaving or giving up, in the
rules (agent.addressing) and through the real path while coding (AgentSession, the turn decision, end_interview).
Each failed before: the hint rule read "want a hint" inside "I don't want a hint", a "stop" at the start of a turn
was a request to end whatever followed it, and "I give up" was giving up whatever it was on."""

from __future__ import annotations

from typing import Any

import pytest
from livekit.agents import AgentSession

from agent.addressing import asks_to_end, confirms, explicit_request
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.agent.test_turns import always, make
from tests.fakes.llm import FakeLLM, FakeResponse, call, say
from tests.fakes.session import settle

NO_HINT = [
    "I don't want a hint",
    "i do not want a hint",
    "No hint please.",
    "I dont need a hint, thanks",
    "Don't give me a hint.",
    "I don't want any hints yet",
    "I don't think I need a hint",
    "I'm not asking for a hint, just thinking",
    "I'd rather not get a hint",
    "No, I don't want a clue.",
    "No quiero una pista",
    "No necesito pistas, gracias",
    "No me des pistas",
]
STILL_A_HINT = [
    "I don't need a hint, but could you give me a clue?",
    "Can't you give me a hint?",
    "Don't you have a hint?",
    "Why don't you give me a hint",
    "No, hint please.",
    "Can I get a hint?",
    "¿Me das una pista?",
]
GOING_ON = [
    "Okay stop, let me think.",
    "ok stop. let me think",
    "Stop, stop, let me think.",
    "Okay, stop. Let me, um, think.",
    "Stop, wait, I see it.",
    "I give up on this approach.",
    "I'm giving up on recursion, let me use a stack.",
    "I give up on optimizing it",
    "I give up on that idea, let me try sorting first",
    "I am giving up on the two pointer approach",
    "Stop! Don't run it yet.",
    "stop, don't tell me the answer",
]
# Giving up asked about or supposed: a question to answer, never a request to end nor a yes to "shall we stop here?".
GIVING_UP_ASKED = ["Should I give up?", "What happens if I give up?", "should I just give up"]
STILL_LEAVING = [
    ("Stop.", "leave"),
    ("Okay stop, I need to go.", "leave"),
    ("Stop, bye!", "leave"),
    ("Let's stop here.", "leave"),
    ("I give up.", "give_up"),
    ("I give up on this problem", "give_up"),
    ("I give up on it.", "give_up"),
    ("I give up on this approach. Sorry, I need to go.", "leave"),
    ("I give up on trying.", "give_up"),
    ("I'm giving up on solving it", "give_up"),
    ("I give up on coding this", "give_up"),
    ("Okay stop, let me think, I'm leaving now.", "leave"),
]
# Said after the words of going on, what a turn says from its start is still heard: before, "stop, I think" or "I
# give up on recursion," in front of it hid "I'm done" from the rules, and the turn was no request at all.
FINISHED_AFTER = [
    "Stop, I think I'm done.",
    "stop. I think I'm finished",
    "I give up on recursion, I'm done.",
    "Hold on, let me think. Done.",
]

# Ending said no to, in the interviewer's two languages: neither a request nor a yes to "shall we stop here?". Before,
# "end the interview", "stop", "me voy" or "me rindo" inside them was one, and "please don't end the interview" in
# answer to that question ended it.
NO_END = [
    "Please don't end the interview.",
    "I don't want to stop the interview, I'm close",
    "do not end the call",
    "Let's not stop yet",
    "I'd hate to end the call now",
    "I would not like to end the session",
    "i dont wanna quit",
    "I'm not leaving",
    "We shouldn't stop here",
    "No need to wrap up, I'm good",
    "No quiero terminar la entrevista todavía",
    "No me voy, sigo aquí",
    "No me rindo",
    "no quiero parar ahora",
]
# Said with a negation and still a request to end: leaving said besides, a question, a "no" that answers something
# else and then leaves.
STILL_ENDING = [
    ("I don't want to stop, but I have to go.", "leave"),
    ("I'm not leaving, but can we stop the interview?", "leave"),
    ("Shouldn't we end the interview?", "leave"),
    ("You don't want to end the interview?", "leave"),
    ("¿No vamos a terminar la entrevista?", "leave"),
    ("No, me voy.", "leave"),
    ("No. Me rindo.", "give_up"),
    ("I won't go on, I give up.", "give_up"),
]


@pytest.mark.parametrize("words", NO_END)
def test_ending_said_no_to_is_neither_a_request_nor_a_yes(words: str) -> None:
    assert explicit_request(words) not in ("leave", "give_up")
    assert asks_to_end(words) is False
    assert confirms(words) is False  # to "shall we stop here?": they go on


@pytest.mark.parametrize(("words", "kind"), STILL_ENDING)
def test_ending_asked_for_beside_or_inside_a_negation_still_is(words: str, kind: str) -> None:
    assert explicit_request(words) == kind
    assert asks_to_end(words) is True


def test_the_ending_negation_rule_reads_a_long_turn_once() -> None:
    """Bounded like the hint's: each refusal looks its clause's end up among the turn's, found once per reading."""
    refusals = "i don't really want to stop the interview " * 150
    assert asks_to_end(refusals) is False
    # The question keeps its "end".
    assert asks_to_end(refusals + "you don't want to end the interview?") is True


@pytest.mark.parametrize("words", NO_HINT)
def test_a_hint_said_no_to_is_not_a_hint_request(words: str) -> None:
    assert explicit_request(words) != "hint"


@pytest.mark.parametrize("words", STILL_A_HINT)
def test_a_hint_asked_for_with_a_negation_in_the_question_is_still_one(words: str) -> None:
    assert explicit_request(words) == "hint"


@pytest.mark.parametrize("words", GOING_ON)
def test_stopping_to_think_or_dropping_an_approach_is_not_leaving(words: str) -> None:
    assert explicit_request(words) not in ("leave", "give_up")
    assert asks_to_end(words) is False
    assert confirms(words) is False  # to "shall we stop here?": they go on


@pytest.mark.parametrize("words", GIVING_UP_ASKED)
def test_giving_up_asked_about_is_a_question_not_giving_up(words: str) -> None:
    assert explicit_request(words) == "question"
    assert asks_to_end(words) is False
    assert confirms(words) is not True


@pytest.mark.parametrize(("words", "kind"), STILL_LEAVING)
def test_leaving_or_giving_up_said_with_those_words_still_is(words: str, kind: str) -> None:
    assert explicit_request(words) == kind
    assert asks_to_end(words) is True


@pytest.mark.parametrize("words", FINISHED_AFTER)
def test_what_is_said_after_going_on_with_the_work_is_still_read(words: str) -> None:
    assert explicit_request(words) == "finished"
    assert confirms(words) is not False  # to "shall we stop here?": never a no


def test_a_hint_asked_for_as_not_minding_one_is_a_request() -> None:
    for words in ("I wouldn't mind a hint.", "I would not mind a small hint actually", "don't mind a clue"):
        assert explicit_request(words) == "hint"


def test_the_negation_rule_reads_a_long_turn_once() -> None:
    """Bounded: a negation, two words of hedging, a verb, two determiners, the noun; a long run of them is read in
    one pass (what a turn may hold: agent.speech_budget, agent.turns MAX_TYPED_CHARS)."""
    turn = "i don't really actually " * 2_000 + "want a hint"
    assert explicit_request(turn) is None
    assert explicit_request(turn + ", but can I get a clue?") == "hint"


async def _decisions(texts: list[str]) -> list[dict[str, Any]]:
    """Each turn through the real path while coding, the classifier taking every one for thinking aloud."""
    state, sink = make(always("stay_silent"))
    async with AgentSession[InterviewState](
        llm=FakeLLM([say("Go ahead."), say("Sure.")]), userdata=state
    ) as s:
        await s.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        for text in texts:
            handle = await text_turn(s, text)
            if handle is not None:
                await handle
        await settle(s)
    return [e["payload"] for e in sink.of_type("note") if e["payload"]["kind"] == "turn_decision"]


async def test_while_coding_those_words_are_left_to_the_classifier_not_forced_as_requests():
    """Before: "I don't want a hint" was decided an explicit hint request and "okay stop, let me think" an explicit
    request to leave: answered at once, a thinking candidate interrupted, and the record's turn decisions said so."""
    notes = await _decisions(
        ["I don't want a hint", "Okay stop, let me think.", "I give up on this approach"]
    )
    assert [(n["reply"], n["reason"], n["request"]) for n in notes] == [(False, "classifier", None)] * 3


async def test_while_coding_a_request_said_after_going_on_is_answered_not_left_to_the_classifier():
    """Before: "I give up on recursion, I'm done" and "stop, I think I'm done" were no request (the going-on words in
    front hid "I'm done"), so a classifier that took them for thinking aloud left a candidate who had finished
    unanswered; and "I give up on trying" was no giving up."""
    notes = await _decisions(
        ["I give up on recursion, I'm done.", "Stop, I think I'm done.", "I give up on trying."]
    )
    assert [(n["reply"], n["reason"], n["request"]) for n in notes] == [
        (True, "explicit", "finished"),
        (True, "explicit", "finished"),
        (True, "explicit", "give_up"),
    ]


def _addressed_and_yes() -> FakeLLM:
    """A classifier that takes every turn as meant for the interviewer and answers yes to every question: the rules
    alone must keep the interview going."""

    def respond(_ctx: Any, tools: list[str]) -> FakeResponse:
        return call("answer", yes=True) if "answer" in tools else call("reply")

    return FakeLLM(responder=respond)


async def _end_asked(texts: list[str]) -> tuple[InterviewState, FakeLLM]:
    """Each turn while coding answered by a model that calls end_interview, then says a word."""
    classifier = _addressed_and_yes()
    state, _ = make(classifier)
    script = [say("Go ahead.")] + [r for _ in texts for r in (call("end_interview"), say("Okay."))]
    async with AgentSession[InterviewState](llm=FakeLLM(script), userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        for text in texts:
            handle = await text_turn(session, text)
            if handle is not None:
                await handle
        await settle(session)
    return state, classifier


def _notes(state: InterviewState) -> list[dict[str, Any]]:
    return [e["payload"] for e in state.recorder.of_type("note")]  # type: ignore[attr-defined]


async def test_okay_stop_let_me_think_after_shall_we_stop_does_not_end_the_interview():
    """Before: the answer to "shall we stop here?" was read as a yes (a request to stop), and the interview ended
    on a candidate who had asked for time to think. A classifier that would say yes is not asked."""
    state, classifier = await _end_asked(["I'd like to stop", "Okay stop, let me think."])
    assert not state.ended and state.phase == Phase.CODING
    ends = [(n["kind"], n.get("why")) for n in _notes(state) if n["kind"] in ("end_confirm", "end_refused")]
    assert ends == [("end_confirm", None), ("end_refused", "not_asked")]
    assert not [r for r in classifier.requests if "answer" in r["tools"]]


async def test_please_dont_end_the_interview_after_shall_we_stop_does_not_end_it():
    """Before: "please don't end the interview" answering "shall we stop here?" was read as a yes (the rule of ending
    read "end the interview" inside it), and a model that called end_interview on it ended the interview."""
    state, classifier = await _end_asked(
        ["I'd like to stop", "Please don't end the interview, I'm nearly there."]
    )
    assert not state.ended and state.phase == Phase.CODING
    ends = [(n["kind"], n.get("why")) for n in _notes(state) if n["kind"] in ("end_confirm", "end_refused")]
    assert ends == [("end_confirm", None), ("end_refused", "not_asked")]
    assert not [r for r in classifier.requests if "answer" in r["tools"]]


async def test_giving_up_on_an_approach_is_not_put_to_the_candidate_as_ending():
    """Before: "I give up on this approach" had the interviewer ask whether they wanted to end the interview."""
    state, classifier = await _end_asked(["I give up on this approach"])
    assert not state.ended
    ends = [(n["kind"], n.get("why")) for n in _notes(state) if n["kind"] in ("end_confirm", "end_refused")]
    assert ends == [("end_refused", "not_asked")]
    assert not [r for r in classifier.requests if "answer" in r["tools"]]
