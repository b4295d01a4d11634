"""A webhook receiver on loopback, as an organisation would write one: it verifies every delivery with the
Standard Webhooks library (`standardwebhooks.Webhook(secret).verify`), dedupes nothing, and records everything.

Behaviour per request comes from `respond(n, delivery)` (n counts requests from 1): a status code, optionally a
delay, a redirect, or an endless body. It also records how many requests were in flight at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.fakes.loopback import serve


@dataclass
class Delivery:
    n: int
    headers: dict[str, str]
    body: bytes
    verified_with: list[int]  # indexes into the receiver's secrets that verify this delivery
    received_at: float

    @property
    def payload(self) -> dict[str, Any]:
        return dict(json.loads(self.body))

    @property
    def message_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def type(self) -> str:
        return str(self.payload["type"])


@dataclass
class Answer:
    status: int = 200
    delay_s: float = 0.0
    location: str | None = None  # a redirect target
    endless: bool = False  # a 200 whose body never ends
    body: bytes = b"ok"
    # Hold the answer until this many requests are in flight at once (or `delay_s` passes): makes overlap certain
    # when the sender allows it, however slow the machine.
    until_in_flight: int | None = None
    # Hold the answer until this event is set (a receiver hanging until it recovers), or at most `delay_s`, after
    # which it answers `gave_up_status` instead of `status`.
    until_set: asyncio.Event | None = None
    gave_up_status: int = 503
    headers: dict[str, str] | None = None  # on the answer (a Retry-After)


Respond = Callable[[int, Delivery], Answer]


def always_ok(n: int, d: Delivery) -> Answer:
    return Answer()


@dataclass
class WebhookReceiver:
    secrets: list[str] = field(default_factory=list)
    respond: Respond = always_ok
    deliveries: list[Delivery] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # the status of each answer, in order
    in_flight: int = 0
    max_in_flight: int = 0
    url: str = ""
    _arrivals: asyncio.Condition = field(default_factory=asyncio.Condition)

    def verified(self, secret_index: int = 0) -> list[Delivery]:
        return [d for d in self.deliveries if secret_index in d.verified_with]

    def succeeded(self) -> list[Delivery]:
        """Deliveries answered 2xx, in the order they arrived."""
        return [d for d, status in zip(self.deliveries, self.answers, strict=False) if 200 <= status < 300]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        verified = []
        for i, secret in enumerate(self.secrets):
            try:
                Webhook(secret).verify(body, headers)
                verified.append(i)
            except WebhookVerificationError:
                pass
        delivery = Delivery(len(self.deliveries) + 1, headers, body, verified, time.monotonic())
        self.deliveries.append(delivery)
        answer = self.respond(delivery.n, delivery)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        async with self._arrivals:
            self._arrivals.notify_all()
        try:
            if answer.until_in_flight is not None:
                wanted = answer.until_in_flight
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(answer.delay_s), self._arrivals:
                        await self._arrivals.wait_for(lambda: self.in_flight >= wanted)
            elif answer.until_set is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(answer.delay_s or None):
                        await answer.until_set.wait()
                if not answer.until_set.is_set():
                    answer = Answer(status=answer.gave_up_status)
            elif answer.delay_s:
                await asyncio.sleep(answer.delay_s)
            self.answers.append(answer.status)
            if answer.location:
                return web.Response(status=answer.status, headers={"Location": answer.location})
            if answer.endless:
                response = web.StreamResponse(status=answer.status)
                await response.prepare(request)
                try:
                    for _ in range(100_000):  # ~6 GB unless the client stops reading; bounded anyway
                        await response.write(b"x" * 65_536)
                except (ConnectionResetError, asyncio.CancelledError):
                    pass
                return response
            return web.Response(status=answer.status, body=answer.body, headers=answer.headers)
        finally:
            self.in_flight -= 1


@asynccontextmanager
async def webhook_receiver(
    secrets: list[str] | None = None, respond: Respond = always_ok, path: str = "/hooks/shadows"
) -> AsyncIterator[WebhookReceiver]:
    receiver = WebhookReceiver(secrets=list(secrets or []), respond=respond)
    app = web.Application()
    app.router.add_route("*", path, receiver.handle)
    app.router.add_route("*", "/elsewhere", receiver.handle)
    runner, port = await serve(app, access_log=None, shutdown_timeout=1)
    receiver.url = f"http://127.0.0.1:{port}{path}"
    try:
        yield receiver
    finally:
        await runner.cleanup()
