"""simulate: script loading, the jumpable clock, and the `python -m agent simulate` command end to end."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.simulate import ScriptClock, ScriptError, load_script
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.two_sum_interview import GREETING, interviewer_model

ROOT = Path(__file__).resolve().parents[2]


def test_script_accepts_a_list_or_a_mapping_of_steps(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text('- {at: 1, say: "hi"}\n- {editor: "x = 1", language: python}\n')
    steps = load_script(f).steps
    assert [(s.at, s.say, s.editor) for s in steps] == [(1.0, "hi", None), (None, None, "x = 1")]
    f.write_text('language: java\nsteps:\n  - {say: "hello"}\n')
    script = load_script(f)
    assert script.language == "java" and script.steps[0].say == "hello"


@pytest.mark.parametrize(
    "text",
    [
        '- {at: 1, say: "a", editor: "b"}\n',
        "- {at: 1}\n",
        '- {at: -5, say: "a"}\n',
        "steps: []\n",
        "- [unclosed\n",
    ],
)
def test_malformed_script_is_refused_with_a_script_error(tmp_path: Path, text: str) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(ScriptError):
        load_script(f)


def test_missing_script_is_a_script_error(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="cannot read"):
        load_script(tmp_path / "nope.yaml")


async def test_clock_jump_wakes_sleepers_without_waiting() -> None:
    clock = ScriptClock()
    start = clock.now()
    sleeper = asyncio.create_task(clock.sleep(90))
    short = asyncio.create_task(clock.sleep(3600))
    await asyncio.sleep(0.01)
    clock.advance(120)
    # Woke on the jump, not after 90 real seconds (a bound of 1 s was a deadline a loaded box could miss).
    await asyncio.wait_for(sleeper, 30)
    assert not short.done()
    assert clock.now() - start >= 120
    short.cancel()


async def _run_cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "agent", "simulate", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 240)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "OPENAI_", "LIVEKIT_"))}
    return {**keep, "SHADOWS_AGENT_SPOOL_DIR": str(tmp_path / "spool"), **extra}


async def test_cli_refuses_a_bad_script_with_exit_code_2(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("- {at: 1}\n")
    code, _, err = await _run_cli("--session", "ses_x", "--script", str(f), env=_env(tmp_path))
    assert code == 2 and "invalid script" in err


@pytest.mark.db
async def test_cli_runs_a_scripted_interview_and_prints_the_transcript(
    api_server: Any, db: Any, tmp_path: Path
) -> None:
    sid = (await api_server.consented_session())["id"]
    script = tmp_path / "s.yaml"
    script.write_text(
        '- {at: 5, say: "Hello there."}\n- {at: 10, say: "No questions. Bye!"}\n- {at: 15, say: "Yes, let\'s stop."}\n'
    )
    async with FakeOpenAIServer(responder=interviewer_model) as llm_server:
        env = _env(
            tmp_path,
            SHADOWS_AGENT_API_URL=api_server.url,
            SHADOWS_AGENT_API_TOKEN=api_server.internal_token,
            OPENAI_API_KEY="sk-fake",
            SHADOWS_AGENT_LLM_BASE_URL=llm_server.url,
            SHADOWS_AGENT_LLM_MODEL="fake-model",
        )
        code, out, err = await _run_cli("--session", sid, "--script", str(script), env=env)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].endswith(f"interviewer: {GREETING}")
    assert any(line.endswith("candidate: Hello there.") for line in lines)
    assert lines[-1].startswith(f"-- session {sid} completed")
    assert "Hello there." not in err  # the transcript is printed, never logged
    row = await (await db.execute("select status from sessions where id = %s", (sid,))).fetchone()
    assert row["status"] == "completed"
    cur = await db.execute(
        "select payload from session_events where session_id = %s and type = 'transcript' order by seq",
        (sid,),
    )
    assert [r["payload"]["text"] for r in await cur.fetchall() if r["payload"]["role"] == "user"] == [
        "Hello there.",
        "No questions. Bye!",
        "Yes, let's stop.",
    ]
    row = await (await db.execute("select end_reason from sessions where id = %s", (sid,))).fetchone()
    assert row["end_reason"] == "candidate_request"  # asked, confirmed once, then ended


@pytest.mark.db
async def test_simulating_a_finished_or_unknown_session_fails_politely(
    api_server: Any, tmp_path: Path
) -> None:
    from agent.errors import SessionFinishedError, SessionNotFoundError
    from agent.simulate import Script, simulate
    from tests.agent.test_e2e_simulate import _settings

    script = Script.model_validate({"steps": [{"say": "hello"}]})
    settings = _settings(api_server, "http://127.0.0.1:9/v1", tmp_path)  # never reached
    with pytest.raises(SessionNotFoundError):
        await simulate("ses_unknown", script, settings=settings, out=None)
    sid = (await api_server.consented_session())["id"]
    headers = api_server.internal_headers()
    r = await api_server.client.post(f"/v1/internal/sessions/{sid}/complete", json={}, headers=headers)
    assert r.status_code == 200
    with pytest.raises(SessionFinishedError):
        await simulate(sid, script, settings=settings, out=None)


@pytest.mark.db
async def test_cli_reports_a_failing_llm_and_leaves_the_session_in_progress(
    api_server: Any, db: Any, tmp_path: Path
) -> None:
    sid = (await api_server.consented_session())["id"]
    script = tmp_path / "s.yaml"
    script.write_text('- {at: 5, say: "Hello there."}\n')
    async with FakeOpenAIServer() as llm_server:
        llm_server.fail_statuses = [500] * 50
        env = _env(
            tmp_path,
            SHADOWS_AGENT_API_URL=api_server.url,
            SHADOWS_AGENT_API_TOKEN=api_server.internal_token,
            OPENAI_API_KEY="sk-fake",
            SHADOWS_AGENT_LLM_BASE_URL=llm_server.url,
            SHADOWS_AGENT_LLM_MODEL="fake-model",
        )
        code, _, err = await _run_cli("--session", sid, "--script", str(script), env=env)
    assert code == 1 and "the LLM failed" in err, err
    row = await (await db.execute("select status from sessions where id = %s", (sid,))).fetchone()
    assert row["status"] == "in_progress"


def test_the_documented_example_script_is_valid(tmp_path: Path) -> None:
    import textwrap

    import agent.simulate

    doc = agent.simulate.__doc__ or ""
    example = doc.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    f = tmp_path / "example.yaml"
    f.write_text(textwrap.dedent(example))
    script = load_script(f)
    assert script.language == "python" and [s.at for s in script.steps] == [5, 60, 90]
    assert script.steps[1].editor == "def two_sum(nums, target):\n    return []\n"


@pytest.mark.db
async def test_a_simulated_candidate_who_never_speaks_ends_as_no_show_on_the_simulated_clock(
    api_server: Any, db: Any, tmp_path: Path
) -> None:
    """Regression: a silent candidate heard nothing for the whole interview, stored as completed/time_up."""
    from agent.simulate import Script, simulate
    from tests.agent.test_e2e_simulate import _settings

    sid = (await api_server.consented_session())["id"]
    script = Script.model_validate({"steps": [{"at": 1500, "say": "Hello? Sorry, I was muted."}]})
    async with FakeOpenAIServer(responder=interviewer_model) as llm_server:
        result = await simulate(
            sid, script, settings=_settings(api_server, llm_server.url, tmp_path), out=None
        )
    assert result.completed and result.end_reason == "no_show"
    assert not any(role == "user" for _, role, _ in result.transcript)  # it ended before the late "hello"
    row = await (await db.execute("select status, end_reason from sessions where id = %s", (sid,))).fetchone()
    assert (row["status"], row["end_reason"]) == ("completed", "no_show")
    cur = await db.execute(
        "select t, payload from session_events where session_id = %s and type = 'note' order by seq", (sid,)
    )
    notes = {r["payload"]["kind"]: r["t"] for r in await cur.fetchall()}
    assert 20 <= notes["no_show_ping"] < 30 and 60 <= notes["no_show_microphone"] < 70
    assert 180 <= notes["no_show"] < 190  # the simulated clock, not the wall clock
