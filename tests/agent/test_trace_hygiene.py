"""What a trace backend receives from the agent's job process when OpenTelemetry's own switches capture HTTP
headers: the agent's calls to the API carry the internal token, and the providers' SDKs an API key, in headers
the httpx instrumentation records as sent (its sanitising list is the environment's alone)."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
from pathlib import Path

from tests.fakes.otlp_receiver import OtlpReceiver

ROOT = Path(__file__).resolve().parents[2]

_JOB = textwrap.dedent(
    """
    import asyncio, sys, httpx
    from aiohttp import web
    from livekit.agents.testing import fake_job_context
    from agent.settings import AgentSettings
    from agent.telemetry import setup_tracing

    async def main():
        async def api(request):
            return web.json_response({}, headers={"Set-Cookie": "lb=planted-cookie", "X-Probe": "kept-reply"})
        app = web.Application(); app.router.add_get("/v1/x", api)
        runner = web.AppRunner(app); await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0); await site.start()
        port = site._server.sockets[0].getsockname()[1]
        provider = setup_tracing(AgentSettings(_env_file=None, otlp_endpoint=sys.argv[1]))
        with fake_job_context(job_metadata='{"session_id": "ses_headers1"}'):
            async with httpx.AsyncClient() as client:
                r = await client.get(
                    f"http://127.0.0.1:{port}/v1/x",
                    headers={
                        "Authorization": "Bearer planted-internal-token",
                        "X-Api-Key": "planted-provider-key",
                        "X-Probe": "kept-as-sent",
                    },
                )
                assert r.status_code == 200
        await asyncio.to_thread(provider.shutdown)
        await runner.cleanup()

    asyncio.run(main())
    """
)


async def test_captured_headers_of_the_agents_calls_never_carry_a_credential(tmp_path: Path) -> None:
    async with OtlpReceiver() as receiver:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "OTEL_", "LIVEKIT_"))}
        env |= {
            "PYTHONPATH": str(ROOT),
            "OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_REQUEST": ".*",
            "OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_RESPONSE": ".*",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _JOB,
            receiver.endpoint,
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode()[-3000:]
    exported = b"".join(receiver.bodies)
    assert b"kept-as-sent" in exported and b"kept-reply" in exported, "headers were not captured at all"
    for secret in (b"planted-internal-token", b"planted-provider-key", b"planted-cookie"):
        assert secret not in exported, secret


def test_the_agent_and_the_api_redact_the_same_headers() -> None:
    from agent.telemetry import CREDENTIAL_HEADERS as AGENT
    from api.tracing import CREDENTIAL_HEADERS as API

    assert AGENT == API
