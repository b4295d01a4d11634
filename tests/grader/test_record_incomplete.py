"""A record that stops early is said to, in the grader's input and its checks: past the session's event budget the
interviewer's events (turns, hints, phases, snapshots, notes) are refused and stored nowhere (sessions.record_full_at),
past the observations' cap the page's are dropped (observations_capped_at). The facts had stated firm counts from
what was left ("hints given: 0", "phases reached: problem, coding"), and "needed no hints" was checked as true of
an interview whose last part nobody recorded."""

from __future__ import annotations

from typing import Any

from grader.bundle import build_bundle
from grader.claim_hints import hint_problems
from grader.facts import compute_facts
from grader.schemas import BundleInput, Facts, HintFact
from tests.fakes.grader_model import FakeGraderModel, FakeReply, scorecard
from tests.grader.bundles import interview
from tests.grader.conftest import MakeGrader
from tests.grader.repair_support import repaired_then_refused

CUT = 150.0  # after the interview's one hint (80 s) and its phases, before its end (200 s)
NOTE = (
    "- the record is incomplete from 150 s: this session's record reached its size limit, and what the interviewer "
    "recorded after then (turns said or typed, hints, phase changes, code snapshots, notes) may be missing. The "
    "counts below read from it are lower bounds, and the timeline's silence after 150 s is no evidence that "
    "something did not happen (no hint, no later phase, nothing said). Runs and submissions are recorded apart and "
    "are complete.\n"
)
SUFFIXES = (
    "; any after 150 s are not recorded",
    " (any after 150 s are not recorded)",
    " (of the speech recorded before 150 s)",
    " (a claim after 150 s is not recorded)",
)
CAPPED = (
    "- from 120 s on, the page's observations were not recorded (this session reached the most it records): the "
    "counts below are lower bounds\n"
)
WHERE = "dimensions.problem_solving.justification"


def _cut(source: BundleInput, **left_out: float) -> BundleInput:
    return source.model_copy(update={"session": source.session.model_copy(update=left_out)})


def _text(source: BundleInput) -> str:
    return build_bundle(source, compute_facts(source)).interview


def _no_hint() -> BundleInput:
    source = interview()
    return source.model_copy(update={"events": [e for e in source.events if e.type != "hint"]})


def test_the_facts_say_from_when_the_record_is_incomplete_and_nothing_else_changes() -> None:
    whole = _text(interview())
    cut = _text(_cut(interview(), record_full_s=CUT))
    assert NOTE in cut and "record is incomplete" not in whole
    assert "- hints given: at least 1 (at 80 s); any after 150 s are not recorded\n" in cut
    assert "phases reached: problem, coding (any after 150 s are not recorded)\n" in cut
    assert "share of speaking time: 75% (of the speech recorded before 150 s)\n" in cut
    # Only the note and the lower bounds: the rest, the timeline and the runs included, is the bundle as it was.
    back = cut.replace(NOTE, "", 1).replace("hints given: at least ", "hints given: ", 1)
    for suffix in SUFFIXES:
        assert back.count(suffix) == 1, suffix
        back = back.replace(suffix, "")
    assert back == whole


def test_observations_past_their_cap_are_said_to_stop_and_nothing_else_changes() -> None:
    whole = _text(interview())
    capped = _text(_cut(interview(), observations_capped_s=120.0))
    head = "## Integrity observations from the candidate's page (context only; each has innocent explanations)\n\n"
    assert f"{head}{CAPPED}- paste: 1 time(s)" in capped
    assert capped.replace(CAPPED, "", 1) == whole
    assert "page's observations were not recorded" not in _text(_cut(interview(), record_full_s=CUT))


def test_no_hints_is_unverifiable_past_the_cut_and_true_of_a_whole_record() -> None:
    none = Facts(hints=[])
    said = [(WHERE, "The candidate solved it without any hints.")]
    assert hint_problems(said, none) == []
    [problem] = hint_problems(said, none, record_full_s=CUT)
    assert "says no hint was given or needed" in problem and "the record is incomplete from 150 s" in problem


def test_a_whole_count_is_unverifiable_past_the_cut_and_a_count_within_it_holds() -> None:
    one = Facts(hints=[HintFact(seq=8, t=80.0)])
    unverifiable = [
        "After one hint the candidate needed no further hints.",
        "The candidate needed only one hint.",
        "The only hint pointed at the hash map.",
        "One hint in total was needed.",
    ]
    for text in unverifiable:
        assert hint_problems([(WHERE, text)], one) == [], text
        assert len(hint_problems([(WHERE, text)], one, record_full_s=CUT)) == 1, text
    held = ["After the hint the candidate found the one-pass map.", "With one hint they reached the map."]
    for text in held:
        assert hint_problems([(WHERE, text)], one, record_full_s=CUT) == [], text
    # A count past what was recorded is still a problem, the cut named.
    [past] = hint_problems([(WHERE, "The candidate needed three hints.")], one, record_full_s=CUT)
    assert "the facts count 1 hint(s) given before then" in past


async def test_the_grader_is_told_and_a_no_hints_finding_past_the_cut_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    def gullible(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["problem_solving"]["justification"] = (
            "The candidate reached the one-pass hash map and needed no hints."
        )
        return FakeReply(body=card)

    # Of a whole record with no hint, it is true: ready at once.
    model.responder = gullible
    outcome = await make_grader().grade(_no_hint())
    assert outcome.status == "ready" and len(model.requests) == 1
    model.requests.clear()

    source = _cut(_no_hint(), record_full_s=CUT)
    repair = await repaired_then_refused(model, make_grader, source, gullible, "no hints")
    assert WHERE in repair and "the record is incomplete from 150 s" in repair
    told = model.requests[0]["messages"][-1]["content"]
    assert NOTE in told and "- hints given: at least 0; any after 150 s are not recorded" in told
