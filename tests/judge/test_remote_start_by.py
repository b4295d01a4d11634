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
from judge.bank import load_question
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


async def test_a_host_slow_to_accept_is_not_asked_afresh_past_the_start_by(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The start-by is then the queue wait alone: the first POST is sent well within it, and the pause before a host
    # that timed out on connect is asked again (0.2 s, remote._SLOW_PAUSE_S) ends past it.
    monkeypatch.setattr(remote, "JOB_GRACE_S", 0.0)
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
    monkeypatch.setattr(remote, "JOB_GRACE_S", 0.0)
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
    assert remote.job_budget_s(_request()) > 1.0 + 0.5  # the moved clock is within the run's deadline
    backend = remote.RemoteBackend(settings, transport=httpx.MockTransport(host))
    backend.memo = TestsMemo(min_bytes=0)  # the tests named by digest, as a bank question's Submit's are
    async with Judge(settings, backend=backend) as judge:
        report = await judge.run(_request())
    assert report.verdict is Verdict.INTERNAL_ERROR
    assert report.message == "the judge failed to run this code; please try again"
    # Nothing asked for afresh past the start-by (a PUT of the tests starts nothing).
    assert [call for call in asked if call[0] == "POST"] == [("POST", wire.RUNS_BY_DIGEST_PATH)], asked
