"""SIGKILL mid-interview, in `simulate` and in the worker harness (the real entrypoint in a fake job): every
event recorded before the kill survives (from the spool, while the API was unreachable), and the next run
replays and merges the spool first, then continues in the last phase without greeting again."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from agent.spool_replay import spooled_events
from tests.agent.test_e2e_simulate import _two_sum_id
from tests.fakes.flaky_proxy import FlakyProxy
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.session import until
from tests.fakes.two_sum_interview import GREETING, interviewer_model

pytestmark = [pytest.mark.db]

ROOT = Path(__file__).resolve().parents[2]


class Proc:
    """A child process in its own process group, its output collected line by line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            self.lines.append(line.decode(errors="replace").rstrip("\n"))

    async def wait_for(self, predicate: Callable[[list[str]], bool], limit_s: float = 60) -> None:
        for _ in range(int(limit_s / 0.05)):
            if predicate(self.lines):
                return
            if self.proc.returncode is not None and self._reader.done():
                break
            await asyncio.sleep(0.05)
        raise AssertionError("timed out; output so far:\n" + "\n".join(self.lines[-40:]))

    async def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((text + "\n").encode())
        await self.proc.stdin.drain()

    async def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # only the group this test started
        await self.proc.wait()
        await self._reader

    async def finish(self, limit_s: float = 120) -> int:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        await asyncio.wait_for(self.proc.wait(), limit_s)
        await self._reader
        return self.proc.returncode or 0


async def spawn(*args: str, env: dict[str, str]) -> Proc:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=ROOT, env=env, start_new_session=True,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    return Proc(proc)


@pytest.fixture
async def stack(
    api_server: Any, tmp_path: Path
) -> AsyncIterator[tuple[FlakyProxy, FakeOpenAIServer, dict[str, str]]]:
    async with (
        FlakyProxy(api_server.url) as proxy,
        FakeOpenAIServer(responder=interviewer_model) as llm_server,
    ):
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "OPENAI_", "LIVEKIT_"))}
        env = {
            **keep,
            "PYTHONPATH": str(ROOT),
            "SHADOWS_AGENT_API_URL": proxy.url,
            "SHADOWS_AGENT_API_TOKEN": api_server.internal_token,
            "SHADOWS_AGENT_SPOOL_DIR": str(tmp_path / "spool"),
            "OPENAI_API_KEY": "sk-fake",
            "SHADOWS_AGENT_LLM_BASE_URL": llm_server.url,
            "SHADOWS_AGENT_LLM_MODEL": "fake-model",
            "LIVEKIT_AGENTS_PRELOAD_LOCAL_INFERENCE": "0",
        }
        yield proxy, llm_server, env


async def _events(db: Any, sid: str) -> list[dict[str, Any]]:
    cur = await db.execute("select * from session_events where session_id = %s order by seq", (sid,))
    return list(await cur.fetchall())


def _said(lines: list[str]) -> list[str]:
    return [
        line.split("] ", 1)[1].split(": ", 1)[1] for line in lines if line.startswith("[") and "] " in line
    ]


async def check_resume(db: Any, sid: str, spoken_before_kill: list[str], second_lines: list[str]) -> None:
    events = await _events(db, sid)
    texts = [e["payload"]["text"] for e in events if e["type"] == "transcript"]
    for text in spoken_before_kill:
        assert text in texts, f"lost at the kill: {text!r}"
    assert texts.count(GREETING) == 1  # greeted once, never again
    phases = [e["payload"]["to"] for e in events if e["type"] == "phase_change"]
    assert phases[:4] == ["greeting", "problem", "approach", "coding"] and "greeting" not in phases[1:]
    resumed = [e["payload"] for e in events if e["type"] == "note" and e["payload"].get("kind") == "resumed"]
    assert resumed == [{"kind": "resumed", "phase": "coding"}]  # continued in the phase it had reached
    replies = [line for line in second_lines if "] assistant: " in line or "] interviewer: " in line]
    assert replies and GREETING not in replies[0]


async def test_simulate_killed_with_sigkill_loses_nothing_recorded_and_resumes_in_its_phase(
    api_server: Any, db: Any, stack: Any, tmp_path: Path
) -> None:
    proxy, _, env = stack
    sid = (await api_server.consented_session(question_id=await _two_sum_id(db)))["id"]
    first = tmp_path / "first.yaml"
    first.write_text(
        '- {at: 0.5, say: "Hi, I\'m ready to start."}\n'
        '- {at: 1.0, say: "I understand the problem, no clarifying questions."}\n'
        '- {at: 1.5, say: "I would use a hash map from value to index. Shall I code it?"}\n'
        '- {at: 2.5, say: "Can I use a dictionary for this?"}\n'
        '- {at: 3.0, say: "okay so first I loop over the numbers"}\n'
        '- {at: 900, say: "never reached"}\n'
    )
    run = await spawn(
        "-m", "agent", "simulate", "--session", sid, "--script", str(first), "--realtime", env=env
    )
    await run.wait_for(lambda lines: any("I would use a hash map" in line for line in lines))
    proxy.down = True  # from here on events only reach the spool
    await run.wait_for(lambda lines: any("okay so first I loop" in line for line in lines))

    def spooled() -> bool:  # recorded: what the kill must not lose (a loaded box is slow to get there)
        events = spooled_events(env["SHADOWS_AGENT_SPOOL_DIR"], sid)
        return "okay so first I loop over the numbers" in [e.payload.get("text") for e in events]

    await until(spooled)
    await run.kill()
    spoken = _said(run.lines)
    stored_before = [e["payload"].get("text") for e in await _events(db, sid) if e["type"] == "transcript"]
    assert "okay so first I loop over the numbers" not in stored_before  # it existed only in the spool
    proxy.down = False

    second = tmp_path / "second.yaml"
    second.write_text('- {at: 5, say: "Could you run the tests?"}\n')
    again = await spawn("-m", "agent", "simulate", "--session", sid, "--script", str(second), env=env)
    assert await again.finish() == 0, "\n".join(again.lines)
    await check_resume(db, sid, spoken, again.lines)


async def test_worker_killed_with_sigkill_loses_nothing_recorded_and_resumes_in_its_phase(
    api_server: Any, db: Any, stack: Any
) -> None:
    proxy, _, env = stack
    sid = (await api_server.consented_session(question_id=await _two_sum_id(db)))["id"]
    run = await spawn("-m", "tests.agent.worker_harness", sid, env=env)
    await run.wait_for(lambda lines: "READY" in lines)
    for n, text in enumerate(
        ["Hi, I'm ready to start.", "I understand the problem, no clarifying questions.",
         "I would use a hash map from value to index. Shall I code it?"], 1,
    ):  # fmt: skip
        await run.send(text)
        await run.wait_for(lambda lines, n=n: f"DONE {n}" in lines)
    proxy.down = True
    await run.send("okay so first I loop over the numbers")
    await run.send("Can I use a dictionary for this?")
    await run.wait_for(lambda lines: "DONE 5" in lines)
    await run.kill()
    spoken = _said(run.lines)
    assert "Can I use a dictionary for this?" in spoken
    stored_before = [e["payload"].get("text") for e in await _events(db, sid) if e["type"] == "transcript"]
    assert "Can I use a dictionary for this?" not in stored_before
    proxy.down = False

    again = await spawn("-m", "tests.agent.worker_harness", sid, env=env)
    await again.wait_for(lambda lines: "READY" in lines and any("] assistant: " in line for line in lines))
    # the events reach the API within the flush interval (0.25 s); under load, later: wait for them, bounded
    for _ in range(600):
        events = await _events(db, sid)
        texts = [e["payload"].get("text") for e in events if e["type"] == "transcript"]
        notes = [e["payload"].get("kind") for e in events if e["type"] == "note"]
        if "resumed" in notes and all(text in texts for text in spoken):
            break
        await asyncio.sleep(0.05)
    await again.kill()
    await check_resume(db, sid, spoken, again.lines)
