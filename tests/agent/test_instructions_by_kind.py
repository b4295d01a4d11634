"""What the interviewer is told, and the lines it says in place of a withheld reply, per session kind and phase: true of
the session (no hiring team or hiring process in practice, no report in an unrecorded run), fitting the phase it is
in, and promising nothing it cannot keep. The kind is decided in one place (``InterviewState.session_kind``)."""

from __future__ import annotations

import copy
import functools

import pytest

from agent.disclosure import withheld_line
from agent.instructions import base_instructions, greeting_instructions, phase_instructions
from agent.outcome_claims import claim_in, outcome_line
from agent.prompts import PROMPTS, PROMPTS_DIR, render
from agent.state import InterviewState, Phase, SessionKind
from tests.agent.test_disclosure import interview
from tests.agent.test_outcome_claims import BEFORE_CODE, GOES_ON

KINDS = list(SessionKind)


@functools.cache
def _built() -> InterviewState:
    return interview("two-sum")


def _state(kind: SessionKind, phase: Phase = Phase.GREETING, language: str = "en") -> InterviewState:
    """One interview built once (settings and the bank question cost milliseconds each), copied per case: the copy's
    own kind, phase and language are plain fields, set here."""
    state = copy.copy(_built())
    state.practice, state.recording = kind != SessionKind.HIRING, kind != SessionKind.UNRECORDED
    state.phase, state.interview_language = phase, language
    return state


def _told(state: InterviewState, phase: Phase) -> str:
    """Everything a phase's agent is told: the base instructions and the phase's own (agent.phase_agent)."""
    return f"{base_instructions(state)}\n\n{phase_instructions(state, phase)}"


@pytest.mark.parametrize(
    ("recording", "practice", "kind"),
    [
        (True, False, SessionKind.HIRING),
        (True, True, SessionKind.PRACTICE),
        (False, True, SessionKind.UNRECORDED),
        # Nothing kept: no hiring team reviews it, whatever the flag says.
        (False, False, SessionKind.UNRECORDED),
    ],
)
def test_the_session_kind_is_decided_by_whether_it_is_recorded_then_whether_it_is_practice(
    recording: bool, practice: bool, kind: SessionKind
) -> None:
    state = copy.copy(_built())
    state.recording, state.practice = recording, practice
    assert state.session_kind is kind


@pytest.mark.parametrize("kind", KINDS)
def test_every_text_that_depends_on_the_kind_follows_the_one_property(
    kind: SessionKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notice, the session rules, the wrap-up's next steps and the withheld-outcome line all read
    ``session_kind``: with the property saying otherwise than the flags would, every one of them follows it."""
    state = _state(SessionKind.HIRING if kind != SessionKind.HIRING else SessionKind.UNRECORDED)
    monkeypatch.setattr(InterviewState, "session_kind", property(lambda _: kind))
    notice = {SessionKind.HIRING: "notice_recorded", SessionKind.PRACTICE: "notice_practice"}
    assert render(notice.get(kind, "notice_unrecorded")) in greeting_instructions(state)
    rules = "session_hiring" if kind == SessionKind.HIRING else "session_practice"
    assert render(rules) in base_instructions(state)
    assert render(f"next_steps_{kind}") in phase_instructions(state, Phase.WRAP_UP)
    assert outcome_line(state).startswith(render(f"interviewer_outcome_withheld_why_{kind}_en"))


# Said per kind in the wrap-up (and nowhere before it), and never in the other kinds.
NEXT_STEPS = {
    SessionKind.HIRING: "Say the hiring team will review the interview.",
    SessionKind.PRACTICE: "their practice report is prepared after the call",
    SessionKind.UNRECORDED: "nothing was recorded: there is no report",
}
# A hiring context: never told in practice (a recorded practice session or an unrecorded run).
HIRING_ONLY = ("This screen is for a hiring team", "hiring team will review", "Request an accommodation",
               "questions about it are for the hiring team")  # fmt: skip
# Promises the interviewer cannot keep, and the hiring process the wrap-up once offered to explain in every kind.
NEVER = ("questions about the process", "can rejoin", "rejoin with", "send you", "follow up", "get back to you",
         "ready shortly", "phone screen")  # fmt: skip


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("kind", KINDS)
def test_the_instructions_are_true_of_the_session_and_fit_the_phase(kind: SessionKind, phase: Phase) -> None:
    """The wrap-up offered "questions about the process" in practice too, where there is no hiring process, and a
    hiring interviewer, who knows nothing of the team's process, was offered to answer them. Now each kind's next
    steps are said in the wrap-up only, the candidate's questions are asked for without a topic and nothing unknown is
    guessed; no practice instruction speaks of a hiring team, and none of any kind promises what cannot be kept."""
    text = _told(_state(kind, phase), phase)
    wrapping_up = phase in (Phase.WRAP_UP, Phase.END)
    for other, sentence in NEXT_STEPS.items():
        assert (sentence in text) == (other == kind and wrapping_up), (other, text)
    assert ("ask whether they have any questions" in text) == wrapping_up
    assert ("never guess what you do not know" in text) == wrapping_up
    assert ("call end_interview" in text) == wrapping_up
    assert not [p for p in NEVER if p in text], text
    if kind == SessionKind.HIRING:
        assert "This screen is for a hiring team" in text and "practice" not in text.lower()
    else:
        assert "This is a practice interview" in text
        assert not [p for p in HIRING_ONLY if p in text], text
    if kind == SessionKind.UNRECORDED:
        assert "practice report" not in text and "report will" not in text
    if phase == Phase.GREETING:
        notice = {SessionKind.HIRING: "recorded so the hiring team can review it",
                  SessionKind.PRACTICE: "kept only for the candidate's own practice report",
                  SessionKind.UNRECORDED: "nothing is being recorded"}  # fmt: skip
        assert notice[kind] in text
    # The statement is in the editor panel only when there is an editor: the problem says so only as the status does.
    assert ("If the interview status says their editor is connected" in text) == (phase == Phase.PROBLEM)


def test_the_problems_editor_condition_is_what_the_status_says() -> None:
    """prompts/problem.md points to the panel only when the turn's status says an editor is connected: both
    statuses must read that way, or the condition could never be met (or always be)."""
    assert "editor is connected" in render("editor_connected")
    assert render("editor_missing").startswith("No editor is connected")


def test_no_interviewer_prompt_promises_what_the_interviewer_cannot_keep() -> None:
    """No line or instruction of the interviewer's offers to send results, promises a follow-up or a rejoin (a
    no-show ends the session: its link opens nothing after), or speaks of a phone screen in practice."""
    for name in PROMPTS:
        text = (PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8")
        assert not [p for p in NEVER if p in text], name
    assert "Promise nothing about rejoining" in render("no_show_end")


NOTES_KEPT = {
    "en": "Those are my own notes, so I'll keep them to myself.",
    "es": "Esas notas son mías, así que me las guardo.",
}
NOT_IN_PRACTICE = ("team", "equipo", "contratación", "hiring", "process", "proceso")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("kind", KINDS)
def test_the_notes_line_goes_on_as_the_phase_does_in_every_kind(
    kind: SessionKind, phase: Phase, language: str
) -> None:
    """The private-notes line keeps the notes, then goes on as the withheld-outcome line does: never "where are you
    now?" before any code, the candidate's questions at the wrap-up, a goodbye that asks nothing after the end; and
    nothing in it assumes a hiring team."""
    state = _state(kind, phase, language)
    line = withheld_line(state)
    assert line == f"{NOTES_KEPT[language]} {GOES_ON[language][phase]}"
    assert not [w for w in NOT_IN_PRACTICE if w in line.lower()], line
    assert claim_in(line) is None
    if phase in BEFORE_CODE:
        assert "where are you now" not in line and "en qué punto" not in line
    if phase == Phase.END:
        assert "?" not in line and "¿" not in line
    state.ended = True  # ended before the phase moved on: the goodbye's line
    assert withheld_line(state) == f"{NOTES_KEPT[language]} {GOES_ON[language][Phase.END]}"
