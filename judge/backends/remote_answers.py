"""How the remote backend reads a judge host's answers: bounded in size, in time as a whole and in depth, whatever the
host (or whoever sits on a plain-http path to it) sends.

httpx's timeouts bound each read, not an answer: a host that trickles a byte a second, or streams without end,
holds the request and grows the API process's memory for as long as it likes unless the whole answer is bounded.
A report that parses is then checked against the request (`check_report`) and held to what the local judge puts in
one: without that, a host could have the API store its whole 64 MiB answer as one test's output, or as a visible
test's arguments or expected value (those must be the ones the request sent). Its figures too (`figures_agree`): a
time that is NaN, infinite or negative (JSON's parser takes `NaN`; PostgreSQL's jsonb refuses it, and the run was a
500 that stored nothing), or a count or overall verdict its own tests do not give (`"passed": 10**400` was stored
in the run's event, and dividing it by `total` for the facts' best tally, api.report_facts, raised OverflowError).
"""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import httpx
from pydantic import TypeAdapter

from judge.bank import TestCase
from judge.credential_mask import text_for_log
from judge.disclosure import TIME_BUCKETS_MS
from judge.errors import JudgeInternalError
from judge.limits import JOB_GRACE_S, job_budget_s
from judge.observation import EXCERPT_BYTES
from judge.schemas import RunReport, RunRequest, TestResult, Verdict
from judge.verdict import (
    COMPILE_OUTPUT_CHARS,
    MESSAGE_CHARS,
    SHOWN_VALUE_BYTES,
    json_size_over,
    overall_verdict,
)

MAX_ANSWER_BYTES = 64 << 20  # a run's answer: the largest report a host may send
# A /readyz answer is a hundred bytes of JSON; the backend reads only its status and headers.
MAX_READYZ_BYTES = 64 << 10
# An error's body is `{"error": {"code", "message", ...}}`, a few hundred bytes: only so much is parsed for its code.
MAX_ERROR_BYTES = 64 << 10


class AnswerTooLargeError(JudgeInternalError):
    """The host's answer is over the bound for its kind."""


async def read_capped(response: httpx.Response, cap: int = MAX_ANSWER_BYTES) -> bytes:
    """The response's body; raises AnswerTooLargeError past `cap` bytes (decoded: a compressed answer is bounded as
    it unpacks), having read no more than one chunk past it."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise AnswerTooLargeError("the judge host's answer is too large")
        chunks.append(chunk)
    return b"".join(chunks)


async def get_bounded(
    client: httpx.AsyncClient, url: str, *, cap: int, within_s: float
) -> tuple[httpx.Response, bytes]:
    """GET `url`, its whole answer within `within_s` seconds and `cap` bytes. Raises httpx.HTTPError, TimeoutError
    (the answer did not arrive whole in time) or AnswerTooLargeError."""
    async with asyncio.timeout(within_s), client.stream("GET", url) as response:
        return response, await read_capped(response, cap)


def error_code(body: bytes) -> str | None:
    """The `error.code` of a host's error answer (at most LOG_TEXT_CHARS characters, escaped: `text_for_log`), or
    None when it has none: a body that is not such JSON, one over
    MAX_ERROR_BYTES, or one nested past the parser's recursion limit (a RecursionError, not a ValueError)."""
    if len(body) > MAX_ERROR_BYTES:
        return None
    try:
        error = json.loads(body).get("error")
        code = error.get("code") if isinstance(error, dict) else None
    except (ValueError, AttributeError, RecursionError):
        return None
    # The host's text, bounded and escaped here once: it is compared with our codes (all short and printable, so
    # unchanged by this), logged and quoted in errors.
    return text_for_log(code) if isinstance(code, str) else None


def within_local_bounds(report: RunReport) -> bool:
    """Whether every text and returned value of `report` is within what the local judge makes: a test's stdout and
    stderr excerpts (the first EXCERPT_BYTES bytes of each stream, at most one character each), its message, its
    returned value as shown (SHOWN_VALUE_BYTES as JSON), and the report's compile output and message."""
    if len(report.compile_output) > COMPILE_OUTPUT_CHARS or len(report.message or "") > MESSAGE_CHARS:
        return False
    for result in report.tests:
        if len(result.stdout or "") > EXCERPT_BYTES or len(result.stderr or "") > EXCERPT_BYTES:
            return False
        if len(result.message or "") > MESSAGE_CHARS or json_size_over(result.actual, SHOWN_VALUE_BYTES):
            return False
    return True


def figures_agree(report: RunReport, request: RunRequest) -> bool:
    """Whether the report's figures are ones the local judge makes for `request` (judge.runner.make_report and
    internal_error_report): its verdict the one its tests give (a compile error when every test is one), `passed` and
    `total` its tests' counts, at most one process per test, and every time finite, not negative and no longer than
    the run could take (its job budget and grace, or the largest time bucket a Submit reports)."""
    tests = report.tests
    if report.verdict is not overall_verdict(tests) and not (
        report.verdict is Verdict.COMPILE_ERROR and all(t.verdict is Verdict.COMPILE_ERROR for t in tests)
    ):
        return False
    if report.passed != sum(t.verdict is Verdict.ACCEPTED for t in tests) or report.total != len(tests):
        return False
    if not 0 <= report.processes <= max(1, len(tests)):
        return False
    longest_ms = max((job_budget_s(request) + JOB_GRACE_S) * 1000, TIME_BUCKETS_MS[-1])
    times = [t.time_ms for t in tests if t.time_ms is not None]
    times += [report.timings.compile_ms, report.timings.run_ms, report.timings.total_ms]
    return all(math.isfinite(ms) and 0 <= ms <= longest_ms for ms in times)


# Pydantic's JSON for any value, as a request's tests go on the wire (a tuple is written as a list).
_ANY = TypeAdapter(Any)


def check_report(report: RunReport, request: RunRequest) -> None:
    """Raise JudgeInternalError unless the report answers this request, discloses nothing of a hidden test but
    its verdict and time (the API redacts too; this is for a host that is broken or not ours), holds no more
    text or value than the local judge puts in one (the API stores what it holds) and no figure its tests do not
    give (`figures_agree`): a visible test's arguments and expected value are the request's own, or absent (a test
    the host could not run)."""
    if not within_local_bounds(report):
        raise JudgeInternalError("the judge host sent a report larger than a judge makes")
    tests = request.selected_tests()
    if (report.language, report.mode) != (request.language, request.mode):
        raise JudgeInternalError("the judge host answered another request")
    if [(t.id, t.hidden) for t in report.tests] != [(t.id, t.hidden) for t in tests]:
        raise JudgeInternalError("the judge host answered another request")
    if not figures_agree(report, request):
        raise JudgeInternalError("the judge host sent figures a judge does not make")
    for result in report.tests:
        if result.hidden and any(
            value is not None
            for value in (
                result.args,
                result.expected,
                result.actual,
                result.message,
                result.stdout,
                result.stderr,
            )
        ):
            raise JudgeInternalError("the judge host disclosed a hidden test")
    for result, test in zip(report.tests, tests, strict=True):
        if not result.hidden and not _echoes(result, test):
            raise JudgeInternalError("the judge host sent a test's inputs other than the request's")


def _echoes(result: TestResult, test: TestCase) -> bool:
    """Whether a visible test's result carries the test's own arguments and expected value (or none), compared as
    JSON: the host read them from the request's JSON, so a tuple sent comes back a list, while 1 sent must not come
    back 1.0 or true."""
    return (result.args is None or _ANY.dump_json(result.args) == _ANY.dump_json(list(test.args))) and (
        result.expected is None or _ANY.dump_json(result.expected) == _ANY.dump_json(test.expected)
    )
