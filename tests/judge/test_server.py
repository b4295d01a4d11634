"""The judge service (`shadows judge serve`) over real HTTP on loopback, with the real sandbox: who may call it, how
it bounds and validates requests, a run id run once, a full service's 503, and its /readyz states."""

from __future__ import annotations

import asyncio
import secrets
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from pydantic import SecretStr

from judge.backends.local import LocalBackend
from judge.bank import load_question
from judge.errors import JudgeConfigurationError
from judge.host import JudgeHost
from judge.remote_protocol import QUEUE_DEPTH_HEADER, RUNNING_HEADER, SLOTS_HEADER
from judge.schemas import RunLimits, RunRequest
from judge.serve import check_security
from judge.server import create_app
from judge.settings import JudgeSettings
from tests.conftest import free_port
from tests.judge import judge_service
from tests.judge.judge_service import TOKEN, JudgeService, auth, envelope, metric
from tests.served import InProcessServer

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
MAX_BODY = 64 << 10
MAX_CODE = 4000


def _request(source: str | None = None, **kw) -> RunRequest:
    source = source if source is not None else QUESTION.references["python"]
    return RunRequest.for_question(QUESTION, language="python", source=source, **kw)


def _sleeper(seconds: float) -> RunRequest:
    """A run whose first test sleeps (limit 5 s a test, so it passes however loaded the host)."""
    source = f"import time\n\ndef sum_pair(a, b):\n    if a == 0:\n        time.sleep({seconds})\n    return a + b\n"
    return _request(source, limits=RunLimits(time_limit_s=5))


def _run_id() -> str:
    return secrets.token_hex(16)


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JudgeService]:
    """One slot and one queue place, small request bounds."""
    service = judge_service.start(
        tmp_path_factory.mktemp("judge-service"),
        "svc",
        SHADOWS_JUDGE_QUEUE_SIZE="1",
        SHADOWS_JUDGE_SERVE_MAX_BODY_BYTES=str(MAX_BODY),
        SHADOWS_JUDGE_MAX_CODE_BYTES=str(MAX_CODE),
    )
    try:
        yield service
    finally:
        assert service.stop() in (0, -signal.SIGTERM), (
            service.tail()
        )  # uvicorn re-raises the signal it drained on


def test_only_the_token_runs_code_and_probes_need_none(svc: JudgeService) -> None:
    body = envelope(_run_id(), _request())
    with httpx.Client(base_url=svc.url, timeout=60) as client:
        before = metric(client, svc, 'shadows_judge_requests_total{outcome="unauthorized"}')
        refused = [
            {},
            auth("wrong-token"),
            auth(TOKEN[:-1]),
            auth(TOKEN + "x"),
            {"Authorization": "Bearer"},
            {"Authorization": f"Basic {TOKEN}"},
            {"Authorization": TOKEN},
            {"X-Token": TOKEN},
        ]
        for headers in refused:
            r = client.post("/v1/runs", json=body, headers=headers)
            assert r.status_code == 401, (headers, r.text)
            assert r.json()["error"]["code"] == "unauthorized"
            assert r.headers["WWW-Authenticate"] == "Bearer"
            assert TOKEN not in r.text
        after = metric(client, svc, 'shadows_judge_requests_total{outcome="unauthorized"}')
        assert after - before == len(refused)
        assert not any(e["run_id"] == body["run_id"] for e in svc.events("judge.run.started"))

        r = client.post("/v1/runs", json=body, headers={"Authorization": f"bearer {TOKEN}"})
        assert r.status_code == 200, r.text
        assert r.json()["run_id"] == body["run_id"]
        assert r.json()["report"]["verdict"] == "accepted"
        assert all(name in r.headers for name in (RUNNING_HEADER, QUEUE_DEPTH_HEADER, SLOTS_HEADER))

        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert ready.json()["slots"] == 1 and ready.json()["capacity"] == 2
        assert client.get("/metrics").status_code == 200  # no metrics token configured
        assert client.get("/v1/runs").status_code == 405
        assert client.get("/nope").json()["error"]["code"] == "not_found"


def test_requests_are_bounded_and_strictly_validated(svc: JudgeService) -> None:
    secret = "hidden-value-" + secrets.token_hex(8)
    valid = envelope(_run_id(), _request())
    with httpx.Client(base_url=svc.url, timeout=60, headers=auth()) as client:

        def post(**kw) -> httpx.Response:
            return client.post("/v1/runs", **kw)

        huge = b'{"run_id": "' + b"a" * (MAX_BODY + 10) + b'"}'
        r = post(content=huge, headers={"Content-Type": "application/json"})
        assert (r.status_code, r.json()["error"]["code"]) == (413, "body_too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: the cap holds as the body arrives
            yield b'{"run_id": "'
            for _ in range(40):
                yield b"a" * 4096

        r = post(content=chunks(), headers={"Content-Type": "application/json"})
        assert (r.status_code, r.json()["error"]["code"]) == (413, "body_too_large")

        r = post(content=b"{}", headers={"Content-Type": "text/plain"})
        assert (r.status_code, r.json()["error"]["code"]) == (415, "unsupported_media_type")

        deep = b'{"run_id": "' + b"a" * 32 + b'", "request": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
        invalid: list[bytes | dict] = [
            b"{not json",
            b"",
            deep,
            {**valid, "extra": 1},
            {**valid, "run_id": "short"},
            {**valid, "run_id": "a" * 65},
            {**valid, "run_id": "../../" + "a" * 20},
            {**valid, "request": {**valid["request"], "smuggled": secret}},
            {**valid, "request": {**valid["request"], "language": "cobol", "source": secret}},
            {**valid, "request": {**valid["request"], "limits": {"time_limit_s": 1000}}},
            {**valid, "request": {**valid["request"], "tests": []}},
            {**valid, "request": {**valid["request"], "mode": secret}},
        ]
        for bad in invalid:
            kw = {"json": bad} if isinstance(bad, dict) else {"content": bad}
            r = post(**kw, headers={"Content-Type": "application/json"})
            assert r.status_code == 422, (str(bad)[:80], r.text)
            assert r.json()["error"]["code"] == "invalid_request"
            assert secret not in r.text  # errors name the field and the problem, never the value

        too_long = _request("def sum_pair(a, b):\n    return a + b\n" + "#" * MAX_CODE)
        r = post(json=envelope(_run_id(), too_long))
        assert (r.status_code, r.json()["error"]["code"]) == (413, "code_too_large")

        r = post(json=valid)  # after all that, the service still runs code
        assert r.status_code == 200 and r.json()["report"]["verdict"] == "accepted"
    assert svc.proc.poll() is None


async def test_a_run_id_is_run_once_and_answered_from_memory(svc: JudgeService) -> None:
    run_id = _run_id()
    body = envelope(run_id, _sleeper(0.5))
    async with httpx.AsyncClient(base_url=svc.url, timeout=60, headers=auth()) as client:
        first, second = await asyncio.gather(
            client.post("/v1/runs", json=body), client.post("/v1/runs", json=body)
        )
        third = await client.post("/v1/runs", json=body)
        assert [r.status_code for r in (first, second, third)] == [200, 200, 200], first.text
        assert first.content == second.content == third.content
        assert first.json()["report"]["verdict"] == "accepted"

        conflict = await client.post("/v1/runs", json=envelope(run_id, _request()))
        assert (conflict.status_code, conflict.json()["error"]["code"]) == (409, "run_id_conflict")

        again = await client.post(
            "/v1/runs", json={**body, "run_id": _run_id()}
        )  # same request, new id: runs
        assert again.status_code == 200
    assert svc.run_ids("judge.run.started")[run_id] == 1
    assert svc.run_ids("judge.run.finished")[run_id] == 1
    assert svc.run_ids("judge.run.finished")[again.json()["run_id"]] == 1


async def test_a_full_service_answers_busy_with_its_queue_depth(svc: JudgeService) -> None:
    running, queued, refused = _run_id(), _run_id(), _run_id()
    async with httpx.AsyncClient(base_url=svc.url, timeout=60, headers=auth()) as client:
        first = asyncio.create_task(client.post("/v1/runs", json=envelope(running, _sleeper(2.0))))
        await _until(lambda: svc.run_ids("judge.run.started")[running] == 1)
        await _until_ready_load(client, running=1, queued=0)
        second = asyncio.create_task(client.post("/v1/runs", json=envelope(queued, _sleeper(0.0))))
        await _until_ready_load(client, running=1, queued=1)

        busy = await client.post("/v1/runs", json=envelope(refused, _request()))
        assert busy.status_code == 503, busy.text
        assert busy.json()["error"]["code"] == "judge_busy"
        assert busy.json()["error"]["queue_depth"] == 1
        assert busy.headers["Retry-After"] == "1"
        assert (busy.headers[RUNNING_HEADER], busy.headers[QUEUE_DEPTH_HEADER]) == ("1", "1")
        assert (await client.get("/metrics")).text.count("shadows_judge_queue_depth 1.0") == 1

        assert [(await t).status_code for t in (first, second)] == [200, 200]
        retried = await client.post(
            "/v1/runs", json=envelope(refused, _request())
        )  # a busy id is not remembered
        assert retried.status_code == 200 and retried.json()["report"]["verdict"] == "accepted"
    assert svc.run_ids("judge.run.finished")[refused] == 1


async def _until(condition) -> None:
    """Poll another process's state (its log, uvicorn's flag) for at most a minute."""
    async with asyncio.timeout(60):
        while not condition():  # noqa: ASYNC110 - the state is another process's; there is no event to await
            await asyncio.sleep(0.02)


async def _until_ready_load(client: httpx.AsyncClient, *, running: int, queued: int) -> None:
    async with asyncio.timeout(60):
        while True:
            body = (await client.get("/readyz")).json()
            if (body["running"], body["queued"]) == (running, queued):
                return
            await asyncio.sleep(0.02)


def test_a_service_whose_sandbox_fails_is_neither_healthy_nor_ready(tmp_path: Path) -> None:
    service = judge_service.start(
        tmp_path, "broken", ready=False, SHADOWS_JUDGE_BWRAP_BIN="/nonexistent/bwrap"
    )
    try:
        assert service.wait_for("judge.serve.failed")["reason"] == "sandbox_unavailable"
        with httpx.Client(base_url=service.url, timeout=30) as client:
            ready = client.get("/readyz")
            assert (ready.status_code, ready.json()["status"], ready.json()["reason"]) == (
                503, "failed", "sandbox_unavailable",
            )  # fmt: skip
            assert client.get("/healthz").status_code == 503  # a liveness probe restarts it
            r = client.post("/v1/runs", json=envelope(_run_id(), _request()), headers=auth())
            assert (r.status_code, r.json()["error"]["code"]) == (503, "judge_unavailable")
        assert service.events("judge.run.started") == []
    finally:
        service.stop()


class _GatedBackend(LocalBackend):
    """The real pool, whose start waits for the test (as a slow sandbox self-check would)."""

    def __init__(self, settings: JudgeSettings, gate: asyncio.Event) -> None:
        super().__init__(settings)
        self.gate = gate

    async def start(self) -> None:
        await self.gate.wait()
        await super().start()


async def test_readyz_says_starting_until_the_pool_is_up(judge_settings: JudgeSettings) -> None:
    settings = judge_settings.model_copy(update={"slots": 1, "remote_token": None})
    gate = asyncio.Event()
    host = JudgeHost(settings, backend=_GatedBackend(settings, gate))
    port = free_port()
    server = InProcessServer(uvicorn.Config(create_app(settings, host=host), port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            await _until(lambda: server.started)
            ready = await client.get("/readyz")
            assert (ready.status_code, ready.json()["status"]) == (503, "starting")
            assert (await client.get("/healthz")).status_code == 200  # alive while it starts
            r = await client.post("/v1/runs", json=envelope(_run_id(), _request()))
            assert (r.status_code, r.json()["error"]["code"]) == (503, "judge_unavailable")
            assert r.headers["Retry-After"] == "1"

            gate.set()
            assert await host.wait_started() == "ready"
            assert (await client.get("/readyz")).json()["status"] == "ready"
            r = await client.post("/v1/runs", json=envelope(_run_id(), _request(mode="submit")))
            assert r.status_code == 200 and r.json()["report"]["verdict"] == "accepted"
            metrics = (await client.get("/metrics")).text
            assert 'shadows_judge_run_seconds_count{language="python",mode="submit"} 1.0' in metrics
            for name in (
                "shadows_judge_queue_depth",
                "shadows_judge_runs_in_flight",
                "shadows_judge_saturation",
            ):
                assert f"\n{name} 0.0" in metrics
            # setup.sh turns on the kernel's disk-wait accounting, and the service says it is on.
            assert "\nshadows_judge_io_wait_accounted 1.0" in metrics
    finally:
        server.should_exit = True
        await task


def test_a_service_anyone_could_use_refuses_to_start(tmp_path: Path) -> None:
    base = JudgeSettings(_env_file=None, remote_token=None)  # type: ignore[call-arg]
    check_security(base, "127.0.0.1")  # local, loopback: a developer's own machine
    for settings, host, needle in [
        (base, "0.0.0.0", "without authentication"),
        (base, "judge.internal", "without authentication"),
        (base.model_copy(update={"environment": "production"}), "127.0.0.1", "SHADOWS_JUDGE_REMOTE_TOKEN"),
        (base.model_copy(update={"environment": "production", "remote_token": SecretStr("change-me-" + "x" * 40)}),
         "0.0.0.0", "placeholder"),
        (base.model_copy(update={"environment": "staging", "remote_token": SecretStr("short")}), "0.0.0.0", "shorter"),
        (base.model_copy(update={"serve_tls_client_ca": tmp_path / "ca.pem"}), "0.0.0.0", "TLS_CERT"),
    ]:  # fmt: skip
        with pytest.raises(JudgeConfigurationError, match=needle):
            check_security(settings, host)
    check_security(
        base.model_copy(update={"environment": "production", "remote_token": SecretStr("t" * 40)}), "::"
    )

    # The command itself refuses before binding anything, and says why.
    service = judge_service.launch(
        tmp_path,
        "open",
        "--host",
        "0.0.0.0",
        SHADOWS_JUDGE_REMOTE_TOKEN="",
        SHADOWS_JUDGE_ENVIRONMENT="production",
    )
    assert service.proc.wait(timeout=120) == 1
    assert "SHADOWS_JUDGE_REMOTE_TOKEN" in service.tail()
    assert service.events("judge.serve.listening") == []


async def test_sigterm_lets_the_runs_in_flight_finish(tmp_path: Path) -> None:
    service = judge_service.start(tmp_path, "draining")
    run_id = _run_id()
    try:
        async with httpx.AsyncClient(base_url=service.url, timeout=60, headers=auth()) as client:
            pending = asyncio.create_task(client.post("/v1/runs", json=envelope(run_id, _sleeper(1.5))))
            await _until(lambda: service.run_ids("judge.run.started")[run_id] == 1)
            service.proc.send_signal(signal.SIGTERM)
            answer = await pending
            assert answer.status_code == 200 and answer.json()["report"]["verdict"] == "accepted"
        async with httpx.AsyncClient(base_url=service.url, timeout=60) as fresh:
            with pytest.raises(httpx.ConnectError):  # no new connection while it drains, then it is gone
                await fresh.get("/readyz")
        assert service.proc.wait(timeout=60) in (0, -signal.SIGTERM)
        assert service.run_ids("judge.run.finished")[run_id] == 1
    finally:
        service.kill()
