"""`python -m agent console`: a practice interview typed in the terminal, with no LiveKit server.

The same interview as in a room (phases, tools, timers, the turn decision of agent.turns) with the configured
LLM, text in and text out. There is no editor, so the problem is talked through aloud (the interviewer says so);
``/code FILE`` loads a file as the editor's content, ``/quit`` leaves. With ``SHADOWS_AGENT_API_TOKEN`` set and
the API reachable, the practice session is recorded like any other; otherwise the local question bank is used.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from livekit.agents import AgentSession, ChatMessage, ConversationItemAddedEvent

from agent.api_client import ApiClient
from agent.capture import attach_capture
from agent.channel import NullChannel
from agent.clock import SystemClock
from agent.completion import complete, end_reason, final_code
from agent.errors import AgentError, ApiError
from agent.interview import attach_interview, build_interview
from agent.providers import ProviderConfigError, build_classifier, build_llm
from agent.recorder import EventRecorder
from agent.settings import AgentSettings, get_settings
from agent.state import InterviewState
from agent.turns import text_turn
from agent.worker import load_context

logger = logging.getLogger("shadows.agent.console")


async def run_console(
    settings: AgentSettings, *, stdin: TextIO = sys.stdin, out: Callable[[str], None] = print
) -> int:
    token = settings.api_token.get_secret_value() if settings.api_token else None
    api = ApiClient(settings.api_url, token, retries=0, timeout=5) if token else None
    try:
        context, recording = await load_context(api, None, settings, console=True)
    except (ApiError, FileNotFoundError) as e:
        out(f"console: cannot start a practice interview ({type(e).__name__})")
        return 2
    ended = asyncio.Event()

    async def on_end(reason: str) -> None:
        ended.set()

    recorder = None
    if recording and api is not None:
        recorder = EventRecorder(api, context.session_id,
                                 spool_path=Path(settings.spool_dir) / f"{context.session_id}.jsonl")  # fmt: skip
    try:
        model = build_llm(settings)
        classifier = build_classifier(settings)
    except ProviderConfigError as e:
        out(f"console: {e}")
        return 2
    agent, state = build_interview(
        context, api=api if recording else None, recorder=recorder, clock=SystemClock(), channel=NullChannel(),
        settings=settings, recording=recording, on_end=on_end, classifier=classifier,
    )  # fmt: skip

    def show(ev: ConversationItemAddedEvent) -> None:
        item = ev.item
        if isinstance(item, ChatMessage) and item.role == "assistant" and item.text_content:
            out(f"interviewer: {item.text_content}")

    session: AgentSession[InterviewState] = AgentSession[InterviewState](llm=model, userdata=state)
    capture = attach_capture(session, recorder, state.elapsed_s) if recorder is not None else None
    session.on("conversation_item_added", show)
    out("-- practice interview in the terminal: type your answers; /code FILE loads your code; /quit leaves")
    await session.start(agent)
    tasks = attach_interview(session, state)
    try:
        await _read_turns(session, state, stdin, out, ended)
    finally:
        await tasks.aclose()
        await session.aclose()
        if capture is not None:
            capture.detach()
        final = final_code(state)
        if recorder is not None:
            await recorder.aclose()
        if api is not None and recording and state.ended:
            await complete(api, context.session_id, final, end_reason(state))
        await model.aclose()
        await classifier.aclose()
        if api is not None:
            await api.aclose()
    return 0


async def _read_turns(
    session: AgentSession[Any], state: InterviewState, stdin: TextIO, out: Callable[[str], None],
    ended: asyncio.Event,
) -> None:  # fmt: skip
    version = 0
    while not ended.is_set():
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            return
        text = line.strip()
        if not text:
            continue
        if text == "/quit":
            return
        if text.startswith("/code "):
            try:
                code = await asyncio.to_thread(Path(text[6:].strip()).read_text, encoding="utf-8")
            except OSError as e:
                out(f"-- cannot read that file ({type(e).__name__})")
                continue
            version += 1
            state.editor.ingest(code, {"version": str(version)})
            out(f"-- editor: version {version} loaded")
            continue
        handle = await text_turn(session, text)
        if handle is not None:
            await handle


def main(argv: list[str]) -> int:
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return asyncio.run(run_console(get_settings()))
    except AgentError as e:
        print(f"console: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
