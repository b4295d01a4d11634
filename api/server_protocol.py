"""The HTTP protocol uvicorn serves the API with: its h11 protocol, plus a deadline on every request head.

uvicorn times only the idle wait after a response (`timeout_keep_alive`). A connection that never sends a complete
request head (nothing at all, or a head trickled a byte at a time) was held open for ever: enough of them exhaust
the server's file descriptors (slowloris). Here each request head must arrive whole within the same timeout
(SHADOWS_API_KEEP_ALIVE_S), counted from the connection's opening or from its previous response; otherwise the
connection is closed. A request whose head has arrived is never cut: its body and its handler take what they take
(the body is capped by size in api.middleware).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol


class BoundedH11Protocol(H11Protocol):
    _head_timer: asyncio.TimerHandle | None = None
    _armed_for: object = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's
        super().connection_made(transport)
        self._arm_head_deadline()

    def on_response_complete(self) -> None:
        # Armed first: uvicorn starts a pipelined request's cycle inside this call, and that request's head has
        # arrived; armed after, the deadline would be measured against a request already running.
        self._arm_head_deadline()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        super().connection_lost(exc)

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
