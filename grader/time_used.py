"""The time the candidate used: from the start to the interview's own end, not to when the session was closed.

`ended_at - started_at` is when the session was closed, which is late when the interviewer's completion was lost:
LiveKit's `room_finished` comes minutes after everyone left, the stall sweep an hour past the interview's end
(api/jobs/lapsed_sessions.py), and the facts then said "time used: 6300 s of 2700 s allowed", which reads as a
candidate who overran. The interview's own end is, in order:
- the interviewer's END (the `end` phase change), when it was recorded;
- else, for a session closed without the interviewer (`end_reason` `room_finished` or `stalled`), the candidate's
  last activity recorded (a line said or typed, a code snapshot, a run or submission): nothing of theirs came later;
- and, without an END, never past the last moment the record shows (any event of either speaker, a run or
  submission, or the time the record was cut at, `record_full_s`; a session the candidate ended from their page,
  `CLOSED_BY_CANDIDATE`, shows its end in that close), nor past the time allowed plus the wrap-up's
  overtime (`OVERTIME_S`), all the product gives. The overtime alone is no record of time spent: counted to it,
  a session whose end nobody reported would read "time used: 2880 s of 2700 s allowed", an overrun nothing shows.
Each time is read on the database's clock where the event has it (a simulation's interviewer clock runs ahead).
When the session was closed more than `LATE_CLOSE_SLACK_S` after that end, the time used stops there and the bundle
says what closed it, per `end_reason` (`closed_late_line`, `CLOSED_LATE_BY`), or nothing where the time used
already tells all a grader needs. Otherwise it is `ended_at - started_at`: the goodbye and the page's own
completion take seconds, and a session closed on time reads as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from grader.schemas import BundleEvent, BundleInput, BundleSession

# The agent's default wrap-up after time is up (`SHADOWS_AGENT_OVERTIME_S`, agent/settings.py): the longest an
# interview goes on past its time. A deployment that sets a longer overtime is not known to the grader: the bound
# applies only where the interviewer's END was not recorded.
OVERTIME_S = 180.0
# A close this much after the interview's own end is late: the goodbye and the page's completion take seconds.
LATE_CLOSE_SLACK_S = 60.0
# Endings by the system, with nobody left in the interview: the candidate's last activity bounds their time.
CLOSED_WITHOUT_INTERVIEWER = frozenset({"room_finished", "stalled"})
# What closed a session late, per `end_reason` (every one the API stores: the agent's, api/schemas.py EndReason and
# agent/completion.py END_REASONS, and the API's own; tests/grader/test_time_used.py walks them), in words that
# follow "the session was closed N s later, ". None: no line, deliberately; the time used is already right and a
# line could only mislead. A reason missing here gets a line that names nobody. The words never say the candidate
# overran, and never call a designed wait a delay.
_BY_INTERVIEWER = (
    "; the time between is on our side (a completion that came late, or a stretch of the record we lost), not the "
    "candidate's doing"
)
CLOSED_LATE_BY: dict[str, str | None] = {
    # The agent's endings that record the END first (agent/ending.py `conclude`; no_show after its wait, which the
    # record shows: its pings and `no_show` note come before the END). Late only when the completion came late
    # after the END, or the END and what preceded it were lost.
    "completed": "by the interviewer's completion" + _BY_INTERVIEWER,
    "candidate_request": "by the interviewer's completion after the candidate asked to stop"
    + _BY_INTERVIEWER,
    "time_up": "by the interviewer's completion after the time ran out" + _BY_INTERVIEWER,
    "no_show": "by the interviewer's completion after it ended for want of a word from the candidate"
    + _BY_INTERVIEWER,
    # No END: the interviewer waited the rejoin grace (`candidate_rejoin_grace_s`, agent/settings.py) for a
    # candidate out of the call, by design. The time used stops where the record does; a line would only tell the
    # grading model that the candidate left, which no other part of the bundle gives it and no grade rests on.
    "candidate_left": None,
    # No END: the agent's job stopped (a deploy, a crash, the API lost) before the interview ended.
    "agent_shutdown": "when the interviewer stopped before the interview ended, on our side: nothing of the time "
    "between is recorded, and it was not the candidate's doing",
    # The candidate's own End on their page, after the interviewer's END or past the time allowed and the wrap-up:
    # their act, not ours; a line could only read as an overrun.
    "candidate_ended": None,
    "room_finished": "by the video room closing after everyone had left, the interviewer's completion never having "
    "reached us: on our side, not the candidate's doing",
    "stalled": "by the periodic sweep of sessions whose end never reached us: our system lost it, not the "
    "candidate's doing",
    "ended_agent_lost": "by our system after the interviewer's completion call was lost: not the candidate's doing",
    # Cancelled sessions are never graded (api/jobs/grading.py GRADABLE_STATUSES).
    "cancelled": None,
    "cancelled_by_ats": None,
}
# The candidate's own End on their page, taken by the API without the interviewer (api/routers/interviews.py): the
# close is the candidate's act, their own end of the interview, whatever the record shows before it.
CLOSED_BY_CANDIDATE = frozenset({"candidate_ended"})
CANDIDATE_EVENTS = frozenset({"editor_snapshot", "test_run", "submission"})
# `by` of the submission the grader made when the candidate never submitted (grader/facts.py).
GRADER = "grader"


@dataclass(frozen=True)
class TimeUsed:
    seconds: float | None  # None: not both started and ended
    closed_after_s: float | None = None  # when closed late: how long after the interview's own end
    counted_to: str = ""  # when closed late: what the time used counts to, in words


class RunAt(Protocol):
    """What the time used reads of a run or submission (`BundleRun` has it): which one, and when it was stored."""

    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class Record:
    """What the time used is read from: the session, its events (only `type`, `t`, `stored_at` and the payload's
    `role`, `to`, `by` and `submission_id` are read) and its runs. A bundle is one (`time_used`); the API's report of
    a session not graded reads one from the database (`api/db/time_used_repo.py`), so both state the same time."""

    session: BundleSession
    events: Sequence[BundleEvent]
    runs: Sequence[RunAt]


def _at(event: BundleEvent, bundle: Record) -> float | None:
    """Seconds from the start at which `event` happened: when the API stored it, else its `t`."""
    started = bundle.session.started_at
    if event.stored_at is not None and started is not None:
        return (event.stored_at - started).total_seconds()
    return event.t


def _interviewer_end(bundle: Record) -> float | None:
    for e in bundle.events:
        if e.type == "phase_change" and e.payload.get("to") == "end":
            return _at(e, bundle)
    return None


def _last_candidate_activity(bundle: Record) -> float | None:
    """The candidate's last line, snapshot, run or submission (not the grader's own final submission); None when
    the record is incomplete (`record_full_s`: what came after its cut is not known)."""
    started = bundle.session.started_at
    if bundle.session.record_full_s is not None or started is None:
        return None
    graders = {str(e.payload.get("submission_id")) for e in bundle.events if e.payload.get("by") == GRADER}
    times = [
        _at(e, bundle)
        for e in bundle.events
        if (e.type == "transcript" and e.payload.get("role") == "user")
        or (e.type in CANDIDATE_EVENTS and e.payload.get("by") != GRADER)
    ]
    # Runs are stored apart from the interviewer's events: one whose event was lost still counts.
    times += [(r.created_at - started).total_seconds() for r in bundle.runs if r.id not in graders]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _last_recorded(bundle: Record) -> float:
    """The last moment the record shows: its latest event of either speaker, run or submission (not the grader's own
    final submission), or the time it was cut at (something happened then that was not kept); the start (0) when
    it holds nothing."""
    started = bundle.session.started_at
    graders = {str(e.payload.get("submission_id")) for e in bundle.events if e.payload.get("by") == GRADER}
    times = [_at(e, bundle) for e in bundle.events if e.payload.get("by") != GRADER]
    if started is not None:
        times += [(r.created_at - started).total_seconds() for r in bundle.runs if r.id not in graders]
    times.append(bundle.session.record_full_s)
    return max((t for t in times if t is not None), default=0.0)


def time_used(bundle: BundleInput) -> TimeUsed:
    """The time the candidate used, and whether (and how long after its own end) the session was closed late."""
    return record_time_used(Record(bundle.session, bundle.events, bundle.runs))


def record_time_used(bundle: Record) -> TimeUsed:
    """`time_used` over a `Record`: the session, its events and its runs alone."""
    s = bundle.session
    if s.started_at is None or s.ended_at is None:
        return TimeUsed(None)
    elapsed = max(0.0, (s.ended_at - s.started_at).total_seconds())
    limit = s.duration_minutes * 60 + OVERTIME_S
    end = _interviewer_end(bundle)
    ends = [(limit, f"the time allowed plus the {round(OVERTIME_S)} s wrap-up after it")]
    if end is not None:
        # The interviewer's own word: no bound of ours overrides it (a deployment's longer overtime).
        ends = [(end, "the interviewer's end of the interview")]
    elif s.end_reason not in CLOSED_BY_CANDIDATE:
        last = _last_candidate_activity(bundle) if s.end_reason in CLOSED_WITHOUT_INTERVIEWER else None
        if last is not None:
            ends.append((last, "the candidate's last recorded activity"))
        else:
            ends.append((_last_recorded(bundle), "the last moment the record shows"))
    own, words = min(ends, key=lambda e: e[0])
    own = max(0.0, own)
    if elapsed - own <= LATE_CLOSE_SLACK_S:
        return TimeUsed(elapsed)
    return TimeUsed(own, closed_after_s=elapsed - own, counted_to=words)


def closed_late_line(bundle: BundleInput) -> str | None:
    """The bundle's words for a session closed late (what closed it, `CLOSED_LATE_BY`), or None: closed on time, or
    closed late in a way the time used already tells."""
    used = time_used(bundle)
    if used.closed_after_s is None:
        return None
    reason = bundle.session.end_reason or ""
    by = CLOSED_LATE_BY.get(reason, "")
    if by is None:
        return None
    return (
        f"- time used counts to {used.counted_to}; the session was closed {round(used.closed_after_s)} s later"
        + (f", {by}" if by else "")
    )
