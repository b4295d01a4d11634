"""The candidate's ways of leaving, however a transcript writes them, and a complexity read out letter by letter.

A review found requests to leave the rules did not read ("I gotta go", "gotta run", "I need to drop", "can we, like,
stop here"): while coding, such a turn went to the classifier, which may leave it unanswered, and when the model
called `end_interview` the rules refused it outright (`end_refused`, no classifier asked), so the candidate who had
to leave could not end the interview in words. It also found a complexity a transcript writes as said ("o n time",
"b i g o of n", "O(n squared)") refused while coding, where "O(n) time" was recorded. The rule now: a transcript's
spellings are read as the words once (agent.transcript_forms: colloquial and phonetic spellings, a word said letter by
letter, hedges between the words), and a request to leave is who asks ("I need to", "I'd like to", "gotta", "can
we") and a verb of leaving or stopping. Each case below is run in many generated transcriptions.
"""

from __future__ import annotations

import glob
import itertools
import re

import pytest
import yaml
from livekit.agents import AgentSession

from agent.addressing import asks_to_end, confirms, explicit_request
from agent.complexity_words import Part, said, stated
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from agent.transcript_forms import colloquial, normalize, spelled
from tests.agent.ending_support import ask_to_end_then_answer
from tests.agent.test_resume_restart import Job
from tests.agent.test_turns import THINKING
from tests.fakes.interview import ROOT, make_context
from tests.fakes.llm import FakeLLM, call, say

# Who asks, as transcripts write it; then the verb; then what may follow it.
ASKERS = [
    "I have to", "I've got to", "I got to", "I gotta", "gotta", "I need to", "I needa", "I hafta", "I must",
    "I'm gonna have to", "I'll have to", "I'm going to have to", "I really need to", "I kinda have to",
    "Sorry, I have to", "I think I need to", "I'm afraid I have to", "Unfortunately I need to", "I better",
]  # fmt: skip
LEAVE_VERBS = [
    "go",
    "leave",
    "drop",
    "drop off",
    "head out",
    "hop off",
    "log off",
    "run",
    "get going",
    "bounce",
]
TAILS = ["", " now", " right now", ", sorry.", " sorry about that", " soon", ". Bye!", " off the call"]
STOP_REQUESTS = [
    "Can we stop here?", "Can we, like, stop here?", "Could we maybe stop here", "I think we can stop here.",
    "Let's just stop here.", "I'd like to stop here.", "I wanna stop.", "I wanna end the interview.",
    "We should probably wrap up.", "Can we call it a day?", "I'm gonna have to end the call.", "I quit.",
    "I'm done for today.", "I'm out of here.", "I'm heading out, bye.", "Can I leave?", "Okay, see you later!",
]  # fmt: skip
SPANISH = ["Me tengo que ir.", "Ya me voy, gracias.", "Debo irme.", "Tengo que irme ya.", "tengo q irme"]


def _variants(text: str) -> list[str]:
    """How another STT (or speaker) writes the same words: lower case without punctuation, a hesitation, a word said
    twice, "um" at the start, contractions written out or without apostrophes, and a word read letter by letter."""
    words = text.split()
    plain = re.sub(r"[,.!;:?]", "", text).lower()
    variants = [
        text,
        plain,
        f"um {plain} uh",
        " ".join([words[0], "uh,", *words[1:]]),
        " ".join([words[0], *words]),
        text.replace("'", ""),
        text.replace("I'm", "I am").replace("I'll", "I will").replace("I've", "I have"),
        re.sub(r"\b(go|stop|leave|bye)\b", lambda m: " ".join(m.group(0)), plain, count=1),
    ]
    return list(dict.fromkeys(variants))


LEAVING = [f"{a} {v}{t}" for a, v, t in itertools.product(ASKERS, LEAVE_VERBS, TAILS)]


def test_every_transcript_of_leaving_asks_to_end() -> None:
    """1,520 phrasings, each in 8 transcriptions: before, 'I gotta go', 'gotta run', 'I need to drop', 'I really
    need to go' were not read (refused outright when the model called end_interview)."""
    missed = [
        v
        for words in [*LEAVING, *STOP_REQUESTS]
        for v in _variants(words)
        if asks_to_end(v) is not True
        or explicit_request(v) not in ("leave", "give_up")
        or confirms(v) is not True
    ]
    assert missed == []


@pytest.mark.parametrize("words", SPANISH)
def test_leaving_in_spanish_asks_to_end(words: str) -> None:
    for variant in _variants(words):
        assert asks_to_end(variant) is True, variant
        assert explicit_request(variant) == "leave", variant


@pytest.mark.parametrize(
    "words",
    ["I have to go, something came up.", "I need to drop, my kid is calling.", "Sorry, gotta run, the door."],
)
def test_leaving_followed_by_a_reason_is_never_refused_outright(words: str) -> None:
    """With the comma it is a request; a transcript without punctuation ("i have to go something came up") reads
    like "go through": the rules do not refuse it, the classifier decides."""
    assert asks_to_end(words) is True
    for variant in _variants(words):
        assert asks_to_end(variant) is not False, variant


@pytest.mark.parametrize(
    "words",
    ["I must skedaddle off to a meeting", "my ride is here gotta head home", "time for me to head home, bye"],
)
def test_words_of_leaving_the_rules_do_not_read_go_to_the_classifier(words: str) -> None:
    """A turn with a word of leaving that no rule reads is left to the classifier (None), never refused outright."""
    assert asks_to_end(words) is not False


# Coding talk that uses the same verbs: never a request to leave, in any transcription.
CODING_TALK = [
    "I need to go through the array once", "I have to go back and fix the loop", "now I need to go left in the tree",
    "I have to run the tests again", "I need to run it one more time", "we need to drop the last element",
    "I need to drop duplicates first", "I should drop this approach and use a heap", "I gotta run this again",
    "I need to go over the edge cases", "we have to go deeper in the recursion",
    "I have to leave the loop when we find it",
    "I'll leave it like this for now", "I want to leave that as is", "I need to head back to the helper",
    "I need to split the string on commas", "I'm off by one somewhere", "I'm out of ideas for the edge case",
    "we can stop when the pointers cross", "we should stop once we find the target",
    "I need to stop at the first duplicate",
    "I need to bail out early if the input is empty", "I think I'm going to go with a hash map",
    "I'm going to run a quick example", "I'm going to drop the sort", "let's go with the two pointer approach",
    "let's go through an example", "let's run through example two", "Done, let's run.", "let's drop that idea",
    "I need to finish this function", "I'll have to go through the list twice", "I have to go with O of n space",
    "I'm leaving the print in for now", "gotta handle negative numbers", "I got to the end of the array",
    "so I have to go to index i plus one", "I want to run", "let's go",
]  # fmt: skip


def _corpus() -> list[str]:
    lines: list[str] = []
    for path in sorted(glob.glob(str(ROOT / "questions" / "_calibration" / "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            lines += [str(e["C"]) for e in yaml.safe_load(f)["timeline"] if "C" in e]
    sentences = [s for line in lines for s in re.split(r"(?<=[.!?])\s+", line)]
    return list(dict.fromkeys([*lines, *sentences, *THINKING, *CODING_TALK]))


def test_ordinary_interview_speech_is_never_a_request_to_leave() -> None:
    """False positives, measured: every candidate line of the calibration transcripts (and each sentence of them),
    the turn table's thinking aloud and the coding talk above, each in 8 transcriptions."""
    taken = [
        v
        for line in _corpus()
        for v in _variants(line)
        if asks_to_end(v) is True or explicit_request(v) in ("leave", "give_up")
    ]
    assert taken == []


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("I gotta go", "i have to go"),
        ("im gonna hafta drop", "im going to have to drop"),
        ("gimme a hint", "give me a hint"),
        ("O.K. bye-bye", "okay bye"),
        ("i've got to run", "i have to run"),
    ],
)
def test_colloquial_spellings_read_as_their_words(text: str, norm: str) -> None:
    assert colloquial(normalize(text)) == norm


def test_a_word_said_letter_by_letter_is_read_as_the_word_only_when_a_rule_reads_it() -> None:
    words = {"big", "stop", "log"}
    assert spelled("b i g o of n", words) == "big o of n"
    assert spelled("b.i.g. o", words) == "big o"
    assert spelled("s-t-o-p", words) == "stop"
    assert spelled("o n time", words) == "o n time"  # no word: the letters stay
    assert spelled("i j k", words) == "i j k"
    assert spelled("n l o g n", words) == "n log n"


async def test_i_gotta_go_ends_the_interview_through_the_session() -> None:
    """Through the real session and tool, as an STT writes it: "um i gotta go" is asked to confirm (before: refused
    as not asked, `end_refused`, and the interview went on), and "yea" to "shall we stop here?" ends it."""
    job = await ask_to_end_then_answer("um i gotta go", "yea")
    assert job.state.ended and job.state.end_reason == "candidate_request"


def _claim_variants(time: str, space: str) -> list[str]:
    """A claim of ``time`` and ``space`` (as said aloud: "n", "one", "n squared") written the ways transcripts do."""
    return [
        f"it's o {time} time and o {space} space",
        f"so it is O {time} time, O {space} space",
        f"oh {time} time and o {space} space",
        f"b i g o of {time} time and b i g o of {space} space",
        f"b i g o {time} time and big o {space} space",
        f"bigo of {time} time and bigo of {space} space",
        f"O({time}) time and O({space}) space",
        f"um it's uh o {time} time and o {space} space",
    ]


@pytest.mark.parametrize(
    ("time", "space", "time_o", "space_o"),
    [
        ("n", "one", "O(n)", "O(1)"),
        ("n", "n", "O(n)", "O(n)"),
        ("n log n", "one", "O(n log n)", "O(1)"),
        ("n squared", "one", "O(n^2)", "O(1)"),
        ("log en", "one", "O(log n)", "O(1)"),
        ("m times n", "m times n", "O(m n)", "O(m n)"),
    ],
)
def test_a_claim_in_any_transcription_is_stated(time: str, space: str, time_o: str, space_o: str) -> None:
    """Before, "o n time", "oh n time", "b i g o n time", "bigo of n" and "O(n squared)" were not read: the claim
    was refused while coding, where "O of n time" was recorded."""
    parts: list[tuple[Part, str]] = [("time", time_o), ("space", space_o)]
    for words in _claim_variants(time, space):
        for part, value in parts:
            assert stated(words, part, value), (words, part)
            assert said(words, value), words


def test_a_spanish_letter_name_is_a_size() -> None:
    assert stated("es o de ene en tiempo", "time", "O(n)")
    assert stated("o de ene al cuadrado en tiempo", "time", "O(n^2)")


@pytest.mark.parametrize(
    ("words", "part", "value"),
    [
        ("tiempo n o m", "time", "O(m)"),  # Spanish "or" after a size
        ("o a time", "time", "O(a)"),  # "a" is a word
        ("so time o max of the two", "time", "O(max)"),
        ("es o de n en tiempo", "time", "O(n n)"),  # Spanish "en" after a size is no letter
        ("O(n squared) time", "time", "O(n)"),
        ("oh one more thing about time", "time", "O(1)"),  # "oh" before a number word is talk
    ],
)
def test_a_lone_o_or_a_letter_name_reads_no_claim_that_was_not_said(
    words: str, part: Part, value: str
) -> None:
    assert not stated(words, part, value)


async def test_a_claim_written_letter_by_letter_is_recorded_while_coding() -> None:
    job = Job(make_context())
    job.state.candidate_spoke = True
    fake = FakeLLM([say("Go ahead."), call("record_complexity", time="O(n)", space="O(1)"), say("Noted.")])
    async with AgentSession[InterviewState](llm=fake, userdata=job.state) as session:
        await session.start(make_phase_agent(Phase.CODING, job.state), capture_run=True)
        await session.run(user_input="so it's o n time and b i g o of one space")
    assert [
        e["payload"] for e in job.sink.of_type("note") if e["payload"]["kind"] == "complexity_claimed"
    ] == [{"kind": "complexity_claimed", "phase": "coding", "time": "O(n)", "space": "O(1)"}]


@pytest.mark.parametrize(
    "answer",
    [
        "yep, gotta go",
        "okey dokey",
        "alright then",
        "k",
        "sounds good to me",
        "yes sir",
        "yea",
        "Sip, gracias.",
    ],
)
def test_a_yes_in_any_spelling_confirms(answer: str) -> None:
    """The answer to "shall we stop here?": before, these were left to the classifier (and without one, the
    interview went on) where "yes" or "okay" ended it."""
    for variant in _variants(answer):
        assert confirms(variant) is True, variant


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("i wanna hint", "hint"),
        ("hint?", "hint"),
        ("maybe a small hint", "hint"),
        ("any tips", "hint"),
        ("can I have a clue?", "hint"),
        ("help", "stuck"),
        ("some help please", "stuck"),
    ],
)
def test_a_request_for_a_hint_or_help_in_other_words_is_one(words: str, kind: str) -> None:
    """While coding an explicit request is always answered; before, these went to the classifier, which may take
    them for thinking aloud, while "any hints" was answered."""
    for variant in _variants(words):
        assert explicit_request(variant) == kind, variant


@pytest.mark.parametrize(
    "words",
    ["I need a pointer to the head", "the tip of the stack", "the help function", "I have no clue yet"],
)
def test_such_words_in_a_sentence_are_no_request(words: str) -> None:
    for variant in _variants(words):
        assert explicit_request(variant) is None, variant


@pytest.mark.parametrize(
    ("words", "kind"),
    [("I'm givin' up", "give_up"), ("im givin up", "give_up"), ("I'm leavin now", "leave"),
     ("gotta get goin", "leave"), ("done", "finished"), ("all done.", "finished")],
)  # fmt: skip
def test_a_dropped_g_or_a_bare_done_is_read(words: str, kind: str) -> None:
    """Before: "I'm givin' up" was not "I'm giving up" (no request), and "done" alone went to the classifier."""
    for variant in _variants(words):
        assert explicit_request(variant) == kind, variant


@pytest.mark.parametrize(
    ("words", "kind"),
    [("can ya run it", "run"), ("could u give me a hint", "hint"), ("d'you think that works?", "question"),
     ("wouldja mind running it", "question"), ("whaddya think", "question"), ("dya have a hint", "hint"),
     ("Okay, see ya!", "leave")],
)  # fmt: skip
def test_you_said_or_typed_short_is_you(words: str, kind: str) -> None:
    """ "can ya run it" and "could u give me a hint" ask as "can you ..." does: before, they were not read."""
    for variant in _variants(words):
        assert explicit_request(variant) == kind, variant
