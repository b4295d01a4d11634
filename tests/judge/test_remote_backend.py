"""The remote backend against two real judge services: the least loaded host first, a full host passes the run on,
a run that may have started is asked for again under its id and never sent elsewhere, and whatever a broken host
answers becomes `internal_error`, never a verdict against the candidate."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from judge import bank
from judge.backends.remote import REPLAYS, SLOW_ROUNDS, RemoteBackend
from judge.bank import load_question
from judge.disclosure import WITHHELD
from judge.errors import JudgeBusyError
from judge.observation import EXCERPT_BYTES
from judge.remote_protocol import START_WITHIN_HEADER, Load, RunEnvelope
from judge.schemas import RunLimits, RunReport, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from judge.verdict import COMPILE_OUTPUT_CHARS, MESSAGE_CHARS, SHOWN_VALUE_BYTES
from tests.conftest import free_port
from tests.fakes.flaky_proxy import FlakyProxy
from tests.fakes.judge_hosts import TamperingJudgeHost
from tests.fakes.stalled_listener import StalledListener
from tests.judge import judge_service
from tests.judge.judge_service import TOKEN, JudgeService, auth, envelope, metric

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
PAIR_SUMS = load_question(Path(__file__).parent / "questions" / "pair-sums")
REFERENCE = QUESTION.references["python"]
NOT_BLAMING = "the judge failed to run this code; please try again"


def _request(source: str = REFERENCE, **kw) -> RunRequest:
    return RunRequest.for_question(QUESTION, language="python", source=source, **kw)


def _sleeper(seconds: float) -> RunRequest:
    source = f"import time\n\ndef sum_pair(a, b):\n    if a == 0:\n        time.sleep({seconds})\n    return a + b\n"
    return _request(source, limits=RunLimits(time_limit_s=8))


def _settings(*urls: str, token: str = TOKEN, connect_timeout_s: float = 10) -> JudgeSettings:
    return JudgeSettings(
        _env_file=None,  # type: ignore[call-arg]
        backend="remote",
        remote_urls=",".join(urls),
        remote_token=SecretStr(token),
        remote_poll_s=0,  # each test decides what the backend knows of the hosts' load
        remote_connect_timeout_s=connect_timeout_s,
    )


def _backend(judge: Judge) -> RemoteBackend:
    assert isinstance(judge.backend, RemoteBackend)
    return judge.backend


def _pretend(judge: Judge, url: str, load: Load) -> None:
    """Make the backend believe `url` last reported `load` (a stale view, as between two polls)."""
    host = next(h for h in _backend(judge).hosts if h.url == url)
    host.load, host.sent, host.ready, host.down = load, 0, True, False


def _assert_not_blamed(report: RunReport) -> None:
    assert report.verdict is Verdict.INTERNAL_ERROR
    assert report.message == NOT_BLAMING
    assert {t.verdict for t in report.tests} == {Verdict.INTERNAL_ERROR}
    assert report.passed == 0


IDLE, LOADED = Load(running=0, queued=0, slots=1), Load(running=4, queued=4, slots=1)


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JudgeService, JudgeService]]:
    """A: one slot and no queue (full with one run). B: one slot, two queue places."""
    directory = tmp_path_factory.mktemp("judge-hosts")
    a = judge_service.launch(directory, "a", SHADOWS_JUDGE_QUEUE_SIZE="0")
    b = judge_service.launch(directory, "b", SHADOWS_JUDGE_QUEUE_SIZE="2")
    try:
        for service in (a, b):
            service.url = service.wait_for("judge.serve.listening")["url"]
            service.wait_for("judge.serve.ready")
        yield a, b
    finally:
        a.stop()
        b.stop()


async def _fill(service: JudgeService, seconds: float) -> asyncio.Task[httpx.Response]:
    """Occupy the service's one slot with a sleeping run; returns once it runs."""
    client = httpx.AsyncClient(base_url=service.url, timeout=120, headers=auth())
    task = asyncio.create_task(
        client.post("/v1/runs", json=envelope(secrets.token_hex(16), _sleeper(seconds)))
    )
    task.add_done_callback(lambda _: asyncio.ensure_future(client.aclose()))
    async with asyncio.timeout(60):
        while (await client.get("/readyz")).json()["running"] != 1:  # noqa: ASYNC110 - another process's state
            await asyncio.sleep(0.02)
    return task


async def test_runs_go_to_the_least_loaded_host_and_a_full_one_passes_them_on(hosts) -> None:
    a, b = hosts
    filler = await _fill(a, 4.0)
    a_before, b_before = a.run_ids("judge.run.finished"), b.run_ids("judge.run.finished")

    async with Judge(_settings(a.url, b.url)) as judge:  # its start polls /readyz: A reports its slot taken
        assert next(h for h in _backend(judge).hosts if h.url == a.url).load == Load(
            running=1, queued=0, slots=1
        )
        reports = [await judge.run(_request()), await judge.run(_request(mode="submit"))]
    assert [r.verdict for r in reports] == [Verdict.ACCEPTED, Verdict.ACCEPTED]
    assert {r.backend for r in reports} == {"remote"}
    new_on_b = b.run_ids("judge.run.finished") - b_before
    assert sum(new_on_b.values()) == 2 and set(new_on_b.values()) == {1}

    async with Judge(_settings(a.url, b.url)) as judge:
        _pretend(judge, a.url, IDLE)  # stale: A looks idle, B loaded, so A is asked first and answers busy
        _pretend(judge, b.url, LOADED)
        report = await judge.run(_request())
        assert report.verdict is Verdict.ACCEPTED
        assert next(h for h in _backend(judge).hosts if h.url == a.url).load == Load(
            running=1, queued=0, slots=1
        )
    busy_on_a = [e["run_id"] for e in a.events("judge.run.busy")]
    assert busy_on_a and (b.run_ids("judge.run.finished") - b_before)[busy_on_a[-1]] == 1

    async with Judge(_settings(a.url)) as judge:  # the only host is full: retryable busy, not internal_error
        with pytest.raises(JudgeBusyError):
            await judge.run(_request())

    assert (await filler).status_code == 200
    assert a.run_ids("judge.run.finished") - a_before == {(await filler).json()["run_id"]: 1}


async def test_a_run_that_may_have_started_is_asked_again_by_id_and_never_sent_elsewhere(hosts) -> None:
    a, b = hosts
    b_started = b.run_ids("judge.run.started")
    with httpx.Client(timeout=30) as client:
        replayed = metric(client, a, 'shadows_judge_requests_total{outcome="replayed"}')

    async with FlakyProxy(a.url) as proxy, Judge(_settings(proxy.url, b.url)) as judge:
        _pretend(judge, proxy.url, IDLE)
        _pretend(judge, b.url, LOADED)
        proxy.requests.clear()
        proxy.drop_after_forward = 1  # A runs it; its answer is lost on the way back
        report = await judge.run(_request())
        assert report.verdict is Verdict.ACCEPTED
        assert proxy.dropped == 1
        assert proxy.requests == [("POST", "/v1/runs")] * 2  # asked again, under the same run id
    with httpx.Client(timeout=30) as client:
        assert metric(client, a, 'shadows_judge_requests_total{outcome="replayed"}') == replayed + 1
    started_on_a = a.run_ids("judge.run.started")
    assert max(started_on_a.values()) == 1  # answered from memory: A never ran any run id twice

    async with FlakyProxy(a.url) as proxy, Judge(_settings(proxy.url, b.url)) as judge:
        _pretend(judge, proxy.url, IDLE)
        _pretend(judge, b.url, LOADED)  # B is asked only if the run cannot have started on the first host
        proxy.requests.clear()
        proxy.down = True  # every request is read, then the connection is cut: it may be running there
        report = await judge.run(_request())
        _assert_not_blamed(report)
        assert proxy.requests == [("POST", "/v1/runs")] * (1 + REPLAYS)  # the same host, never B
    assert b.run_ids("judge.run.started") == b_started

    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: not sent, so B may take it
    async with Judge(_settings(dead, b.url)) as judge:
        _pretend(judge, dead, IDLE)
        _pretend(judge, b.url, LOADED)
        report = await judge.run(_request())
    assert report.verdict is Verdict.ACCEPTED
    assert sum((b.run_ids("judge.run.finished") - b_started).values()) == 1

    async with Judge(_settings(a.url, b.url, token="not-the-token-" + "x" * 30)) as judge:
        _assert_not_blamed(await judge.run(_request()))
    assert b.run_ids("judge.run.started") - b_started == b.run_ids("judge.run.finished") - b_started


def _connect_timeouts(caplog: pytest.LogCaptureFixture, url: str) -> int:
    return sum(
        r.getMessage() == f"judge host {url} not reached (connect timeout)"
        for r in caplog.records
        if r.name == "judge.backends.remote"
    )


async def test_a_host_slow_to_accept_is_tried_again_after_a_pause_and_not_dropped_for_the_run(
    hosts, caplog
) -> None:
    # A loaded host can take seconds to accept a connection. The run's budget is far longer: the host is tried
    # again after a pause, not written off like a host that refuses (a fresh-clone CI lost a run that way).
    _, b = hosts
    b_started = b.run_ids("judge.run.started")
    dead = f"http://127.0.0.1:{free_port()}"
    caplog.set_level("WARNING", logger="judge.backends.remote")
    async with (
        StalledListener(b.url) as stalled,
        Judge(_settings(dead, stalled.url, connect_timeout_s=0.3)) as judge,
    ):
        # The stalled host first: its connect times out, then the dead one refuses.
        _pretend(judge, stalled.url, IDLE)
        _pretend(judge, dead, LOADED)
        caplog.clear()
        resume = asyncio.get_running_loop().call_later(0.4, lambda: asyncio.ensure_future(stalled.resume()))
        report = await judge.run(_request())
        resume.cancel()
        assert report.verdict is Verdict.ACCEPTED, report.message
        assert stalled.accepted == 1
        assert 1 <= _connect_timeouts(caplog, stalled.url) <= SLOW_ROUNDS
    assert sum((b.run_ids("judge.run.finished") - b_started).values()) == 1

    # A host that never accepts is tried a bounded number of times, then the run fails without blaming the code.
    b_started = b.run_ids("judge.run.started")
    async with (
        StalledListener(b.url) as stalled,
        Judge(_settings(stalled.url, connect_timeout_s=0.3)) as judge,
    ):
        caplog.clear()
        _assert_not_blamed(await judge.run(_request()))
        assert _connect_timeouts(caplog, stalled.url) == 1 + SLOW_ROUNDS
        assert any("judge_unreachable" in r.getMessage() for r in caplog.records)
    assert b.run_ids("judge.run.started") == b_started


async def test_a_run_still_queued_when_the_api_stops_waiting_is_refused_and_never_starts(hosts) -> None:
    # The API waits for a host's answer what the host's pool allows the run and SHADOWS_JUDGE_REMOTE_QUEUE_WAIT_S; then
    # it stores internal_error and releases the session's run lease. A host that started the run after that (it sat
    # in the host's queue) ran it beside the session's next run. Each POST now says how long the API waits for a
    # start: the queue wait, 0.1 s.
    _, b = hosts
    filler = await _fill(b, 2.0)  # B's one slot held: the run below waits in its queue
    b_started = b.run_ids("judge.run.started")
    with httpx.Client(timeout=30) as client:
        expired = metric(client, b, 'shadows_judge_requests_total{outcome="start_expired"}')
    async with Judge(_settings(b.url).model_copy(update={"remote_queue_wait_s": 0.1})) as judge:
        _assert_not_blamed(await judge.run(_request()))
    # Refused at its start-by, while the slot was still held: out of the queue, it can never reach a slot.
    assert filler.done() is False
    with httpx.Client(base_url=b.url, timeout=30) as client:
        load = client.get("/readyz").json()
        assert (load["running"], load["queued"]) == (1, 0)
        assert metric(client, b, 'shadows_judge_requests_total{outcome="start_expired"}') == expired + 1
    assert (await filler).status_code == 200
    refused = b.events("judge.run.start_expired")[-1]["run_id"]
    assert (b.run_ids("judge.run.started") - b_started)[refused] == 1  # admitted by the host (its log's word)
    assert b.run_ids("judge.run.finished")[refused] == 0  # and never run

    # A run that started keeps its own budget past its start-by; a caller without the header (an older API) has no
    # start-by; a malformed one is refused before anything starts.
    async with httpx.AsyncClient(base_url=b.url, timeout=60, headers=auth()) as client:
        started = await client.post(
            "/v1/runs",
            json=envelope(secrets.token_hex(16), _sleeper(0.5)),
            headers={START_WITHIN_HEADER: "0.2"},
        )
        assert started.status_code == 200 and started.json()["report"]["verdict"] == "accepted"
        filler = await _fill(b, 0.3)
        unbounded = await client.post("/v1/runs", json=envelope(secrets.token_hex(16), _request()))
        assert unbounded.status_code == 200 and unbounded.json()["report"]["verdict"] == "accepted"
        await filler
        for value in ("-1", "nan", "inf", "1e3", "86401", "0x10", "", "1" * 40):
            run_id = secrets.token_hex(16)
            r = await client.post(
                "/v1/runs", json=envelope(run_id, _request()), headers={START_WITHIN_HEADER: value}
            )
            assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request"), value
            assert b.run_ids("judge.run.started")[run_id] == 0


def _hide_nothing(answer: dict) -> dict:
    answer["report"]["tests"][-1].update(args=[1, 2], expected=3)  # the last test of a Submit is hidden
    return answer


def _other_run(answer: dict) -> dict:
    return {**answer, "run_id": secrets.token_hex(16)}


def _unhide(answer: dict) -> dict:
    answer["report"]["tests"][-1]["hidden"] = False
    return answer


def _other_tests(answer: dict) -> dict:
    answer["report"]["tests"] = answer["report"]["tests"][:-1]
    return answer


def _unknown_field(answer: dict) -> dict:
    answer["report"]["leak"] = "x"
    return answer


def _other_mode(answer: dict) -> dict:
    answer["report"]["mode"] = "run"
    return answer


def _large_args(answer: dict) -> dict:
    # The API stores a visible test's arguments: a host could fill its 64 MiB answer with them.
    answer["report"]["tests"][0]["args"] = ["a" * (1 << 20), 0]
    return answer


def _large_expected(answer: dict) -> dict:
    answer["report"]["tests"][0]["expected"] = ["e" * 1024] * 1024
    return answer


def _expected_as_float(answer: dict) -> dict:
    answer["report"]["tests"][0]["expected"] = 0.0  # sent as 0: equal in Python, not what the request sent
    return answer


def _nan_time(answer: dict) -> dict:
    # JSON's parser takes NaN; PostgreSQL's jsonb refuses it: the run was a 500 that stored nothing (more figures a
    # judge never makes: test_remote_answers.py).
    answer["report"]["tests"][0]["time_ms"] = float("nan")
    return answer


@pytest.mark.parametrize(
    "tamper",
    [
        _nan_time,
        _hide_nothing,
        _other_run,
        _unhide,
        _other_tests,
        _unknown_field,
        _other_mode,
        _large_args,
        _large_expected,
        _expected_as_float,
    ],
    ids=lambda f: f.__name__,
)
async def test_a_report_that_does_not_answer_the_request_is_internal_error(hosts, tamper) -> None:
    a, _ = hosts
    async with TamperingJudgeHost(a.url, tamper) as host, Judge(_settings(host.url)) as judge:
        report = await judge.run(_request(mode="submit"))
        assert host.runs == 1  # a 200 is never retried
    _assert_not_blamed(report)
    assert all(t.args is None for t in report.tests)


async def test_tests_of_tuples_nested_lists_floats_and_large_ints_come_back_as_sent_and_are_taken(
    hosts,
) -> None:
    # The host reads the request's JSON and reports its tests' arguments and expected values as it read them: a
    # tuple sent is a list back, a float the same double, an int past 2**53 the same int.
    a, _ = hosts
    tests = [
        bank.TestCase(id="t0", args=[(1, 2, 3, 4), 5], expected=((1, 4), [2, 3])),
        bank.TestCase(id="t1", args=[(0.1, 0.2, 0.1 + 0.2, 1e-300, 2, 3), 5], expected=[(2, 3)]),
        bank.TestCase(id="t2", args=[[2**62, -(2**62), 1.5], 0], expected=[(2**62, -(2**62))]),
    ]
    request = RunRequest.for_question(
        PAIR_SUMS, language="python", source=PAIR_SUMS.references["python"]
    ).model_copy(update={"tests": tests})
    async with Judge(_settings(a.url)) as judge:
        report = await judge.run(request)
    assert report.verdict is Verdict.ACCEPTED, report.message
    assert [(t.args, t.expected) for t in report.tests] == [
        ([[1, 2, 3, 4], 5], [[1, 4], [2, 3]]),
        ([[0.1, 0.2, 0.30000000000000004, 1e-300, 2, 3], 5], [[2, 3]]),
        ([[2**62, -(2**62), 1.5], 0], [[2**62, -(2**62)]]),
    ]


async def test_a_broken_answer_is_internal_error_and_not_retried(hosts) -> None:
    a, b = hosts
    b_started = b.run_ids("judge.run.started")
    async with FlakyProxy(a.url) as proxy, Judge(_settings(proxy.url, b.url)) as judge:
        _pretend(judge, proxy.url, IDLE)
        _pretend(judge, b.url, LOADED)
        proxy.requests.clear()
        proxy.garble_after_forward = 1
        _assert_not_blamed(await judge.run(_request()))
        proxy.fail_statuses = [500]
        _assert_not_blamed(await judge.run(_request()))
        assert proxy.requests == [("POST", "/v1/runs")] * 2
    assert b.run_ids("judge.run.started") == b_started


async def test_returned_values_too_large_to_show_are_judged_and_the_answer_stays_small(hosts) -> None:
    # Each visible test returns about 12 MB of JSON (under a record's 16 MiB cap). Kept whole, six of them made a
    # report over the backend's 64 MiB answer cap: internal_error for code that merely returned a wrong answer.
    _, b = hosts
    source = "def sum_pair(a, b):\n    return list(range(10**6, 10**6 + 1_500_000))\n"
    async with Judge(_settings(b.url)) as judge:
        report = await judge.run(_request(source))
    assert report.verdict is Verdict.WRONG_ANSWER, report.message
    assert len(report.tests) == 6
    assert all(t.actual is None and "too large to show" in (t.message or "") for t in report.tests)
    assert len(report.model_dump_json()) < 64 << 10


def _quote_a_hidden_input(answer: dict) -> dict:
    answer["report"]["compile_output"] = (
        "warning: constant 100000 is large"  # sum-pair's hidden tests use 100000
    )
    return answer


async def test_a_run_sends_no_hidden_test_and_compiler_output_quoting_one_is_withheld(hosts) -> None:
    a, _ = hosts
    async with TamperingJudgeHost(a.url, _quote_a_hidden_input) as host, Judge(_settings(host.url)) as judge:
        run = await judge.run(_request())
        submit = await judge.run(_request(mode="submit"))
    sent_run, sent_submit = (RunEnvelope.model_validate_json(body).request for body in host.bodies)
    assert [t.id for t in sent_run.tests] == [
        t.id for t in QUESTION.tests if not t.hidden
    ]  # nothing hidden left
    assert b"100000" not in host.bodies[0]
    assert [t.id for t in sent_submit.tests] == [t.id for t in QUESTION.tests]
    assert run.verdict is Verdict.ACCEPTED and run.compile_output == WITHHELD
    assert submit.verdict is Verdict.ACCEPTED and submit.compile_output == WITHHELD


def _visible(field: str, value: object, where: str = "test") -> Callable[[dict], dict]:
    def tamper(answer: dict) -> dict:
        target = answer["report"]["tests"][0] if where == "test" else answer["report"]
        target[field] = value
        return answer

    tamper.__name__ = f"{where}_{field}"
    return tamper


# One past what the local judge puts in a report (a test's excerpts are its streams' first EXCERPT_BYTES bytes).
OVER_LOCAL_BOUNDS = [
    _visible("stdout", "o" * (EXCERPT_BYTES + 1)),
    _visible("stderr", "\ufffd" * (EXCERPT_BYTES + 1)),
    _visible("message", "m" * (MESSAGE_CHARS + 1)),
    _visible("actual", ["a" * 1024] * (SHOWN_VALUE_BYTES // 1024)),
    _visible("compile_output", "c" * (COMPILE_OUTPUT_CHARS + 1), "report"),
    _visible("message", "m" * (MESSAGE_CHARS + 1), "report"),
]


@pytest.mark.parametrize("tamper", OVER_LOCAL_BOUNDS, ids=lambda f: f.__name__)
async def test_a_report_holding_more_text_than_a_judge_makes_is_internal_error(hosts, tamper) -> None:
    # A host that is broken or not ours could fill its 64 MiB answer with one visible test's output, which the API
    # would store and show: held to the local judge's bounds, it is internal_error and nothing of it is kept.
    a, _ = hosts
    async with TamperingJudgeHost(a.url, tamper) as host, Judge(_settings(host.url)) as judge:
        report = await judge.run(_request())
        assert host.runs == 1
    _assert_not_blamed(report)
    assert len(report.model_dump_json()) < 4096


async def test_a_report_at_the_local_bounds_and_a_real_runs_largest_output_are_taken(hosts) -> None:
    a, _ = hosts
    at_bounds = [
        _visible("stdout", "o" * EXCERPT_BYTES),
        _visible("message", "m" * MESSAGE_CHARS),
        _visible("compile_output", "c" * COMPILE_OUTPUT_CHARS, "report"),
    ]
    for tamper in at_bounds:
        async with TamperingJudgeHost(a.url, tamper) as host, Judge(_settings(host.url)) as judge:
            report = await judge.run(_request())
        assert report.verdict is Verdict.ACCEPTED, (tamper.__name__, report.message)
    # What the judge itself makes of code printing invalid UTF-8 (each byte one U+FFFD) past every excerpt and
    # failing with a long message and a long stderr, through a host, is within them.
    source = (
        "import sys\n\ndef sum_pair(a, b):\n"
        "    sys.stdout.buffer.write(b'\\xff' * 50000); sys.stdout.flush()\n"
        "    sys.stderr.buffer.write(b'\\xfe' * 50000); sys.stderr.flush()\n"
        "    raise ValueError('\\u00e9' * 5000)\n"
    )
    async with Judge(_settings(a.url)) as judge:
        report = await judge.run(_request(source))
    assert report.verdict is Verdict.RUNTIME_ERROR, report.message
    assert all(t.verdict is Verdict.RUNTIME_ERROR and t.message for t in report.tests)
    assert {(len(t.stdout or ""), len(t.stderr or "")) for t in report.tests} == {
        (EXCERPT_BYTES, EXCERPT_BYTES)
    }
