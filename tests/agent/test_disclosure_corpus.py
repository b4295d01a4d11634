"""The private-notes guard never cuts the interviewer talking about the problem: every interviewer line in the
calibration transcripts, the scripted test conversations, the prompts and a set of plausible lines per question goes
through uncut (agent.disclosure; the corpus: tests/agent/interviewer_corpus.py). A transcript's lines, and a
question's plausible lines, are each said after the ones before them (the guard counts a note said across replies)."""

from __future__ import annotations

from agent.disclosure import DisclosureGuard, protected_runs
from agent.interview import build_interview
from agent.state import InterviewState
from tests.agent.interviewer_corpus import (
    SLUGS,
    calibration_lines,
    plausible_lines,
    prompt_lines,
    scripted_lines,
)
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings


def interview(slug: str) -> InterviewState:
    _, state = build_interview(make_context(slug), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    return state


def passes(state: InterviewState, line: str, candidate: list[str], said: list[str] | None = None) -> bool:
    guard = DisclosureGuard(protected_runs(state, candidate, said or []))
    out = "".join(guard.feed(line[at : at + 5]) for at in range(0, len(line), 5)) + guard.flush()
    return out == line and not guard.stopped


def test_no_calibration_transcript_line_is_cut() -> None:
    checked = 0
    states: dict[str, InterviewState] = {}
    for cal in calibration_lines():
        if cal.source not in states:  # one interview per transcript (setdefault would build one per line)
            states[cal.source] = interview(cal.slug)
        state = states[cal.source]
        state.hints_given = cal.hints_given
        assert passes(state, cal.line, list(cal.candidate), list(cal.said)), (cal.source, cal.line)
        checked += 1
    assert checked >= 90


def test_no_scripted_test_line_nor_prompt_line_is_cut_for_any_question() -> None:
    lines = scripted_lines() + prompt_lines()
    assert len(lines) >= 150
    for slug in SLUGS:
        state = interview(slug)
        cut = [line for line in lines if not passes(state, line, [])]
        assert cut == [], (slug, cut)


def test_no_plausible_interviewer_line_is_cut() -> None:
    lines = plausible_lines()
    assert set(lines) == set(SLUGS)
    for slug, said in lines.items():
        state = interview(slug)
        cut = [line for at, line in enumerate(said) if not passes(state, line, [], said[:at])]
        assert cut == [], (slug, cut)
