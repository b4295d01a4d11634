"""The judge service with mTLS (certificates made at test time): only clients with a certificate from its client CA
get anywhere, and the remote backend runs code through it; a backend without the right certificate gets
`internal_error` at once (a refused handshake is not a run that may have started)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from judge.backends.remote import REPLAYS, RemoteBackend, client_ssl_context
from judge.bank import load_question
from judge.schemas import RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from tests.judge import judge_service
from tests.judge.certificates import Pair, authority, issue
from tests.judge.judge_service import JudgeService

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")


class CountingTransport(httpx.AsyncHTTPTransport):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.requests: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path}")
        return await super().handle_async_request(request)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | Pair]:
    directory = tmp_path_factory.mktemp("pki")
    ca, rogue = authority(directory, "shadows-ca"), authority(directory, "rogue-ca")
    return {
        "ca": ca.path,
        "server": issue(ca, directory, "judge-host", server=True),
        "client": issue(ca, directory, "api", server=False),
        "rogue": issue(rogue, directory, "intruder", server=False),
    }


@pytest.fixture(scope="module")
def mtls_service(tmp_path_factory: pytest.TempPathFactory, pki) -> Iterator[JudgeService]:
    server = pki["server"]
    service = judge_service.start(
        tmp_path_factory.mktemp("judge-mtls"),
        "mtls",
        SHADOWS_JUDGE_ENVIRONMENT="production",  # no token: mTLS alone satisfies the start-up check
        SHADOWS_JUDGE_REMOTE_TOKEN="",
        SHADOWS_JUDGE_SERVE_TLS_CERT=str(server.cert),
        SHADOWS_JUDGE_SERVE_TLS_KEY=str(server.key),
        SHADOWS_JUDGE_SERVE_TLS_CLIENT_CA=str(pki["ca"]),
    )
    try:
        yield service
    finally:
        service.stop()


def _settings(url: str, **kw) -> JudgeSettings:
    return JudgeSettings(_env_file=None, backend="remote", remote_urls=url, remote_poll_s=0, **kw)  # type: ignore[call-arg]


def _context(pki, client: str | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki["ca"]))
    if client is not None:
        context.load_cert_chain(str(pki[client].cert), str(pki[client].key))
    return context


def test_only_clients_with_a_certificate_from_its_ca_get_an_answer(mtls_service: JudgeService, pki) -> None:
    url = mtls_service.url
    assert url.startswith("https://127.0.0.1:")
    with httpx.Client(verify=_context(pki, "client"), timeout=30) as client:
        assert client.get(url + "/readyz").json()["status"] == "ready"

    for context in (_context(pki), _context(pki, "rogue")):  # no client certificate; another CA's
        with httpx.Client(verify=context, timeout=30) as client, pytest.raises(httpx.TransportError):
            client.get(url + "/readyz")
    with httpx.Client(timeout=30) as client, pytest.raises(httpx.TransportError):
        client.get(url.replace("https://", "http://") + "/readyz")  # plain HTTP to the TLS port
    assert mtls_service.events("judge.run.started") == []


async def test_the_remote_backend_runs_over_mtls_and_fails_fast_without_it(mtls_service, pki) -> None:
    url = mtls_service.url
    request = RunRequest.for_question(QUESTION, language="python", source=QUESTION.references["python"])
    good = _settings(
        url, remote_tls_ca=pki["ca"], remote_tls_cert=pki["client"].cert, remote_tls_key=pki["client"].key
    )
    async with Judge(good) as judge:
        report = await judge.run(request)
    assert (report.verdict, report.backend) == (Verdict.ACCEPTED, "remote")
    assert len(mtls_service.events("judge.run.finished")) == 1

    # A certificate refused: TLS 1.3 checks it after the request is written, and the host resets the connection,
    # which looks like a host dying mid-run: asked again, by run id, on that host only, then internal_error.
    for settings in (
        _settings(url, remote_tls_ca=pki["ca"]),  # no client certificate
        _settings(
            url, remote_tls_ca=pki["ca"], remote_tls_cert=pki["rogue"].cert, remote_tls_key=pki["rogue"].key
        ),
    ):
        transport = CountingTransport(verify=client_ssl_context(settings))
        async with Judge(settings, backend=RemoteBackend(settings, transport=transport)) as judge:
            transport.requests.clear()
            report = await judge.run(request)
        assert report.verdict is Verdict.INTERNAL_ERROR
        assert transport.requests == ["POST /v1/runs"] * (1 + REPLAYS)

    # The host's certificate not trusted: the handshake fails before anything is sent, so nothing is asked again.
    settings = _settings(url, remote_tls_cert=pki["client"].cert, remote_tls_key=pki["client"].key)
    transport = CountingTransport(verify=client_ssl_context(settings))
    async with Judge(settings, backend=RemoteBackend(settings, transport=transport)) as judge:
        transport.requests.clear()
        report = await judge.run(request)
    assert report.verdict is Verdict.INTERNAL_ERROR
    assert transport.requests == ["POST /v1/runs"]
    assert len(mtls_service.events("judge.run.started")) == 1
