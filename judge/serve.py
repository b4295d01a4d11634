"""`shadows judge serve`: the judge service as a process. It refuses to start when anyone who reaches its port could
run code (no token and no mTLS, outside local/test or on a non-loopback address) or with a placeholder token in
production, loads its TLS files up front, then serves judge.server under uvicorn and logs JSON lines to stderr
(`judge.serve.listening` carries the URL, with the real port when asked for port 0).

SIGTERM drains: uvicorn stops accepting connections and waits for the runs in flight before the pool stops.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
from functools import partial
from typing import Any

import uvicorn

from judge import json_logs
from judge.errors import JudgeConfigurationError
from judge.http_protocol import BoundedH11Protocol
from judge.server import create_app
from judge.settings import JudgeSettings

log = logging.getLogger("judge.serve")

PLACEHOLDER_PREFIXES = ("change-me", "dev-", "devsecret")
MIN_TOKEN_CHARS = 32
# The largest request head (request line and headers) the service reads: the remote backend's is under 1 KiB.
MAX_HEAD_BYTES = 16 << 10
# A request body must keep this pace once its head has arrived (after SHADOWS_JUDGE_SERVE_BODY_TIMEOUT_S of grace),
# as the API's must: the handler's own deadline on the body starts only once the token has been checked.
BODY_MIN_BYTES_PER_S = 4096


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_security(settings: JudgeSettings, host: str) -> None:
    """Raise JudgeConfigurationError, naming the settings to fix, when this service must not start."""
    s = settings
    if (s.serve_tls_cert is None) != (s.serve_tls_key is None):
        raise JudgeConfigurationError("set both SHADOWS_JUDGE_SERVE_TLS_CERT and SHADOWS_JUDGE_SERVE_TLS_KEY")
    if s.serve_tls_client_ca is not None and s.serve_tls_cert is None:
        raise JudgeConfigurationError(
            "mTLS (SHADOWS_JUDGE_SERVE_TLS_CLIENT_CA) needs the service's own SHADOWS_JUDGE_SERVE_TLS_CERT and _KEY"
        )
    production = s.environment not in ("local", "test")
    if s.remote_token is None and s.serve_tls_client_ca is None:
        if production:
            raise JudgeConfigurationError(
                f"SHADOWS_JUDGE_ENVIRONMENT={s.environment}: set SHADOWS_JUDGE_REMOTE_TOKEN or mTLS "
                "(SHADOWS_JUDGE_SERVE_TLS_CLIENT_CA) so that only the API can run code here"
            )
        if not is_loopback(host):
            raise JudgeConfigurationError(
                f"refusing to serve on {host} without authentication: set SHADOWS_JUDGE_REMOTE_TOKEN or mTLS "
                "(SHADOWS_JUDGE_SERVE_TLS_CLIENT_CA), or bind a loopback address"
            )
    if s.remote_token is not None and production:
        token = s.remote_token.get_secret_value()
        if token.startswith(PLACEHOLDER_PREFIXES) or len(token) < MIN_TOKEN_CHARS:
            raise JudgeConfigurationError(
                f"SHADOWS_JUDGE_REMOTE_TOKEN is a placeholder or shorter than {MIN_TOKEN_CHARS} characters"
            )
    for name, path in (
        ("SHADOWS_JUDGE_SERVE_TLS_CERT", s.serve_tls_cert),
        ("SHADOWS_JUDGE_SERVE_TLS_KEY", s.serve_tls_key),
        ("SHADOWS_JUDGE_SERVE_TLS_CLIENT_CA", s.serve_tls_client_ca),
    ):
        if path is not None and not path.is_file():
            raise JudgeConfigurationError(f"{name}: no such file {path}")
    if s.serve_tls_cert is not None:
        _check_tls_files(s)


def _check_tls_files(settings: JudgeSettings) -> None:
    """Load the certificate, key and client CA once now, so that a bad file is a clear error, not a traceback."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(str(settings.serve_tls_cert), str(settings.serve_tls_key))
        if settings.serve_tls_client_ca is not None:
            context.load_verify_locations(cafile=str(settings.serve_tls_client_ca))
    except (ssl.SSLError, OSError) as exc:
        raise JudgeConfigurationError(f"the service's TLS files cannot be loaded: {exc}") from exc


def uvicorn_tls_options(settings: JudgeSettings) -> dict[str, Any]:
    """uvicorn's ssl options: TLS with the service's certificate; with a client CA, a client certificate signed
    by it is required on every connection (mTLS)."""
    if settings.serve_tls_cert is None:
        return {}
    options: dict[str, Any] = {
        "ssl_certfile": str(settings.serve_tls_cert),
        "ssl_keyfile": str(settings.serve_tls_key),
    }
    if settings.serve_tls_client_ca is not None:
        options["ssl_ca_certs"] = str(settings.serve_tls_client_ca)
        options["ssl_cert_reqs"] = ssl.CERT_REQUIRED
    return options


def connection_options(settings: JudgeSettings) -> dict[str, Any]:
    """What bounds a connection before any token is checked (anyone who reaches the port can open one). uvicorn's
    default parser (httptools) kept every header line it was sent, and uvicorn times only the idle wait after a
    response: one connection sending header lines without end took the service from 64 to 268 MiB with 200 MiB of
    them, and one that never finished its head held a descriptor for ever (slowloris). h11 refuses a head over
    MAX_HEAD_BYTES (400), and the protocol the API serves with too (judge.http_protocol) closes a connection whose
    head has not arrived within the keep-alive timeout of its opening or of its previous response (408 when part of
    one came), or whose body falls behind BODY_MIN_BYTES_PER_S. The keep-alive timeout must stay above the remote
    backend's 10 s for idle connections, so that it never reuses one the service has just closed."""
    return {
        # A partial of a module-level class, as the API's: uvicorn may pickle it.
        "http": partial(
            BoundedH11Protocol,
            body_grace_s=settings.serve_body_timeout_s,
            body_min_rate=BODY_MIN_BYTES_PER_S,
        ),
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        "timeout_keep_alive": settings.serve_keep_alive_s,
    }


def serve(settings: JudgeSettings, *, host: str | None = None, port: int | None = None) -> None:
    """Run the judge service until SIGINT/SIGTERM. Raises JudgeConfigurationError before binding anything."""
    host = host or settings.serve_host
    port = settings.serve_port if port is None else port
    check_security(settings, host)
    json_logs.configure()
    asyncio.run(_serve(settings, host, port))


class _Server(uvicorn.Server):
    """uvicorn's server, announcing where it listens once its sockets are bound."""

    def __init__(self, config: uvicorn.Config, settings: JudgeSettings) -> None:
        super().__init__(config)
        self.judge_settings = settings

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.started or not self.servers:
            return
        address = self.servers[0].sockets[0].getsockname()
        scheme = "https" if self.judge_settings.serve_tls_cert else "http"
        where = f"[{address[0]}]" if ":" in address[0] else address[0]
        mtls = self.judge_settings.serve_tls_client_ca is not None
        log.info(
            "judge.serve.listening",
            extra={"fields": {"url": f"{scheme}://{where}:{address[1]}", "mtls": mtls}},
        )


async def _serve(settings: JudgeSettings, host: str, port: int) -> None:
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        lifespan="on",
        log_config=None,
        access_log=False,
        server_header=False,
        **connection_options(settings),
        **uvicorn_tls_options(settings),
    )
    await _Server(config, settings).serve()
