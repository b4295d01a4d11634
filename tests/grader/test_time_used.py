"""Time used is the candidate's, to the interview's own end (grader/time_used.py): a session the stall sweep or
LiveKit's room_finished closed late reads neither as a candidate who overran nor hides why, and a session closed on
time reads as before."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import get_args

import pytest

from api.db.endings_repo import ENDED_AGENT_LOST
from api.schemas import EndReason
from api.templating import END_LABELS
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.schemas import BundleEvent, BundleInput
from grader.time_used import CLOSED_LATE_BY, closed_late_line
from tests.grader.bundles import START, interview, transcript

API = Path(__file__).resolve().parents[2] / "api"
# Where the API writes an end_reason of its own: SQL `end_reason = '...'`, and the reason handed to an ending.
_STORED = re.compile(
    r"end_reason\s*=\s*'(\w+)'|end_unattended\([^)]*\"(\w+)\"\)|mark_(?:completed|abandoned)\([^)]*reason=\"(\w+)\""
)


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
        "- time used counts to the candidate's last recorded activity; the session was closed 6130 s later, by the "
        "periodic sweep of sessions whose end never reached us: our system lost it, not the candidate's doing"
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
        "- time used counts to the interviewer's end of the interview; the session was closed 330 s later, by the "
        "video room closing after everyone had left" in facts
    )


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


def _storable_reasons() -> set[str]:
    """Every end_reason the API can store: the agent's (the completion route takes `EndReason`, nothing else), and
    the API's own, read from its source, its labels and its constants."""
    own = {
        found
        for path in API.rglob("*.py")
        for match in _STORED.finditer(path.read_text())
        for found in match.groups()
        if found
    }
    assert {
        "candidate_ended",
        "room_finished",
        "stalled",
        "cancelled",
        "cancelled_by_ats",
    } <= own  # the scan works
    return set(get_args(EndReason)) | set(END_LABELS) | {ENDED_AGENT_LOST} | own


def test_every_end_reason_the_api_stores_has_its_own_words_or_a_deliberate_silence() -> None:
    """A new reason without wording fails here: a late close would otherwise be told without saying what closed it."""
    missing = _storable_reasons() - set(CLOSED_LATE_BY)
    assert not missing, f"no closed-late wording (or deliberate None) for {sorted(missing)}"


@pytest.mark.parametrize("reason", sorted(_storable_reasons()))
def test_no_late_close_line_says_the_candidate_overran_or_calls_a_wait_a_delay(reason: str) -> None:
    """Closed an hour after the candidate's last activity, whatever the reason: a line, when there is one, says what
    closed the session and that it was not the candidate's doing."""
    late = interview().model_copy(
        update={
            "session": interview().session.model_copy(
                update={"ended_at": START + timedelta(seconds=3600), "end_reason": reason}
            )
        }
    )
    line = closed_late_line(late)
    assert (line is None) == (CLOSED_LATE_BY[reason] is None)
    if line is not None:
        assert line.startswith("- time used counts to ") and " s later, " in line
        assert "not the candidate's doing" in line and "delay" not in line


def test_a_candidate_who_left_and_was_waited_for_gets_no_late_close_line() -> None:
    """The candidate left at 170 s; the interviewer waited its rejoin grace (120 s) and closed the session at 300 s,
    with no END (agent/worker.py). The time used stops at the record's last moment and nothing calls the designed
    wait a delay of our system."""
    used, facts = _closed(interview(), 300, "candidate_left", status="completed")
    assert used == 170.0
    assert "closed" not in facts and "delay" not in facts


def test_an_interviewer_that_stopped_before_the_end_says_so_on_our_side() -> None:
    """The agent's job stopped (no END) and the session was closed at 400 s: the line says the interviewer stopped,
    on our side, counted to the last moment the record shows."""
    used, facts = _closed(interview(), 400, "agent_shutdown", status="completed")
    assert used == 170.0
    assert (
        "- time used counts to the last moment the record shows; the session was closed 230 s later, when the "
        "interviewer stopped before the interview ended, on our side: nothing of the time between is recorded, and "
        "it was not the candidate's doing"
    ) in facts


def test_a_time_up_closed_late_names_the_interviewers_completion_not_the_candidate() -> None:
    used, facts = _closed(interview(), 6300, "time_up", status="completed")
    assert used == 170.0
    assert (
        "the session was closed 6130 s later, by the interviewer's completion after the time ran out; the time "
        "between is on our side"
    ) in facts


def test_a_candidates_own_end_after_the_interviewers_end_says_no_late_close() -> None:
    """The interviewer recorded its END at 190 s and its completion never came; the candidate pressed End on their
    page at 520 s: time used counts to the END, and no line blames our system or reads as an overrun."""
    end = BundleEvent(
        seq=20,
        type="phase_change",
        t=190.0,
        payload={"from": "wrap_up", "to": "end"},
        stored_at=START + timedelta(seconds=190),
    )
    used, facts = _closed(interview(extra_events=[end]), 520, "candidate_ended", status="completed")
    assert used == 190.0
    assert "closed" not in facts


def test_a_reason_without_wording_names_nobody() -> None:
    used, facts = _closed(interview(), 6300, "some_new_reason")
    assert used == 170.0
    assert (
        "- time used counts to the last moment the record shows; the session was closed 6130 s later\n"
        in facts + "\n"
    )
