"""Credit for testing and explaining never rests on a run the interviewer made (grader/credit.py `OF_THE_INTERVIEW`):
the interviewer's `run_tests` shows how the candidate's code does, not their testing. A candidate who has the
interviewer run every test ("can you run it for me?") had verification and communication at 4 stored on those runs
alone, as the grader's final submission had before."""

from __future__ import annotations

from grader.bundle import Bundle, build_bundle
from grader.credit import credit_problems
from grader.evidence import check
from grader.facts import compute_facts
from grader.schemas import Evidence
from tests.grader.bundles import interview

CANDIDATES_RUN = 7  # by the candidate: wrong_answer
INTERVIEWERS_RUN = 10  # by the interviewer ("agent"): accepted, of the candidate's correct code


def _bundle() -> Bundle:
    source = interview()
    return build_bundle(source, compute_facts(source))


def _run(bundle: Bundle, seq: int) -> Evidence:
    verified = check(Evidence(seq=seq, quote=""), bundle.index)
    assert isinstance(verified, Evidence), verified
    return verified


def test_verification_or_communication_on_the_interviewers_run_alone_is_a_problem() -> None:
    bundle = _bundle()
    assert bundle.index.citable[INTERVIEWERS_RUN].by == "agent"
    for where in ("dimensions.verification (score 4)", "dimensions.communication (score 3)"):
        problems = credit_problems({where: [_run(bundle, INTERVIEWERS_RUN)]}, bundle.index)
        assert len(problems) == 1 and "runs the candidate did not make" in problems[0], problems


def test_the_interviewers_run_still_shows_the_code_and_the_candidates_own_run_counts() -> None:
    bundle = _bundle()
    interviewers = [_run(bundle, INTERVIEWERS_RUN)]
    for where in ("dimensions.coding (score 3)", "dimensions.problem_solving (score 3)", "rubric.x (met)"):
        assert credit_problems({where: interviewers}, bundle.index) == [], where
    own = [_run(bundle, INTERVIEWERS_RUN), _run(bundle, CANDIDATES_RUN)]
    assert credit_problems({"dimensions.verification (score 3)": own}, bundle.index) == []
