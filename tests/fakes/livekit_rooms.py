"""FakeLiveKitRooms: a local server on 127.0.0.1 speaking LiveKit's server API (Twirp over HTTP, protobuf bodies,
`Authorization: Bearer <JWT>` verified with livekit-api's own TokenVerifier, Twirp JSON errors) for what the API asks
LiveKit when the interviewer leaves: RoomService.ListParticipants and AgentDispatchService.CreateDispatch.

The candidate page's tests have their own FakeLiveKitServer (CreateDispatch and WebRTC signalling) on the `page`
branch; once both are in main, these two routes belong in that one fake.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from livekit import api as lk


@dataclass
class FakeLiveKitRooms:
    api_key: str
    api_secret: str
    participants: dict[str, list[str]] = field(default_factory=dict)  # room -> identities connected
    dispatches: list[lk.CreateAgentDispatchRequest] = field(default_factory=list)
    grants: list[lk.VideoGrants] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)  # rooms asked about, in order
    fail_with: tuple[int, str] | None = None  # CreateDispatch answers this (HTTP status, Twirp code)
    list_fail_with: tuple[int, str] | None = None  # ListParticipants answers this
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeLiveKitRooms:
        app = web.Application()
        app.router.add_post("/twirp/livekit.AgentDispatchService/CreateDispatch", self._create_dispatch)
        app.router.add_post("/twirp/livekit.RoomService/ListParticipants", self._list_participants)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # started above
        return self

    async def __aexit__(self, *_: Any) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @staticmethod
    def _twirp_error(status: int, code: str, msg: str) -> web.Response:
        return web.json_response({"code": code, "msg": msg}, status=status)

    def _claims(self, request: web.Request) -> lk.Claims | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        try:
            return lk.TokenVerifier(self.api_key, self.api_secret).verify(auth.removeprefix("Bearer "))
        except Exception:  # the SDK raises jwt errors of several kinds for a bad signature
            return None

    async def _request(self, request: web.Request, message: Any) -> web.Response | None:
        """Parse the protobuf body into `message`; an error response when the caller may not ask for its room."""
        claims = self._claims(request)
        if claims is None:
            return self._twirp_error(401, "unauthenticated", "bad token")
        if request.content_type != "application/protobuf":
            return self._twirp_error(415, "malformed", "protobuf only")
        message.ParseFromString(await request.read())
        if not claims.video or not claims.video.room_admin or claims.video.room != message.room:
            return self._twirp_error(403, "permission_denied", "needs roomAdmin for the room")
        self.grants.append(claims.video)
        return None

    async def _create_dispatch(self, request: web.Request) -> web.Response:
        req = lk.CreateAgentDispatchRequest()
        if (refused := await self._request(request, req)) is not None:
            return refused
        if self.fail_with is not None:
            return self._twirp_error(self.fail_with[0], self.fail_with[1], "told to fail")
        self.dispatches.append(req)
        dispatch = lk.AgentDispatch(
            id=f"AD_{len(self.dispatches)}", agent_name=req.agent_name, room=req.room, metadata=req.metadata
        )
        return web.Response(body=dispatch.SerializeToString(), content_type="application/protobuf")

    async def _list_participants(self, request: web.Request) -> web.Response:
        req = lk.ListParticipantsRequest()
        if (refused := await self._request(request, req)) is not None:
            return refused
        self.listed.append(req.room)
        if self.list_fail_with is not None:
            return self._twirp_error(self.list_fail_with[0], self.list_fail_with[1], "told to fail")
        if req.room not in self.participants:
            return self._twirp_error(404, "not_found", "room not found")
        res = lk.ListParticipantsResponse(
            participants=[lk.ParticipantInfo(identity=i) for i in self.participants[req.room]]
        )
        return web.Response(body=res.SerializeToString(), content_type="application/protobuf")

    def metadata(self, index: int = -1) -> dict[str, Any]:
        return dict(json.loads(self.dispatches[index].metadata))
