"""Runs that name their tests by digest, against a real judge service: a question's tests cross the network once per
host, every later Submit of it sends a few KiB; a host that lost them (or never had them) is sent them again before
anything starts; an older host without the route is sent whole runs; and the service checks every digest and test
it is given."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from judge import remote_protocol as wire
from judge.backends.remote import DIGEST_MIN_BYTES, TESTS_PUTS, RemoteBackend
from judge.bank import TestCase as Case
from judge.bank import load_question
from judge.remote_protocol import Load
from judge.schemas import RunRequest, Verdict
from judge.service import Judge
from tests.fakes.flaky_proxy import FlakyProxy
from tests.fakes.judge_hosts import ForgetfulJudgeHost, TamperingJudgeHost
from tests.judge import judge_service
from tests.judge.judge_service import JudgeService, auth, metric
from tests.judge.test_remote_backend import _settings

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "mean-value")


def _large(count: int, size: int, seed: int = 0) -> tuple[Case, ...]:
    """The question's tests and `count` hidden ones of `size` values each: over DIGEST_MIN_BYTES together."""
    tests = list(QUESTION.tests)
    for n in range(count):
        values = [(seed * 7919 + n * 104_729 + i * 31) % 100_003 for i in range(size)]
        tests.append(Case(id=f"large-{seed}-{n}", args=[values], expected=sum(values) / size, hidden=True))
    return tuple(tests)


TESTS = _large(2, 12_000)


def _submit(tests: tuple[Case, ...] = TESTS, source: str | None = None) -> RunRequest:
    request = RunRequest.for_question(
        QUESTION, language="python", source=source or QUESTION.references["python"], mode="submit"
    )
    return request.model_copy(
        update={"tests": list(tests)}
    )  # the same TestCase objects, as the API's cache shares


class Recorder(httpx.AsyncBaseTransport):
    """The real transport, noting each request's method, path and body size."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.seen: list[tuple[str, str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.seen.append((request.method, request.url.path, len(body)))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def calls(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _ in self.seen if path != "/readyz"]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JudgeService]:
    # A cache of 1 MiB: two sets of tests of 0.6 MiB cannot both stay.
    host = judge_service.start(
        tmp_path_factory.mktemp("by-digest"), "judge", SHADOWS_JUDGE_SERVE_TESTS_CACHE_MB="1"
    )
    yield host
    host.stop()


def _digest_of(tests: tuple[Case, ...]) -> tuple[bytes, str]:
    data = wire.encode_tests(tests)
    return data, hashlib.sha256(data).hexdigest()


def test_the_tests_cross_once_and_every_later_submit_names_them(service: JudgeService) -> None:
    tests = _large(2, 12_000, seed=1)
    data, digest = _digest_of(tests)
    assert len(data) >= DIGEST_MIN_BYTES
    recorder = Recorder()

    async def main() -> list[Verdict]:
        settings = _settings(service.url)
        backend = RemoteBackend(settings, transport=recorder)
        async with Judge(settings, backend=backend) as judge:
            verdicts = [(await judge.run(_submit(tests))).verdict for _ in range(3)]
            assert backend.memo.encoded == 1  # encoded and hashed once, for three Submits
            return verdicts

    assert asyncio.run(main()) == [Verdict.ACCEPTED] * 3
    put = f"/v1/tests/{digest}"
    assert recorder.calls() == [
        ("POST", wire.RUNS_BY_DIGEST_PATH),  # tests_unknown: nothing started
        ("PUT", put),
        ("POST", wire.RUNS_BY_DIGEST_PATH),
        ("POST", wire.RUNS_BY_DIGEST_PATH),
        ("POST", wire.RUNS_BY_DIGEST_PATH),
    ]
    sizes = [size for method, path, size in recorder.seen if path == wire.RUNS_BY_DIGEST_PATH]
    assert max(sizes) < 4096 < len(data)  # the source and signature, not the tests
    assert [size for _, path, size in recorder.seen if path == put] == [len(data)]
    assert all(n == 1 for n in service.run_ids("judge.run.started").values())  # each run once, by its own id


def test_a_host_that_dropped_the_tests_is_sent_them_again_before_anything_starts(
    service: JudgeService,
) -> None:
    # 0.59 MB of JSON each: two never fit in the host's 1 MiB.
    first, second = _large(2, 50_000, seed=2), _large(2, 50_000, seed=3)
    recorder = Recorder()

    async def main() -> list[Verdict]:
        settings = _settings(service.url)
        async with Judge(settings, backend=RemoteBackend(settings, transport=recorder)) as judge:
            # The second set pushes the first out of the host's 1 MiB; the first's next Submit puts it again.
            return [(await judge.run(_submit(tests))).verdict for tests in (first, second, first)]

    assert asyncio.run(main()) == [Verdict.ACCEPTED] * 3
    puts = [path for method, path in recorder.calls() if method == "PUT"]
    assert puts == [f"/v1/tests/{_digest_of(t)[1]}" for t in (first, second, first)]


def test_a_lost_answer_to_a_put_or_a_run_by_digest_is_asked_again_and_the_run_runs_once(
    service: JudgeService,
) -> None:
    tests = _large(2, 12_000, seed=5)
    _, digest = _digest_of(tests)
    put = f"/v1/tests/{digest}"

    async def main() -> None:
        async with FlakyProxy(service.url) as proxy:
            settings = _settings(proxy.url)
            async with Judge(settings, backend=RemoteBackend(settings)) as judge:
                # The host stores the tests, and the answer to the PUT is lost: the run is asked for again.
                proxy.requests.clear()
                proxy.drop_after_forward, proxy.drop_only = 1, "PUT"
                assert (await judge.run(_submit(tests))).verdict is Verdict.ACCEPTED
                by_digest = ("POST", wire.RUNS_BY_DIGEST_PATH)
                assert proxy.requests == [by_digest, ("PUT", put), by_digest]
                # The run by digest runs, and its answer is lost: asked again under the same id, answered from memory.
                proxy.requests.clear()
                proxy.drop_after_forward, proxy.drop_only = 1, None
                assert (await judge.run(_submit(tests))).verdict is Verdict.ACCEPTED
                assert proxy.requests == [by_digest, by_digest]
                assert proxy.dropped == 2

    with httpx.Client(timeout=30) as client:
        replayed = metric(client, service, 'shadows_judge_requests_total{outcome="replayed"}')
        asyncio.run(main())
        assert metric(client, service, 'shadows_judge_requests_total{outcome="replayed"}') == replayed + 1
    assert all(n == 1 for n in service.run_ids("judge.run.started").values())


def test_a_wrong_answer_by_digest_is_the_same_verdict_as_sent_whole(service: JudgeService) -> None:
    wrong = "def mean_value(values):\n    return sum(values) / len(values) if len(values) < 1000 else 0.0\n"

    async def by_digest() -> list[tuple[str, Verdict]]:
        settings = _settings(service.url)
        async with Judge(settings, backend=RemoteBackend(settings)) as judge:
            report = await judge.run(_submit(source=wrong))
        return [(t.id, t.verdict) for t in report.tests]

    named = asyncio.run(by_digest())
    with httpx.Client(timeout=120) as client:
        body = {"run_id": secrets.token_hex(16), "request": _submit(source=wrong).model_dump(mode="json")}
        answer = client.post(service.url + wire.RUNS_PATH, json=body, headers=auth())
    assert answer.status_code == 200, answer.text
    whole = wire.ReportEnvelope.model_validate_json(answer.content).report
    assert named == [(t.id, t.verdict) for t in whole.tests]
    assert ("large-0-0", Verdict.WRONG_ANSWER) in named


def test_a_host_that_never_keeps_the_tests_is_put_them_twice_then_passed_over(service: JudgeService) -> None:
    tests = _large(2, 12_000, seed=6)

    async def main() -> Verdict:
        async with ForgetfulJudgeHost() as forgetful:
            settings = _settings(forgetful.url, service.url)
            backend = RemoteBackend(settings)
            async with Judge(settings, backend=backend) as judge:
                for host in backend.hosts:  # the forgetful host looks idle, so it is tried first
                    idle = host.url == forgetful.url
                    host.load = Load(running=0 if idle else 4, queued=0 if idle else 4, slots=1)
                    host.ready, host.down, host.sent = (
                        True,
                        False,
                        0,
                    )  # it has no /readyz: as if it said ready
                report = await judge.run(_submit(tests))
            by_digest, put = ("POST", wire.RUNS_BY_DIGEST_PATH), ("PUT", f"/v1/tests/{_digest_of(tests)[1]}")
            assert forgetful.seen == [by_digest, put] * TESTS_PUTS + [by_digest]
            return report.verdict

    started = sum(service.run_ids("judge.run.started").values())
    assert asyncio.run(main()) is Verdict.ACCEPTED  # on the other host, once
    assert sum(service.run_ids("judge.run.started").values()) == started + 1


def test_an_older_host_without_the_route_is_sent_whole_runs_from_then_on(service: JudgeService) -> None:
    recorder = Recorder()

    async def main() -> list[Verdict]:
        async with TamperingJudgeHost(service.url, lambda answer: answer) as older:
            settings = _settings(older.url)
            backend = RemoteBackend(settings, transport=recorder)
            async with Judge(settings, backend=backend) as judge:
                verdicts = [(await judge.run(_submit())).verdict for _ in range(2)]
            assert older.runs == 2
            assert all(json.loads(body)["request"]["tests"] for body in older.bodies)
            return verdicts

    assert asyncio.run(main()) == [Verdict.ACCEPTED] * 2
    assert recorder.calls() == [
        ("POST", wire.RUNS_BY_DIGEST_PATH),  # 404: an older host, nothing started
        ("POST", wire.RUNS_PATH),
        ("POST", wire.RUNS_PATH),
    ]


def test_the_service_checks_every_digest_and_test_it_is_given(service: JudgeService) -> None:
    data, digest = _digest_of(_large(1, 20_000, seed=4))
    headers = {**auth(), "Content-Type": "application/json"}
    request = _submit().model_dump(mode="json", exclude={"tests"})
    with httpx.Client(base_url=service.url, timeout=120) as client:

        def by_digest(tests_digest: str, **extra: object) -> httpx.Response:
            body = {
                "run_id": secrets.token_hex(16),
                "tests_digest": tests_digest,
                "request": {**request, **extra},
            }
            return client.post(wire.RUNS_BY_DIGEST_PATH, json=body, headers=auth())

        unknown_before = metric(client, service, 'shadows_judge_requests_total{outcome="tests_unknown"}')
        started_before = len(service.events("judge.run.started"))
        refused = by_digest(digest)
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "tests_unknown")
        assert (
            metric(client, service, 'shadows_judge_requests_total{outcome="tests_unknown"}')
            == unknown_before + 1
        )

        # Bytes that do not hash to the digest they are put under, or that are not tests, are refused.
        other = hashlib.sha256(b"other").hexdigest()
        mismatch = client.put(f"/v1/tests/{other}", content=data, headers=headers)
        assert (mismatch.status_code, mismatch.json()["error"]["code"]) == (422, "tests_digest_mismatch")
        lone_surrogates = (
            b'[{"id": "x", "args": ["\\ud800"], "expected": 1}]',
            b'[{"id": "x", "args": ["\xed\xa0\x80"], "expected": 1}]',
        )
        for bad in (b"[]", b'[{"id": "x"}]', b'{"tests": []}', b"[" * 10_000, *lone_surrogates):
            invalid = client.put(f"/v1/tests/{hashlib.sha256(bad).hexdigest()}", content=bad, headers=headers)
            refusal = (invalid.status_code, invalid.json()["error"]["code"])
            assert refusal == (422, "invalid_request"), bad[:20]
        assert client.put("/v1/tests/NOT-A-DIGEST", content=data, headers=headers).status_code == 404
        assert (
            client.put(
                f"/v1/tests/{digest}", content=data, headers={"Content-Type": "application/json"}
            ).status_code
            == 401
        )
        plain = client.put(
            f"/v1/tests/{digest}", content=data, headers={**auth(), "Content-Type": "text/plain"}
        )
        assert plain.status_code == 415
        assert by_digest(digest).status_code == 409  # none of those stored anything

        for _ in range(2):  # idempotent
            assert client.put(f"/v1/tests/{digest}", content=data, headers=headers).status_code == 204
        # Held, and still checked: other bytes under its digest are refused.
        again = client.put(f"/v1/tests/{digest}", content=data[:-1] + b" ", headers=headers)
        assert (again.status_code, again.json()["error"]["code"]) == (422, "tests_digest_mismatch")
        assert metric(client, service, "shadows_judge_tests_cached_bytes") >= len(data)

        # A run may not bring tests of its own beside the digest, and is checked like any run.
        both = by_digest(digest, tests=[{"id": "x", "args": [[1]], "expected": 1}])
        assert both.status_code == 422
        assert [f["loc"] for f in both.json()["error"]["fields"]] == ["request.tests"]
        assert by_digest(digest, language="cobol").status_code == 422
        assert len(service.events("judge.run.started")) == started_before  # nothing refused ever started

        ran = by_digest(digest)
        assert ran.status_code == 200, ran.text
        report = wire.ReportEnvelope.model_validate_json(ran.content).report
        assert report.verdict is Verdict.ACCEPTED
        assert [t.id for t in report.tests] == [t.id for t in _large(1, 20_000, seed=4)]
