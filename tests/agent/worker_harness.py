"""The worker's real job code (agent.worker.entrypoint) in a fake job, for tests that kill it: no LiveKit server;
the candidate's lines come from stdin through the same turn path as typed `lk.chat` messages.

    python -m tests.agent.worker_harness SESSION_ID      (settings from the environment, as the worker)

Prints `READY` once the interview runs, then `[t] role: text` for every message, each line printed only after
the capture recorded it (so a printed line is a line in the spool), and `DONE <n>` after each candidate line.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from livekit.agents import ChatMessage, ConversationItemAddedEvent
from livekit.agents.testing import fake_job_context

import agent.worker as worker
from agent.turns import text_turn


async def main(session_id: str) -> None:
    attached: list[Any] = []
    original = worker.attach_interview

    def spy(session: Any, state: Any) -> Any:
        def show(ev: ConversationItemAddedEvent) -> None:
            item = ev.item
            if isinstance(item, ChatMessage) and item.role in ("user", "assistant") and item.text_content:
                print(f"[{state.elapsed_s():.1f}] {item.role}: {item.text_content}", flush=True)

        session.on("conversation_item_added", show)  # registered after the capture: printed = recorded
        attached.append(session)
        return original(session, state)

    worker.attach_interview = spy  # type: ignore[assignment]
    with fake_job_context(job_metadata=json.dumps({"session_id": session_id})) as ctx:
        worker.prewarm(ctx.proc)
        await worker.entrypoint(ctx)
        session = attached[0]
        print("READY", flush=True)
        n = 0
        while line := await asyncio.to_thread(sys.stdin.readline):
            handle = await text_turn(session, line.strip())
            if handle is not None:
                await handle
            n += 1
            print(f"DONE {n}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
