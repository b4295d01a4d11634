"""The LiveKit worker: AgentServer, prewarm (Silero VAD) and the per-job entrypoint running one interview."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livekit.agents import AgentServer, JobContext, JobProcess
from livekit.agents.voice.room_io import RoomOptions
from livekit.plugins import silero  # plugins register on import, which must be the main thread

from agent.api_client import ApiClient
from agent.capacity import LOAD_THRESHOLD, InterviewLoad
from agent.capture import attach_capture
from agent.channel import TOPIC_EDITOR_SNAPSHOT, RoomChannel
from agent.clock import SystemClock
from agent.context import SessionContext
from agent.errors import AgentError, ApiError, SessionFinishedError, SessionNotFoundError
from agent.interview import InterviewTasks, attach_interview, build_interview
from agent.practice import offline_practice_context
from agent.presence import CandidatePresence
from agent.prompts import validate_all
from agent.providers import ProviderConfigError, build_session
from agent.recorder import EventRecorder, replay_spools
from agent.resume import build_resume
from agent.settings import AgentSettings, get_settings
from agent.state import InterviewState
from agent.telemetry import setup_tracing

logger = logging.getLogger("shadows.agent.worker")


def session_id_from_metadata(metadata: str | None) -> str | None:
    """`{"session_id": "..."}` from the dispatch metadata; None for an empty or foreign payload."""
    if not metadata or not metadata.strip():
        return None
    try:
        data = json.loads(metadata)
    except json.JSONDecodeError:
        logger.warning("job metadata is not JSON; running a practice session")
        return None
    sid = data.get("session_id") if isinstance(data, dict) else None
    return sid if isinstance(sid, str) and sid else None


def prewarm(proc: JobProcess) -> None:
    """Once per worker process: load Silero VAD (ships in the wheel, offline) and check the prompts."""
    validate_all()
    proc.userdata["vad"] = silero.VAD.load()
    setup_tracing(get_settings())  # before the first job's spans: livekit's own, one trace per interview


async def load_context(
    api: ApiClient | None, session_id: str | None, settings: AgentSettings, *, console: bool
) -> tuple[SessionContext, bool]:
    """The session to run and whether it is recorded. Raises SessionNotFound/Finished for a bad session."""
    if session_id is not None:
        if api is None:
            raise ApiError("no_api_token", "SHADOWS_AGENT_API_TOKEN is not set")
        return await api.start_session(session_id), True
    if api is not None:
        try:
            return await api.create_practice(settings.practice_difficulty, settings.practice_language), True
        except ApiError as e:
            if not console:
                raise
            logger.warning("API unreachable for practice (%s); using the local bank, not recording", e.code)
    elif not console:
        raise ApiError("no_api_token", "SHADOWS_AGENT_API_TOKEN is not set")
    return offline_practice_context(settings), False


@dataclass
class InterviewJob:
    """What one job holds, so that shutdown can flush, complete and close in the right order."""

    api: ApiClient | None
    state: InterviewState | None = None
    recorder: EventRecorder | None = None
    capture: Any = None
    tasks: InterviewTasks | None = None
    replay: asyncio.Task[dict[str, bool]] | None = None  # spools left by crashed workers, delivered meanwhile
    presence: CandidatePresence | None = None

    async def shutdown(self, reason: str) -> None:
        """Stop the timers, flush every event, mark the session complete with the final code, close."""
        try:
            if self.presence is not None:
                await self.presence.aclose()
            if self.tasks is not None:
                await self.tasks.aclose()
            state = self.state
            if state is not None and state.snapshots is not None:
                state.snapshots.flush()
            if self.capture is not None:
                self.capture.detach()
            if self.recorder is not None and not await self.recorder.aclose():
                logger.warning("some events stay in the spool for the next run to replay")
            if self.api is not None and state is not None and state.recording and state.session_id:
                snap = state.editor.snapshot
                try:
                    await self.api.complete(
                        state.session_id,
                        snap.code if snap else None,
                        snap.language if snap else state.language,
                        state.end_reason or reason or "completed",
                    )
                except ApiError as e:
                    logger.error("could not mark session complete: %s", e.code)
        finally:
            if self.replay is not None:
                if not self.replay.done():
                    self.replay.cancel()
                try:
                    await self.replay
                except asyncio.CancelledError:
                    pass
                except AgentError as e:
                    logger.warning("replaying old spools failed: %s", e)
            if self.api is not None:
                await self.api.aclose()


async def entrypoint(ctx: JobContext) -> None:
    settings = get_settings()
    console = ctx.is_fake_job()
    session_id = session_id_from_metadata(ctx.job.metadata)
    token = settings.api_token.get_secret_value() if settings.api_token else None
    job = InterviewJob(api=ApiClient(settings.api_url, token) if token else None)
    ctx.add_shutdown_callback(job.shutdown)
    if job.api is not None:
        # Events a crashed worker left in this machine's spool reach the API while this interview runs.
        job.replay = asyncio.create_task(replay_spools(job.api, settings.spool_dir))

    try:
        context, recording = await load_context(job.api, session_id, settings, console=console)
    except (SessionNotFoundError, SessionFinishedError) as e:
        logger.info("session cannot run (%s); ending the job", e.code)
        ctx.shutdown(reason=e.code)
        return
    except ApiError as e:
        logger.error("could not load the session: %s", e.code)
        ctx.shutdown(reason="api_unavailable")
        return

    sid = context.session_id
    channel = RoomChannel(ctx.room)
    resume = build_resume(context.events) if recording else None
    if recording and job.api is not None:
        job.recorder = EventRecorder(job.api, sid, spool_path=Path(settings.spool_dir) / f"{sid}.jsonl")

    async def end(reason: str) -> None:  # end_interview or overtime; shutdown flushes and completes
        ctx.shutdown(reason=reason)

    agent, state = build_interview(
        context,
        api=job.api if recording else None,
        recorder=job.recorder,
        clock=SystemClock(),
        resume=resume,
        channel=channel,
        settings=settings,
        recording=recording,
        on_end=end,
    )
    job.state = state
    try:
        ctx.room.register_text_stream_handler(TOPIC_EDITOR_SNAPSHOT, state.editor.on_text_stream)
    except ValueError:  # already registered for this room object
        logger.warning("editor.snapshot handler already registered")

    try:
        session = build_session(
            settings,
            vad_=ctx.proc.userdata["vad"],
            userdata=state,
            text_only=console and bool(settings.missing_provider_keys()),
        )
    except ProviderConfigError as e:
        logger.error("cannot build providers: %s", e)
        ctx.shutdown(reason="misconfigured")
        return
    if job.recorder is not None:
        job.capture = attach_capture(session, job.recorder, state.elapsed_s)
    from agent.metrics import (
        attach_metrics,  # after livekit prepared the metrics directory (see create_server)
    )

    ctx.add_shutdown_callback(attach_metrics(session, settings.llm_prices).aclose)

    # A reload or dropped connection must not end the interview: presence decides when absence is final.
    await session.start(agent=agent, room=ctx.room, room_options=RoomOptions(close_on_disconnect=False))
    if not console:
        participant = await ctx.wait_for_participant()
        channel.candidate_identity = participant.identity

        async def gone() -> None:
            if not state.ended:
                state.ended, state.end_reason = True, "candidate_left"
                ctx.shutdown(reason="candidate_left")

        def rejoined(identity: str) -> None:
            channel.candidate_identity = identity

        job.presence = CandidatePresence(
            ctx.room, state.clock, grace_s=settings.candidate_rejoin_grace_s, on_gone=gone, on_rejoin=rejoined
        )
        job.presence.candidate = participant.identity
    job.tasks = attach_interview(session, state)
    logger.info(
        "interview running: phase %s, resumed=%s, recording=%s",
        state.phase.value,
        resume is not None,
        recording,
    )


def _declare_metrics(settings: AgentSettings, load: InterviewLoad) -> None:
    from agent.metrics import declare

    declare(settings.llm_model, load)


def create_server(settings: AgentSettings | None = None) -> AgentServer:
    """The worker with its prewarm and the single explicit-dispatch `rtc_session` entrypoint."""
    settings = settings or get_settings()
    validate_all()
    kwargs: dict[str, Any] = {}
    if settings.livekit_url:
        kwargs["ws_url"] = settings.livekit_url
    if settings.livekit_api_key is not None:
        kwargs["api_key"] = settings.livekit_api_key.get_secret_value()
    if settings.livekit_api_secret is not None:
        kwargs["api_secret"] = settings.livekit_api_secret.get_secret_value()
    if settings.metrics_port is not None:  # livekit's endpoint, aggregating the job processes
        kwargs["prometheus_port"] = settings.metrics_port
        kwargs["prometheus_multiproc_dir"] = str(Path(settings.metrics_dir).resolve())
    load = InterviewLoad(settings)
    server = AgentServer(load_fnc=load, load_threshold=LOAD_THRESHOLD, **kwargs)
    if settings.metrics_port is not None:
        # livekit empties the metrics directory when the worker starts: our series are declared after that.
        server.on("worker_started", lambda: _declare_metrics(settings, load))
    server.setup_fnc = prewarm
    server.rtc_session(agent_name=settings.agent_name)(entrypoint)
    return server


if __name__ == "__main__":  # `python agent/worker.py console --text`: the same checks as `python -m agent`
    import sys

    from agent.__main__ import main

    sys.exit(main())
