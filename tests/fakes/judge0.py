"""FakeJudge0: a local aiohttp server on 127.0.0.1 speaking Judge0's submissions API for multi-file programs.

It really runs what it is sent (unzips `additional_files`, runs `compile` then `run` with bash, no sandbox: tests
only send their own code) and answers in Judge0's shape: base64 stdout/stderr/compile_output, a `status` object,
`time`, `exit_code`. It checks `X-Auth-Token`, records every submission, supports `wait=true` and token polling,
and can be told to answer with a given HTTP status or Judge0 status instead.
"""

from __future__ import annotations

import asyncio
import base64
import io
import shutil
import subprocess
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

from aiohttp import web

STATUSES = {
    1: "In Queue",
    2: "Processing",
    3: "Accepted",
    5: "Time Limit Exceeded",
    6: "Compilation Error",
    11: "Runtime Error (NZEC)",
    13: "Internal Error",
}


class FakeJudge0:
    def __init__(
        self,
        *,
        auth_token: str | None = None,
        wait_supported: bool = True,
        http_status: int | None = None,
        judge0_status: int | None = None,
    ) -> None:
        self.auth_token = auth_token
        self.wait_supported = wait_supported
        self.http_status = http_status
        self.judge0_status = judge0_status
        self.submissions: list[dict[str, Any]] = []
        self.polls = 0
        self._results: dict[str, dict[str, Any]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> FakeJudge0:
        app = web.Application(client_max_size=64 << 20)
        app.router.add_post("/submissions", self._create)
        app.router.add_get("/submissions/{token}", self._read)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in self._tasks:
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()

    def _authorised(self, request: web.Request) -> bool:
        return self.auth_token is None or request.headers.get("X-Auth-Token") == self.auth_token

    async def _create(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": "Authentication failed."}, status=401)
        if self.http_status is not None:
            return web.json_response({"error": "forced"}, status=self.http_status)
        if request.query.get("base64_encoded") != "true":
            return web.json_response({"error": "expected base64_encoded=true"}, status=400)
        body = await request.json()
        self.submissions.append(body)
        if body.get("language_id") != 89 or not body.get("additional_files"):
            return web.json_response({"language_id": ["multi-file program expected"]}, status=422)
        token = str(uuid.uuid4())
        if request.query.get("wait") == "true" and self.wait_supported:
            result = await asyncio.to_thread(self._execute, body)
            return web.json_response({"token": token, **result}, status=201)
        self._results[token] = {"status": {"id": 2, "description": STATUSES[2]}}
        task = asyncio.create_task(self._finish_later(token, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.json_response({"token": token}, status=201)

    async def _finish_later(self, token: str, body: dict[str, Any]) -> None:
        self._results[token] = await asyncio.to_thread(self._execute, body)

    async def _read(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": "Authentication failed."}, status=401)
        self.polls += 1
        result = self._results.get(request.match_info["token"])
        if result is None:
            return web.json_response({"error": "Not found."}, status=404)
        return web.json_response({"token": request.match_info["token"], **result})

    def _execute(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.judge0_status is not None:
            return _answer(self.judge0_status, b"", b"", b"", 0.0, None)
        box = Path(tempfile.mkdtemp(prefix="fake-judge0-"))
        try:
            with zipfile.ZipFile(io.BytesIO(base64.b64decode(body["additional_files"]))) as zf:
                zf.extractall(box)
            wall = float(body.get("wall_time_limit") or 10)
            if (box / "compile").exists():
                compiled = subprocess.run(["bash", "compile"], cwd=box, capture_output=True, timeout=120)
                if compiled.returncode != 0:
                    return _answer(6, b"", b"", compiled.stdout + compiled.stderr, 0.0, compiled.returncode)
            t0 = time.monotonic()
            try:
                ran = subprocess.run(["bash", "run"], cwd=box, capture_output=True, timeout=wall)
            except subprocess.TimeoutExpired as exc:
                return _answer(5, exc.stdout or b"", exc.stderr or b"", b"", time.monotonic() - t0, None)
            status = 3 if ran.returncode == 0 else 11
            return _answer(status, ran.stdout, ran.stderr, b"", time.monotonic() - t0, ran.returncode)
        finally:
            shutil.rmtree(box, ignore_errors=True)


def _answer(status: int, stdout: bytes, stderr: bytes, compile_output: bytes, seconds: float,
            exit_code: int | None) -> dict[str, Any]:  # fmt: skip
    def enc(b: bytes) -> str | None:
        return base64.b64encode(b).decode() if b else None

    return {
        "stdout": enc(stdout),
        "stderr": enc(stderr),
        "compile_output": enc(compile_output),
        "message": None,
        "status": {"id": status, "description": STATUSES.get(status, "Runtime Error")},
        "time": f"{seconds:.3f}",
        "memory": 1024,
        "exit_code": exit_code,
        "exit_signal": None,
    }
