"""The agent's operator signals: per-interview Prometheus metrics (tokens and cost by model, turn latency, interviews
running) and livekit-agents' spans exported over OTLP in the interview's trace, without conversational content."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from livekit.agents import Agent, AgentSession
from prometheus_client import REGISTRY

from agent.metrics import attach_metrics
from agent.settings import AgentSettings
from agent.telemetry import interview_trace_id, prepare_metrics_env
from tests.fakes.llm import FakeLLM, say
from tests.fakes.otlp_receiver import OtlpReceiver

ROOT = Path(__file__).resolve().parents[2]


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_tokens_and_cost_are_counted_by_model_once_per_update_and_interviews_are_gauged() -> None:
    before_in = _value("shadows_llm_tokens_total", model="fake-llm", kind="input")
    before_out = _value("shadows_llm_tokens_total", model="fake-llm", kind="output")
    before_cost = _value("shadows_llm_cost_usd_total", model="fake-llm")
    active = _value("shadows_agent_interviews_active")
    async with AgentSession(llm=FakeLLM([say("Tell me about your approach.")])) as session:
        metrics = attach_metrics(session, {"fake-llm": (2.0, 0.5, 8.0)})
        assert _value("shadows_agent_interviews_active") == active + 1
        await session.start(Agent(instructions="You are an interviewer."))
        for _ in range(3):
            await session.run(user_input="I would use a hash map.")
        await metrics.aclose()
        await metrics.aclose()  # idempotent: a job's shutdown may call it after a failure path did
    assert _value("shadows_agent_interviews_active") == active
    # FakeLLM reports 10 prompt and 5 completion tokens per reply; usage events are cumulative per session.
    tokens_in = _value("shadows_llm_tokens_total", model="fake-llm", kind="input") - before_in
    tokens_out = _value("shadows_llm_tokens_total", model="fake-llm", kind="output") - before_out
    assert (tokens_in, tokens_out) == (30, 15)
    cost = _value("shadows_llm_cost_usd_total", model="fake-llm") - before_cost
    assert abs(cost - (30 * 2.0 + 15 * 8.0) / 1e6) < 1e-12


async def test_a_model_without_a_price_counts_tokens_and_no_cost() -> None:
    llm = FakeLLM([say("ok")])
    before = _value("shadows_llm_cost_usd_total", model="fake-llm")
    async with AgentSession(llm=llm) as session:
        metrics = attach_metrics(session, {})
        await session.start(Agent(instructions="x"))
        await session.run(user_input="hello")
        await metrics.aclose()
    assert _value("shadows_llm_cost_usd_total", model="fake-llm") == before


def test_metrics_env_is_a_fresh_multiprocess_directory_only_with_a_port(tmp_path: Path, monkeypatch) -> None:
    # setenv first: monkeypatch then restores the variable's absence after prepare_metrics_env sets it.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "placeholder")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    off = AgentSettings(_env_file=None, metrics_dir=str(tmp_path / "m"))  # type: ignore[call-arg]
    assert prepare_metrics_env(off) is None and "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    stale = tmp_path / "m" / "gauge_livesum_123.db"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    on = AgentSettings(_env_file=None, metrics_port=9464, metrics_dir=str(tmp_path / "m"))  # type: ignore[call-arg]
    path = prepare_metrics_env(on)
    assert path == (tmp_path / "m").resolve() and os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(path)
    assert list(path.iterdir()) == [], "samples of a previous run are gone"


def test_the_multiprocess_variable_does_not_leak_out_of_the_previous_test() -> None:
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ


_JOB = textwrap.dedent(
    """
    import asyncio, json, sys, httpx
    from aiohttp import web
    from livekit.agents import Agent, AgentSession
    from livekit.agents.testing import fake_job_context
    from agent.settings import AgentSettings
    from agent.telemetry import setup_tracing
    from tests.fakes.llm import FakeLLM, say

    async def main():
        seen = []
        async def api(request):
            seen.append(request.headers.get("traceparent", ""))
            return web.json_response({})
        app = web.Application(); app.router.add_get("/v1/x", api)
        runner = web.AppRunner(app); await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0); await site.start()
        port = site._server.sockets[0].getsockname()[1]
        settings = AgentSettings(_env_file=None, otlp_endpoint=sys.argv[1])
        provider = setup_tracing(settings)
        with fake_job_context(job_metadata=json.dumps({"session_id": "ses_traced1"})):
            async with AgentSession(llm=FakeLLM([say("SECRET-REPLY about hash maps")])) as session:
                await session.start(Agent(instructions="You are an interviewer."))
                await session.run(user_input="SECRET-UTTERANCE my email is ada@example.com")
                async with httpx.AsyncClient() as client:  # the agent's API client is httpx
                    await client.get(f"http://127.0.0.1:{port}/v1/x")
        await asyncio.to_thread(provider.shutdown)
        await runner.cleanup()
        print(json.dumps(seen))

    asyncio.run(main())
    """
)


async def test_livekit_spans_go_to_the_interview_trace_over_otlp_without_conversation_content(
    tmp_path: Path,
) -> None:
    async with OtlpReceiver() as receiver:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "OTEL_", "LIVEKIT_"))}
        proc = await _run(
            [sys.executable, "-c", _JOB, receiver.endpoint],
            env={**env, "PYTHONPATH": str(ROOT)},
            cwd=tmp_path,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    trace_id = interview_trace_id("ses_traced1")
    headers = proc.stdout.strip().splitlines()[-1]
    assert f"00-{trace_id:032x}-" in headers, "the API call carries the interview's trace context"
    spans = receiver.spans
    names = {s.name for s in spans}
    assert {"agent_session", "llm_node"} <= names, names
    assert all(s.trace_id == trace_id for s in spans), {hex(s.trace_id) for s in spans}
    assert all(s.attributes.get("shadows.session_id") == "ses_traced1" for s in spans)
    assert {s.service for s in spans} == {"shadows-agent"}
    dump = repr([s.attributes for s in spans])
    assert "SECRET-UTTERANCE" not in dump and "SECRET-REPLY" not in dump and "ada@example.com" not in dump


async def _run(args: list[str], *, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    import asyncio

    proc = await asyncio.create_subprocess_exec(
        *args, env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    return subprocess.CompletedProcess(args, proc.returncode or 0, out.decode(), err.decode())
