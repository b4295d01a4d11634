"""FakeLiveKitServer: a local LiveKit server on 127.0.0.1 for tests, speaking LiveKit's real wire protocols.

- Server API: Twirp over HTTP with protobuf bodies and `Authorization: Bearer <JWT>` signed with the API secret, for
  AgentDispatchService.CreateDispatch and RoomService.ListParticipants (what the API asks when it dispatches an
  interviewer, and when the interviewer leaves), and RoomService.DeleteRoom (when a session stops running).
  Tokens are checked with livekit-api's own TokenVerifier; a call needs `roomAdmin` for the room it names
  (DeleteRoom: `roomCreate`, as LiveKit asks); errors are Twirp JSON. DeleteRoom disconnects the room's peers and
  answers `not_found` for a room nobody is in.
- Signalling: the `/rtc/v1` WebSocket of livekit-client 2.x (the join request with the publisher's offer in the URL,
  SignalRequest / SignalResponse protobufs), answered by a real WebRTC peer (aiortc) so that the browser's peer
  connection, DTLS and data channels really connect over loopback. It answers offers, trickled candidates, pings,
  track publications and mutes, and records what the client asked for.
- It never starts an agent by itself; a test adds one to a room (`add_agent`), as a worker joining would, to set
  `lk.agent.state`. With `agent_on_dispatch`, a dispatch makes the agent join that room.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aioice.ice
from aiohttp import WSMsgType, web
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.sdp import candidate_from_sdp
from livekit import api as lk
from livekit.protocol import models as lkm
from livekit.protocol import rtc as lkr

from tests.fakes.loopback import serve

# Gather only loopback candidates: the browser and this peer meet on 127.0.0.1 and nowhere else.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]  # type: ignore[assignment]  # test-only


@dataclass
class Peer:
    """One connected client: its signalling socket and the aiortc peer answering it."""

    identity: str
    room: str
    ws: web.WebSocketResponse
    pc: RTCPeerConnection
    sid: str


@dataclass
class FakeLiveKitServer:
    api_key: str
    api_secret: str
    dispatches: list[lk.CreateAgentDispatchRequest] = field(default_factory=list)
    grants: list[lk.VideoGrants] = field(default_factory=list)
    fail_with: tuple[int, str] | None = None  # (HTTP status, Twirp code) for CreateDispatch
    # Rooms ListParticipants knows, with identities connected besides the peers signalling here.
    participants: dict[str, list[str]] = field(default_factory=dict)
    listed: list[str] = field(default_factory=list)  # rooms ListParticipants was asked about, in order
    list_fail_with: tuple[int, str] | None = None  # (HTTP status, Twirp code) for ListParticipants
    deleted_rooms: list[str] = field(default_factory=list)  # rooms DeleteRoom deleted, in order
    delete_fail_with: tuple[int, str] | None = None  # (HTTP status, Twirp code) for DeleteRoom
    # A slow LiveKit: while `hold` is an unset Event, every Twirp call waits for it (`holding` counts them).
    hold: asyncio.Event | None = None
    holding: int = 0
    agent_on_dispatch: set[str] = field(default_factory=set)  # rooms whose agent joins when dispatched
    # Rooms whose agent implements `interview.end`: it answers ok, then sends `ended` on interview.event.
    agent_ends: set[str] = field(default_factory=set)
    joins: list[dict[str, Any]] = field(default_factory=list)
    published: list[lkr.AddTrackRequest] = field(default_factory=list)
    mutes: list[lkr.MuteTrackRequest] = field(default_factory=list)
    rpc_requests: list[tuple[str, str]] = field(default_factory=list)  # (destination, method) sent by clients
    streams: list[tuple[str, dict[str, str]]] = field(
        default_factory=list
    )  # (topic, attributes) of text streams
    peers: list[Peer] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeLiveKitServer:
        app = web.Application()
        app.router.add_post("/twirp/livekit.AgentDispatchService/CreateDispatch", self._create_dispatch)
        app.router.add_post("/twirp/livekit.RoomService/ListParticipants", self._list_participants)
        app.router.add_post("/twirp/livekit.RoomService/DeleteRoom", self._delete_room)
        app.router.add_get("/rtc/v1", self._signal)
        app.router.add_get("/rtc/v1/validate", self._validate)
        app.router.add_get("/rtc/validate", self._validate)
        self._runner, self.port = await serve(app)
        return self

    async def __aexit__(self, *_: Any) -> None:
        for task in self._tasks:
            task.cancel()
        for peer in self.peers:
            await peer.pc.close()
            await peer.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- server API (Twirp) ----------------------------------------------------------------------------------

    @staticmethod
    def _twirp_error(status: int, code: str, msg: str) -> web.Response:
        return web.json_response({"code": code, "msg": msg}, status=status)

    def _claims(self, token: str) -> lk.Claims:
        return lk.TokenVerifier(self.api_key, self.api_secret).verify(token)

    def _bearer_claims(self, request: web.Request) -> lk.Claims | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        try:
            return self._claims(auth.removeprefix("Bearer "))
        except Exception:  # the SDK raises jwt errors of several kinds for a bad signature
            return None

    async def _held(self) -> None:
        """A slow LiveKit: wait while `hold` is an unset Event."""
        if self.hold is not None:
            self.holding += 1
            try:
                await self.hold.wait()
            finally:
                self.holding -= 1

    async def _twirp_request(self, request: web.Request, message: Any) -> web.Response | None:
        """Parse the protobuf body into `message`; an error response when the caller may not ask for its room."""
        await self._held()
        claims = self._bearer_claims(request)
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
        if (refused := await self._twirp_request(request, req)) is not None:
            return refused
        if self.fail_with is not None:
            return self._twirp_error(self.fail_with[0], self.fail_with[1], "told to fail")
        self.dispatches.append(req)
        if req.room in self.agent_on_dispatch:
            self._spawn(self._agent_joins_later(req.room))
        dispatch = lk.AgentDispatch(
            id=f"AD_{len(self.dispatches)}", agent_name=req.agent_name, room=req.room, metadata=req.metadata
        )
        return web.Response(body=dispatch.SerializeToString(), content_type="application/protobuf")

    async def _list_participants(self, request: web.Request) -> web.Response:
        req = lk.ListParticipantsRequest()
        if (refused := await self._twirp_request(request, req)) is not None:
            return refused
        self.listed.append(req.room)
        if self.list_fail_with is not None:
            return self._twirp_error(self.list_fail_with[0], self.list_fail_with[1], "told to fail")
        connected = [p.identity for p in self.peers if p.room == req.room]
        if req.room not in self.participants and not connected:
            return self._twirp_error(404, "not_found", "room not found")
        identities = [*self.participants.get(req.room, []), *connected]
        res = lk.ListParticipantsResponse(participants=[lk.ParticipantInfo(identity=i) for i in identities])
        return web.Response(body=res.SerializeToString(), content_type="application/protobuf")

    async def _delete_room(self, request: web.Request) -> web.Response:
        await self._held()
        claims = self._bearer_claims(request)
        if claims is None:
            return self._twirp_error(401, "unauthenticated", "bad token")
        if request.content_type != "application/protobuf":
            return self._twirp_error(415, "malformed", "protobuf only")
        req = lk.DeleteRoomRequest()
        req.ParseFromString(await request.read())
        if not claims.video or not claims.video.room_create:
            return self._twirp_error(403, "permission_denied", "needs roomCreate")
        self.grants.append(claims.video)
        if self.delete_fail_with is not None:
            return self._twirp_error(self.delete_fail_with[0], self.delete_fail_with[1], "told to fail")
        in_room = [p for p in self.peers if p.room == req.room and not p.ws.closed]
        if req.room not in self.participants and not in_room:
            return self._twirp_error(404, "not_found", "room not found")
        self.participants.pop(req.room, None)
        for peer in in_room:
            await peer.ws.close()
        self.deleted_rooms.append(req.room)
        return web.Response(
            body=lk.DeleteRoomResponse().SerializeToString(), content_type="application/protobuf"
        )

    def metadata(self, index: int = -1) -> dict[str, Any]:
        return dict(json.loads(self.dispatches[index].metadata))

    # --- signalling ------------------------------------------------------------------------------------------

    async def _validate(self, _: web.Request) -> web.Response:
        return web.Response(text="success")

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _agent_joins_later(self, room: str) -> None:
        """The dispatched agent joins, then goes through the states a conversation turn does."""
        await asyncio.sleep(0.5)
        for state in ("initializing", "listening", "thinking", "speaking", "listening"):
            await self.add_agent(room, state)
            await asyncio.sleep(1.0)

    async def add_agent(self, room: str, state: str) -> None:
        """An agent participant joins `room` (or changes state): every client in the room hears of it."""
        agent = lkm.ParticipantInfo(
            sid="PA_agent",
            identity="agent-interviewer",
            name="Interviewer",
            state=lkm.ParticipantInfo.State.ACTIVE,
            kind=lkm.ParticipantInfo.Kind.AGENT,
            attributes={"lk.agent.state": state},
            joined_at=int(time.time()),
            is_publisher=True,
        )
        for peer in self.peers:
            if peer.room == room and not peer.ws.closed:
                update = lkr.SignalResponse(update=lkr.ParticipantUpdate(participants=[agent]))
                await peer.ws.send_bytes(update.SerializeToString())

    async def _signal(self, request: web.Request) -> web.StreamResponse:
        try:
            claims = self._claims(request.query["access_token"])
        except Exception:
            return web.Response(status=401, text="invalid token")
        wrapped = lkr.WrappedJoinRequest()
        raw = request.query["join_request"].replace("-", "+").replace("_", "/")
        wrapped.ParseFromString(base64.b64decode(raw + "=" * (-len(raw) % 4)))
        body = wrapped.join_request
        if wrapped.compression == lkr.WrappedJoinRequest.Compression.GZIP:
            body = gzip.decompress(body)
        join = lkr.JoinRequest()
        join.ParseFromString(body)
        room = claims.video.room if claims.video else ""
        self.joins.append({"identity": claims.identity, "room": room, "reconnect": join.reconnect})

        ws = web.WebSocketResponse()
        await ws.prepare(request)
        pc = RTCPeerConnection()
        peer = Peer(identity=claims.identity, room=room, ws=ws, pc=pc, sid=f"PA_{len(self.joins)}")
        pc.on("datachannel", lambda channel: self._watch_channel(peer, channel))
        self.peers.append(peer)
        response = lkr.JoinResponse(
            room=lkm.Room(sid="RM_fake", name=room),
            participant=lkm.ParticipantInfo(
                sid=peer.sid,
                identity=claims.identity,
                name=claims.name or "",
                state=lkm.ParticipantInfo.State.ACTIVE,
                kind=lkm.ParticipantInfo.Kind.STANDARD,
                permission=lkm.ParticipantPermission(
                    can_publish=True, can_subscribe=True, can_publish_data=True
                ),
            ),
            server_info=lkm.ServerInfo(version="1.9.0", protocol=16),
            server_version="1.9.0",
            subscriber_primary=False,
            ping_interval=5,
            ping_timeout=15,
        )
        await ws.send_bytes(lkr.SignalResponse(join=response).SerializeToString())
        if join.HasField("publisher_offer"):
            await self._answer(peer, join.publisher_offer)
        async for msg in ws:
            if msg.type != WSMsgType.BINARY:
                continue
            req = lkr.SignalRequest()
            req.ParseFromString(msg.data)
            await self._handle(peer, req)
        await pc.close()
        return ws

    def _watch_channel(self, peer: Peer, channel: Any) -> None:
        """Record what the client sends on its data channels (RPCs, text streams). An RPC addressed to the agent is
        answered as LiveKit delivers an agent's answer: acknowledged, then refused as an unsupported method (the
        fake agent registers no methods), except `interview.end` in the rooms of `agent_ends`."""

        def on_message(message: bytes | str) -> None:
            if not isinstance(message, bytes):
                return
            packet = lkm.DataPacket()
            packet.ParseFromString(message)
            kind = packet.WhichOneof("value")
            if kind == "stream_header":
                header = packet.stream_header
                self.streams.append((header.topic, dict(header.attributes)))
            elif kind == "rpc_request":
                req = packet.rpc_request
                self.rpc_requests.append((",".join(packet.destination_identities), req.method))
                sender = (
                    packet.destination_identities[0] if packet.destination_identities else "agent-interviewer"
                )
                if req.method == "interview.end" and peer.room in self.agent_ends:
                    self._spawn(self._agent_ends(channel, sender, req.id))
                    return
                for reply in (
                    lkm.DataPacket(participant_identity=sender, rpc_ack=lkm.RpcAck(request_id=req.id)),
                    lkm.DataPacket(
                        participant_identity=sender,
                        rpc_response=lkm.RpcResponse(
                            request_id=req.id,
                            error=lkm.RpcError(code=1400, message="Method not supported at destination"),
                        ),
                    ),
                ):
                    channel.send(reply.SerializeToString())

        channel.on("message", on_message)

    async def _agent_ends(self, channel: Any, sender: str, request_id: str) -> None:
        """The agent's side of `interview.end` (docs/protocol.md): acknowledged, answered ok, and after its goodbye
        an `ended` event as a one-chunk text stream."""
        answer = json.dumps({"ok": True, "status": "ending", "reason": "candidate_request"})
        for reply in (
            lkm.DataPacket(participant_identity=sender, rpc_ack=lkm.RpcAck(request_id=request_id)),
            lkm.DataPacket(
                participant_identity=sender,
                rpc_response=lkm.RpcResponse(request_id=request_id, payload=answer),
            ),
        ):
            channel.send(reply.SerializeToString())
        await asyncio.sleep(1.0)  # the goodbye
        body = json.dumps({"type": "ended", "reason": "candidate_request"}).encode()
        stream_id = f"ST_ended_{request_id}"
        header = lkm.DataStream.Header(
            stream_id=stream_id,
            timestamp=int(time.time() * 1000),
            topic="interview.event",
            mime_type="text/plain",
            total_length=len(body),
            attributes={"type": "ended"},
            text_header=lkm.DataStream.TextHeader(operation_type=lkm.DataStream.OperationType.CREATE),
        )
        for packet in (
            lkm.DataPacket(participant_identity=sender, stream_header=header),
            lkm.DataPacket(
                participant_identity=sender,
                stream_chunk=lkm.DataStream.Chunk(stream_id=stream_id, chunk_index=0, content=body),
            ),
            lkm.DataPacket(
                participant_identity=sender, stream_trailer=lkm.DataStream.Trailer(stream_id=stream_id)
            ),
        ):
            channel.send(packet.SerializeToString())

    async def _answer(self, peer: Peer, offer: lkr.SessionDescription) -> None:
        await peer.pc.setRemoteDescription(RTCSessionDescription(sdp=offer.sdp, type="offer"))
        await peer.pc.setLocalDescription(await peer.pc.createAnswer())
        local = peer.pc.localDescription
        answer = lkr.SessionDescription(type="answer", sdp=local.sdp, id=offer.id)
        await peer.ws.send_bytes(lkr.SignalResponse(answer=answer).SerializeToString())

    async def _handle(self, peer: Peer, req: lkr.SignalRequest) -> None:
        kind = req.WhichOneof("message")
        if kind == "offer":
            await self._answer(peer, req.offer)
        elif kind == "trickle":
            init = json.loads(req.trickle.candidateInit)
            text = init.get("candidate", "")
            if text:
                candidate = candidate_from_sdp(text.removeprefix("candidate:"))
                candidate.sdpMid = init.get("sdpMid")
                candidate.sdpMLineIndex = init.get("sdpMLineIndex")
                await peer.pc.addIceCandidate(candidate)
        elif kind == "add_track":
            self.published.append(req.add_track)
            info = lkm.TrackInfo(
                sid=f"TR_{len(self.published)}",
                type=req.add_track.type,
                name=req.add_track.name,
                source=req.add_track.source,
                muted=req.add_track.muted,
            )
            published = lkr.TrackPublishedResponse(cid=req.add_track.cid, track=info)
            await peer.ws.send_bytes(lkr.SignalResponse(track_published=published).SerializeToString())
        elif kind == "mute":
            self.mutes.append(req.mute)
        elif kind == "ping_req":
            pong = lkr.Pong(last_ping_timestamp=req.ping_req.timestamp, timestamp=int(time.time() * 1000))
            await peer.ws.send_bytes(lkr.SignalResponse(pong_resp=pong).SerializeToString())
        elif kind == "ping":
            await peer.ws.send_bytes(lkr.SignalResponse(pong=int(time.time() * 1000)).SerializeToString())
        elif kind == "leave":
            await peer.ws.close()
