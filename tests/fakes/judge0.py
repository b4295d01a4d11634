"""FakeJudge0: a local aiohttp server on 127.0.0.1 speaking Judge0 1.13.1's submissions API, as strict as the real
one with its default configuration.

- Validation (app/models/submission.rb): every limit field is checked against the configured maxima (the
  defaults of judge0.conf: MAX_CPU_TIME_LIMIT 15, MAX_WALL_TIME_LIMIT 20, MAX_MEMORY_LIMIT 512000 KB,
  MAX_MAX_PROCESSES_AND_OR_THREADS 120, MAX_MAX_FILE_SIZE 4096 KB, ...) and answered with 422 and Rails' error
  shape (`{"field": ["message"]}`); unknown languages and missing sources too.
- `wait=true` with ENABLE_WAIT_RESULT=false answers 400 `{"error": "wait not allowed"}`; then clients poll
  `GET /submissions/{token}`.
- Execution (app/jobs/isolate_job.rb): the additional files are unzipped into a box (at most MAX_EXTRACT_SIZE),
  `compile` runs with the maxima and its output (stdout and stderr together) is `compile_output`; `run` runs with
  the submission's limits (stdout and stderr are files in the box, bounded by max_file_size as isolate's are),
  its stdin a file outside the box (the compile's is empty). `time` is the run's CPU time, every process of the box,
  from its cgroup as with isolate's `--cg-timing` (the wall time where this host gives the fake no cgroup).
  Statuses as Judge0 sets them: 3 Accepted, 5 Time Limit Exceeded, 6 Compilation
  Error, 7-12 runtime errors by signal or exit code, 13 Internal Error.
- The image's runtimes (tests/fakes/judge0_image.py) enforce the versions it claims.
- Judge0 compiles every submission; the fake compiles a program once (`_compile`) and copies what a successful
  compile made into the boxes of later submissions of the same program: the backend sends a program again, with the
  tests still to run, after a test ended its box, and a compile on this shared box costs seconds of CPU. A successful
  compile's output is no part of Judge0's answer, so the answers are the same.

It checks `X-Auth-Token`, records every submission it accepted, and can be told to answer with a given HTTP
status or Judge0 status instead.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import io
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.judge0_image import BoxLimits, install_image, run_in_box
from tests.fakes.loopback import serve

STATUSES = {
    1: "In Queue",
    2: "Processing",
    3: "Accepted",
    4: "Wrong Answer",
    5: "Time Limit Exceeded",
    6: "Compilation Error",
    7: "Runtime Error (SIGSEGV)",
    8: "Runtime Error (SIGXFSZ)",
    9: "Runtime Error (SIGFPE)",
    10: "Runtime Error (SIGABRT)",
    11: "Runtime Error (NZEC)",
    12: "Runtime Error (Other)",
    13: "Internal Error",
    14: "Exec Format Error",
}
_SIGNAL_STATUS = {11: 7, 25: 8, 8: 9, 6: 10}
MULTI_FILE_PROGRAM = 89
# Files that belong to one submission only (the backend sent the tests and the driver's settings as files until
# 2026-12-07; now they are its stdin): never compiled, so not part of what identifies a program. A compile script
# that names one is never reused.
PER_SUBMISSION_FILES = frozenset({"tests.json", "driver.json"})


@dataclass(frozen=True)
class Judge0Config:
    """judge0.conf, with Judge0 1.13.1's defaults."""

    cpu_time_limit: float = 5.0
    max_cpu_time_limit: float = 15.0
    cpu_extra_time: float = 1.0
    max_cpu_extra_time: float = 5.0
    wall_time_limit: float = 10.0
    max_wall_time_limit: float = 20.0
    memory_limit: int = 128_000
    max_memory_limit: int = 512_000
    stack_limit: int = 64_000
    max_stack_limit: int = 128_000
    max_processes_and_or_threads: int = 60
    max_max_processes_and_or_threads: int = 120
    max_file_size: int = 1024
    max_max_file_size: int = 4096
    number_of_runs: int = 1
    max_number_of_runs: int = 20
    max_extract_size: int = 10240
    enable_wait_result: bool = True
    allow_enable_network: bool = True
    allow_enable_per_process_and_thread_time_limit: bool = True
    allow_enable_per_process_and_thread_memory_limit: bool = True


# field -> (minimum, inclusive?, config attribute of the maximum)
_RANGES = {
    "number_of_runs": (0, False, "max_number_of_runs"),
    "cpu_time_limit": (0, True, "max_cpu_time_limit"),
    "cpu_extra_time": (0, True, "max_cpu_extra_time"),
    "wall_time_limit": (1, True, "max_wall_time_limit"),
    "memory_limit": (2048, True, "max_memory_limit"),
    "stack_limit": (0, True, "max_stack_limit"),
    "max_processes_and_or_threads": (0, False, "max_max_processes_and_or_threads"),
    "max_file_size": (0, True, "max_max_file_size"),
}
_DEFAULTS = {
    "number_of_runs": "number_of_runs",
    "cpu_time_limit": "cpu_time_limit",
    "cpu_extra_time": "cpu_extra_time",
    "wall_time_limit": "wall_time_limit",
    "memory_limit": "memory_limit",
    "stack_limit": "stack_limit",
    "max_processes_and_or_threads": "max_processes_and_or_threads",
    "max_file_size": "max_file_size",
}


def validate(body: dict[str, Any], config: Judge0Config) -> dict[str, list[str]]:
    """Judge0's model validations after set_defaults; {} when the submission is valid."""
    errors: dict[str, list[str]] = {}
    for field, attr in _DEFAULTS.items():
        if body.get(field) is None:
            body[field] = getattr(config, attr)
    for field, (low, inclusive, max_attr) in _RANGES.items():
        value, high = body[field], getattr(config, max_attr)
        if not isinstance(value, int | float) or isinstance(value, bool):
            errors.setdefault(field, []).append("is not a number")
            continue
        if (value < low if inclusive else value <= low) or value > high:
            op = "greater than or equal to" if inclusive else "greater than"
            errors.setdefault(field, []).append(f"must be {op} {low} and less than or equal to {high}")
    if body.get("language_id") != MULTI_FILE_PROGRAM:
        errors.setdefault("language_id", []).append(
            f"language with id {body.get('language_id')} doesn't exist"
        )
    if not body.get("additional_files"):
        errors.setdefault("additional_files", []).append("can't be blank")
    if body.get("source_code"):
        errors.setdefault("source_code", []).append("must be blank")
    if body.get("enable_network") and not config.allow_enable_network:
        errors.setdefault("enable_network", []).append("enabling network is not allowed")
    for option in ("time", "memory"):
        field = f"enable_per_process_and_thread_{option}_limit"
        if body.get(field) and not getattr(config, f"allow_{field}"):
            errors.setdefault(field, []).append("this option cannot be enabled")
    return errors


class FakeJudge0:
    def __init__(
        self,
        *,
        auth_token: str | None = None,
        config: Judge0Config | None = None,
        http_status: int | None = None,
        judge0_status: int | None = None,
    ) -> None:
        self.auth_token = auth_token
        self.config = config or Judge0Config()
        self.http_status = http_status
        self.judge0_status = judge0_status
        self.submissions: list[dict[str, Any]] = []  # accepted ones, as sent
        self.rejected: list[tuple[int, Any]] = []  # (HTTP status, body) of refused requests
        self.polls = 0
        self.compiles = 0  # compile steps really run (the rest reused an identical program's, `_compile`)
        # A program's digest -> what its successful compile left in the box.
        self._compiled: dict[str, Path] = {}
        self._results: dict[str, dict[str, Any]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="fake-judge0-"))
        self.image = install_image(self._dir / "usr-local")
        self.url = ""

    async def __aenter__(self) -> FakeJudge0:
        app = web.Application(client_max_size=64 << 20)
        app.router.add_post("/submissions", self._create)
        app.router.add_get("/submissions/{token}", self._read)
        self._runner, port = await serve(app)
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in self._tasks:
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
        shutil.rmtree(self._dir, ignore_errors=True)

    def _authorised(self, request: web.Request) -> bool:
        return self.auth_token is None or request.headers.get("X-Auth-Token") == self.auth_token

    def _refuse(self, status: int, body: Any) -> web.Response:
        self.rejected.append((status, body))
        return web.json_response(body, status=status)

    async def _create(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self._refuse(401, {"error": "Authentication failed."})
        if self.http_status is not None:
            return self._refuse(self.http_status, {"error": "forced"})
        wait = request.query.get("wait") == "true"
        if wait and not self.config.enable_wait_result:
            return self._refuse(400, {"error": "wait not allowed"})
        if request.query.get("base64_encoded") != "true":
            return self._refuse(400, {"error": "expected base64_encoded=true (this fake only speaks base64)"})
        body = await request.json()
        errors = validate(dict(body), self.config)
        if errors:
            return self._refuse(422, errors)
        self.submissions.append(body)
        token = str(uuid.uuid4())
        if wait:
            result = await asyncio.to_thread(self._execute, body)
            return web.json_response({"token": token, **result}, status=201)
        self._results[token] = {"status": {"id": 1, "description": STATUSES[1]}}
        task = asyncio.create_task(self._finish_later(token, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.json_response({"token": token}, status=201)

    async def _finish_later(self, token: str, body: dict[str, Any]) -> None:
        self._results[token] = {"status": {"id": 2, "description": STATUSES[2]}}
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
            return _answer(self.judge0_status)
        submission = dict(body)
        validate(submission, self.config)  # fills the defaults
        box = Path(tempfile.mkdtemp(prefix="box-", dir=self._dir))
        try:
            problem = self._extract(submission["additional_files"], box)
            if problem is not None:
                return _answer(13, message=problem)
            config = self.config
            if (box / "compile").exists():
                compile_limits = BoxLimits(
                    cpu_s=config.max_cpu_time_limit, wall_s=config.max_wall_time_limit,
                    memory_kb=config.max_memory_limit, stack_kb=config.max_stack_limit,
                    processes=config.max_max_processes_and_or_threads, file_size_kb=config.max_max_file_size,
                )  # fmt: skip
                failed = self._compile(box, compile_limits)
                if failed is not None:
                    return _answer(6, compile_output=failed)
            run_limits = BoxLimits(
                cpu_s=submission["cpu_time_limit"] + submission["cpu_extra_time"],
                wall_s=submission["wall_time_limit"], memory_kb=submission["memory_limit"],
                stack_kb=submission["stack_limit"], processes=submission["max_processes_and_or_threads"],
                file_size_kb=submission["max_file_size"],
            )  # fmt: skip
            # Judge0 writes the submission's stdin to a file outside the box, the run's stdin alone (the compile's
            # is /dev/null).
            ran = run_in_box(box, self.image, "run", run_limits, stdin=_unb64(submission.get("stdin")))
            if ran.timed_out:
                status = 5
            elif ran.signal is not None:
                status = _SIGNAL_STATUS.get(ran.signal, 12)
            elif ran.exit_code != 0:
                status = 11
            else:
                status = 3
            # `time` is the box's CPU time (isolate's --cg-timing), every process's; the wall time only where this
            # host gives the fake no cgroup to measure it.
            seconds = ran.cpu_s if ran.cpu_s is not None else ran.seconds
            return _answer(status, stdout=ran.stdout, stderr=ran.stderr, seconds=seconds,
                           exit_code=ran.exit_code, exit_signal=ran.signal)  # fmt: skip
        finally:
            shutil.rmtree(box, ignore_errors=True)

    def _compile(self, box: Path, limits: BoxLimits) -> bytes | None:
        """Run the box's `compile`, or copy in what an identical program's successful compile made; None when it
        compiled, else the compile output Judge0 answers with. Failures are never reused: a compile that timed out on
        a loaded host may pass the next time, as on Judge0."""
        script = (box / "compile").read_text(errors="replace")
        digest = None
        if not any(name in script for name in PER_SUBMISSION_FILES):
            h = hashlib.sha256(repr(limits).encode())
            for path in sorted(box.rglob("*")):
                rel = path.relative_to(box).as_posix()
                if path.is_file() and rel not in PER_SUBMISSION_FILES:
                    h.update(f"\0{rel}\0{path.stat().st_mode:o}\0{path.stat().st_size}\0".encode())
                    h.update(path.read_bytes())
            digest = h.hexdigest()
            done = self._compiled.get(digest)
            if done is not None:
                shutil.copytree(done, box, dirs_exist_ok=True)
                return None
        self.compiles += 1
        compiled = run_in_box(box, self.image, "compile", limits, merge_stderr=True)
        if compiled.timed_out or compiled.exit_code != 0:
            return b"Compilation time limit exceeded." if compiled.timed_out else compiled.stdout
        if digest is not None:
            keep = self._dir / f"compiled-{digest[:16]}"
            shutil.copytree(
                box,
                keep,
                ignore=lambda d, names: [n for n in names if Path(d) == box and n in PER_SUBMISSION_FILES],
            )
            self._compiled[digest] = keep
        return None

    def _extract(self, encoded: str, box: Path) -> str | None:
        try:
            data = base64.b64decode(encoded, validate=True)
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                total = sum(info.file_size for info in zf.infolist())
                if total > self.config.max_extract_size * 1024:
                    return "additional files exceed MAX_EXTRACT_SIZE"
                zf.extractall(box)
                for info in zf.infolist():
                    mode = (info.external_attr >> 16) & 0o777
                    if mode:
                        (box / info.filename).chmod(mode)
        except (binascii.Error, ValueError, zipfile.BadZipFile):
            return "additional files are not a zip archive"
        return None


def _unb64(value: Any) -> bytes:
    return base64.b64decode(value) if isinstance(value, str) and value else b""


def _answer(
    status: int,
    *,
    stdout: bytes = b"",
    stderr: bytes = b"",
    compile_output: bytes = b"",
    seconds: float = 0.0,
    exit_code: int | None = None,
    exit_signal: int | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    def enc(b: bytes) -> str | None:
        return base64.b64encode(b).decode() if b else None

    return {
        "stdout": enc(stdout),
        "stderr": enc(stderr),
        "compile_output": enc(compile_output),
        "message": base64.b64encode(message.encode()).decode() if message else None,
        "status": {"id": status, "description": STATUSES.get(status, "Runtime Error")},
        "time": f"{seconds:.3f}",
        "memory": 1024,
        "exit_code": exit_code,
        "exit_signal": exit_signal,
    }
