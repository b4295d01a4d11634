"""A verb of leaving said about the work or about leaving, told apart by what follows it.

"Go", "run", "leave", "drop", "head out", "hop off" ask to end the interview only with nothing after them but the
end of the phrase, words of time ("now", "right now", "soon"), an apology or goodbye, the call, or a reason ("for a
meeting", "something came up"). A review found "I need to go now through the second loop" read as leaving: any
word after "now" was taken for the end of the phrase, and so was any pause, one filled with a hesitation ("I need
to run, uh, the tests") or not ("I need to go, one level up", "gotta run... one more time"). A yes to "shall we
stop here?" would then end an interview the candidate never asked to end, and the rule's True also stood as the
yes itself in `confirms`. Generated over verbs x complements x positions (start, middle, end of a turn), with
hesitations and pauses, each in the 8 transcriptions of `_variants`.
"""

from __future__ import annotations

import itertools

import pytest

from agent.addressing import asks_to_end, confirms, explicit_request
from tests.agent.test_transcript_forms import _variants

MUST = ["I need to", "I have to", "I gotta", "gotta", "I'll have to", "I'm gonna have to", "we have to"]
WANT = ["I want to", "I'm going to", "let's", "we should"]

# A verb with what makes it about the work.
WORK = [
    "go through the second loop", "go over the edge cases", "go back to the helper", "go into the recursion",
    "go with a hash map", "go ahead and run it", "go left in the tree", "go to the next index", "go deeper",
    "run the tests", "run it again", "run through an example", "run this one more time", "run the code",
    "leave it as is", "leave the loop early", "leave that for later", "drop the second loop", "drop duplicates",
    "drop this approach", "head back to the main function", "head into the else branch", "hop over the null node",
    "go one level up", "go the other way", "go to the meeting point", "go to the class definition",
    "go for a meeting of the two pointers", "drop my connection pool", "leave the door open", "run below zero",
]  # fmt: skip
# Where the work words sit against the verb: right after it, after "now", after a hesitation, after a pause or a stop
# (STTs put one where the speaker stops to think).
SPLITS = [
    "{v} {c}", "{v} now {c}", "{v}, uh, {c}", "{v} um {c}", "{v} now, {c}", "{v} right now and then {c}", "{v}, {c}",
    "{v}... {c}", "{v} - {c}", "{v}. {c}",
]  # fmt: skip
# Where the phrase sits in the turn.
POSITIONS = ["{p}", "Okay so {p}", "Hmm. So {p}, and then we return the count", "{p}. Does that make sense?"]


def _split(phrase: str) -> tuple[str, str]:
    verb = "head" if phrase.startswith("head") else phrase.split()[0]
    return verb, phrase[len(verb) + 1 :]


# Each phrase in each split, the positions in turn (every position meets every asker, phrase and split).
WORK_TALK = [
    POSITIONS[(a + w + s) % len(POSITIONS)].format(p=f"{asker} {split.format(v=verb, c=rest)}")
    for (a, asker), (w, phrase), (s, split) in itertools.product(
        enumerate([*MUST, *WANT]), enumerate(WORK), enumerate(SPLITS)
    )
    for verb, rest in [_split(phrase)]
]

# A verb of leaving and what may follow it.
VERBS = ["go", "run", "leave", "head out", "hop off", "drop off", "get going"]
TAILS = [
    "", " now", " right now, sorry", ", sorry.", " now, bye", " soon", " early today", " in five minutes",
    " for a meeting", " now for a meeting", " to an appointment", ", something came up.", " now, my kid is calling",
    " off the call", " real quick, thanks",
]  # fmt: skip
LEAVE_POSITIONS = [
    "{p}",
    "Um, {p}",
    "Okay that's the loop. Anyway {p}",
    "Sorry, {p}, can we continue tomorrow?",
]
LEAVING = [
    LEAVE_POSITIONS[(a + v + t) % len(LEAVE_POSITIONS)].format(p=f"{asker} {verb}{tail}")
    for (a, asker), (v, verb), (t, tail) in itertools.product(
        enumerate(MUST), enumerate(VERBS), enumerate(TAILS)
    )
]


def test_a_verb_of_leaving_about_the_work_never_asks_to_end() -> None:
    """3,410 turns in up to 8 transcriptions each (21,044 texts): before, 8,088 of these texts were read as asking
    to end (each one also a yes to "shall we stop here?" in `confirms`)."""
    taken = [
        v
        for turn in WORK_TALK
        for v in _variants(turn)
        if asks_to_end(v) is True or explicit_request(v) in ("leave", "give_up")
    ]
    assert taken == []


def test_a_verb_of_leaving_about_leaving_asks_to_end() -> None:
    """Every leaving turn, in every transcription (4,438 texts), asks to end: before, 1,152 did not ("for a
    meeting", "to an appointment", "That's the loop. Anyway gotta run" were left to the classifier)."""
    missed = [v for turn in LEAVING for v in _variants(turn) if asks_to_end(v) is not True]
    assert missed == []


@pytest.mark.parametrize(
    "words",
    [
        "I need to go now through the second loop",
        "I need to go now, through the second loop",
        "I need to run, uh, the tests again",
        "i have to go um through each element",
        "I have to go now and check the left child",
        "we have to leave now with the pointer at the end",
        "Sure, I need to drop, um, the sort.",
        "I need to go, one level up",
        "gotta run... one more time",
        "we go to the meeting point",
        "I need to leave the door open",
    ],
)
def test_after_the_verb_the_words_that_carry_it_on_make_it_work(words: str) -> None:
    for variant in _variants(words):
        assert asks_to_end(variant) is not True, variant
        assert confirms(variant) is not True, variant


@pytest.mark.parametrize(
    "words", ["I want to run", "I want to run.", "can I go now?", "let's run", "we should run"]
)
def test_a_phrase_that_may_be_a_start_or_leaving_goes_to_the_classifier(words: str) -> None:
    """Neither read as leaving nor refused outright: before, "I want to run" was refused (False), no classifier
    asked, when the model ended the interview."""
    for variant in _variants(words):
        assert asks_to_end(variant) is None, variant


@pytest.mark.parametrize(
    "words",
    [
        "I have to leave for a meeting",
        "Sorry, I have to go, can we continue tomorrow?",
        "I need to go to a meeting in five minutes",
        "i have to go my ride is here",
        "I have to go, it was nice talking to you",
        "Okay, that's the loop. Anyway, gotta run.",
    ],
)
def test_a_reason_or_a_goodbye_after_the_verb_is_leaving(words: str) -> None:
    """Before, these were left to the classifier (the first five had no word of time or pause the rule read)."""
    for variant in _variants(words):
        assert asks_to_end(variant) is True, variant
