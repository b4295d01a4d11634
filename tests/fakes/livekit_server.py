"""FakeLiveKitServer: a local aiohttp server on 127.0.0.1 speaking LiveKit's server API (Twirp over HTTP, protobuf
bodies, `Authorization: Bearer <JWT>` signed with the API secret) for AgentDispatchService.CreateDispatch.

It verifies each request's token with livekit-api's own TokenVerifier, records the decoded requests and the grants,
and can be told to fail with a Twirp error. Its `ws_url` is what LIVEKIT_URL would be.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from livekit import api as lk


@dataclass
class FakeLiveKitServer:
    api_key: str
    api_secret: str
    dispatches: list[lk.CreateAgentDispatchRequest] = field(default_factory=list)
    grants: list[lk.VideoGrants] = field(default_factory=list)
    fail_with: tuple[int, str] | None = None  # (HTTP status, Twirp code)
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeLiveKitServer:
        app = web.Application()
        app.router.add_post("/twirp/livekit.AgentDispatchService/CreateDispatch", self._create_dispatch)
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

    async def _create_dispatch(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return self._twirp_error(401, "unauthenticated", "no token")
        try:
            claims = lk.TokenVerifier(self.api_key, self.api_secret).verify(auth.removeprefix("Bearer "))
        except Exception:  # the SDK raises jwt errors of several kinds for a bad signature
            return self._twirp_error(401, "unauthenticated", "bad token")
        if request.content_type != "application/protobuf":
            return self._twirp_error(415, "malformed", "protobuf only")
        req = lk.CreateAgentDispatchRequest()
        req.ParseFromString(await request.read())
        if not claims.video or not claims.video.room_admin or claims.video.room != req.room:
            return self._twirp_error(403, "permission_denied", "needs roomAdmin for the room")
        self.grants.append(claims.video)
        if self.fail_with is not None:
            return self._twirp_error(self.fail_with[0], self.fail_with[1], "told to fail")
        self.dispatches.append(req)
        dispatch = lk.AgentDispatch(
            id=f"AD_{len(self.dispatches)}", agent_name=req.agent_name, room=req.room, metadata=req.metadata
        )
        return web.Response(body=dispatch.SerializeToString(), content_type="application/protobuf")

    def metadata(self, index: int = -1) -> dict[str, Any]:
        return dict(json.loads(self.dispatches[index].metadata))
