"""The HTTP protocol uvicorn serves the API and the judge service with: its h11 protocol, plus deadlines on every
request head and body and on every answer's drain. It is HTTP hardening alone: it reads no settings and knows no
route; each server passes its own limits in (api.server_options, judge.serve), as a partial that `--workers` can
pickle.

uvicorn times only the idle wait after a response (`timeout_keep_alive`). A connection that never sends a complete
request head (nothing at all, or a head trickled a byte at a time) was held open for ever: enough of them exhaust
the server's file descriptors (slowloris). Here each request head must arrive whole within the same timeout
(SHADOWS_API_KEEP_ALIVE_S, SHADOWS_JUDGE_SERVE_KEEP_ALIVE_S), counted from the connection's opening or from its
previous response; otherwise the connection is closed: after a 408 in the `{"error": {"code", "message"}}` shape
both servers answer with when part of a head had arrived (a connection that sent nothing is an idle keep-alive one,
closed silently as uvicorn does). A request can reach an idle connection just as its timeout ends, after the event
loop last polled it: closing then, over bytes not yet read, makes the kernel reset the connection, and the client
that rightly reused it sees a reset instead of an answer. So the deadline first asks the kernel for unread bytes
and, finding some, gives that head one more timeout, once (a head begun at the deadline and never finished is still
answered 408, at twice the timeout at most). uvicorn's own idle timer, armed beside ours to the same timeout, closes
nothing: it knows only of bytes already read.

A complete head followed by a body trickled a byte every few seconds held the connection, and the request's task
waiting on it, just as long. So a body must keep pace too (as Apache's mod_reqtimeout `body=…,MinRate=…`): it has
`body_grace_s` from the end of its head (SHADOWS_API_BODY_GRACE_S, SHADOWS_JUDGE_SERVE_BODY_TIMEOUT_S), plus one
second per `body_min_rate` bytes it has delivered, to arrive whole; otherwise it is answered 408 in that shape, when
no response has begun, and the connection closed (the handler waiting for the body sees the client disconnect;
whatever it sends is dropped). Time the server itself is the slow side is not held against the client: while
reading is paused because the handler has not consumed what arrived, or the client waits for `100 Continue`, the
deadline moves on. Each server caps a body's size (api.middleware, judge.server), so a body that keeps pace is
bounded in time too.

An answer works the other way: uvicorn writes it into the transport and waits, with no deadline, for the transport
to drain below its low-water mark; closing the connection keeps the unsent bytes until the peer reads them. A client
that asked for a large answer (an artifact, a report, a timeline) and then stopped reading (a zero TCP window) held
all of it in the server's memory, and the request's task, for as long as it liked: a hundred such connections to one
artifact URL held a hundred copies of it. So an answer must drain at a pace too: once the transport's buffer passes
its high-water mark (asyncio pauses the protocol's writing), the client has `response_grace_s`
(SHADOWS_API_RESPONSE_GRACE_S; the judge service keeps the default), plus one second per `response_min_rate` bytes
it has taken since, to bring it back below the low-water mark; otherwise the connection is reset and its buffer
dropped (the kernel's too). A client that reads at any ordinary pace never meets it.

After a 408 the server stops writing and discards what the client still sends for up to LINGER_S before closing (a
lingering close, as Apache's): closing over unread bytes would make the kernel reset the connection, and a reset
can destroy the 408 before the client reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import socket
import struct
import termios
from typing import Any

import h11
import structlog
from uvicorn.protocols.http.h11_impl import H11Protocol

log = structlog.get_logger(__name__)

TIMEOUT_BODY = b'{"error":{"code":"request_timeout","message":"The request did not arrive in time."}}'
# The head of a 408 sent where no request has been parsed (so h11 cannot frame it: it has no request to answer).
TIMEOUT_HEAD = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
    b"content-length: " + str(len(TIMEOUT_BODY)).encode() + b"\r\n\r\n"
)
# How long a lingering close discards the client's bytes before it closes anyway.
LINGER_S = 2.0


class BoundedH11Protocol(H11Protocol):
    _head_timer: asyncio.TimerHandle | None = None
    _armed_for: object = None
    _head_extended = False  # the deadline found a request arriving as it passed, and gave it one more timeout
    _body_timer: asyncio.TimerHandle | None = None
    _body_deadline: float = 0.0
    _lingering: asyncio.TimerHandle | None = None
    _write_timer: asyncio.TimerHandle | None = None
    _write_deadline: float = 0.0
    _write_mark: int = 0  # the transport's unsent bytes at the last look

    def __init__(
        self,
        *args: Any,
        body_grace_s: float = 10.0,
        body_min_rate: int = 4096,
        response_grace_s: float = 30.0,
        response_min_rate: int = 4096,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.body_grace_s = body_grace_s
        self.body_min_rate = body_min_rate
        self.response_grace_s = response_grace_s
        self.response_min_rate = response_min_rate

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's
        super().connection_made(transport)
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        if self._lingering is not None:  # answered 408 and closing: what still arrives is discarded
            return
        if self._body_timer is not None:  # body bytes (and framing): each buys 1 / body_min_rate seconds
            self._body_deadline += len(data) / self.body_min_rate
        super().data_received(data)
        self._watch_body()

    def on_response_complete(self) -> None:
        # Armed first: uvicorn starts a pipelined request's cycle inside this call, and that request's head has
        # arrived; armed after, the deadline would be measured against a request already running.
        self._arm_head_deadline()
        super().on_response_complete()
        self._watch_body()  # a pipelined request started above may be waiting for its body

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        self._cancel_body_deadline()
        self._cancel_write_deadline()
        if self._lingering is not None:
            self._lingering.cancel()
        super().connection_lost(exc)

    def eof_received(self) -> None:
        if self._lingering is not None:  # the client read our 408 and closed its side: done
            self.transport.close()
            return
        super().eof_received()

    # --- the answer ----------------------------------------------------------------------------------------------

    def pause_writing(self) -> None:
        """The transport's buffer passed its high-water mark: the client has the grace, plus what its reading buys,
        to drain it."""
        super().pause_writing()
        if self._write_timer is None:
            self._write_mark = self.transport.get_write_buffer_size()
            self._write_deadline = self.loop.time() + self.response_grace_s
            self._write_timer = self.loop.call_at(self._write_deadline, self._write_deadline_passed)

    def resume_writing(self) -> None:
        self._cancel_write_deadline()
        super().resume_writing()

    def _cancel_write_deadline(self) -> None:
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    def _write_deadline_passed(self) -> None:
        """Extend the deadline by what the client took since the last look; past it, abort, dropping the buffered
        answer (a close would keep it until it is sent)."""
        unsent = self.transport.get_write_buffer_size()
        self._write_deadline += max(0, self._write_mark - unsent) / self.response_min_rate
        self._write_mark = unsent
        if self._write_deadline > self.loop.time():
            self._write_timer = self.loop.call_at(self._write_deadline, self._write_deadline_passed)
            return
        self._write_timer = None
        log.warning("http.response_stalled", unsent_bytes=unsent)
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the handler's receive() says so; its sends are dropped
            self.cycle.message_event.set()
        sock = self.transport.get_extra_info("socket")
        if sock is not None:  # a reset, not a close: the kernel drops what it still holds for the client too
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()

    # --- the 408 -----------------------------------------------------------------------------------------------

    def _time_out(self, answer: bytes) -> None:
        """Send `answer` (b"" for none), stop writing, discard what the client still sends for up to LINGER_S,
        then close."""
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the handler's receive() says so; its sends are dropped
            self.cycle.message_event.set()
        if not answer or not self.transport.can_write_eof():
            if answer:
                self.transport.write(answer)
            self.transport.close()
            return
        self.transport.write(answer)
        self.transport.write_eof()
        self.transport.resume_reading()  # keep draining: unread bytes at close would reset the connection
        self._lingering = self.loop.call_later(LINGER_S, self.transport.close)

    # --- the request head --------------------------------------------------------------------------------------

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        if self.transport.is_closing():
            return
        self._armed_for = self.cycle  # a new request head replaces the cycle
        self._head_extended = False
        self._head_timer = self.loop.call_later(self.timeout_keep_alive, self._head_deadline_passed)

    def _cancel_head_deadline(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_deadline_passed(self) -> None:
        self._head_timer = None
        if self.cycle is not self._armed_for or self.transport.is_closing():
            return
        partial_head = bool(self.conn.trailing_data[0]) and self.conn.their_state is h11.IDLE
        idle = self.conn.our_state is h11.IDLE
        nothing_parsed = idle and self.conn.their_state is h11.IDLE and not self.conn.trailing_data[0]
        if nothing_parsed and not self._head_extended and self._unread_bytes():
            # A request came as the idle wait ended (after this loop iteration's poll): read it, and give its head
            # one more timeout, once; a close now would reset the connection under it.
            self._head_extended = True
            self._head_timer = self.loop.call_later(self.timeout_keep_alive, self._head_deadline_passed)
            return
        self._time_out(TIMEOUT_HEAD + TIMEOUT_BODY if partial_head and idle else b"")

    def _unread_bytes(self) -> int:
        """How many bytes wait in the kernel for the next read (FIONREAD): ones that arrived after this loop
        iteration's poll. A close over them would reset the connection, request and all."""
        sock = self.transport.get_extra_info("socket")
        if sock is None:
            return 0
        try:
            return int(struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0])
        except OSError:
            return 0

    def timeout_keep_alive_handler(self) -> None:
        """uvicorn's own idle timer, armed with the head deadline to the same timeout: the head deadline closes the
        connection instead, after it has looked for a request that arrived as the wait ended."""

    # --- the request body --------------------------------------------------------------------------------------

    def _watch_body(self) -> None:
        """Arm the body deadline when a request's body has begun to arrive, and drop it once it has all come."""
        receiving = self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing()
        if receiving and self._body_timer is None:
            self._body_deadline = self.loop.time() + self.body_grace_s
            self._body_timer = self.loop.call_at(self._body_deadline, self._body_deadline_passed)
        elif not receiving:
            self._cancel_body_deadline()

    def _cancel_body_deadline(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _body_deadline_passed(self) -> None:
        now = self.loop.time()
        if self.flow.read_paused or self.conn.client_is_waiting_for_100_continue:
            self._body_deadline = max(self._body_deadline, now + self.body_grace_s)  # we are the slow side
        if self._body_deadline > now:  # bytes arrived since this timer was set: it moved
            self._body_timer = self.loop.call_at(self._body_deadline, self._body_deadline_passed)
            return
        self._body_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_started or self.conn.our_state is not h11.SEND_RESPONSE:
            self._time_out(b"")  # an answer has begun (or cannot be framed): closing is all that is left
            return
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(TIMEOUT_BODY)).encode()),
            (b"connection", b"close"),
        ]
        answer = self.conn.send(h11.Response(status_code=408, headers=headers, reason=b"Request Timeout"))
        answer = (answer or b"") + (self.conn.send(h11.Data(data=TIMEOUT_BODY)) or b"")
        answer += self.conn.send(h11.EndOfMessage()) or b""
        self._time_out(answer)
