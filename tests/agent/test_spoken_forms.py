"""The rules that read the candidate's words read the same words the same however the transcript writes them: a
request to stop, a yes to "shall we stop here?", "I give up", any explicit request while coding (a hint, a run),
and a complexity claim.

Speech-to-text models differ in what they write for the same words: sounds of hesitation ("um", "uh"), the commas
and stops put at a pause ("I need to, uh, stop."), a word said twice, contractions written out or without their
apostrophe ("I am giving up", "im done"), lower case with no punctuation at all. None of it changes what was asked.
Before, the rules read the transcript as written: "I need to, uh, stop." was taken as not asking to end (no
classifier asked, the model's `end_interview` refused), "um, yeah" to "shall we stop here?" was left unconfirmed,
and "I'm giving up" was not recognised at all, while the same words transcribed cleanly ended the interview.
"""

from __future__ import annotations

import re

import pytest
from livekit.agents import AgentSession

from agent.addressing import asks_to_end, confirms, explicit_request
from agent.complexity_words import Part, stated
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from tests.agent import test_end_confirmation as confirmation
from tests.agent.ending_support import ask_to_end_then_answer
from tests.agent.test_turns import EXPLICIT, THINKING
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, call, say


def _cases(test: object) -> list[str]:
    """The words a parametrised test of test_end_confirmation runs with (one list, read from its marker)."""
    [mark] = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
    return list(mark.args[1])


ASKS = [
    *_cases(confirmation.test_asking_to_stop_the_interview_still_is),
    "I give up.",
    "I'm giving up.",
    "I'm leaving.",
    "I have to go.",
    "Could we stop?",
    "Let's wrap up.",
    "Can we please stop?",
    "i need to stop something came up",
]
OTHER = _cases(confirmation.test_stopping_or_finishing_something_else_is_not_a_request_to_end_the_interview)
YESES = [*_cases(confirmation.test_a_plain_yes_confirms), "Yeah, I'm done.", "Okay."]
NOS = _cases(confirmation.test_a_no_refuses)


def _variants(text: str) -> list[str]:
    """How other STT models (or another speaker) may write the same words."""
    words = text.split()
    plain = re.sub(r"[,.!;:]", "", text).lower()
    variants = [
        plain,  # lower case, no punctuation but a question's mark
        " ".join([words[0], "um,", *words[1:]]),  # a hesitation after the first word
        " ".join([*words[:-1], "uh...", words[-1]])
        if len(words) > 1
        else f"Uh, {text}",  # one before the last
        "Um, " + text[0].lower() + text[1:],
        " ".join([words[0], *words]),  # the first word said twice
        text + " Um.",
        text.replace("'", ""),  # no apostrophes
        text.replace("I'm", "I am")
        .replace("i'm", "i am")
        .replace("Let's", "Let us")
        .replace("let's", "let us"),
    ]
    return [v for v in dict.fromkeys(variants) if v != text]


@pytest.mark.parametrize("words", ASKS)
def test_every_transcript_of_a_request_to_stop_asks_to_end(words: str) -> None:
    assert asks_to_end(words) is True
    for variant in _variants(words):
        assert asks_to_end(variant) is True, variant
        assert explicit_request(variant) in ("leave", "give_up"), variant


@pytest.mark.parametrize("words", OTHER)
def test_no_transcript_of_stopping_something_else_asks_to_end(words: str) -> None:
    """Dropping hesitations and pauses makes nothing a request that was not one: "let's, um, stop using the dict"
    reads "let's stop using the dict", still a gerund."""
    for variant in [words, *_variants(words)]:
        assert asks_to_end(variant) is not True, variant
        assert explicit_request(variant) != "leave", variant


@pytest.mark.parametrize("answer", YESES)
def test_every_transcript_of_a_plain_yes_confirms(answer: str) -> None:
    for variant in [answer, *_variants(answer)]:
        assert confirms(variant) is True, variant


@pytest.mark.parametrize("answer", NOS)
def test_every_transcript_of_a_no_refuses(answer: str) -> None:
    for variant in [answer, *_variants(answer)]:
        assert confirms(variant) is False, variant


@pytest.mark.parametrize(
    "answer",
    ["Okay, um, hold on a second.", "sure uh let me just finish this loop first", "yeah, um... in a minute"],
)
def test_a_yes_that_goes_on_is_still_not_a_plain_yes_with_hesitations(answer: str) -> None:
    assert confirms(answer) is not True


def test_an_affirming_sound_is_not_dropped_as_a_hesitation() -> None:
    """ "mhm" and "uh-huh" are left to the classifier, not read as empty (nor as a yes by the rules)."""
    assert confirms("uh-huh") is None
    assert confirms("mhm") is None


async def test_a_hesitant_request_and_yes_end_the_interview_through_the_session() -> None:
    """Through the real session and tool: "I need to, uh, stop." is asked to confirm (before: refused as not asked,
    nothing to confirm), and "Um, yeah." to "shall we stop here?" ends it (before: the interview went on)."""
    job = await ask_to_end_then_answer("I need to, uh, stop.", "Um, yeah.")
    assert job.state.ended and job.state.end_reason == "candidate_request"


def test_a_stop_the_object_rule_alone_refuses_is_left_to_the_classifier() -> None:
    """Without punctuation "I need to stop, the kids are calling" reads as stopping "the kids": the rules do not
    refuse it outright (False, no classifier asked), they leave it to the classifier (None), as they do the
    punctuated "let's finish this loop first"; with the comma it is a request."""
    assert asks_to_end("I need to stop, the kids are calling") is True
    assert asks_to_end("i need to stop the kids are calling") is None
    assert asks_to_end("Let's finish this loop first, then test.") is None
    assert asks_to_end("I think the loop is fine.") is False


# The same rule in the words a complexity claim is read from (agent.complexity_words): a hesitation between the
# notation's words is no word of the claim.
HESITANT_CLAIM = "So it's, um, O of, uh, n time and, er, O of uh one space."


@pytest.mark.parametrize(
    ("words", "part", "value"),
    [
        (HESITANT_CLAIM, "time", "O(n)"),
        (HESITANT_CLAIM, "space", "O(1)"),
        ("it is big O of um n log n for the uh runtime", "time", "O(n log n)"),
        ("es o de eh n en tiempo", "time", "O(n)"),
    ],
)
def test_a_claim_with_hesitations_is_stated(words: str, part: Part, value: str) -> None:
    assert stated(words, part, value)


def test_a_size_that_looks_like_a_hesitation_inside_notation_is_kept() -> None:
    assert stated("O(hm) time", "time", "O(hm)")
    assert not stated("O(hm) time", "time", "O(m)")


async def test_a_hesitant_claim_while_coding_is_recorded_through_the_session() -> None:
    """Before, "O of, uh, n time" was refused while coding ("not said"), and the record had no claim of theirs."""
    sink = FakeSink()
    _, state = build_interview(make_context(), api=None, recorder=sink, clock=ManualClock(),
                               channel=FakeChannel(editor_connected=True), settings=test_settings())  # fmt: skip
    state.candidate_spoke = True
    fake = FakeLLM([say("Go ahead."), call("record_complexity", time="O(n)", space="O(1)"), say("Noted.")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        await session.run(user_input=HESITANT_CLAIM)
    assert [e["payload"] for e in sink.of_type("note") if e["payload"]["kind"] == "complexity_claimed"] == [
        {"kind": "complexity_claimed", "phase": "coding", "time": "O(n)", "space": "O(1)"}
    ]


@pytest.mark.parametrize("words", EXPLICIT)
def test_every_transcript_of_an_explicit_request_is_the_same_request(words: str) -> None:
    """While coding, "can you, um, give me a hint" is answered as "can you give me a hint" is, whatever the
    classifier says (its `turn_decision` note names the request either way)."""
    kind = explicit_request(words)
    assert kind is not None
    for variant in _variants(words):
        assert explicit_request(variant) == kind, variant


@pytest.mark.parametrize("words", THINKING)
def test_no_transcript_of_thinking_aloud_is_taken_for_a_request(words: str) -> None:
    for variant in [words, *_variants(words)]:
        assert explicit_request(variant) is None, variant


@pytest.mark.parametrize(
    "answer",
    [
        "Yeah, no problem.",
        "Sure, no worries, bye!",
        "No problem, let's stop.",
        "Okay, no more questions, thanks.",
        "Yes, no further questions from me.",
        "Sí, no hay problema.",
        "Vale, sin problema, gracias.",
    ],
)
def test_a_yes_with_a_no_that_refuses_nothing_confirms(answer: str) -> None:
    """ "No problem", "no worries", "no more questions" say no to nothing: before, any "no" in the answer to "shall
    we stop here?" refused (the question closed, the interview went on), unless it began with "yes". Not "No no
    problem, let's stop" (the first word said twice): a "no" of its own may be in it, and it stays a no."""
    for variant in [answer, *_variants(answer)]:
        if variant.lower().startswith("no no"):
            assert confirms(variant) is False, variant
            continue
        assert confirms(variant) is True, variant


@pytest.mark.parametrize(
    "answer",
    [
        "No, no problem, let's keep going.",
        "Yeah no, let me keep going.",
        "No worries, but not yet.",
        "No, sin problema",
    ],
)
def test_a_no_beside_such_words_still_refuses(answer: str) -> None:
    assert confirms(answer) is False


def test_such_words_alone_are_left_to_the_classifier() -> None:
    assert confirms("No problem.") is None
    assert confirms("no questions") is None


@pytest.mark.parametrize("words", ["Any hints?", "Another hint?", "¿Alguna pista?", "A hint, please?"])
def test_a_hint_asked_for_without_a_question_mark_is_still_asked_for(words: str) -> None:
    """A transcript that writes no question mark ("any hints", "um, another hint") asks as "Any hints?" does: before,
    it went to the classifier, which may take it for thinking aloud and leave it unanswered."""
    assert explicit_request(words) == "hint"
    for variant in [words.replace("?", ""), "um " + words.replace("?", "").lower(), *_variants(words)]:
        assert explicit_request(variant) == "hint", variant


@pytest.mark.parametrize(
    "words", ["so any hint would be about the map", "the hint", "there is a hint in the title"]
)
def test_a_hint_in_a_sentence_is_not_a_request(words: str) -> None:
    assert explicit_request(words) is None
