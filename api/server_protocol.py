"""The HTTP protocol uvicorn serves the API with: its h11 protocol, plus deadlines on every request head and body.

uvicorn times only the idle wait after a response (`timeout_keep_alive`). A connection that never sends a complete
request head (nothing at all, or a head trickled a byte at a time) was held open for ever: enough of them exhaust
the server's file descriptors (slowloris). Here each request head must arrive whole within the same timeout
(SHADOWS_API_KEEP_ALIVE_S), counted from the connection's opening or from its previous response; otherwise the
connection is closed.

A complete head followed by a body trickled a byte every few seconds held the connection, and the request's task
waiting on it, just as long. So a body must keep pace too (as Apache's mod_reqtimeout `body=…,MinRate=…`): it has
SHADOWS_API_BODY_GRACE_S from the end of its head, plus one second per SHADOWS_API_BODY_MIN_BYTES_PER_S bytes it
has delivered, to arrive whole; otherwise the connection is closed like a late head (the handler waiting for the
body sees the client disconnect). Time the server itself is the slow side is not held against the client: while
reading is paused because the handler has not consumed what arrived, or the client waits for `100 Continue`, the
deadline moves on. Bodies are capped by size in api.middleware, so a body that keeps pace is bounded in time too.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class BoundedH11Protocol(H11Protocol):
    _head_timer: asyncio.TimerHandle | None = None
    _armed_for: object = None
    _body_timer: asyncio.TimerHandle | None = None
    _body_deadline: float = 0.0

    def __init__(
        self, *args: Any, body_grace_s: float = 10.0, body_min_rate: int = 4096, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.body_grace_s = body_grace_s
        self.body_min_rate = body_min_rate

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's
        super().connection_made(transport)
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
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
        super().connection_lost(exc)

    # --- the request head --------------------------------------------------------------------------------------

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        if self.transport.is_closing():
            return
        self._armed_for = self.cycle  # a new request head replaces the cycle
        self._head_timer = self.loop.call_later(self.timeout_keep_alive, self._head_deadline_passed)

    def _cancel_head_deadline(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_deadline_passed(self) -> None:
        self._head_timer = None
        if self.cycle is self._armed_for and not self.transport.is_closing():
            self.transport.close()

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
        if not self.transport.is_closing():
            self.transport.close()
