"""Candidate presence: a reload or network drop is not the end of the interview; a long absence is."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from livekit import rtc

from agent.clock import Clock

logger = logging.getLogger("shadows.agent.presence")

_HUMAN_KINDS = (rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD, rtc.ParticipantKind.PARTICIPANT_KIND_SIP)


class CandidatePresence:
    """Ends the interview (`on_gone`) when no candidate has been in the room for `grace_s` seconds.

    A candidate who leaves and comes back (page reload, new device, network drop) within the grace period
    continues the same interview; `on_leave` is told when they leave, `on_rejoin` receives their identity when they
    are back (agent.worker notes both, and nothing is said to the empty room meanwhile: agent.silence). A candidate
    who leaves after ending the interview on the page (its `POST /end`, when the `interview.end` RPC did not reach
    us) is gone for good: with ``ended_elsewhere`` (asked once when the candidate leaves; True when the session has
    already ended) the interview ends at once instead of after ``grace_s``, so the interviewer does not go on talking
    and recording into a session that is over. With ``expected`` (a scheduled session: the identity the API mints)
    only that identity is the candidate. Without it (practice), someone else joining
    becomes the candidate only while the candidate is away: a second person never takes over from one present.
    """

    def __init__(
        self,
        room: rtc.Room,
        clock: Clock,
        *,
        grace_s: float,
        on_gone: Callable[[], Awaitable[None]],
        on_rejoin: Callable[[str], None],
        expected: str | None = None,
        ended_elsewhere: Callable[[], Awaitable[bool]] | None = None,
        on_leave: Callable[[], None] | None = None,
    ) -> None:
        self._room = room
        self._clock = clock
        self._grace_s = grace_s
        self._on_gone = on_gone
        self._on_rejoin = on_rejoin
        self._timer: asyncio.Task[None] | None = None
        self._expected = expected
        self._ended_elsewhere = ended_elsewhere
        self._on_leave = on_leave
        self.candidate: str | None = expected
        room.on("participant_connected", self._connected)
        room.on("participant_disconnected", self._disconnected)

    def _connected(self, participant: rtc.RemoteParticipant) -> None:
        if participant.kind not in _HUMAN_KINDS:
            return
        identity = participant.identity
        if self._expected is not None and identity != self._expected:
            logger.warning("a participant other than the candidate joined; not linked")
            return
        if identity != self.candidate and self.candidate is not None and self._timer is None:
            logger.warning("a second participant joined while the candidate is present; not linked")
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
            logger.info("candidate rejoined")
        self.candidate = participant.identity
        self._on_rejoin(participant.identity)

    def _disconnected(self, participant: rtc.RemoteParticipant) -> None:
        if participant.identity != self.candidate or self._timer is not None:
            return
        logger.info("candidate left; ending the interview in %.0fs unless they return", self._grace_s)
        self._timer = asyncio.create_task(self._expire(), name="presence.grace")
        if self._on_leave is not None:
            self._on_leave()

    async def _expire(self) -> None:
        if self._ended_elsewhere is not None and await self._ended_elsewhere():
            logger.info("candidate left an interview that had already ended; ending now")
        else:
            await self._clock.sleep(self._grace_s)
        self._timer = None
        await self._on_gone()

    async def aclose(self) -> None:
        self._room.off("participant_connected", self._connected)
        self._room.off("participant_disconnected", self._disconnected)
        if self._timer is not None:
            self._timer.cancel()
            await asyncio.gather(self._timer, return_exceptions=True)
            self._timer = None
