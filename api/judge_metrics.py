"""Runs handed to this process's judge, and how long each took. `MeteredJudge` is the Judge the API starts
(api/judging.LazyJudge); it times every run it hands on. The judge's queue depth and saturation are published by
fair admission (api/run_admission.py), where runs wait for the judge."""

from __future__ import annotations

import time

from api.metrics import JUDGE_IN_FLIGHT, JUDGE_RUN_SECONDS
from judge.schemas import RunReport, RunRequest
from judge.service import Judge


class MeteredJudge(Judge):
    """A Judge whose runs update the judge's metrics; nothing about the run itself changes."""

    in_flight = 0  # per process: every MeteredJudge in it shares the gauge

    async def run(self, request: RunRequest, *, from_json: bool = False) -> RunReport:
        cls = type(self)
        cls.in_flight += 1
        JUDGE_IN_FLIGHT.set(cls.in_flight)
        started = time.perf_counter()
        try:
            return await super().run(request, from_json=from_json)
        finally:
            cls.in_flight -= 1
            JUDGE_IN_FLIGHT.set(cls.in_flight)
            JUDGE_RUN_SECONDS.labels(language=request.language, mode=request.mode).observe(
                time.perf_counter() - started
            )
