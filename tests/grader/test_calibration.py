"""The calibration set is complete, current and truthful, grades end to end against the local model, and the
longest interview's request fits the token budget; with a real key (`evals`), the grader agrees with it."""

from __future__ import annotations

import json
import os
import re

import pytest

from bench._calibration import CALIBRATION_DIR, PROFILES, _source_hash, load_cases
from bench._tokens import count
from bench.grader import quadratic_kappa
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.output import schema_text
from grader.pipeline import Grader, task_messages
from grader.schemas import BANDS
from grader.settings import GraderSettings
from tests.fakes.grader_model import FakeGraderModel
from tests.grader.conftest import MakeGrader

CASES = load_cases()
TOKEN_BUDGET = 12_000  # the whole request of a 45-minute interview: system, user and schema


def test_the_set_covers_the_bank_and_the_required_profiles_with_reasoned_bands() -> None:
    assert len(CASES) >= 8
    assert set(PROFILES) <= {c.profile for c in CASES}
    assert len({c.bundle.question.slug for c in CASES}) >= 8
    for case in CASES:
        assert case.expected in BANDS
        assert len(case.reasoning) > 200, case.name
    assert {c.expected for c in CASES} == set(BANDS)  # every band is represented


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_each_recording_is_current_with_its_source(name: str) -> None:
    recorded = json.loads((CALIBRATION_DIR / f"{name}.json").read_text())
    assert recorded["source_sha256"] == _source_hash(CALIBRATION_DIR / f"{name}.yaml"), (
        f"{name}.json is stale: run `.venv/bin/python -m bench._calibration build {name}`"
    )


@pytest.mark.sandbox
async def test_every_recorded_run_is_what_the_judge_says_today() -> None:
    from judge.bank import load_bank
    from judge.schemas import RunRequest
    from judge.service import Judge
    from judge.settings import get_settings

    bank = {q.slug: q for q in load_bank(CALIBRATION_DIR.parent)}
    judge = Judge(get_settings())
    await judge.start()
    try:
        for case in CASES:
            for run in case.bundle.runs:
                request = RunRequest.for_question(
                    bank[case.bundle.question.slug],
                    language=run.language,
                    source=run.code,
                    mode=run.kind,  # type: ignore[arg-type]
                )
                report = await judge.run(request)
                assert run.result is not None
                assert (report.verdict.value, report.passed, report.total) == (
                    run.verdict, run.result["passed"], run.result["total"],
                ), f"{case.name} {run.id}"  # fmt: skip
    finally:
        await judge.aclose()


def test_the_longest_interview_fits_the_token_budget() -> None:
    longest = max(CASES, key=lambda c: c.minutes)
    assert longest.minutes >= 45
    bundle = build_bundle(longest.bundle, compute_facts(longest.bundle))
    system, user = task_messages(longest.bundle, bundle, "0" * 16)
    ids = [str(i["id"]) for i in longest.bundle.question.rubric]
    sent = count(str(system["content"])) + count(str(user["content"])) + count(schema_text(ids))
    assert sent <= TOKEN_BUDGET, sent


async def test_every_case_grades_ready_against_the_local_model(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    grader = make_grader()
    for case in CASES:
        outcome = await grader.grade(case.bundle)
        assert outcome.status == "ready", (case.name, outcome.reason)
    # The redaction held for every recorded candidate.
    sent = json.dumps(model.requests)
    for case in CASES:
        for term in case.bundle.redact:
            assert not re.search(rf"(?i)(?<!\w){re.escape(term)}(?!\w)", sent), (case.name, term)


def test_quadratic_kappa() -> None:
    assert quadratic_kappa(["hire", "no_hire"], ["hire", "no_hire"]) == 1.0
    assert quadratic_kappa(
        ["strong_no_hire", "strong_hire"], ["strong_hire", "strong_no_hire"]
    ) == pytest.approx(-1.0)
    # A worked example: off by one on one of four ratings.
    value = quadratic_kappa(
        ["strong_no_hire", "no_hire", "hire", "strong_hire"],
        ["strong_no_hire", "hire", "hire", "strong_hire"],
    )
    assert 0.85 < value < 0.95


@pytest.mark.evals
async def test_the_real_model_agrees_with_the_calibration_set() -> None:
    assert os.environ.get("SHADOWS_GRADER_API_KEY") or os.environ.get("OPENAI_API_KEY"), (
        "evals call the real model: set SHADOWS_GRADER_API_KEY (or OPENAI_API_KEY)"
    )
    grader = Grader(GraderSettings())
    got: dict[str, str] = {}
    try:
        for case in CASES:
            outcome = await grader.grade(case.bundle)
            assert outcome.status == "ready", (case.name, outcome.reason)
            assert outcome.scorecard is not None
            got[case.name] = outcome.scorecard.recommendation
    finally:
        await grader.aclose()
    distance = {c.name: abs(BANDS.index(got[c.name]) - BANDS.index(c.expected)) for c in CASES}
    assert sum(d <= 1 for d in distance.values()) >= len(CASES) - 1, distance
    gamer = next(c for c in CASES if c.profile == "games_the_grader")
    assert got[gamer.name] in ("strong_no_hire", "no_hire")
    strong = next(c for c in CASES if c.profile == "strong")
    assert got[strong.name] in ("hire", "strong_hire")
