"""The judge service's Prometheus metrics, on a registry of its own (served at its /metrics).

The names are the ones the API reports for its in-process judge (`shadows_judge_queue_depth`,
`shadows_judge_runs_in_flight`, `shadows_judge_saturation`, `shadows_judge_run_seconds`), with the same meaning
for this service's pool, so that the dashboard and alerts work for either; `shadows_judge_requests_total` counts
run requests by outcome.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from judge.cgroups import pressure_parent
from judge.remote_protocol import Load

RUN_SECONDS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30)
# completed: a run's report sent; replayed: answered from memory or from the run in flight under the same id;
# busy / unavailable: refused before starting; rejected: not a valid request; conflict: an id reused for another
# request; unauthorized: no or wrong token; tests_unknown: named tests this service does not hold (the caller puts
# them and asks again); start_expired: still queued when its caller's start-by passed (never started); failed: the
# service itself failed.
OUTCOMES = (
    "completed", "replayed", "busy", "unavailable", "rejected", "conflict", "unauthorized", "tests_unknown",
    "start_expired", "failed",
)  # fmt: skip


class HostMetrics:
    def __init__(
        self,
        load: Callable[[], Load],
        capacity: Callable[[], int],
        tests_bytes: Callable[[], int] = lambda: 0,
    ) -> None:
        self.registry = CollectorRegistry()
        Gauge(
            "shadows_judge_io_wait_accounted",
            "1 when each run gets a cgroup v2 group whose io.pressure shows how long it waited for the disk, which "
            "the judge then does not charge to programs; 0: a program's waiting for the disk counts against its "
            "time limit",
            registry=self.registry,
        ).set_function(lambda: 1.0 if pressure_parent() is not None else 0.0)
        Gauge(
            "shadows_judge_tests_cached_bytes",
            "JSON size of the questions' tests this judge service holds by digest",
            registry=self.registry,
        ).set_function(tests_bytes)
        Gauge(
            "shadows_judge_queue_depth",
            "Runs waiting for a judge slot in this judge service",
            registry=self.registry,
        ).set_function(lambda: load().queued)
        Gauge(
            "shadows_judge_runs_in_flight",
            "Runs in this judge service's slots or queue",
            registry=self.registry,
        ).set_function(lambda: load().running + load().queued)
        Gauge(
            "shadows_judge_saturation",
            "Runs in flight / (judge slots + queue places): 1 means new runs get judge_busy",
            registry=self.registry,
        ).set_function(lambda: min(1.0, (load().running + load().queued) / max(1, capacity())))
        self.run_seconds = Histogram(
            "shadows_judge_run_seconds",
            "Time from admitting a run to its report (queueing included)",
            ["language", "mode"],
            buckets=RUN_SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.requests = Counter(
            "shadows_judge_requests", "Run requests to this judge service, by outcome", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
        for outcome in OUTCOMES:
            self.requests.labels(outcome=outcome)  # every series exists before its first event

    def count(self, outcome: str) -> None:
        self.requests.labels(outcome=outcome).inc()
