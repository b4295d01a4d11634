"""One interviewer per session, from the job's side: the claim the API gives the job that starts a session
(api/db/interviewers_repo.py) is kept by a heartbeat once the job is in the room, and asked for again before the job
joins and speaks (docs/internal-api.md, "One interviewer per session")."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agent.api_client import INTERVIEWER_PRESENT, ApiClient
from agent.errors import ApiError

logger = logging.getLogger("shadows.agent.claim")

HEARTBEAT_INTERVAL_S = 10.0  # well inside the API's lease (40 s): two lost beats still keep the claim


async def keep_claim(
    api: ApiClient, session_id: str, on_lost: Any, *, interval_s: float | None = None
) -> None:
    """Renew this job's claim on the session every ``interval_s`` (``HEARTBEAT_INTERVAL_S``; the API lets one job
    interview a session), once the job is in the room: a job that never gets there must not keep the session from
    the next one. When the API answers that another job holds it (this one was replaced: its lease ran out while it
    could not reach the API), ``on_lost()`` is called once and the loop ends; other failures are retried at the
    next beat."""
    while True:
        await asyncio.sleep(HEARTBEAT_INTERVAL_S if interval_s is None else interval_s)
        try:
            await api.heartbeat(session_id)
        except ApiError as e:
            if e.code == INTERVIEWER_PRESENT:
                logger.warning("another interviewer holds the session; leaving without a word")
                on_lost()
                return
            logger.warning("interviewer heartbeat failed (%s)", e.code)


async def holds_claim(api: ApiClient, session_id: str) -> bool:
    """Whether this job still holds the session (a heartbeat), asked before it joins the room and before it speaks:
    False only when the API answers that another job holds it; any other failure is not an answer (True)."""
    try:
        await api.heartbeat(session_id)
    except ApiError as e:
        if e.code == INTERVIEWER_PRESENT:
            logger.warning("another interviewer took the session before this job spoke; it leaves unheard")
            return False
        logger.warning("could not confirm the claim before joining (%s)", e.code)
    return True
