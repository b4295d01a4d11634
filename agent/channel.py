"""The agent's side of the client protocol (docs/protocol.md): events, attributes and the `editor.get` RPC."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Protocol

from livekit import rtc

logger = logging.getLogger("shadows.agent.channel")

TOPIC_EDITOR_SNAPSHOT = "editor.snapshot"
TOPIC_INTERVIEW_EVENT = "interview.event"
RPC_EDITOR_GET = "editor.get"
ATTR_PHASE = "interview.phase"
ATTR_ENDS_AT = "interview.ends_at"
ATTR_EDITOR_READY = "editor.ready"  # set to "true" by our web client once its editor answers editor.get
_HUMAN_KINDS = (rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD, rtc.ParticipantKind.PARTICIPANT_KIND_SIP)


class ClientChannel(Protocol):
    """Transport to the candidate's client. Implementations never raise on a send failure: they log it."""

    @property
    def editor_connected(self) -> bool: ...

    async def send_event(self, event: dict[str, Any]) -> None: ...

    async def set_attributes(self, attributes: dict[str, str]) -> None: ...

    async def request_editor(self, timeout: float) -> dict[str, Any] | None:  # noqa: ASYNC109 -- the RPC's own response timeout
        """Ask the client for its editor state (`editor.get`); None when it cannot answer."""
        ...


class NullChannel:
    """No client at all (console, simulate without a room): events go nowhere, there is no editor."""

    editor_connected = False

    async def send_event(self, event: dict[str, Any]) -> None:
        return None

    async def set_attributes(self, attributes: dict[str, str]) -> None:
        return None

    async def request_editor(self, timeout: float) -> dict[str, Any] | None:  # noqa: ASYNC109 -- the RPC's own response timeout
        return None


class RoomChannel:
    """The candidate's client in a LiveKit room, reached through the agent's local participant."""

    def __init__(self, room: rtc.Room, *, send_timeout_s: float = 5.0) -> None:
        self._room = room
        self._send_timeout_s = send_timeout_s
        self.candidate_identity: str | None = None

    def _candidate(self) -> str | None:
        """The candidate's identity: the one the entrypoint set, else the first human in the room."""
        if not self._room.isconnected():
            return None
        remote = self._room.remote_participants
        if self.candidate_identity is not None:
            return self.candidate_identity if self.candidate_identity in remote else None
        for identity, participant in remote.items():
            if getattr(participant, "kind", None) in _HUMAN_KINDS:
                return identity
        return None

    def is_candidate(self, identity: str) -> bool:
        """Whether ``identity`` is this room's candidate (agent.senders): the identity the job serves, else (a
        practice job before it linked anyone) the first person in the room."""
        try:
            return identity == self._candidate()
        except Exception:  # an unconnected or closing room: nobody is
            return False

    @property
    def editor_connected(self) -> bool:
        """Only our web client announces an editor (``editor.ready``). Any other participant (the Agents
        Playground, a phone, a second tab without the page) is a candidate without an editor."""
        try:
            candidate = self._candidate()
            participant = self._room.remote_participants.get(candidate) if candidate else None
        except Exception:  # an unconnected or closing room: no editor
            return False
        attributes = getattr(participant, "attributes", None) or {}
        return str(attributes.get(ATTR_EDITOR_READY, "")).lower() in ("true", "1")

    async def send_event(self, event: dict[str, Any]) -> None:
        candidate = self._candidate()
        if candidate is None:
            return
        try:
            await asyncio.wait_for(
                self._room.local_participant.send_text(
                    json.dumps(event, separators=(",", ":")),
                    topic=TOPIC_INTERVIEW_EVENT,
                    destination_identities=[candidate],
                    attributes={"type": str(event.get("type", ""))},
                ),
                timeout=self._send_timeout_s,
            )
        except (TimeoutError, rtc.RpcError, RuntimeError, ConnectionError) as e:
            logger.warning("could not send interview.event %s: %s", event.get("type"), type(e).__name__)

    async def set_attributes(self, attributes: dict[str, str]) -> None:
        if not self._room.isconnected():
            return
        try:
            await asyncio.wait_for(
                self._room.local_participant.set_attributes(attributes), timeout=self._send_timeout_s
            )
        except (TimeoutError, RuntimeError, ConnectionError) as e:
            logger.warning("could not set attributes %s: %s", sorted(attributes), type(e).__name__)

    async def request_editor(self, timeout: float) -> dict[str, Any] | None:  # noqa: ASYNC109 -- the RPC's own response timeout
        candidate = self._candidate()
        if candidate is None:
            return None
        try:
            raw = await self._room.local_participant.perform_rpc(
                destination_identity=candidate,
                method=RPC_EDITOR_GET,
                payload="{}",
                response_timeout=timeout,
            )
        except rtc.RpcError as e:
            logger.info("editor.get failed: code %s", e.code)
            return None
        except Exception as e:  # timeouts, a closed room, anything: the agent falls back to "no fresh code"
            logger.info("editor.get failed: %s", type(e).__name__)
            return None
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, TypeError):
            logger.warning("editor.get returned invalid JSON")
            return None
        return data if isinstance(data, dict) else None
