"""TamperingJudgeHost: a judge host on 127.0.0.1 that forwards runs to a real judge service and alters its answers
(a broken or hostile host, which the real service cannot be made to be), for the remote backend's checks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, Self

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.served import InProcessServer, bound_socket

Tamper = Callable[[dict[str, Any]], dict[str, Any]]


class _LoopbackHost:
    """Serves `routes()` with uvicorn on 127.0.0.1, a free port, for as long as the `async with` lasts."""

    def __init__(self) -> None:
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    def routes(self) -> list[Route]:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        sock = (
            bound_socket()
        )  # the port is the host's from here on (tests/served.py); uvicorn closes it as it stops
        port = sock.getsockname()[1]
        app = Starlette(routes=self.routes())
        self._server = InProcessServer(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        try:
            # must start: generous for a loaded box, as the suite's other servers
            async with asyncio.timeout(60):
                while not (self._server.started or self._task.done()):  # noqa: ASYNC110 - uvicorn offers no event
                    await asyncio.sleep(0.01)
            if self._task.done():
                self._task.result()  # why it did not start
            assert self._server.started, "uvicorn did not start"
        except BaseException:  # not started: stop the server (cancelled if stuck in its start), free the port
            self._server.should_exit = True
            if not self._server.started:
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)  # the start's failure is the one raised
            sock.close()
            raise
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task


class TamperingJudgeHost(_LoopbackHost):
    def __init__(self, upstream: str, tamper: Tamper) -> None:
        super().__init__()
        self.upstream, self.tamper = upstream, tamper
        self.runs = 0
        self.bodies: list[bytes] = []  # what it was sent
        self._http = httpx.AsyncClient(base_url=upstream, timeout=60)

    def routes(self) -> list[Route]:
        return [Route("/v1/runs", self._runs, methods=["POST"])]

    async def _runs(self, request: Request) -> Response:
        self.runs += 1
        body = await request.body()
        self.bodies.append(body)
        headers = {k: v for k, v in request.headers.items() if k in ("authorization", "content-type")}
        answer = await self._http.post("/v1/runs", content=body, headers=headers)
        if answer.status_code != 200:
            return Response(answer.content, answer.status_code, media_type="application/json")
        return Response(json.dumps(self.tamper(answer.json())), 200, media_type="application/json")

    async def __aexit__(self, *exc: object) -> None:
        await super().__aexit__(*exc)
        await self._http.aclose()


class ForgetfulJudgeHost(_LoopbackHost):
    """A judge host on 127.0.0.1 that takes every PUT of tests and never holds them: each run by digest is
    409 `tests_unknown`. It runs nothing. `seen` lists (method, path) of what it was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str]] = []

    def routes(self) -> list[Route]:
        return [
            Route("/v1/runs/by-digest", self._note, methods=["POST"]),
            Route("/v1/tests/{digest}", self._note, methods=["PUT"]),
        ]

    async def _note(self, request: Request) -> Response:
        await request.body()
        self.seen.append((request.method, request.url.path))
        if request.method == "PUT":
            return Response(status_code=204)
        error = {"error": {"code": "tests_unknown", "message": "No tests are held under that digest."}}
        return Response(json.dumps(error), 409, media_type="application/json")
