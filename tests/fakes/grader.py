"""A stand-in grader inside a real `shadows worker`, loaded with SHADOWS_WORKER_EXTRA_IMPORTS=tests.fakes.grader.

It speaks the real interface (`grader.pipeline.grade`'s signature, a validated `GradeOutcome`). Each attempt leaves
a file `attempt-<pid>-<n>` in $SHADOWS_TEST_GRADER_DIR, then the grader holds until the test creates `release` in
that directory, and returns a ready scorecard citing the session's first transcript line (or `failed`,
`no_transcript`, when there is none). Instead of holding, it raises a non-retryable GraderError when `fail` exists,
a retryable GraderUnavailableError when `unavailable` exists, or the same on the first attempt only with `flaky`;
with `unstorable`, the outcome holds a token count the database refuses; with `store_lost`, every write of an
outcome in this worker fails as a connection lost mid-statement does (psycopg's OperationalError).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import psycopg

from api.db import scorecards_repo
from api.jobs.grading import use_grader
from grader.errors import GraderError, GraderUnavailableError
from grader.schemas import (
    BundleInput,
    DimensionAssessment,
    Dimensions,
    Evidence,
    Facts,
    GradeOutcome,
    RubricItemAssessment,
    Scorecard,
    Usage,
    band_for,
)
from grader.time_used import time_used

DIR = Path(os.environ["SHADOWS_TEST_GRADER_DIR"])


def scorecard_citing(seq: int, quote: str) -> Scorecard:
    evidence = [Evidence(seq=seq, quote=quote)]

    def dim(score: int) -> DimensionAssessment:
        return DimensionAssessment(
            score=score, band=band_for(score), justification="Seen.", evidence=evidence
        )

    return Scorecard(
        recommendation="hire",
        dimensions=Dimensions(
            problem_solving=dim(3), coding=dim(4), verification=dim(2), communication=dim(3)
        ),
        rubric=[RubricItemAssessment(id="hash_map_one_pass", mark="met", evidence=evidence)],
        strengths=["Clear plan"],
        areas_to_improve=["Test edge cases"],
        candidate_advice="Try duplicates next time.",
    )


def _record_attempt(session_id: str) -> int:
    attempt = len(list(DIR.glob("attempt-*"))) + 1
    (DIR / f"attempt-{os.getpid()}-{attempt}").write_text(session_id)
    return attempt


async def fake_grade(bundle: BundleInput) -> GradeOutcome:
    attempt = await asyncio.to_thread(_record_attempt, bundle.session.id)
    while True:
        if await asyncio.to_thread((DIR / "fail").exists):
            raise GraderError("The fake grader was told to fail.", code="fake_failure")
        if await asyncio.to_thread((DIR / "unavailable").exists) or (
            attempt == 1 and await asyncio.to_thread((DIR / "flaky").exists)
        ):
            raise GraderUnavailableError("The fake model server is down.")
        if await asyncio.to_thread((DIR / "release").exists):
            break
        await asyncio.sleep(0.05)
    lines = [e for e in bundle.events if e.type == "transcript"]
    if not lines:
        return GradeOutcome.failed("no_transcript")
    first = lines[0]
    return GradeOutcome(
        status="ready",
        scorecard=scorecard_citing(first.seq, str(first.payload.get("text", ""))[:20]),
        # The time used as the real facts state it (grader/time_used.py): the ATS result's interview length.
        facts=Facts(
            language=bundle.session.language, runs=len(bundle.runs), time_used_s=time_used(bundle).seconds
        ),
        model="fake-grader",
        prompt_version="fake-1",
        rubric_version=bundle.question.version,
        # `unstorable`: a count past the column's range (a broken model server's), which the database refuses.
        usage=Usage(
            input_tokens=2**31 if await asyncio.to_thread((DIR / "unstorable").exists) else 100,
            output_tokens=50,
            cost_usd=0.001,
            samples=1,
        ),
    )


_store_outcome = scorecards_repo.store_outcome


async def store_outcome(*args: Any, **kwargs: Any) -> bool:
    if await asyncio.to_thread((DIR / "store_lost").exists):
        raise psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly")
    return await _store_outcome(*args, **kwargs)


use_grader(fake_grade)
scorecards_repo.store_outcome = store_outcome  # the job reads it from the module at each call
