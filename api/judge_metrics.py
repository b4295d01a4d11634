"""This process's judge as Prometheus sees it: runs in flight, the queue behind the slots, saturation and run
duration. `MeteredJudge` is the Judge the API starts (api/judging.LazyJudge); it times every run it hands on."""

from __future__ import annotations

import time

from api.metrics import JUDGE_IN_FLIGHT, JUDGE_QUEUE_DEPTH, JUDGE_RUN_SECONDS, JUDGE_SATURATION
from judge.schemas import RunReport, RunRequest
from judge.service import Judge


class MeteredJudge(Judge):
    """A Judge whose runs update the judge gauges; nothing about the run itself changes."""

    in_flight = 0  # per process: every MeteredJudge in it shares the gauges

    async def run(self, request: RunRequest) -> RunReport:
        cls = type(self)
        cls.in_flight += 1
        self._publish()
        started = time.perf_counter()
        try:
            return await super().run(request)
        finally:
            cls.in_flight -= 1
            JUDGE_RUN_SECONDS.labels(language=request.language, mode=request.mode).observe(
                time.perf_counter() - started
            )
            self._publish()

    def _publish(self) -> None:
        slots = max(1, self.settings.slots)
        places = slots + max(0, self.settings.queue_size)
        n = type(self).in_flight
        JUDGE_IN_FLIGHT.set(n)
        JUDGE_QUEUE_DEPTH.set(max(0, n - slots))
        JUDGE_SATURATION.set(min(1.0, n / places))
