"""The job's room, as agent.worker uses it.

Joined hearing audio only, RoomIO's options, the candidate's editor streams and typed chat taken from the candidate
only, and the candidate told when the interview cannot start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from livekit import rtc
from livekit.agents import AgentSession, AutoSubscribe, JobContext
from livekit.agents.types import NOT_GIVEN, TOPIC_CHAT
from livekit.agents.voice.room_io import AudioInputOptions, RoomOptions, TextInputEvent, TextInputOptions

from agent.channel import TOPIC_EDITOR_SNAPSHOT, RoomChannel
from agent.chat import ChatIntake
from agent.chat_budget import MAX_DROP_NOTES
from agent.paste import TOPIC_EDITOR_PASTE, PasteWatch
from agent.providers import CANDIDATE_AUDIO_RATE
from agent.senders import CandidateSenders
from agent.state import InterviewState
from agent.turn_decision import TurnDecision
from agent.turns import text_turn, typed_message, unanswered_text_turn

logger = logging.getLogger("shadows.agent.room")


def chat_input() -> TextInputOptions:
    """Typed `lk.chat` messages take the same turn path as speech (agent.turns.text_turn), one at a time and in the
    order they came: each message is its own task, and two typed close together were decided at once, so the later
    one's interruption could come before the earlier one's reply existed (both answered), and whichever decision
    finished first was recorded first. Each is recorded as it arrives (InterviewState.turn_finished). Whether a
    message is kept and answered is decided as it arrives (the budgets count arrivals; answered turns are the
    interview's one budget, agent.turn_budget, typed and spoken together); what follows waits for the
    messages before it (``asyncio.Lock`` wakes its waiters in order). The messages waiting are bounded by the keep
    budget."""
    turn_lock = asyncio.Lock()

    async def on_text(session: AgentSession[Any], ev: TextInputEvent) -> None:
        state = session.userdata
        if isinstance(state, InterviewState) and not state.chat_budget.keep(state.clock.now(), len(ev.text)):
            # Past what anyone types: neither answered nor kept (agent.chat_budget); a few notes say so.
            budget = state.chat_budget
            if not budget.dropping:
                budget.dropping = True
                budget.drop_notes += 1
                if budget.drop_notes <= MAX_DROP_NOTES:
                    state.record("note", {"kind": "chat_dropped", "phase": state.phase.value,
                                          "dropped": budget.dropped})  # fmt: skip
                logger.warning(
                    "typed messages dropped: over the chat's keep budget (%d so far)", budget.dropped
                )
            return
        message = typed_message(ev.text, chat=True)
        if isinstance(state, InterviewState):
            state.turn_finished(message)  # recorded as it arrives, not after the turns before it are decided
        # The interview's one budget of answered turns, which speech draws on too (agent.turn_budget). Past it:
        # kept, unanswered, recorded as such, and it does not cut the interviewer off.
        answered = not isinstance(state, InterviewState) or state.claim_turn("chat")
        async with turn_lock:
            if not answered:
                state.turn_decided(message.id, TurnDecision(False, "rate_limited"))
                unanswered_text_turn(session, message)
                return
            with contextlib.suppress(
                RuntimeError
            ):  # the current speech cannot be interrupted: the turn still counts
                await session.interrupt()
            await text_turn(session, message)

    return TextInputOptions(text_input_cb=on_text)


async def join_room(ctx: JobContext) -> None:
    """Connect the job to its room hearing audio only. livekit's default subscribes to every track published in the
    room: a camera or a screen share (any number, at any bitrate) was the interviewer's to receive, and it uses no
    video (the candidate's token may publish a microphone only, api.tokens; a practice room's participants have
    tokens of their own)."""
    await ctx.connect(auto_subscribe=AutoSubscribe.AUDIO_ONLY)


def room_start(room: rtc.Room, expected: str | None) -> dict[str, Any]:
    """`AgentSession.start`'s room arguments. No session host: livekit's `lk.agent.session` byte-stream channel
    (on by default) lets any participant of the room read the instructions (rubric and hints included) and the
    history, and run user turns past our turn path; nothing of ours uses it."""
    return {"room": room, "room_options": room_options(expected), "session_host": False}


def room_options(expected: str | None) -> RoomOptions:
    """RoomIO's options: a reload or dropped connection must not end the interview (presence decides when absence
    is final); audio from the scheduled candidate only; RoomIO's text input off, since it reads an `lk.chat` stream
    whole (``listen_to_chat`` reads it bounded); no pre-connect audio buffer (our page sends none, and RoomIO takes
    one from any participant, matched only by the track id every participant sees); audio at the rate the VAD, the turn
    detector and the STT read (CANDIDATE_AUDIO_RATE), so that none of them resamples every frame."""
    return RoomOptions(
        close_on_disconnect=False,
        text_input=False,
        audio_input=AudioInputOptions(sample_rate=CANDIDATE_AUDIO_RATE, pre_connect_audio=False),
        participant_identity=expected if expected else NOT_GIVEN,
    )


def listen_to_candidate(room: rtc.Room, state: InterviewState, channel: RoomChannel) -> CandidateSenders:
    """The editor's streams (`editor.snapshot`, `editor.paste`), taken from the candidate only (agent.senders)."""
    senders = CandidateSenders(channel.is_candidate, state, noted=state.sender_refusals_noted)
    pastes = PasteWatch(state, lambda: channel.candidate_identity)
    for topic, handler in (
        (TOPIC_EDITOR_SNAPSHOT, state.editor.on_text_stream),
        (TOPIC_EDITOR_PASTE, pastes.on_text_stream),
    ):
        try:
            room.register_text_stream_handler(topic, senders.text_stream(topic, handler))
        except ValueError:  # already registered for this room object
            logger.warning("%s handler already registered", topic)
    return senders


def listen_to_chat(
    room: rtc.Room, session: AgentSession[Any], senders: CandidateSenders, state: InterviewState
) -> ChatIntake:
    """Typed `lk.chat` messages, from the candidate only, read bounded (agent.chat), into ``chat_input``'s path."""
    chat = ChatIntake(
        session,
        chat_input().text_input_cb,
        senders,
        state,
        lambda i: room.remote_participants.get(i),
        truncated_noted=state.chat_truncated_noted,
    )
    try:
        room.register_text_stream_handler(TOPIC_CHAT, chat.on_text_stream)
    except ValueError:
        logger.warning("lk.chat handler already registered")
    return chat


def link_audio(session: AgentSession[Any], identity: str) -> None:
    """RoomIO listens to the candidate: it links the first person who joins unless told whom (a practice job, a
    candidate back under a new identity)."""
    try:
        room_io = session.room_io
    except RuntimeError:  # no room I/O (console)
        return
    linked = room_io.linked_participant
    if linked is None or linked.identity != identity:
        room_io.set_participant(identity)


async def tell_candidate_and_leave(ctx: JobContext, code: str, *, console: bool) -> None:
    """A job that cannot run says so to the client (docs/protocol.md `error` event) instead of leaving the
    candidate in a silent room; the page shows it and offers to retry."""
    if console:
        return
    try:
        await asyncio.wait_for(join_room(ctx), 10)
        channel = RoomChannel(ctx.room)
        channel.candidate_identity = (await asyncio.wait_for(ctx.wait_for_participant(), 20)).identity
        await channel.send_event({"type": "error", "code": code, "retry": code == "start_failed"})
    except Exception as e:  # best effort: the room itself may be what failed
        logger.warning("could not tell the candidate the interview cannot start: %s", type(e).__name__)
