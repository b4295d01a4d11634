"""Time used is the candidate's, to the interview's own end (grader/time_used.py): a session the stall sweep or
LiveKit's room_finished closed late reads neither as a candidate who overran nor hides why, and a session closed on
time reads as before."""

from __future__ import annotations

from datetime import timedelta

from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.schemas import BundleEvent, BundleInput
from tests.grader.bundles import START, interview, transcript


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


def test_without_an_end_time_used_counts_to_the_last_moment_the_record_shows_not_the_overtime() -> None:
    """Nothing recorded the end and the session was closed at 6300 s: the record's last moment (the submission at
    170 s) is the time used, not the time allowed plus the 180 s overtime (2880 s of 2700 s, an overrun nothing
    shows)."""
    used, facts = _closed(interview(), 6300, "time_up", status="completed")
    assert used == 170.0
    assert "- time used: 170 s of 2700 s allowed" in facts
    assert "2880" not in facts
    assert "time used counts to the last moment the record shows" in facts


def test_an_interviewers_line_after_the_candidates_last_activity_is_part_of_what_the_record_shows() -> None:
    """Without an END and closed by the agent's own reason, the interviewer's lines are the interview going on."""
    line = transcript(20, 900.0, "assistant", "Are you still there?")
    used, _ = _closed(interview(extra_events=[line]), 6300, "time_up", status="completed")
    assert used == 900.0


def test_a_record_cut_early_counts_to_its_cut_not_to_the_overtime() -> None:
    """The record stopped at 1880 s (the event budget) and the sweep closed the session an hour late: the
    candidate's last activity is not known, the cut is the last moment the record shows."""
    cut = interview().model_copy(
        update={"session": interview().session.model_copy(update={"record_full_s": 1880.0})}
    )
    used, facts = _closed(cut, 6300, "stalled")
    assert used == 1880.0
    assert "time used counts to the last moment the record shows" in facts


def test_time_used_never_passes_the_time_allowed_and_the_wrap_up() -> None:
    """A record that goes on past the time allowed (45 min) and the 180 s overtime, with no END, counts to that
    bound at most, whatever the close says."""
    line = transcript(20, 3500.0, "assistant", "Still here.")
    used, facts = _closed(interview(extra_events=[line]), 6300, "time_up", status="completed")
    assert used == 2880.0
    assert "time used counts to the time allowed plus the 180 s wrap-up after it" in facts


def test_a_session_closed_on_time_keeps_its_whole_time_and_says_nothing_of_a_late_close() -> None:
    """room_finished 40 s after the candidate's last activity (within the slack) and a completion at 200 s: the
    time used is the session's own, as before."""
    used, facts = _closed(interview(), 210, "room_finished")
    assert used == 210.0
    assert "closed" not in facts
    assert compute_facts(interview()).time_used_s == 200.0


def test_a_session_the_candidate_ended_from_their_page_counts_to_that_end_and_says_no_late_close() -> None:
    """The candidate pressed End on their page at 400 s, the interviewer gone (nothing recorded after 170 s): the
    close is the candidate's own act, their time to it, not a late close by the system counted to 170 s."""
    used, facts = _closed(interview(), 400, "candidate_ended", status="completed")
    assert used == 400.0
    assert "- time used: 400 s of 2700 s allowed" in facts
    assert "closed" not in facts
