"""JudgePool: a bounded set of single-threaded worker processes that run judge jobs, with a bounded queue.

Each worker is `python -m judge.pool --worker SLOT`: a subreaper that runs one job at a time and reaps every
orphan around it. Its sandbox leases a uid of its own (judge.uids), so no two workers on the host share one.
The pool talks to it with JSON lines (requests on its stdin, replies on a dedicated fd). Cancelling the awaiting
caller kills the worker (and with it, via --die-with-parent, its sandbox) and a fresh worker takes the slot.
A worker that crashes or overruns its job's timeout (`job_timeout_s` unless the caller gives one) is replaced the
same way.

A job may carry a start-by (`submit(start_by=...)`, or `start_by_context` for the calls made in one context): the
`time.monotonic()` instant past which it must not start, because its caller will have stopped waiting for it. A job
still queued then is refused (JudgeStartExpiredError) and never reaches a worker; one already in a slot keeps its own
timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import ctypes
import importlib
import json
import logging
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pydantic_core

from judge import errors
from judge.errors import (
    JudgeBusyError,
    JudgeError,
    JudgeInternalError,
    JudgeStartExpiredError,
    SandboxUnavailableError,
)
from judge.processes import bwrap_children, reap_bwrap_zombies
from judge.settings import JudgeSettings, get_settings

log = logging.getLogger(__name__)

JobFn = Callable[[dict[str, Any]], dict[str, Any]]
_LINE_LIMIT = 256 << 20  # replies carry whole run reports; bounded by the sandbox's own output caps
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_SPAWN_BACKOFF_S = (0.05, 0.2, 1.0, 2.0)

# The start-by (`time.monotonic()`) of the jobs submitted in this context without one of their own: a judge host sets
# it for each request's run (judge.host), whose backend call reaches the pool through `Judge.run`.
start_by_context: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "judge_start_by", default=None
)


def job_path(fn: JobFn) -> str:
    """The dotted import path a worker uses to find a job function (it must be a module-level function)."""
    return f"{fn.__module__}.{fn.__qualname__}"


@dataclass(eq=False)
class _Job:
    line: bytes  # the encoded request
    future: asyncio.Future[dict[str, Any]]
    timeout_s: float
    start_by: float | None = None  # time.monotonic() past which it must not start
    worker: _Worker | None = None

    def expired(self) -> bool:
        return self.start_by is not None and time.monotonic() > self.start_by


@dataclass(eq=False)
class _Worker:
    slot: int
    proc: asyncio.subprocess.Process
    jobs_done: int = 0
    started_at: float = field(default_factory=time.monotonic)
    killed: bool = False

    @property
    def alive(self) -> bool:
        return not self.killed and self.proc.returncode is None

    def kill(self) -> None:
        """Kill the worker's process group; its sandboxes die with it (bwrap --die-with-parent)."""
        self.killed = True
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()

    async def call(self, line: bytes) -> dict[str, Any]:
        """Send one encoded request line; return the decoded reply."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line)
        await self.proc.stdin.drain()
        reply = await self.proc.stdout.readline()
        if not reply.endswith(b"\n"):
            self.killed = True
            raise ConnectionError("judge worker exited mid-job")
        self.jobs_done += 1
        return dict(json.loads(reply))


class JudgePool:
    """N worker processes (N = settings.slots) behind a bounded queue. Use `async with JudgePool(...)`."""

    def __init__(
        self, settings: JudgeSettings | None = None, *, jobs: Iterable[JobFn] = (), check_sandbox: bool = True
    ) -> None:
        self.settings = settings or get_settings()
        self.slots = max(1, self.settings.slots)
        self.queue_size = max(0, self.settings.queue_size)
        self.check_sandbox = check_sandbox
        self._registry: dict[str, str] = {}
        for fn in jobs:
            self.register(fn)
        self._pending: deque[_Job] = deque()
        self._cond = asyncio.Condition()
        self._workers: dict[int, _Worker | None] = {}
        self._dispatchers: list[asyncio.Task[None]] = []
        self._running: set[_Job] = set()
        self._started = False
        self._closing = False
        self.respawns = 0

    def register(self, fn: JobFn) -> None:
        """Allow `fn` (a module-level function) to be submitted by its name or dotted path."""
        path = job_path(fn)
        self._registry[fn.__name__] = path
        self._registry[path] = path

    @property
    def worker_pids(self) -> list[int]:
        return [w.proc.pid for w in self._workers.values() if w is not None and w.alive]

    @property
    def queued(self) -> int:
        return len(self._pending)

    @property
    def running(self) -> int:
        return len(self._running)

    async def __aenter__(self) -> JudgePool:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Spawn every worker and wait until each has passed its sandbox self-check."""
        if self._started:
            return
        self._started = True
        try:
            spawned = await asyncio.gather(*(self._spawn(slot) for slot in range(self.slots)))
        except BaseException:
            await self.aclose()
            raise
        for worker in spawned:
            self._workers[worker.slot] = worker
        self._dispatchers = [
            asyncio.create_task(self._dispatch(slot), name=f"judge-pool-slot-{slot}")
            for slot in range(self.slots)
        ]

    async def aclose(self) -> None:
        """Stop taking jobs, fail queued ones, kill the workers."""
        if self._closing:
            return
        self._closing = True
        for job in list(self._running):
            self._set_error(job, JudgeInternalError("judge pool closed"))
        while self._pending:
            job = self._pending.popleft()
            if not job.future.done():
                job.future.set_exception(JudgeInternalError("judge pool closed"))
        for task in self._dispatchers:
            task.cancel()
        for task in self._dispatchers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for worker in self._workers.values():
            if worker is not None:
                await self._retire(worker)
        self._workers.clear()

    async def submit(
        self,
        fn_name: str,
        payload: dict[str, Any] | bytes,
        *,
        timeout_s: float | None = None,
        start_by: float | None = None,
    ) -> dict[str, Any]:
        """Run a registered job in a worker and return its result dict. A job running longer than `timeout_s`
        (default `job_timeout_s`; a judge run's is `judge.limits.pool_timeout_s`) is a judge bug: its worker is
        replaced and the job fails.

        `payload` is the job's argument, or that argument already written as one JSON object (bytes, trusted: a
        caller that serialises a model with pydantic does so 5-7x faster than `json.dumps` here, docs/judge.md).

        `start_by` (`time.monotonic()`; default: `start_by_context`): a job not in a slot by then is refused with
        JudgeStartExpiredError, at that moment, and never runs; a job that started keeps its timeout.

        Raises JudgeBusyError (retryable) when the queue is full, JudgeStartExpiredError, the job's own JudgeError
        when it raised one, and JudgeInternalError when the worker crashed or overran. Cancelling the caller, at any
        point, takes its job out of the queue or kills the worker running it: no job runs with nobody waiting.
        """
        if not self._started or self._closing:
            raise JudgeInternalError("judge pool is not running")
        path = self._registry.get(fn_name)
        if path is None:
            raise JudgeInternalError(f"unknown judge job {fn_name!r}")
        try:
            if isinstance(payload, bytes):
                line = b'{"fn":%s,"payload":%s}\n' % (json.dumps(path).encode(), payload)
            else:
                line = json.dumps({"fn": path, "payload": payload}, separators=(",", ":")).encode() + b"\n"
        except (TypeError, ValueError) as exc:
            raise JudgeInternalError("judge job payload is not JSON") from exc
        timeout = self.settings.job_timeout_s if timeout_s is None else timeout_s
        if start_by is None:
            start_by = start_by_context.get()
        loop = asyncio.get_running_loop()
        job = _Job(line=line, future=loop.create_future(), timeout_s=timeout, start_by=start_by)
        expiry: asyncio.TimerHandle | None = None
        try:
            # Queued under the lock, with no await between the checks and the queueing, and inside the `try`: a
            # cancel while waiting for the lock leaves nothing queued; one after it takes the job back out below.
            async with self._cond:
                if self._closing:
                    raise JudgeInternalError("judge pool is not running")
                idle = self.slots - len(self._running)
                if len(self._pending) >= self.queue_size + max(0, idle):
                    raise JudgeBusyError("every judge slot is busy and the queue is full")
                if job.expired():
                    raise JudgeStartExpiredError("the job's start-by passed before it was queued")
                self._pending.append(job)
                # Refused at its start-by if still queued, so that it gives its queue place back then, not when a
                # slot frees.
                if start_by is not None:
                    expiry = loop.call_later(max(0.0, start_by - time.monotonic()), self._expire, job)
                self._cond.notify()
            return await asyncio.shield(job.future)
        except asyncio.CancelledError:
            if job in self._pending:
                self._pending.remove(job)
            elif job.worker is not None:
                job.worker.kill()  # the dispatcher sees it die, drops the job and respawns the slot
            if not job.future.done():
                job.future.cancel()
            raise
        finally:
            if expiry is not None:
                expiry.cancel()

    def _expire(self, job: _Job) -> None:
        if job in self._pending:  # not taken by a slot: it never starts
            self._pending.remove(job)
            self._set_error(job, JudgeStartExpiredError("the job was still queued at its start-by"))

    async def _next_job(self) -> _Job:
        async with self._cond:
            await self._cond.wait_for(lambda: bool(self._pending))
            return self._pending.popleft()

    async def _dispatch(self, slot: int) -> None:
        failures = 0
        while True:
            worker = self._workers.get(slot)
            if worker is None or not worker.alive:
                # Replace a dead worker right away, so the next job does not pay for the start-up.
                if worker is not None:
                    await self._retire(worker)
                    self._workers[slot] = None
                try:
                    worker = await self._spawn(slot)
                except JudgeError as exc:
                    failures += 1
                    log.error("judge worker for slot %d failed to start (%s)", slot, exc.code)
                    if self._pending:  # do not let queued callers wait on a slot that cannot start
                        self._set_error(self._pending.popleft(), exc)
                    await asyncio.sleep(_SPAWN_BACKOFF_S[min(failures, len(_SPAWN_BACKOFF_S)) - 1])
                    continue
                failures = 0
                self._workers[slot] = worker
                self.respawns += 1
            job = await self._next_job()
            if job.future.done():
                continue
            if job.expired():  # its timer has not run yet: the check is here, where a job starts
                self._set_error(job, JudgeStartExpiredError("the job was still queued at its start-by"))
                continue
            await self._run_job(worker, job)

    async def _run_job(self, worker: _Worker, job: _Job) -> None:
        job.worker = worker
        self._running.add(job)
        try:  # from here on the job ends (or its worker dies) whatever fails: its caller is never left waiting
            reap_bwrap_zombies()
            reply = await asyncio.wait_for(worker.call(job.line), job.timeout_s)
        except TimeoutError:
            log.error("judge job overran its %s s on slot %d; replacing worker", job.timeout_s, worker.slot)
            worker.kill()
            self._set_error(job, JudgeInternalError("judge job timed out"))
        except (ConnectionError, OSError, ValueError) as exc:
            worker.kill()
            if not job.future.done():
                log.error("judge worker on slot %d died mid-job (%s)", worker.slot, type(exc).__name__)
            self._set_error(job, JudgeInternalError("judge worker died"))
        except Exception as exc:  # a pool bug must not take the slot's dispatcher down with it
            log.exception("judge pool failed running a job on slot %d (%s)", worker.slot, type(exc).__name__)
            worker.kill()
            self._set_error(job, JudgeInternalError("judge pool failed"))
        else:
            if reply.get("ok"):
                if not job.future.done():
                    job.future.set_result(reply["result"])
            else:
                self._set_error(job, _error_from_reply(reply.get("error") or {}))
        finally:
            self._running.discard(job)
            job.worker = None

    @staticmethod
    def _set_error(job: _Job, exc: JudgeError) -> None:
        if not job.future.done():
            job.future.set_exception(exc)

    async def _spawn(self, slot: int) -> _Worker:
        preload = ",".join(sorted(set(self._registry.values())))
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "judge.pool", "--worker", str(slot), "--preload", preload,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=_worker_env(self.settings),
            start_new_session=True,  # its own process group, so kill() takes the whole worker
            limit=_LINE_LIMIT,
        )  # fmt: skip
        worker = _Worker(slot=slot, proc=proc)
        assert proc.stdout is not None
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), 60)
            hello = json.loads(line) if line.endswith(b"\n") else {}
        except (TimeoutError, ValueError):
            hello = {}
        except BaseException:  # cancelled (pool closing) while the worker started: do not leave it behind
            await asyncio.shield(self._retire(worker))
            raise
        if not hello.get("ready"):
            await self._retire(worker)
            raise JudgeInternalError("judge worker failed to start")
        if self.check_sandbox and hello.get("sandbox_error"):
            await self._retire(worker)
            raise SandboxUnavailableError(hello["sandbox_error"])
        return worker

    @staticmethod
    async def _retire(worker: _Worker) -> None:
        worker.kill()
        with contextlib.suppress(ProcessLookupError):
            await worker.proc.wait()
        # If this process is a subreaper (it built a Sandbox), the dead worker's sandbox inits are now ours:
        # give them a moment to finish tearing their namespaces down, and reap them.
        for _ in range(100):
            reap_bwrap_zombies()
            if not bwrap_children():
                break
            await asyncio.sleep(0.02)
        for stream in (worker.proc.stdin,):
            if stream is not None:
                stream.close()


def _worker_env(settings: JudgeSettings) -> dict[str, str]:
    """The worker's environment: the few variables a Python process needs, this pool's settings spelled as
    SHADOWS_JUDGE_* variables, and nothing else (no API or database secrets reach the process that runs bwrap)."""
    # Workers import job functions by dotted path: give them the modules this process can import.
    return settings.worker_environ(pythonpath=os.pathsep.join(p for p in sys.path if p and os.path.isdir(p)))


def _error_from_reply(error: dict[str, Any]) -> JudgeError:
    cls = getattr(errors, str(error.get("type", "")), None)
    message = str(error.get("message", "judge job failed"))
    if isinstance(cls, type) and issubclass(cls, JudgeError):
        return cls(message, code=error.get("code"), retryable=error.get("retryable"))
    return JudgeInternalError("judge job failed")


# ---------------------------------------------- worker side: python -m judge.pool --worker N


def _reap_all() -> None:
    """Reap every finished child; safe only here, in a single-threaded worker that owns all its children."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _resolve(path: str) -> JobFn:
    module, _, name = path.rpartition(".")
    fn = getattr(importlib.import_module(module), name)
    if not callable(fn):
        raise TypeError(f"{path} is not callable")
    return fn  # type: ignore[no-any-return]


def _run_one(path: str, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        result = _resolve(path)(payload)
        return {"ok": True, "result": result}
    except JudgeError as exc:
        return {"ok": False, "error": {"type": type(exc).__name__, "code": exc.code, "message": str(exc),
                                       "retryable": exc.retryable}}  # fmt: skip
    except Exception as exc:  # any job bug becomes judge_internal for the caller; the worker keeps serving
        log.exception("judge job %s raised %s", path, type(exc).__name__)
        return {"ok": False, "error": {"type": "JudgeInternalError", "message": "judge job failed"}}


def worker_main(slot: int, preload: list[str]) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # the pool went away: so do we
    # Replies go on a private copy of stdout; anything a job prints lands on stderr instead.
    reply_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    from judge import sandbox

    for path in preload:  # import job modules now, so the first job does not pay for it
        try:
            _resolve(path)
        except (ImportError, AttributeError, TypeError, ValueError):
            log.exception("cannot preload judge job %s", path)
    hello: dict[str, Any] = {"ready": True, "slot": slot, "pid": os.getpid()}
    try:
        hello["uid"] = sandbox.worker_sandbox().uid
    except SandboxUnavailableError as exc:
        hello["sandbox_error"] = str(exc)
    reply_out.write(json.dumps(hello).encode() + b"\n")
    for line in sys.stdin.buffer:
        request = pydantic_core.from_json(line)  # 1.7x json.loads for a Submit's 1.2 MiB of tests
        _reap_all()
        reply = _run_one(request["fn"], request.get("payload") or {})
        _reap_all()
        try:
            data = json.dumps(reply, separators=(",", ":")).encode()
        except (TypeError, ValueError):
            error = {"type": "JudgeInternalError", "message": "job result is not JSON"}
            data = json.dumps({"ok": False, "error": error}).encode()
        reply_out.write(data + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m judge.pool")
    parser.add_argument("--worker", type=int, required=True, help="slot number of this worker")
    parser.add_argument("--preload", default="", help="comma-separated job paths to import at start")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="judge-worker %(levelname)s %(message)s"
    )
    worker_main(args.worker, [p for p in args.preload.split(",") if p])


if __name__ == "__main__":
    main()
