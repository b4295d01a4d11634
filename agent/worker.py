"""The LiveKit worker: AgentServer, prewarm (Silero VAD) and the per-job entrypoint running one interview."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livekit.agents import AgentServer, AgentSession, JobContext, JobProcess
from livekit.plugins import silero  # plugins register on import, which must be the main thread

from agent import lookalikes
from agent.api_client import CONSENT_REQUIRED, INTERVIEWER_PRESENT, SESSION_CANNOT_START, ApiClient
from agent.capacity import LOAD_THRESHOLD, InterviewLoad
from agent.capture import attach_capture
from agent.channel import RoomChannel
from agent.chat import ChatIntake
from agent.claim import holds_claim, keep_claim
from agent.clock import SystemClock
from agent.completion import complete, end_reason, final_code
from agent.context import SessionContext
from agent.ending import RPC_INTERVIEW_END, EndRequests
from agent.errors import AgentError, ApiError, SessionFinishedError, SessionNotFoundError
from agent.interview import InterviewTasks, attach_interview, build_interview
from agent.language import load_identifier
from agent.practice import offline_practice_context
from agent.presence import CandidatePresence
from agent.prompts import validate_all
from agent.providers import ProviderConfigError, build_classifier, build_session
from agent.recorder import EventRecorder
from agent.resume import ResumePoint, build_resume, merge_spooled
from agent.room import (
    join_room,
    link_audio,
    listen_to_candidate,
    listen_to_chat,
    room_start,
    tell_candidate_and_leave,
)
from agent.senders import candidate_identity
from agent.settings import AgentSettings, get_settings
from agent.spool_replay import SpoolPruner, prune_spools, replay_spools
from agent.state import InterviewState
from agent.telemetry import setup_tracing, withhold_conversation_from_logs

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
    """Once per worker process: load Silero VAD and the language identifier (both ship in their wheels,
    offline), check the prompts and derive the fence's reading table."""
    validate_all()
    proc.userdata["vad"] = silero.VAD.load()
    load_identifier()
    lookalikes.warm()  # the fence's table of look-alike characters, before a job's first fenced text
    setup_tracing(get_settings())  # before the first job's spans: livekit's own, one trace per interview
    withhold_conversation_from_logs()  # after livekit set up this process's log handlers
    settings = get_settings()
    # Candidate data left past its age on this host goes now, again at each job's start (replay_spools) and every
    # `spool_prune_interval_s` in the worker's own process (InterviewServer).
    prune_spools(settings.spool_dir, settings.spool_max_age_s)


async def start_context(
    api: ApiClient | None,
    session_id: str | None,
    settings: AgentSettings,
    *,
    console: bool,
    wait_s: float = 20.0,
) -> tuple[SessionContext, bool]:
    """`load_context`, retried while the API is briefly unavailable (a deploy, a blip) for up to ``wait_s``."""
    deadline = asyncio.get_running_loop().time() + wait_s
    delay = 0.5
    while True:
        try:
            return await load_context(api, session_id, settings, console=console)
        except ApiError as e:
            if not e.retryable or asyncio.get_running_loop().time() + delay > deadline:
                raise
            logger.warning("session context unavailable (%s); retrying in %.1fs", e.code, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def resume_point(
    api: ApiClient | None, context: SessionContext, recorder: EventRecorder | None, *, wait_s: float = 10.0
) -> ResumePoint | None:
    """Where this job continues: the API's log, merged with what a dead worker left in this host's spool. The
    spool is delivered first (and the context re-read) so that the conversation is rebuilt from everything."""
    events = list(context.events)
    spooled = recorder.replayed_events if recorder is not None else []
    if spooled and recorder is not None:
        if await recorder.flush(wait_s) and api is not None:
            try:
                events = list((await api.get_context(context.session_id)).events)
            except ApiError as e:
                logger.warning("could not re-read the context after the spool replay (%s)", e.code)
        events = merge_spooled(events, spooled)
    return build_resume(events)


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
    session: AgentSession[Any] | None = None
    chat: ChatIntake | None = None
    heartbeat: asyncio.Task[None] | None = None  # keep_claim
    replaced: bool = False  # another job holds the session: this one neither completes it nor speaks again
    # The interview never started (a provider or the room failed at start): the session is left running, not
    # completed, so that the next job (LiveKit's leave redispatches it; the page's retry) or a rejoin can start it.
    unstarted: bool = False

    async def shutdown(self, reason: str) -> None:
        """Stop the timers, close the session, push every event, mark the session complete with the final code.

        The log ends before the completion: the session is closed (livekit closes it in a shutdown callback of
        its own, concurrently) while its capture still records its last items, and the recorder is sealed once
        it has pushed what it holds. Anything after that (a turn the closing session still decided, a snapshot
        or paste report still streaming in) would be recorded after the session was completed. A replaced job (another
        holds the session) does not complete it: the record is the other job's."""
        try:
            if self.heartbeat is not None:
                self.heartbeat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.heartbeat
            if self.presence is not None:
                await self.presence.aclose()
            if self.chat is not None:
                await self.chat.aclose()
            if self.tasks is not None:
                await self.tasks.aclose()
            if self.session is not None:
                await self.session.aclose()
            state = self.state
            final = final_code(state) if state is not None else None  # records a truncation note first
            if self.capture is not None:
                self.capture.detach()
            if self.recorder is not None:
                self.recorder.seal()
                if not await self.recorder.aclose():
                    logger.warning("some events stay in the spool for the next run to replay")
            if self.replaced:
                logger.info("replaced by another interviewer: the session is not completed by this job")
            elif self.unstarted:
                logger.info("the interview never started: the session is left for the next job to start")
            elif (
                self.api is not None and state is not None and state.recording and state.session_id and final
            ):
                await complete(self.api, state.session_id, final, end_reason(state, reason))
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
    # The job id goes with every API call: the job that starts the session is its one interviewer.
    job = InterviewJob(api=ApiClient(settings.api_url, token, job_id=ctx.job.id or None) if token else None)
    ctx.add_shutdown_callback(job.shutdown)

    try:
        context, recording = await _claim_and_start(job.api, session_id, settings, console=console)
    except ApiError as e:
        if e.code == INTERVIEWER_PRESENT:
            # Another job is interviewing this candidate (LiveKit admits any number of agents to a room): leave
            # before joining it, having said and recorded nothing.
            logger.info("another interviewer holds the session; this job leaves")
            job.replaced = True
            ctx.shutdown(reason=INTERVIEWER_PRESENT)
            return
        if e.code == CONSENT_REQUIRED:
            # Dispatched by a room token used without a consent to the notice in force (not our page, which asks
            # for it first): nothing started, and this job leaves unjoined, having said and recorded nothing.
            logger.info("the candidate has not agreed to the notice in force; this job leaves")
            ctx.shutdown(reason=CONSENT_REQUIRED)
            return
        await _unavailable(ctx, e, console=console)
        return

    sid = context.session_id
    channel = RoomChannel(ctx.room)
    # A scheduled session serves the identity the API minted into the invite's token, and nobody else; a practice
    # job links the first person who joins (agent.senders).
    expected = candidate_identity(session_id) if session_id is not None else None
    channel.candidate_identity = expected
    if recording and job.api is not None:
        job.recorder = EventRecorder(
            job.api, sid, spool_path=Path(settings.spool_dir) / f"{sid}.jsonl",
            flush_interval=settings.event_flush_interval_s, fsync_interval=settings.event_fsync_interval_s,
            job_id=job.api.job_id,
        )  # fmt: skip
    if job.api is not None:
        # Spools other crashed jobs left on this host reach the API while this interview runs. Started after this
        # session's recorder took its own spool, which it replays and merges itself (resume_point).
        job.replay = asyncio.create_task(
            replay_spools(job.api, settings.spool_dir, max_age_s=settings.spool_max_age_s)
        )
    claimed = job.api if recording and job.api is not None and job.api.job_id is not None else None

    def replaced() -> None:
        job.replaced = True
        ctx.shutdown(reason="interviewer_replaced")

    resume = await resume_point(job.api, context, job.recorder) if recording else None

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
        classifier=_classifier(settings),
    )
    job.state = state
    senders = listen_to_candidate(ctx.room, state, channel)

    try:
        session = build_session(
            settings,
            vad_=ctx.proc.userdata["vad"],
            userdata=state,
            text_only=console and bool(settings.missing_provider_keys()),
            language=state.interview_language,
        )
    except ProviderConfigError as e:
        logger.error("cannot build providers: %s", e)
        job.unstarted = True
        await tell_candidate_and_leave(ctx, "start_failed", console=console)
        ctx.shutdown(reason="misconfigured")
        return
    if job.recorder is not None:
        job.capture = attach_capture(session, job.recorder, state.elapsed_s)
    # Imported here, in the job process, after livekit emptied the metrics directory (see create_server).
    from agent.metrics import attach_metrics

    ctx.add_shutdown_callback(attach_metrics(session, settings.llm_prices).aclose)

    # A fake job (console, tests) has no connected room: the session runs on its own I/O.
    room_args: dict[str, Any] = {} if console else room_start(ctx.room, expected)
    # The claim is kept (heartbeat) only by a job in the room, from here on: one that stalls or dies before it
    # joins loses its lease, and a job waiting for the session takes the candidate over. It is asked again before
    # joining and before the first word, so that a job that lost it meanwhile leaves unjoined, or unheard.
    if claimed is not None and not await holds_claim(claimed, sid):
        replaced()
        return
    try:
        if not console:
            await join_room(ctx)  # before the session's own connect, which would subscribe to every track
            if claimed is not None and not await holds_claim(claimed, sid):
                replaced()
                return
        await session.start(agent=agent, **room_args)
    except Exception as e:  # a provider or room failure at start must not leave the candidate in silence
        logger.error("the interview could not start: %s", type(e).__name__)
        job.unstarted = True
        await tell_candidate_and_leave(ctx, "start_failed", console=console)
        ctx.shutdown(reason="start_failed")
        return
    if claimed is not None:
        job.heartbeat = asyncio.create_task(keep_claim(claimed, sid, replaced))
    if not console:
        job.chat = listen_to_chat(ctx.room, session, senders, state)
        participant = await ctx.wait_for_participant(identity=expected)
        channel.candidate_identity = participant.identity
        link_audio(session, participant.identity)
        # The page's End button: only this room's candidate may call it (docs/protocol.md `interview.end`).
        ends = EndRequests(session, state, lambda: channel.candidate_identity)
        ctx.room.local_participant.register_rpc_method(RPC_INTERVIEW_END, ends.handle)

        ended_on_page: list[bool] = []

        async def ended_elsewhere() -> bool:
            ended = await session_ended(job.api if recording else None, sid)
            if ended:
                ended_on_page.append(True)
            return ended

        async def gone() -> None:
            if not state.ended:
                reason = "candidate_request" if ended_on_page else "candidate_left"
                state.ended, state.end_reason = True, reason
                ctx.shutdown(reason=reason)

        def rejoined(identity: str) -> None:
            channel.candidate_identity = identity
            link_audio(session, identity)
            state.candidate_returned()  # noted; an observation, not activity (agent.silence)

        job.presence = CandidatePresence(
            ctx.room, state.clock, grace_s=settings.candidate_rejoin_grace_s, on_gone=gone, on_rejoin=rejoined,
            expected=expected, ended_elsewhere=ended_elsewhere, on_leave=state.candidate_left,
        )  # fmt: skip
        job.presence.candidate = participant.identity
    job.tasks = attach_interview(session, state)
    job.session = session
    logger.info(
        "interview running: phase %s, resumed=%s, recording=%s",
        state.phase.value,
        resume is not None,
        recording,
    )


async def _claim_and_start(
    api: ApiClient | None, session_id: str | None, settings: AgentSettings, *, console: bool
) -> tuple[SessionContext, bool]:
    """`start_context`, asked again while another job holds the session (409 `interviewer_present`), for up to
    `claim_wait_s`: a holder that is alive renews its claim and this job leaves; one that died before joining the
    room (LiveKit reports no leave for it) loses it when its lease runs out, and this job takes the interview over
    instead of leaving the candidate alone. Nothing is said or recorded while it waits: it has not joined the room.

    Once refused, the job is the second interviewer of a candidate who has (or had) one: whatever it is answered
    next (the session finished by that interviewer, erased, an API failure) it leaves as refused (409
    `interviewer_present`), unjoined and unheard, never telling the candidate that the interview cannot start."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.claim_wait_s
    refused = False
    while True:
        try:
            return await start_context(api, session_id, settings, console=console)
        except ApiError as e:
            if refused and e.code != INTERVIEWER_PRESENT:
                logger.info("refused before, now %s: leaving the other interviewer's candidate alone", e.code)
                raise ApiError(INTERVIEWER_PRESENT, f"refused, then {e.code}", status=e.status) from e
            if e.code != INTERVIEWER_PRESENT or loop.time() + settings.claim_retry_s > deadline:
                raise
            refused = True
            logger.info(
                "another interviewer holds the session; asking again in %.0fs", settings.claim_retry_s
            )
        await asyncio.sleep(settings.claim_retry_s)


async def _unavailable(ctx: JobContext, e: ApiError, *, console: bool) -> None:
    """A session that cannot run, or could not be loaded: the candidate is told, and the job ends."""
    if isinstance(e, SessionNotFoundError | SessionFinishedError) or e.code in SESSION_CANNOT_START:
        logger.info("session cannot run (%s); ending the job", e.code)
        await tell_candidate_and_leave(ctx, "session_unavailable", console=console)
        ctx.shutdown(reason=e.code)
        return
    logger.error("could not load the session: %s", e.code)
    await tell_candidate_and_leave(ctx, "start_failed", console=console)
    ctx.shutdown(reason="api_unavailable")


async def session_ended(api: ApiClient | None, session_id: str, *, timeout_s: float = 5.0) -> bool:
    """Whether the API holds the session as over (the page's `POST /end`, a cancel): asked when the candidate
    leaves. Unknown (no API, an error, no answer within ``timeout_s``) is "not ended": the rejoin grace applies."""
    if api is None:
        return False
    try:
        context = await asyncio.wait_for(api.get_context(session_id), timeout_s)
    except (ApiError, TimeoutError) as e:
        logger.warning("could not tell whether the session has ended (%s)", type(e).__name__)
        return False
    return context.session.status not in ("scheduled", "in_progress")


def _declare_metrics(settings: AgentSettings, load: InterviewLoad) -> None:
    from agent.metrics import declare

    declare(settings.llm_model, load)


def _classifier(settings: AgentSettings) -> Any:
    try:
        return build_classifier(settings)
    except ProviderConfigError:
        return None


class InterviewServer(AgentServer):
    """The AgentServer with this host's periodic spool prune (`SpoolPruner`), which runs in the worker's own process
    from its start (`worker_started`) until it closes: an idle host runs no job, and no job's start prunes for it."""

    def __init__(self, *, pruner: SpoolPruner, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pruner = pruner
        self.on("worker_started", pruner.start)

    async def aclose(self) -> None:
        await self.pruner.aclose()
        await super().aclose()


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
    if settings.health_port is not None:
        kwargs["port"] = settings.health_port
    if settings.metrics_port is not None:  # livekit's endpoint, aggregating the job processes
        kwargs["prometheus_port"] = settings.metrics_port
        kwargs["prometheus_multiproc_dir"] = str(Path(settings.metrics_dir).resolve())
    load = InterviewLoad(settings)
    pruner = SpoolPruner(settings.spool_dir, settings.spool_max_age_s, settings.spool_prune_interval_s)
    server = InterviewServer(pruner=pruner, load_fnc=load, load_threshold=LOAD_THRESHOLD, **kwargs)
    if settings.metrics_port is not None:
        # livekit empties the metrics directory when the worker starts: our series are declared after that.
        server.on("worker_started", lambda: _declare_metrics(settings, load))
    server.setup_fnc = prewarm
    server.rtc_session(agent_name=settings.agent_name)(entrypoint)
    return server
