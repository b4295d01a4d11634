"""What the scorecard's words say the candidate ran or submitted must be what they did (grader/claim_activity.py): the
facts count runs "by the candidate or interviewer", so "the candidate ran the tests twice" where the interviewer made
one of the runs, "never ran the code", "never submitted" or "tested only after the hint" where the record says
otherwise reached ready scorecards. True sentences, the interviewer's runs, hypotheses and reports pass."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from bench._calibration import load_cases
from grader.claim_activity import Activity, activity_of, activity_problems
from grader.schemas import BundleEvent, BundleInput, BundleRun
from tests.fakes.grader_model import FakeGraderModel, FakeReply, scorecard
from tests.grader import test_claims_precision as precision
from tests.grader.bundles import START, interview, run_result
from tests.grader.conftest import MakeGrader
from tests.grader.repair_support import repaired_then_refused

# The base interview (tests/grader/bundles.py): the candidate's run at 70 s, the hint at 80 s, the interviewer's run
# at 130 s, the candidate's submission at 170 s.
SUBMITTED = activity_of(interview(submitted=True))
UNSUBMITTED = activity_of(interview(submitted=False))


def _after_the_hint() -> BundleInput:
    """The candidate's only run comes after the hint: the run at 70 s is the interviewer's."""
    source = interview(submitted=False)
    events = [
        e.model_copy(update={"payload": {**e.payload, "by": "agent"}}) if e.seq == 7 else e
        for e in source.events
    ]
    events.append(
        BundleEvent(seq=15, type="test_run", t=150.0, payload={"submission_id": "r3", "by": "candidate"})
    )
    runs = [
        *source.runs,
        BundleRun(id="r3", kind="run", language="python", code="x", verdict="accepted",
                  result=run_result(2, None), created_at=START + timedelta(seconds=150)),
    ]  # fmt: skip
    return source.model_copy(update={"events": events, "runs": runs})


def _only_the_interviewer_ran() -> BundleInput:
    source = interview(submitted=False)
    events = [
        e.model_copy(update={"payload": {**e.payload, "by": "agent"}}) if e.type == "test_run" else e
        for e in source.events
    ]
    return source.model_copy(update={"events": events})


AFTER_THE_HINT = activity_of(_after_the_hint())
NOBODY_BUT_THE_INTERVIEWER = activity_of(_only_the_interviewer_ran())
CASES = {
    "submitted": SUBMITTED,
    "unsubmitted": UNSUBMITTED,
    "after_the_hint": AFTER_THE_HINT,
    "interviewer_only": NOBODY_BUT_THE_INTERVIEWER,
}


def test_the_activity_is_who_pressed_what() -> None:
    assert Activity(runs=(70.0,), submissions=(170.0,), interviewer_runs=1, hints=(80.0,)) == SUBMITTED
    assert UNSUBMITTED.submissions == ()
    assert AFTER_THE_HINT.runs == (150.0,) and AFTER_THE_HINT.interviewer_runs == 2
    assert NOBODY_BUT_THE_INTERVIEWER.runs == () and NOBODY_BUT_THE_INTERVIEWER.interviewer_runs == 2


def _problems(text: str, case: str, where: str = "dimensions.verification.justification") -> list[str]:
    return activity_problems([(where, text)], CASES[case])


# (sentence, interview): each says what the record contradicts.
CONTRADICTED = [
    # never ran, where the candidate did
    ("The candidate never ran the code.", "submitted"),
    ("They never ran their code.", "unsubmitted"),
    ("The candidate did not run the tests.", "submitted"),
    ("They didn't test it at all.", "unsubmitted"),
    ("Never ran the code, and submitted blind.", "submitted"),
    ("They wrote the code and never once ran it.", "submitted"),
    ("The candidate submitted without ever running the code.", "submitted"),
    ("They submitted without running any tests.", "submitted"),
    ("The candidate made no runs.", "unsubmitted"),
    ("They never ran the code before submitting.", "submitted"),  # their run at 70 s came before it
    ("El candidato nunca ejecutó el código.", "unsubmitted"),
    ("The candidate never pressed Run.", "submitted"),
    # never submitted, where they did
    ("The candidate never submitted.", "submitted"),
    ("They did not submit their solution.", "submitted"),
    ("The candidate forgot to submit it.", "submitted"),
    ("Nothing was submitted.", "submitted"),
    ("The code was never submitted, so the hidden test never ran.", "submitted"),
    ("No submission was made.", "submitted"),
    ("There was no submission, so the hidden test never ran.", "submitted"),
    ("La candidata nunca envió su solución.", "submitted"),
    # submitted or ran, where only the grader or the interviewer did
    ("The candidate submitted the code at the end.", "unsubmitted"),
    ("The candidate ran the tests and read the failures.", "interviewer_only"),
    ("They ran their code after the hint.", "interviewer_only"),
    # counts: the interviewer's run is not theirs
    ("She ran the visible tests twice.", "unsubmitted"),
    ("The candidate ran the tests three times.", "submitted"),
    ("They ran the code exactly twice.", "unsubmitted"),  # one run of theirs, one of the interviewer's
    ("They made three runs.", "unsubmitted"),
    ("The candidate submitted twice.", "submitted"),
    ("They ran it twice in total.", "after_the_hint"),
    # the hint and the first run
    ("The candidate tested only after the hint.", "submitted"),
    ("They did not run the code until after the hint.", "unsubmitted"),
    ("The candidate first ran the tests after the hint.", "submitted"),
    ("They ran the tests before the hint.", "after_the_hint"),
    ("They submitted only after the hint.", "unsubmitted"),  # they never submitted
    # as a person reads them: a zero-width space, markdown
    ("The candidate never r\u200ban the code.", "submitted"),
    ("The candidate **never** ran the code.", "submitted"),
]


@pytest.mark.parametrize(("text", "case"), CONTRADICTED)
def test_a_claim_the_record_contradicts_is_a_problem(text: str, case: str) -> None:
    assert _problems(text, case), text


# (sentence, interview): true of the record, or no claim about what the candidate did.
HELD = [
    ("The candidate ran the tests once before the hint and submitted after it.", "submitted"),
    ("They ran the code twice.", "submitted"),  # a run and a submission
    ("They ran the code only once.", "submitted"),
    ("The candidate never submitted.", "unsubmitted"),
    ("They ran their code once and never submitted.", "unsubmitted"),
    ("The candidate tested only after the hint.", "after_the_hint"),
    ("They did not run the code until after the hint.", "after_the_hint"),
    ("They ran the tests before the hint.", "submitted"),
    ("The candidate never ran the code.", "interviewer_only"),
    ("Nothing was submitted.", "unsubmitted"),
    # the interviewer's runs
    ("The interviewer ran the tests twice.", "interviewer_only"),
    ("The interviewer ran the code, and the candidate never ran it.", "interviewer_only"),
    ("The interviewer ran the code and then never ran it again.", "submitted"),
    # narrowed, hypothetical, reported, asked
    ("The candidate never tested it on edge cases.", "submitted"),
    ("They did not run the hidden tests.", "submitted"),
    ("They did not submit again after the fix.", "submitted"),
    ("Had they submitted, the hidden test would have run.", "unsubmitted"),
    ("If they had run the code, they would have seen the bug.", "unsubmitted"),
    ("The candidate said they never ran it.", "submitted"),
    ("Did the candidate run the tests?", "interviewer_only"),
    ("The candidate ran out of time before submitting.", "unsubmitted"),
    ("Time ran out before they submitted.", "unsubmitted"),
    ("They ran through the examples by hand.", "interviewer_only"),
    ("The hidden tests never ran.", "submitted"),
    ("The submitted code passed.", "unsubmitted"),
    ("The interviewer prompted them to submit, but they kept refining the code.", "unsubmitted"),
]


@pytest.mark.parametrize(("text", "case"), HELD)
def test_true_statements_and_non_claims_are_not_problems(text: str, case: str) -> None:
    assert _problems(text, case) == [], text


def test_in_the_advice_only_what_is_said_of_you_is_a_claim() -> None:
    assert _problems("Never submit without running the code first.", "submitted", "candidate_advice") == []
    assert _problems("Run the tests before the hint next time.", "after_the_hint", "candidate_advice") == []
    assert _problems("You never ran the code.", "submitted", "candidate_advice")


def test_no_true_sentence_of_the_precision_corpus_or_the_calibration_interviews_is_refused() -> None:
    """The claim checks' precision corpus (each sentence for its own interview) and the calibration interviews'
    expected reasoning and every line said in them, for their own record: none refused."""
    sources = {
        "pass": interview(submitted=True),
        "hidden_failed": precision._submitted("wrong_answer"),
        "unsubmitted": interview(submitted=False),
        "too_slow": precision._submitted("time_limit"),
    }
    activities = {name: activity_of(source) for name, source in sources.items()}
    refused = [t for t, case in precision.CASES if activity_problems([("x", t)], activities[case])]
    assert refused == []
    for case in load_cases():
        activity = activity_of(case.bundle)
        lines = [str(e.payload.get("text")) for e in case.bundle.events if e.type == "transcript"]
        for text in [case.reasoning, *lines]:
            assert activity_problems([("x", text)], activity) == [], (case.name, text[:200])


@pytest.mark.parametrize(
    "unit",
    [", never ran the code", " never never never", "they did not run ", "ran the tests only after the hint ",
     "The candidate ran the tests ", "no submission ", ", then they ran it twice", "they "],
)  # fmt: skip
def test_the_reading_is_linear_in_the_text(unit: str) -> None:
    """100 KB of a phrase repeated in one sentence: each phrase is judged in bounded work (its clause's lead, the
    sentence's facts found once), not by reading the sentence before it again."""
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    started = time.process_time()
    activity_problems([("x", text)], SUBMITTED)
    assert time.process_time() - started < 2.0


async def test_a_scorecard_that_gives_the_interviewers_run_to_the_candidate_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    """The facts say "runs by the candidate or interviewer: 2"; a model that writes "ran the tests twice" of the
    candidate, one of whose runs was the interviewer's, gets the repair round naming who ran what, and one that keeps
    writing it fails."""
    source = interview()

    def gullible(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["verification"]["justification"] = (
            "The candidate ran the tests three times and never submitted without checking the output."
        )
        card["strengths"] = ["Tested only after the hint, carefully."]
        return FakeReply(body=card)

    repair = await repaired_then_refused(model, make_grader, source, gullible, "three times")
    assert "dimensions.verification.justification" in repair and "strengths[0]" in repair
    assert "the candidate made 1 run(s) and 1 submission(s) (the interviewer 1 run(s)" in repair
