"""Dedicated Submit hosts (SHADOWS_JUDGE_REMOTE_SUBMIT_URLS) against real judge services: a Submit gives hidden
inputs to candidate code, which can leave them in its host's page cache for a later process to read, so hidden tests
go only to the Submit hosts, whatever the hosts' loads, and a Submit whose hosts are down or busy fails rather than
sending them to a run host. Nothing whose output a report shows runs there: a Submit's visible tests (their returned
values and messages are shown) run on a run host, as Runs do. What each host ran is read from its own log, not the
client's view."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from judge.backends.remote import RemoteBackend
from judge.bank import TestCase as Case
from judge.errors import JudgeBusyError, JudgeConfigurationError
from judge.remote_protocol import Load, decode_tests
from judge.schemas import Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from tests.conftest import free_port
from tests.judge import judge_service
from tests.judge.judge_service import TOKEN, JudgeService
from tests.judge.test_remote_backend import (
    IDLE,
    LOADED,
    NOT_BLAMING,
    QUESTION,
    _backend,
    _fill,
    _request,
)

pytestmark = pytest.mark.sandbox


def _settings(runs: str, submits: str) -> JudgeSettings:
    return JudgeSettings(
        _env_file=None,  # type: ignore[call-arg]
        backend="remote",
        remote_urls=runs,
        remote_submit_urls=submits,
        remote_token=SecretStr(TOKEN),
        remote_poll_s=0,
        remote_connect_timeout_s=10,
    )


def _modes(service: JudgeService) -> Counter[str]:
    """How many runs of each mode the service itself logged as finished."""
    return Counter(e["mode"] for e in service.events("judge.run.finished"))


def _ran(service: JudgeService) -> Counter[tuple[str, int, int]]:
    """How many runs the service logged as started, by (mode, visible tests, hidden tests) run."""
    return Counter(
        (e["mode"], e["tests"] - e["hidden"], e["hidden"]) for e in service.events("judge.run.started")
    )


VISIBLE, HIDDEN = 6, 3  # tests/judge/questions/sum-pair


def _set_load(judge: Judge, url: str, load: Load) -> None:
    backend = _backend(judge)
    host = next(h for h in (*backend.hosts, *backend.submit_hosts) if h.url == url)
    host.load, host.sent, host.ready, host.down = load, 0, True, False


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JudgeService, JudgeService]]:
    """R, a run host on 127.0.0.1; S, a Submit host on 127.0.0.2 (another host name), one slot and no queue."""
    directory = tmp_path_factory.mktemp("submit-hosts")
    r = judge_service.launch(directory, "r")
    s = judge_service.launch(directory, "s", "--host", "127.0.0.2", SHADOWS_JUDGE_QUEUE_SIZE="0")
    try:
        for service in (r, s):
            service.url = service.wait_for("judge.serve.listening")["url"]
            service.wait_for("judge.serve.ready")
        assert s.url.startswith("http://127.0.0.2:")
        yield r, s
    finally:
        r.stop()
        s.stop()


async def test_hidden_tests_run_only_on_submit_hosts_and_nothing_shown_ever_does_whatever_the_loads(
    hosts,
) -> None:
    r, s = hosts
    r_before, s_before = _ran(r), _ran(s)
    async with Judge(_settings(r.url, s.url)) as judge:
        _set_load(judge, r.url, IDLE)  # the run host looks idle and the Submit host loaded: still not used
        _set_load(judge, s.url, LOADED)
        submits = [await judge.run(_request(mode="submit")) for _ in range(2)]
        _set_load(judge, r.url, LOADED)  # and the other way round
        _set_load(judge, s.url, IDLE)
        runs = [await judge.run(_request()) for _ in range(2)]
    assert [x.verdict for x in submits + runs] == [Verdict.ACCEPTED] * 4
    assert _ran(r) - r_before == Counter({("run", VISIBLE, 0): 2, ("submit", VISIBLE, 0): 2}), (
        "the run host ran the Runs and the Submits' visible tests, and no hidden test"
    )
    assert _ran(s) - s_before == Counter({("submit", 0, HIDDEN): 2}), (
        "the Submit host ran the Submits' hidden tests and nothing whose output is shown"
    )


async def test_a_submit_shows_what_its_visible_tests_returned_from_the_run_host_in_one_report(hosts) -> None:
    # A Submit's visible tests show their returned values and messages. Run on the Submit host, they could carry
    # out what an earlier Submit's hidden tests left in its page cache (a Submit after a Submit, or another
    # session's): demonstrated on 2026-12-02, the second Submit's first visible test returned the first hidden
    # test's input, read back with preadv2(RWF_NOWAIT). Now they run on a run host and the reports are one.
    r, s = hosts
    wrong = (
        "def sum_pair(a, b):\n    if a == 1:\n        raise ValueError('one')\n    return a + b + (a == 0)\n"
    )
    r_before, s_before = _ran(r), _ran(s)
    async with Judge(_settings(r.url, s.url)) as judge:
        report = await judge.run(_request(wrong, mode="submit"))
    assert _ran(r) - r_before == Counter({("submit", VISIBLE, 0): 1})
    assert _ran(s) - s_before == Counter({("submit", 0, HIDDEN): 1})
    expected = {t.id: t for t in QUESTION.tests}
    assert [(t.id, t.hidden) for t in report.tests] == [(t.id, t.hidden) for t in QUESTION.tests]
    assert (report.mode, report.backend, report.total) == ("submit", "remote", VISIBLE + HIDDEN)
    assert report.passed == sum(t.verdict is Verdict.ACCEPTED for t in report.tests) > 0
    shown = [t for t in report.tests if not t.hidden and t.verdict is not Verdict.ACCEPTED]
    assert shown and all(t.actual is not None or t.message for t in shown), shown
    assert report.verdict is next(t.verdict for t in report.tests if t.verdict is not Verdict.ACCEPTED)
    for t in report.tests:
        assert t.time_ms in (10.0, 100.0, 1000.0, 2000.0)  # buckets, from both hosts
        if t.hidden:
            assert (t.args, t.expected, t.actual, t.message) == (None, None, None, None)
        else:
            assert t.args == list(expected[t.id].args) and t.stdout is None


async def test_a_submit_without_hidden_tests_runs_on_a_run_host(hosts) -> None:
    r, s = hosts
    request = _request(mode="submit")
    request = request.model_copy(update={"tests": [t for t in request.tests if not t.hidden]})
    r_before, s_before = _ran(r), _ran(s)
    async with Judge(_settings(r.url, s.url)) as judge:
        assert (await judge.run(request)).verdict is Verdict.ACCEPTED
    assert (_ran(r) - r_before, _ran(s) - s_before) == (Counter({("submit", VISIBLE, 0): 1}), Counter())


async def test_a_submit_whose_host_is_down_fails_and_its_hidden_tests_never_go_to_a_run_host(hosts) -> None:
    r, _ = hosts
    dead = f"http://127.0.0.3:{free_port()}"  # nothing listens there
    r_before = _ran(r)
    async with Judge(_settings(r.url, dead)) as judge:
        report = await judge.run(_request(mode="submit"))
        assert report.verdict is Verdict.INTERNAL_ERROR and report.message == NOT_BLAMING
        assert {t.verdict for t in report.tests} == {Verdict.INTERNAL_ERROR}
        run = await judge.run(_request())  # Runs are unaffected
        assert run.verdict is Verdict.ACCEPTED
    ran = _ran(r) - r_before
    assert ran[("run", VISIBLE, 0)] == 1 and all(hidden == 0 for _, _, hidden in ran), ran


async def test_a_submit_whose_hosts_are_busy_is_busy_and_its_hidden_tests_never_go_to_a_run_host(
    hosts,
) -> None:
    r, s = hosts
    filler = await _fill(s, 4.0)  # S's one slot taken, no queue
    r_before = _ran(r)
    async with Judge(_settings(r.url, s.url)) as judge:
        with pytest.raises(JudgeBusyError):
            await judge.run(_request(mode="submit"))
    assert all(hidden == 0 for _, _, hidden in _ran(r) - r_before)
    assert (await filler).status_code == 200


def test_submit_hosts_must_not_share_a_host_name_with_run_hosts() -> None:
    # Another port on the same machine is the same page cache: refused by host name, not by URL.
    with pytest.raises(ValidationError, match="SHADOWS_JUDGE_REMOTE_SUBMIT_URLS must not name a host") as e:
        _settings("http://judge-1:8090,http://judge-2:8090", "http://JUDGE-2:9000/")
    assert "judge-2" in str(e.value) and TOKEN not in str(e.value)
    ok = _settings("http://judge-1:8090/", " http://judge-9:8090 ,http://judge-9:8090")
    assert (ok.remote_hosts, ok.remote_submit_hosts) == (["http://judge-1:8090"], ["http://judge-9:8090"])
    assert _settings("http://judge-1:8090", "").remote_submit_hosts == []


async def test_without_submit_hosts_submits_share_the_run_hosts_as_before(hosts) -> None:
    r, _ = hosts
    r_before = _modes(r)
    async with Judge(_settings(r.url, "")) as judge:
        assert (await judge.run(_request(mode="submit"))).verdict is Verdict.ACCEPTED
    assert _modes(r) - r_before == Counter({"submit": 1})


async def test_a_submit_host_url_that_is_not_http_is_refused_at_start() -> None:
    judge = Judge(_settings("http://127.0.0.1:1", "ftp://127.0.0.2:1"))
    with pytest.raises(
        JudgeConfigurationError,
        match=r"SHADOWS_JUDGE_REMOTE_SUBMIT_URLS: ftp://127\.0\.0\.2:1 is not an http",
    ):
        await judge.start()
    await judge.aclose()


class _Puts(httpx.AsyncBaseTransport):
    """The real transport, keeping each PUT of tests: the host it went to and the tests in it."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.puts: list[tuple[str, list[Case]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            self.puts.append(
                (f"{request.url.scheme}://{request.url.netloc.decode()}", decode_tests(await request.aread()))
            )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_tests_named_by_digest_reach_only_the_hosts_that_run_them(hosts) -> None:
    # A Submit whose hidden tests are large names them by digest: they are put to the Submit host alone, and the run
    # host is sent the visible tests (small: with the run, never put), as before.
    r, s = hosts
    request = _request(mode="submit")
    padded = [t if not t.hidden else t.model_copy(update={"note": "n" * 200}) for t in request.tests]
    padded += [
        Case(id=f"pad{i}", args=[i, 1], expected=i + 1, note="p" * 200, hidden=True) for i in range(300)
    ]
    transport = _Puts()
    settings = _settings(r.url, s.url)
    r_before, s_before = _ran(r), _ran(s)
    async with Judge(settings, backend=RemoteBackend(settings, transport=transport)) as judge:
        report = await judge.run(request.model_copy(update={"tests": padded}))
    assert report.verdict is Verdict.ACCEPTED, [
        (t.id, t.verdict) for t in report.tests if t.verdict is not Verdict.ACCEPTED
    ]
    assert [(host, [t.id for t in tests]) for host, tests in transport.puts] == [
        (s.url, [t.id for t in padded if t.hidden])
    ]
    assert _ran(r) - r_before == Counter({("submit", VISIBLE, 0): 1})
    assert _ran(s) - s_before == Counter({("submit", 0, HIDDEN + 300): 1})
