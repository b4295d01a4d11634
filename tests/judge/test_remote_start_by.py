"""The remote backend's start-by (judge.backends.remote): past it, no judge host is asked afresh for a run, since one
that predates the X-Judge-Start-Within header would start it however late, after the API stopped waiting and its
caller released the session's run lease. Pure: hosts are an httpx.MockTransport."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from judge import remote_protocol as wire
from judge.backends import remote
from judge.backends.local import LocalBackend
from judge.bank import load_question
from judge.errors import JudgeBusyError
from judge.limits import JOB_GRACE_S, job_budget_s, pool_timeout_s
from judge.schemas import RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from judge.tests_cache import TestsMemo

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
URL = "http://judge-a.invalid"
OTHER = "http://judge-b.invalid"
LOAD = {wire.RUNNING_HEADER: "0", wire.QUEUE_DEPTH_HEADER: "0", wire.SLOTS_HEADER: "1"}


def _settings(*urls: str, queue_wait_s: float) -> JudgeSettings:
    return JudgeSettings(
        _env_file=None,  # type: ignore[call-arg]
        backend="remote",
        remote_urls=",".join(urls),
        remote_token=SecretStr("t" * 32),
        remote_poll_s=0,
        remote_queue_wait_s=queue_wait_s,
    )


def _request() -> RunRequest:
    return RunRequest.for_question(QUESTION, language="python", source=QUESTION.references["python"])


async def test_a_host_slow_to_accept_is_not_asked_afresh_past_the_start_by() -> None:
    # The start-by is the queue wait: the first POST is sent well within it, and the pause before a host that timed
    # out on connect is asked again (0.2 s, remote._SLOW_PAUSE_S) ends past it.
    queue_wait_s = 0.18
    assert remote._SLOW_PAUSE_S[0] > queue_wait_s
    posts: list[str | None] = []

    def host(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/readyz":
            return httpx.Response(200, headers=LOAD, json={"status": "ready"})
        posts.append(request.headers.get(wire.START_WITHIN_HEADER))
        if len(posts) == 1:
            raise httpx.ConnectTimeout("not accepted in time", request=request)
        # An older host ignores the header: asked now, it would take the run (here it is busy, so the backend would
        # answer JudgeBusyError instead of failing the run).
        return httpx.Response(503, headers=LOAD, json={"error": {"code": wire.JUDGE_BUSY}})

    settings = _settings(URL, queue_wait_s=queue_wait_s)
    backend = remote.RemoteBackend(settings, transport=httpx.MockTransport(host))
    async with Judge(settings, backend=backend) as judge:
        report = await judge.run(_request())
    assert report.verdict is Verdict.INTERNAL_ERROR
    assert report.message == "the judge failed to run this code; please try again"
    assert len(posts) == 1, posts  # asked once, within its start-by; never again past it
    assert posts[0] is not None and 0 < float(posts[0]) <= queue_wait_s


def _error(code: str, status: int) -> httpx.Response:
    return httpx.Response(status, headers=LOAD, json={"error": {"code": code}})


@pytest.mark.parametrize("nothing_started", ["busy", "tests_unknown", "no_digest_route"])
async def test_a_host_is_not_asked_afresh_once_an_answer_that_nothing_started_came_past_the_start_by(
    nothing_started: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first answer (nothing started there) comes back past the start-by: the loop's clock is moved on by a
    # second, within the run's deadline (its budget, seconds). What follows it would have been a fresh POST (to the
    # next host; after the tests' PUT; whole, to a host without the by-digest route), which a host that predates the
    # header takes however late.
    loop = asyncio.get_running_loop()
    clock, ahead = loop.time, [0.0]
    monkeypatch.setattr(loop, "time", lambda: clock() + ahead[0])
    asked: list[tuple[str, str]] = []

    def host(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/readyz":
            return httpx.Response(200, headers=LOAD, json={"status": "ready"})
        asked.append((request.method, request.url.path))
        if request.method == "PUT":
            return httpx.Response(204)
        if len(asked) > 1:  # an older host: it would start the run now, past its start-by
            return _error(wire.JUDGE_BUSY, 503)
        ahead[0] = 1.0
        if nothing_started == "busy":
            return _error(wire.JUDGE_BUSY, 503)
        if nothing_started == "tests_unknown":
            return _error(wire.TESTS_UNKNOWN, 409)
        return httpx.Response(404, json={"error": {"code": "not_found"}})

    urls = (URL, OTHER) if nothing_started == "busy" else (URL,)
    settings = _settings(*urls, queue_wait_s=0.5)
    assert pool_timeout_s(_request(), settings) + 0.5 > 1.0  # the moved clock is within the run's deadline
    backend = remote.RemoteBackend(settings, transport=httpx.MockTransport(host))
    backend.memo = TestsMemo(min_bytes=0)  # the tests named by digest, as a bank question's Submit's are
    async with Judge(settings, backend=backend) as judge:
        report = await judge.run(_request())
    assert report.verdict is Verdict.INTERNAL_ERROR
    assert report.message == "the judge failed to run this code; please try again"
    # Nothing asked for afresh past the start-by (a PUT of the tests starts nothing).
    assert [call for call in asked if call[0] == "POST"] == [("POST", wire.RUNS_BY_DIGEST_PATH)], asked


@pytest.mark.parametrize(
    "job_timeout_s", [1.0, 3600.0]
)  # the budget and grace the larger; the floor the larger
async def test_the_start_by_leaves_a_run_all_its_host_allows_it_before_the_backend_stops_waiting(
    job_timeout_s: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A host's pool kills a run only at its budget and the grace, or at job_timeout_s: a run started at the start-by
    # that overran must still end before the deadline, when the API stores internal_error and releases the session's
    # run lease. Each POST carries the time left to its start-by (the header) and to its deadline (its timeout).
    settings = _settings(URL, queue_wait_s=5.0).model_copy(update={"job_timeout_s": job_timeout_s})
    request = _request()
    allowed = pool_timeout_s(request, settings)
    assert allowed == max(job_timeout_s, job_budget_s(request) + JOB_GRACE_S)
    sent: list[tuple[float, float]] = []

    def host(http: httpx.Request) -> httpx.Response:
        if http.url.path == "/readyz":
            return httpx.Response(200, headers=LOAD, json={"status": "ready"})
        within = float(http.headers[wire.START_WITHIN_HEADER])
        sent.append((within, http.extensions["timeout"]["read"]))
        return _error(wire.JUDGE_BUSY, 503)

    backend = remote.RemoteBackend(settings, transport=httpx.MockTransport(host))
    async with Judge(settings, backend=backend) as judge:
        with pytest.raises(JudgeBusyError):
            await judge.run(request)
    [(within, until_deadline)] = sent
    assert 0 < within <= 5.0
    assert until_deadline - within >= allowed - 0.001  # the header is rounded to the millisecond
    assert until_deadline - within == pytest.approx(allowed, abs=0.002)

    # The judge host's pool gets that timeout for the run's job, from the same function (a host runs LocalBackend).
    local = LocalBackend(settings)
    given: list[float | None] = []

    async def submit(fn_name: str, payload: bytes, *, timeout_s: float | None = None) -> dict:
        given.append(timeout_s)
        raise JudgeBusyError("recorded")

    monkeypatch.setattr(local.pool, "submit", submit)
    with pytest.raises(JudgeBusyError):
        await local.run(request)
    assert given == [allowed]
