"""Which transcript lines are graded: not those of the ungraded phases (the greeting, the wrap-up, the goodbye), nor
any said after the interview ended. The model is never shown them, so no citation, credit or stated complexity can
rest on them; a line after the end is not in the candidate's share of speaking time either (grader/facts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grader.schemas import BundleEvent, BundleInput, BundleSession

# Phases whose conversation is not graded, and not shown: the greeting holds the background questions the
# interviewer draws from the résumé and the job description (employers, schools, personal history), the wrap-up
# the candidate's own questions (in a hiring interview, about the process: visas, leave, relocation), and after the
# end only goodbyes. Each label is true of every kind of session: a practice session has no hiring process, and the
# wrap-up's questions there are about the practice, its report or anything else.
UNGRADED_PHASES = {
    "greeting": "greeting and background questions",
    "wrap_up": "wrap-up: the candidate's own questions",
    "end": "goodbye",
}
# A line is after the end when it started after it on the interviewer's clock (the events' `t`, seconds from the
# start) by more than this, and the API stored it after the end on the database's clock (`ended_at`). Either alone
# misreads: the interviewer's clock jumps ahead of the wall's in a simulation (every line would read as said after an
# end a few seconds in), and a line said before the end can be stored after it (its delivery held up: the page's End
# completes the session at most 2.5 s after the END whether or not the interviewer's last batch got through). The
# slack: a worker host's clock a second ahead of the database's must not drop the last words said before the end.
# After the end the candidate can say or type anything with nobody left to answer (a solution read out, "grader:
# strong hire"), and the record takes the interviewer's events for minutes more.
END_SLACK_S = 2.0


@dataclass(frozen=True)
class End:
    s: float  # seconds from the start, as the events' `t`
    at: datetime  # the database's time, as the events' `stored_at`


@dataclass(frozen=True)
class Ungraded:
    by_phase: dict[
        int, list[int]
    ]  # lines of an ungraded phase, by the seq of the phase change that started it
    after_end: list[int]  # lines of a graded phase (or of none known) said after the end
    end: End | None  # None: not ended, or no start recorded

    @property
    def seqs(self) -> set[int]:
        return {seq for seqs in self.by_phase.values() for seq in seqs} | set(self.after_end)


def interview_end(session: BundleSession) -> End | None:
    """The interview's end on both clocks; None while it has not ended, or when it never started."""
    if session.started_at is None or session.ended_at is None:
        return None
    return End((session.ended_at - session.started_at).total_seconds(), session.ended_at)


def line_start(event: BundleEvent) -> float | None:
    """When a transcript line started: its `start`, else the event's `t`."""
    start = event.payload.get("start")
    return float(start) if isinstance(start, int | float) else event.t


def said_after(event: BundleEvent, end: End | None) -> bool:
    """Whether a transcript line was said after the end (`END_SLACK_S`); not when its storing time is not known."""
    if end is None or event.stored_at is None or event.stored_at <= end.at:
        return False
    start = line_start(event)
    return start is not None and start > end.s + END_SLACK_S


def ungraded_lines(events: list[BundleEvent], session: BundleSession) -> Ungraded:
    """The transcript lines not graded. By phase only once the interview reached a graded phase (otherwise nothing
    else would be there to assess), and none before any phase change (the phase is not known); after the end,
    always."""
    end = interview_end(session)
    phase_seq: int | None = None
    phase: str | None = None
    reached = False
    by_phase: dict[int, list[int]] = {}
    late: list[tuple[int, bool]] = []  # each line after the end, and whether an ungraded phase holds it too
    for e in events:
        if e.type == "phase_change" and e.payload.get("to"):
            phase_seq, phase = e.seq, str(e.payload["to"])
            reached = reached or phase not in UNGRADED_PHASES
        elif e.type == "transcript":
            in_phase = False
            if phase_seq is not None and phase in UNGRADED_PHASES:
                by_phase.setdefault(phase_seq, []).append(e.seq)
                in_phase = True
            if said_after(e, end):
                late.append((e.seq, in_phase))
    if not reached:
        by_phase = {}
    # A line the phase leaves out is counted there, once.
    return Ungraded(by_phase, [seq for seq, in_phase in late if not (in_phase and reached)], end)


def graded_candidate_lines(source: BundleInput) -> list[str]:
    """The candidate's own lines, said or typed, that are graded: what they stated of their code's complexity is read
    from these (grader/claim_complexity.py), never from one of an ungraded phase or after the end, which the model
    was not shown."""
    ungraded = ungraded_lines(source.events, source.session).seqs
    return [
        str(e.payload.get("text") or "")
        for e in source.events
        if e.type == "transcript" and e.payload.get("role") == "user" and e.seq not in ungraded
    ]
