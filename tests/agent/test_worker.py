"""The worker's configuration checks, prewarm, providers, and session loading against the real API."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from livekit import rtc
from livekit.agents import AgentServer, AgentSession, vad
from livekit.plugins import deepgram, openai

from agent.api_client import ApiClient
from agent.errors import ApiError, SessionNotFoundError
from agent.interview import build_interview
from agent.presence import CandidatePresence
from agent.providers import build_session, turn_handling
from agent.realtime import PreparedRealtimeModel
from agent.recorder import EventRecorder
from agent.spool_replay import replay_spools
from agent.worker import (
    InterviewJob,
    InterviewServer,
    create_server,
    load_context,
    prewarm,
    session_ended,
    session_id_from_metadata,
)
from tests.conftest import free_port
from tests.fakes.clock import ManualClock
from tests.fakes.interview import test_settings
from tests.fakes.llm import FakeLLM, say

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": str(cwd), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "agent", *args],
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_without_livekit_url_or_keys_fails_non_zero_and_names_them(tmp_path: Path):
    proc = run_cli(["start"], {}, tmp_path)
    assert proc.returncode == 2
    for name in (
        "LIVEKIT_URL",
        "LIVEKIT_API_KEY",
        "LIVEKIT_API_SECRET",
        "SHADOWS_AGENT_API_TOKEN",
        "OPENAI_API_KEY",
        "DEEPGRAM_API_KEY",
    ):
        assert name in proc.stderr


def test_start_names_only_what_is_missing(tmp_path: Path):
    env = {
        "LIVEKIT_API_KEY": "k",
        "LIVEKIT_API_SECRET": "s" * 32,
        "OPENAI_API_KEY": "sk-x",
        "SHADOWS_AGENT_API_TOKEN": "t",
        "SHADOWS_AGENT_STT_PROVIDER": "openai",
    }
    proc = run_cli(["start"], env, tmp_path)
    assert proc.returncode == 2
    assert "missing configuration: LIVEKIT_URL." in proc.stderr


def test_console_needs_only_the_llm_key(tmp_path: Path):
    proc = run_cli(["console", "--text"], {}, tmp_path)
    assert proc.returncode == 2 and "OPENAI_API_KEY" in proc.stderr and "LIVEKIT_URL" not in proc.stderr


def test_unknown_command_is_rejected(tmp_path: Path):
    proc = run_cli(["launch"], {}, tmp_path)
    assert proc.returncode == 2 and "unknown command" in proc.stderr


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ('{"session_id": "ses_1"}', "ses_1"),
        ("", None),
        (None, None),
        ("not json", None),
        ('{"session_id": 5}', None),
        ('["ses_1"]', None),
        ('{"other": 1}', None),
    ],
)
def test_session_id_from_dispatch_metadata(metadata: str | None, expected: str | None):
    assert session_id_from_metadata(metadata) == expected


def test_prewarm_loads_silero_vad_once_per_process():
    proc = SimpleNamespace(userdata={})
    prewarm(proc)  # type: ignore[arg-type]  # JobProcess stand-in: prewarm only touches userdata
    assert isinstance(proc.userdata["vad"], vad.VAD)


def test_server_dispatches_explicitly_by_the_configured_agent_name():
    server = create_server(test_settings(agent_name="shadows-test"))
    assert server._agent_name == "shadows-test"
    assert server.setup_fnc is prewarm


async def test_server_prunes_spools_from_its_start_until_it_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = test_settings(spool_dir=str(tmp_path), spool_prune_interval_s=30.0)
    server = create_server(settings)
    assert isinstance(server, InterviewServer)
    assert (server.pruner.spool_dir, server.pruner.interval_s) == (str(tmp_path), 30.0)
    assert server.pruner.max_age_s == settings.spool_max_age_s

    def timers() -> int:
        return sum(t.get_name() == "spool_pruner" for t in asyncio.all_tasks())

    closed: list[bool] = []

    async def agent_server_aclose(self: AgentServer) -> None:  # livekit's, which needs a server that ran
        closed.append(True)

    monkeypatch.setattr(AgentServer, "aclose", agent_server_aclose)
    server.emit("worker_started")  # what AgentServer.run emits once its loop runs
    assert timers() == 1
    await server.aclose()
    assert timers() == 0 and closed == [True]


async def test_session_uses_plugin_objects_and_the_local_turn_detector(monkeypatch: pytest.MonkeyPatch):
    # Dev mode with LiveKit keys would make an unpinned TurnDetector use LiveKit's cloud model.
    monkeypatch.setenv("LIVEKIT_DEV_MODE", "1")
    monkeypatch.setenv("LIVEKIT_API_KEY", "k")
    monkeypatch.setenv("LIVEKIT_API_SECRET", "s" * 32)
    # The LLM prewarms a connection when the session is built: keep it on loopback (a closed port).
    loopback = f"http://127.0.0.1:{free_port()}/v1"
    settings = test_settings(openai_api_key="sk-test", deepgram_api_key="dg-test", llm_base_url=loopback)
    handling = turn_handling(settings)
    assert handling["turn_detection"].model == "turn-detector-v1-mini"
    assert handling["interruption"] == {"mode": "vad", "min_duration": settings.interruption_min_s}
    session = build_session(settings, vad_=object(), userdata=None)  # type: ignore[arg-type]  # no VAD use
    assert isinstance(session.stt, deepgram.STT) and session.stt.model == "nova-3"
    assert isinstance(session.llm, openai.LLM) and session.llm.model == settings.llm_model
    assert isinstance(session.tts, openai.TTS)
    swapped_settings = test_settings(
        openai_api_key="sk",
        deepgram_api_key="dg",
        stt_provider="openai",
        tts_provider="deepgram",
        llm_base_url=loopback,
    )
    swapped = build_session(swapped_settings, vad_=object(), userdata=None)  # type: ignore[arg-type]  # no VAD use
    assert isinstance(swapped.stt, openai.STT) and isinstance(swapped.tts, deepgram.TTS)
    realtime = build_session(
        test_settings(openai_api_key="sk", deepgram_api_key="dg", realtime=True),
        vad_=object(),
        userdata=None,  # type: ignore[arg-type]  # no VAD use
        language="es",
    )
    # The provider's model, wrapped so that every reply is bounded and sees the status and code (agent.realtime).
    assert isinstance(realtime.llm, PreparedRealtimeModel) and realtime.tts is None
    assert isinstance(realtime.llm.wrapped, openai.realtime.RealtimeModel)
    # The server never answers a turn by itself: turns are detected locally and decided by the agent.
    assert realtime.llm.capabilities.turn_detection is False
    assert realtime.turn_detection is not None and realtime.turn_detection.model == "turn-detector-v1-mini"
    assert isinstance(realtime.stt, deepgram.STT) and realtime.stt._opts.language == "es"


async def test_console_practice_falls_back_to_the_local_bank_when_the_api_is_down():
    settings = test_settings()
    async with ApiClient(f"http://127.0.0.1:{free_port()}", "token", retries=0, timeout=1) as api:
        context, recording = await load_context(api, None, settings, console=True)
        assert recording is False and context.session.practice
        assert context.question.hints and context.question.statement_md
        with pytest.raises(ApiError):
            await load_context(api, None, settings, console=False)
    context, recording = await load_context(None, None, settings, console=True)
    assert recording is False


@pytest.mark.db
async def test_load_context_starts_real_sessions_and_refuses_unknown_ones(api_server):
    settings = test_settings()
    created = await api_server.consented_session(difficulty="Easy", language="python")
    async with ApiClient(api_server.url, api_server.internal_token) as api:
        context, recording = await load_context(api, created["id"], settings, console=False)
        assert recording and context.session.status == "in_progress" and context.session.started_at
        assert context.question.title and context.question.hints and context.question.visible_tests
        with pytest.raises(SessionNotFoundError):
            await load_context(api, "ses_doesnotexist", settings, console=False)
        practice, recording = await load_context(api, None, settings, console=False)
        assert recording and practice.session.practice and practice.session.status == "in_progress"


@pytest.mark.db
async def test_entrypoint_ends_the_job_politely_for_unknown_and_finished_sessions(
    agent_job, api_server, tmp_path
):
    agent_job.point_at(api_server.url, api_server.internal_token, tmp_path)
    assert await agent_job.run("ses_unknown") == ["session_not_found"]
    created = await api_server.consented_session(difficulty="Easy", language="python")
    async with ApiClient(api_server.url, api_server.internal_token) as api:
        await api.start_session(created["id"])
        await api.complete(created["id"], None, "python", "completed")
    assert await agent_job.run(created["id"]) == ["session_finished"]
    # Dispatched into the room of a cancelled session (a token's RoomConfiguration, a late dispatch): no interview.
    cancelled = await api_server.consented_session(difficulty="Easy", language="python")
    r = await api_server.client.post(
        f"/v1/sessions/{cancelled['id']}/cancel", headers=api_server.org_headers()
    )
    assert r.json()["status"] == "cancelled"
    assert await agent_job.run(cancelled["id"]) == ["session_finished"]
    assert agent_job.told == ["session_unavailable"] * 3  # each told so, not left in a silent room


def test_placeholder_secrets_are_refused_outside_local_and_test():
    dev = {"api_token": "change-me-internal-token-0123456789", "livekit_api_key": "devkey"}
    assert test_settings(environment="local", **dev).api_token is not None
    with pytest.raises(ValueError, match="SHADOWS_AGENT_API_TOKEN is a development placeholder"):
        test_settings(environment="production", **dev)
    with pytest.raises(ValueError, match="LIVEKIT_API_KEY is a development placeholder"):
        test_settings(environment="staging", api_token="x" * 40, livekit_api_key="devkey")
    with pytest.raises(ValueError, match="at least 32"):
        test_settings(environment="production", api_token="short")
    ok = test_settings(
        environment="production", api_token="t" * 40, livekit_api_key="APIabc", livekit_api_secret="s" * 40
    )
    assert ok.environment == "production"


@dataclass
class _Participant:
    identity: str
    kind: int = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD


async def test_candidate_who_returns_within_the_grace_period_keeps_the_interview():
    room: rtc.EventEmitter[str] = rtc.EventEmitter()  # the room's participant events, without a server
    clock = ManualClock()
    gone: list[bool] = []
    identities: list[str] = []

    async def on_gone() -> None:
        gone.append(True)

    presence = CandidatePresence(room, clock, grace_s=120, on_gone=on_gone, on_rejoin=identities.append)  # type: ignore[arg-type]  # emitter stands in for rtc.Room
    presence.candidate = "cand-1"
    room.emit("participant_disconnected", _Participant("cand-1"))
    await clock.advance(100, step=10)
    room.emit("participant_connected", _Participant("agent-x", rtc.ParticipantKind.PARTICIPANT_KIND_AGENT))
    assert identities == [] and not gone  # another agent is not the candidate
    room.emit("participant_connected", _Participant("cand-1b"))  # reloaded from a new tab
    await clock.advance(200, step=10)
    assert not gone and identities == ["cand-1b"] and presence.candidate == "cand-1b"
    room.emit("participant_disconnected", _Participant("cand-1b"))
    await clock.advance(119, step=1)
    assert not gone
    await clock.advance(2, step=1)
    assert gone == [True]
    await presence.aclose()


async def test_a_candidate_who_leaves_an_interview_ended_on_the_page_ends_the_job_at_once():
    """The page's End button falls back to `POST /end` when the `interview.end` RPC does not reach us, then leaves
    the call. The agent took that for a dropped connection: two more minutes of an interviewer talking (check-ins,
    time warnings) and recording into a session already completed and queued for grading."""
    room: rtc.EventEmitter[str] = rtc.EventEmitter()
    clock = ManualClock()
    gone: list[bool] = []
    asked: list[bool] = []
    ended = False

    async def on_gone() -> None:
        gone.append(True)

    async def ended_elsewhere() -> bool:
        asked.append(ended)
        return ended

    presence = CandidatePresence(room, clock, grace_s=120, on_gone=on_gone, on_rejoin=lambda _: None,  # type: ignore[arg-type]  # emitter stands in for rtc.Room
                                 ended_elsewhere=ended_elsewhere)  # fmt: skip
    presence.candidate = "cand-1"
    room.emit("participant_disconnected", _Participant("cand-1"))  # a reload: the session is still running
    await clock.advance(100, step=10)
    assert asked == [False] and not gone
    room.emit("participant_connected", _Participant("cand-1"))
    ended = True  # the page's POST /end, then it leaves
    room.emit("participant_disconnected", _Participant("cand-1"))
    for _ in range(10):
        await asyncio.sleep(0)
    assert asked == [False, True] and gone == [True]  # at once, no grace
    await presence.aclose()


@pytest.mark.db
async def test_job_shutdown_flushes_events_then_completes_the_session_with_the_final_code(
    api_server, db, tmp_path
):
    created = await api_server.consented_session(difficulty="Easy", language="python")
    sid = created["id"]
    api = ApiClient(api_server.url, api_server.internal_token)
    context = await api.start_session(sid)
    recorder = EventRecorder(api, sid, spool_path=tmp_path / f"{sid}.jsonl")
    _, state = build_interview(
        context, api=api, recorder=recorder, clock=ManualClock(), settings=test_settings()
    )
    # "Python" is how some clients spell it; the API only takes "python" (it answered 422 and the code was lost).
    state.editor.ingest(
        "def two_sum(nums, target):\n    return [0, 1]\n", {"version": "7", "language": "Python"}
    )
    state.record("phase_change", {"from": None, "to": "greeting"})
    state.hints_given = 1
    job = InterviewJob(api=api, state=state, recorder=recorder)
    assert await session_ended(api, sid) is False  # what the agent asks when the candidate leaves
    await job.shutdown("room closed")
    async with ApiClient(api_server.url, api_server.internal_token) as again:
        assert await session_ended(again, sid) is True  # completed (as by the page's POST /end)
    async with ApiClient(f"http://127.0.0.1:{free_port()}", "t", retries=0) as down:
        assert await session_ended(down, sid) is False  # unknown: the rejoin grace applies
    async with db.cursor() as cur:
        await cur.execute(
            "select status, final_code, end_reason, language from sessions where id = %s", (sid,)
        )
        row = await cur.fetchone()
        await cur.execute(
            "select type, payload from session_events where session_id = %s order by seq", (sid,)
        )
        events = await cur.fetchall()
    assert row["status"] == "completed" and row["final_code"].startswith("def two_sum")
    assert row["language"] == "python"
    assert row["end_reason"] == "agent_shutdown"  # the job ended before the interview did
    types = [e["type"] for e in events]
    assert types[:3] == ["consent", "editor_snapshot", "phase_change"]  # the candidate's, then the job's
    assert events[1]["payload"]["version"] == 7


@pytest.mark.db
async def test_nothing_is_recorded_after_the_job_completed_the_session_not_even_through_a_later_replay(
    api_server, db, tmp_path
):
    """The room's streams outlive the shutdown: a snapshot or a note coming in after the session was completed
    went to the spool, and the next job on the host replayed it into the completed (graded) session."""
    created = await api_server.consented_session(difficulty="Easy", language="python")
    sid = created["id"]
    api = ApiClient(api_server.url, api_server.internal_token)
    context = await api.start_session(sid)
    recorder = EventRecorder(api, sid, spool_path=tmp_path / f"{sid}.jsonl")
    clock = ManualClock()
    agent, state = build_interview(context, api=api, recorder=recorder, clock=clock, settings=test_settings())
    session = AgentSession(llm=FakeLLM([say("Hello.")]), userdata=state)
    await session.start(agent)
    state.editor.ingest("def two_sum(nums, target):\n    return [0, 1]\n", {"version": "3"})
    job = InterviewJob(api=api, state=state, recorder=recorder, session=session)
    await job.shutdown("room closed")
    with pytest.raises(RuntimeError):  # the session was closed by the shutdown, before the log ended
        session.generate_reply(instructions="hi")
    await clock.advance(10)
    state.editor.ingest("print('after the end')\n", {"version": "4"})  # a stream still arriving
    state.record("note", {"kind": "late"})
    assert recorder.stats.refused_sealed == 2
    await replay_spools(ApiClient(api_server.url, api_server.internal_token), tmp_path)
    async with db.cursor() as cur:
        await cur.execute("select status from sessions where id = %s", (sid,))
        assert (await cur.fetchone())["status"] == "completed"
        await cur.execute(
            "select type, payload from session_events where session_id = %s order by seq", (sid,)
        )
        events = await cur.fetchall()
    assert [e["payload"]["code"] for e in events if e["type"] == "editor_snapshot"] == [
        "def two_sum(nums, target):\n    return [0, 1]\n"
    ]
    assert not [e for e in events if e["payload"].get("kind") == "late"]


class _BrokenChannel:
    """A client side that fails in every way an RPC can: errors, timeouts, a closed room."""

    editor_connected = False

    def __init__(self, error: BaseException) -> None:
        self.error = error

    async def send_event(self, event: dict[str, Any]) -> None:
        return None

    async def set_attributes(self, attributes: dict[str, str]) -> None:
        return None

    async def request_editor(self, timeout: float) -> dict[str, Any] | None:  # noqa: ASYNC109 -- ClientChannel's signature
        raise self.error


async def test_without_an_editor_the_tools_say_so_instead_of_an_internal_error():
    """Regression: in console, get_editor_snapshot answered "An internal error occurred"."""
    from livekit.agents import AgentSession

    from agent.phases import make_phase_agent
    from agent.state import InterviewState, Phase
    from agent.tools import NO_EDITOR
    from tests.fakes.interview import make_context
    from tests.fakes.llm import FakeLLM, call, say

    for error in (RuntimeError("cannot access local participant"), TimeoutError(), rtc.RpcError(1400, "x")):
        _, state = build_interview(make_context(), api=None, recorder=None, clock=ManualClock(),
                                   channel=_BrokenChannel(error), settings=test_settings())  # type: ignore[arg-type]  # fmt: skip
        fake = FakeLLM([say("Go."), call("get_editor_snapshot"), say("Describe it to me.")])
        async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
            await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
            result = await session.run(user_input="Can you look at my code?")
            result.expect.next_event().is_function_call(name="get_editor_snapshot")
            result.expect.next_event().is_function_call_output(output=NO_EDITOR, is_error=False)
        assert any("No editor is connected" in t for t in fake.texts(-1))  # the status says so every turn


async def test_practice_and_playground_sessions_get_their_own_copy():
    """Regression: practice greeted "Practice" and promised a hiring-team review."""
    from agent.phases import WrapUpAgent
    from tests.fakes.interview import make_context

    context = make_context(name="Practice candidate")
    context.session.practice = True
    agent, state = build_interview(
        context, api=None, recorder=None, clock=ManualClock(), settings=test_settings()
    )
    text = agent.instructions
    assert "greet the candidate" in text and "Practice," not in text and "greet Practice" not in text
    assert "practice session: no hiring team is involved" in text
    assert "recorded so the hiring team" not in text and "hiring team, who will review" not in text
    assert "talked through aloud" in text  # no editor: a spoken-only problem
    wrap = WrapUpAgent(state).instructions
    assert "practice report" in wrap and "the hiring team will review" not in wrap
    hiring, _ = build_interview(
        make_context(), api=None, recorder=None, clock=ManualClock(), settings=test_settings()
    )
    assert "greet Ada" in hiring.instructions and "hiring team" in hiring.instructions


@pytest.mark.db
async def test_entrypoint_that_cannot_load_its_session_tells_the_client_instead_of_staying_silent(
    agent_job, monkeypatch, api_server, tmp_path
):
    """Regression: a failed start left the candidate in a silent room."""
    import agent.worker as worker

    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens
    agent_job.point_at(nowhere, api_server.internal_token, tmp_path)

    async def fast(*a: Any, **kw: Any) -> Any:
        kw["wait_s"] = 0.5
        return await original(*a, **kw)

    original = worker.start_context
    monkeypatch.setattr(worker, "start_context", fast)
    reasons = await agent_job.run("ses_x")
    assert agent_job.told == ["start_failed"] and reasons == ["api_unavailable"]


def test_start_uses_the_supported_entry_point_without_deprecation_warnings(tmp_path: Path):
    """Regression: `cli.run_app` prints a deprecation warning in 1.8.9."""
    env = {
        "LIVEKIT_URL": f"ws://127.0.0.1:{free_port()}",  # nothing listens: the worker keeps retrying
        "LIVEKIT_API_KEY": "k",
        "LIVEKIT_API_SECRET": "s" * 40,
        "OPENAI_API_KEY": "sk-x",
        "DEEPGRAM_API_KEY": "dg",
        "SHADOWS_AGENT_API_TOKEN": "t" * 40,
        "SHADOWS_AGENT_HEALTH_PORT": "0",
        "LIVEKIT_AGENTS_PRELOAD_LOCAL_INFERENCE": "0",
        "PYTHONWARNINGS": "default",
    }
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "agent", "start"], env={**base, **env}, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)  # fmt: skip
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "failed to connect to livekit" in line:
                break
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the worker and the job processes it forked, nothing else
        proc.wait(30)
    output = "".join(lines)
    assert '"starting worker"' in output and "failed to connect to livekit" in output
    assert "deprecat" not in output.lower()
