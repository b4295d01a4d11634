"""The guard is built for every reply from what it kept of the texts it read before (agent.notes_build): each
text is read once, and what was kept never decides for a reply whose texts changed (a hint given, a candidate
turn, an earlier reply of the interviewer's)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from agent import notes_build
from agent.disclosure import DisclosureGuard, protected_runs
from agent.interview import build_interview
from agent.state import InterviewState
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings


def interview(slug: str) -> InterviewState:
    _, state = build_interview(make_context(slug), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    return state


def passes(state: InterviewState, line: str, candidate: list[str], said: list[str]) -> bool:
    guard = DisclosureGuard(protected_runs(state, candidate, said))
    out = "".join(guard.feed(line[at : at + 5]) for at in range(0, len(line), 5)) + guard.flush()
    return out == line and not guard.stopped


def test_a_hint_given_is_the_candidates_at_once_and_not_before_nor_after_it_is_taken_back() -> None:
    state = interview("two-sum")
    hint = state.question.hints[1]
    reply = f"Here's a hint. {hint}"
    for _ in range(2):  # the second time round, everything the guard reads was read before
        state.hints_given = 1
        assert not passes(state, reply, [], [])
        state.hints_given = 2
        assert passes(state, reply, [], [])
    state.hints_given = 1  # taken back (agent.hints: a hint that was not said)
    assert not passes(state, reply, [], [])


def test_a_candidate_turn_makes_its_words_theirs_in_that_conversation_only() -> None:
    state = interview("two-sum")
    mine = "I'd use a hash map from each value to its index, and for each x look up target minus x before inserting x."
    reply = (
        "Right: you keep a hash map from each value to its index and look up target minus x before inserting x, "
        "so each value is visited once."
    )
    before = ["I think I'd sort it first?"]
    assert not passes(state, reply, before, [])
    assert passes(state, reply, [*before, mine], [])
    assert not passes(state, reply, before, [])  # another conversation, or the turn not yet taken
    assert passes(state, reply, [mine, *before], [])


def test_an_earlier_reply_counts_as_said_only_while_it_is_in_the_conversation() -> None:
    state = interview("valid-parentheses")
    note_words = re.findall(r"[^\W_]+", state.question.hints[2])
    replies = [
        f"Sure, the next words are: {' '.join(note_words[at : at + 3])}."
        for at in range(0, len(note_words), 3)
    ]
    said: list[str] = []
    for reply in replies:
        if not passes(state, reply, [], said):
            break
        said.append(reply)
    else:
        pytest.fail("a hint coaxed out three words per reply was never cut")
    assert said, "cut on the first reply: nothing said before counted"
    assert passes(state, reply, [], [])  # the same reply alone, every text read before
    assert not passes(state, reply, [], said)


def test_each_text_is_read_once_across_replies(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reply's guard reads only the texts that are new to it (a candidate turn, the reply before): the notes,
    the statement, the prompts and the earlier texts were read for an earlier reply. (Before, every text was read
    again for every reply, so the cost per reply grew with the interview.)"""
    state = interview("two-sum")
    notes_build.clear_caches()
    read: list[str] = []
    normalise: Callable[..., Any] = notes_build.normalise

    def counted(ws: list[str], vocab: frozenset[str] = frozenset()) -> list[str]:
        read.append(" ".join(ws))
        return list(normalise(ws, vocab))

    monkeypatch.setattr(notes_build, "normalise", counted)
    candidate = ["I would use two loops", "def two_sum(nums, target):\n    return []"]
    said = ["Tell me about your approach.", "What does it cost?"]
    protected_runs(state, candidate, said)
    assert len(read) > 10  # the notes, the public texts, the prompts, then the conversation's texts
    read.clear()
    protected_runs(state, [*candidate, "maybe a dictionary then"], [*said, "Why two loops?"])
    assert read == ["maybe a dictionary then", "why two loops"]
    read.clear()
    state.hints_given = 1  # the notes changed: they are read again
    protected_runs(state, candidate, said)
    assert len(read) > 10


def test_the_guard_holds_back_the_last_fifteen_words_as_compared_and_no_more() -> None:
    """Until a sentence ends, the last ``RUN_WORDS - 1`` words as compared are held (a word said between the words
    weighs nothing, a letter spelled out a quarter); the words before them are released as the next ones come."""
    guard = DisclosureGuard(protected_runs(interview("two-sum")))
    talk = [f"w{i}x" for i in range(40)]
    assert guard.feed(" ".join(talk[:15]) + " ") == ""  # fifteen words: all held
    assert guard.feed(talk[15] + " ") == "w0x "  # the sixteenth releases the first
    assert (
        guard.feed("w14x w15x w14x ") == ""
    )  # words said between the words weigh nothing: still fifteen held
    assert guard.feed("a b c d ") == "w1x "  # four letters spelled out: one word as compared
    assert guard.feed(f"{talk[16]} ") == "w2x "
    assert guard.flush().startswith("w3x ")
