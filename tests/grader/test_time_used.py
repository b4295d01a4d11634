"""Time used is the candidate's, to the interview's own end (grader/time_used.py): a session the stall sweep or
LiveKit's room_finished closed late reads neither as a candidate who overran nor hides why, and a session closed on
time reads as before."""

from __future__ import annotations

from datetime import timedelta

from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.schemas import BundleEvent, BundleInput
from tests.grader.bundles import START, interview


def _closed(
    source: BundleInput, after_s: float, end_reason: str, status: str = "abandoned"
) -> tuple[float | None, str]:
    """`source` closed `after_s` seconds after its start: the facts' time used, and the bundle's facts section."""
    late = source.model_copy(
        update={
            "session": source.session.model_copy(
                update={
                    "ended_at": START + timedelta(seconds=after_s),
                    "end_reason": end_reason,
                    "status": status,
                }
            )
        }
    )
    facts = compute_facts(late)
    return facts.time_used_s, build_bundle(late, facts).interview.split("## Timeline")[0]


def test_a_session_the_stall_sweep_closed_an_hour_late_counts_to_the_candidates_last_activity() -> None:
    """Nobody reported the end; the sweep closed it at 6300 s. The candidate's last activity (their submission at
    170 s) is the end of their time, and the bundle says the late close was our system's."""
    used, facts = _closed(interview(), 6300, "stalled")
    assert used == 170.0
    assert "- time used: 170 s of 2700 s allowed" in facts
    assert "6300" not in facts
    assert (
        "- the session was closed 6130 s after the interview's own end, by the periodic sweep of sessions whose "
        "end was never reported: a delay of our system, not the candidate's doing; time used counts to the "
        "candidate's last recorded activity"
    ) in facts


def test_a_recorded_end_bounds_the_time_used_of_a_session_livekit_closed_late() -> None:
    """The interviewer recorded the END (stored at 190 s); LiveKit's room_finished closed the session at 520 s."""
    end = BundleEvent(
        seq=20,
        type="phase_change",
        t=190.0,
        payload={"from": "wrap_up", "to": "end"},
        stored_at=START + timedelta(seconds=190),
    )
    used, facts = _closed(interview(extra_events=[end]), 520, "room_finished")
    assert used == 190.0
    assert (
        "closed 330 s after the interview's own end, by the video room closing after everyone had left"
        in facts
    )
    assert "time used counts to the interviewer's end of the interview" in facts


def test_time_used_never_passes_the_time_allowed_and_the_wrap_up() -> None:
    """Nothing recorded the end and the session stayed open: at most the time allowed (45 min) and the 180 s
    overtime count, whatever the close says."""
    used, facts = _closed(interview(), 6300, "time_up", status="completed")
    assert used == 2880.0
    assert "- time used: 2880 s of 2700 s allowed" in facts
    assert "time used counts to the time allowed plus the 180 s wrap-up after it" in facts


def test_a_session_closed_on_time_keeps_its_whole_time_and_says_nothing_of_a_late_close() -> None:
    """room_finished 40 s after the candidate's last activity (within the slack) and a completion at 200 s: the
    time used is the session's own, as before."""
    used, facts = _closed(interview(), 210, "room_finished")
    assert used == 210.0
    assert "closed" not in facts
    assert compute_facts(interview()).time_used_s == 200.0
