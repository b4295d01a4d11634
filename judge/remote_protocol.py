"""The judge service's wire format, shared by the service (judge.server) and its client (judge.backends.remote).

    POST /v1/runs            {"run_id": ID, "request": RunRequest}  ->  200 {"run_id": ID, "report": RunReport}
    PUT  /v1/tests/DIGEST    [TestCase, ...]                         ->  204 (the host holds them under DIGEST)
    POST /v1/runs/by-digest  {"run_id": ID, "tests_digest": DIGEST, "request": RunRequest without "tests"}
                             ->  200 as /v1/runs  |  409 tests_unknown (nothing started: PUT them, then ask again)
    GET  /readyz             ->  200 {"status": "ready", ...Load}   |  503 {"status": "starting" | "failed", ...}
    GET  /healthz            ->  200 {"status": "ok"}               |  503 {"status": "failed"}
    GET  /metrics            ->  Prometheus text

A run is idempotent by its id: a retried POST with the same id (and the same body) gets the same report, or waits
for the run in flight, and never runs it again. Errors are `{"error": {"code", "message"}}`; every response to a
run and every /readyz carries the service's load in the `X-Judge-*` headers below.

A question's tests are most of a Submit (1.2 MiB of its 1.2 MiB for the bank's largest), and the same for every
Submit of that question: the caller sends them to a host once, under the SHA-256 of their JSON (`encode_tests`),
and then only that digest with each run. The host checks the digest against the bytes it received and keeps the
tests, parsed, in a bounded cache (judge.tests_cache), least recently used first out; one it dropped or never had is
`tests_unknown`, refused before anything starts. A host that does not know the by-digest route (an older version)
answers 404 and is sent whole runs.

Each POST of a run carries `X-Judge-Start-Within: SECONDS` (decimal, at most START_WITHIN_MAX_S): how long the
caller will wait for the run to start. The host adds it to its own monotonic clock when the request arrives (so the
two clocks need not agree) and refuses a run still waiting for a slot then: 503 `start_expired`, nothing started,
and the run id forgotten. A run that started keeps its own budget. It is a header, not a field of the body, so that a
retried POST (less time left) repeats the body exactly and shares the run in flight; and so that both directions
work across versions: a host that predates it ignores it (and starts a run however late), and a request without it
(a caller that predates it) has no start-by. A malformed value is 422 `invalid_request`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from judge.bank import TestCase
from judge.schemas import RunReport, RunRequest

RUNS_PATH = "/v1/runs"
RUNS_BY_DIGEST_PATH = "/v1/runs/by-digest"
TESTS_PATH = "/v1/tests/{digest}"
RUN_ID_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
DIGEST_PATTERN = r"^[0-9a-f]{64}$"

QUEUE_DEPTH_HEADER = "X-Judge-Queue-Depth"  # runs waiting for a slot
RUNNING_HEADER = "X-Judge-Running"  # runs in a slot
SLOTS_HEADER = "X-Judge-Slots"  # runs it can hold in its slots at once
START_WITHIN_HEADER = "X-Judge-Start-Within"  # seconds the caller waits for the run to start (request header)
START_WITHIN_MAX_S = 86400.0

# Error codes of the service (the HTTP status in brackets).
UNAUTHORIZED = "unauthorized"  # [401] no or wrong token
JUDGE_BUSY = "judge_busy"  # [503] every slot busy and the queue full; Retry-After
JUDGE_UNAVAILABLE = "judge_unavailable"  # [503] starting, or its sandbox failed its self-check
RUN_ID_CONFLICT = "run_id_conflict"  # [409] the run id was used for another request
INVALID_REQUEST = "invalid_request"  # [422] not a valid envelope
UNSUPPORTED_LANGUAGE = "unsupported_language"  # [422]
CODE_TOO_LARGE = "code_too_large"  # [413] the source is over the service's max_code_bytes
BODY_TOO_LARGE = "body_too_large"  # [413] the request body is over serve_max_body_bytes
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # [415] not application/json
START_EXPIRED = (
    "start_expired"  # [503] the run was still queued at its start-by (nothing started; no Retry-After)
)
TESTS_UNKNOWN = "tests_unknown"  # [409] the host holds no tests under that digest (nothing started)
# [422] the tests' bytes do not hash to the digest they were put under
TESTS_DIGEST_MISMATCH = "tests_digest_mismatch"


class RunEnvelope(BaseModel):
    """A run as the service receives it: the caller's run id and the judge's own request."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str = Field(pattern=RUN_ID_PATTERN)
    request: RunRequest


class RunByDigestEnvelope(BaseModel):
    """A run whose tests the host already holds: its request without them, and their digest. `request` is checked
    as a RunRequest once the tests are added (`with_tests`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str = Field(pattern=RUN_ID_PATTERN)
    tests_digest: str = Field(pattern=DIGEST_PATTERN)
    request: dict[str, Any]

    def with_tests(self, tests: Sequence[TestCase]) -> RunEnvelope:
        """The whole run. Raises ValidationError for a request that is not valid with those tests, or that carries
        tests of its own."""
        if "tests" in self.request:
            # Refused the way any invalid field is: a ValidationError naming request.tests.
            tests = None  # type: ignore[assignment]
        return RunEnvelope.model_validate(
            {"run_id": self.run_id, "request": {**self.request, "tests": tests}}
        )


_START_WITHIN = re.compile(r"[0-9]{1,6}(\.[0-9]{1,6})?")


def start_within_header(seconds: float) -> str:
    """The header's value for a caller that waits `seconds` (clamped to [0, START_WITHIN_MAX_S]) for a start."""
    return f"{min(START_WITHIN_MAX_S, max(0.0, seconds)):.3f}"


def parse_start_within(value: str | None) -> float | None:
    """The seconds a request's START_WITHIN_HEADER gives, or None without one. Raises ValueError for anything but a
    plain decimal number of seconds within [0, START_WITHIN_MAX_S]."""
    if value is None:
        return None
    if _START_WITHIN.fullmatch(value.strip()) is None:
        raise ValueError("not a decimal number of seconds")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds > START_WITHIN_MAX_S:
        raise ValueError("out of range")
    return seconds


_TESTS = TypeAdapter(Annotated[list[TestCase], Field(min_length=1)])


def encode_tests(tests: Sequence[TestCase]) -> bytes:
    """The tests as a host receives them under their digest."""
    return _TESTS.dump_json(list(tests))


def decode_tests(data: bytes) -> list[TestCase]:
    """Tests put to a host. Raises ValidationError (not a list of at least one valid test)."""
    return _TESTS.validate_json(data)


def tests_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ReportEnvelope(BaseModel):
    """A run's answer: the run id it answers and the judge's own report."""

    model_config = ConfigDict(extra="forbid")

    run_id: str = Field(pattern=RUN_ID_PATTERN)
    report: RunReport


@dataclass(frozen=True)
class Load:
    """How busy a judge service is: runs in its slots, runs waiting, and its slot count."""

    running: int
    queued: int
    slots: int

    @property
    def score(self) -> float:
        """Runs per slot, waiting ones included: the lower, the sooner a new run starts there."""
        return (self.running + self.queued) / max(1, self.slots)

    def headers(self) -> dict[str, str]:
        return {
            RUNNING_HEADER: str(self.running),
            QUEUE_DEPTH_HEADER: str(self.queued),
            SLOTS_HEADER: str(self.slots),
        }

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Load | None:
        """The load a response reports, or None when its headers are missing or malformed."""
        try:
            values = [int(headers[name]) for name in (RUNNING_HEADER, QUEUE_DEPTH_HEADER, SLOTS_HEADER)]
        except (KeyError, ValueError):
            return None
        if min(values) < 0 or values[2] < 1:
            return None
        return cls(running=values[0], queued=values[1], slots=values[2])
