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
says so (`closed_late_line`), as what our system did, not the candidate. Otherwise it is `ended_at - started_at`:
the goodbye and the page's own completion take seconds, and a session closed on time reads as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.schemas import BundleEvent, BundleInput

# The agent's default wrap-up after time is up (`SHADOWS_AGENT_OVERTIME_S`, agent/settings.py): the longest an
# interview goes on past its time. A deployment that sets a longer overtime is not known to the grader: the bound
# applies only where the interviewer's END was not recorded.
OVERTIME_S = 180.0
# A close this much after the interview's own end is late: the goodbye and the page's completion take seconds.
LATE_CLOSE_SLACK_S = 60.0
# Endings by the system, with nobody left in the interview: the candidate's last activity bounds their time.
CLOSED_WITHOUT_INTERVIEWER = {
    "room_finished": "by the video room closing after everyone had left",
    "stalled": "by the periodic sweep of sessions whose end was never reported",
}
CLOSED_LATE_BY = {
    **CLOSED_WITHOUT_INTERVIEWER,
    "ended_agent_lost": "after the interviewer's completion call was lost",
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


def _at(event: BundleEvent, bundle: BundleInput) -> float | None:
    """Seconds from the start at which `event` happened: when the API stored it, else its `t`."""
    started = bundle.session.started_at
    if event.stored_at is not None and started is not None:
        return (event.stored_at - started).total_seconds()
    return event.t


def _interviewer_end(bundle: BundleInput) -> float | None:
    for e in bundle.events:
        if e.type == "phase_change" and e.payload.get("to") == "end":
            return _at(e, bundle)
    return None


def _last_candidate_activity(bundle: BundleInput) -> float | None:
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


def _last_recorded(bundle: BundleInput) -> float:
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
    """The bundle's words for a session closed late, or None: an observation of our system, never the candidate's."""
    used = time_used(bundle)
    if used.closed_after_s is None:
        return None
    by = CLOSED_LATE_BY.get(bundle.session.end_reason or "", "by the system")
    return (
        f"- the session was closed {round(used.closed_after_s)} s after the interview's own end, {by}: a delay of "
        f"our system, not the candidate's doing; time used counts to {used.counted_to}"
    )
