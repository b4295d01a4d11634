"""JudgePool: worker processes, bounded queue, busy errors, cancellation, crash recovery and job errors."""

from __future__ import annotations

import asyncio
import ctypes
import os
import time
from pathlib import Path
from typing import Any

import pytest

from judge import pool as pool_module
from judge.errors import (
    JudgeBusyError,
    JudgeInternalError,
    JudgeStartExpiredError,
    SandboxUnavailableError,
    UnsupportedLanguageError,
)
from judge.pool import JudgePool, start_by_context
from judge.sandbox import worker_sandbox
from judge.sandbox_limits import Limits
from judge.settings import JudgeSettings, get_settings
from tests.judge.conftest import descendants, process_table, wait_no_strays

# Every worker self-checks the real sandbox at start-up, so the whole module needs bubblewrap.
pytestmark = pytest.mark.sandbox

# ------------------------------------------------------------------ jobs (module level: workers import them)


def echo(payload: dict[str, Any]) -> dict[str, Any]:
    return {"echo": payload, "pid": os.getpid()}


def interval(payload: dict[str, Any]) -> dict[str, Any]:
    start = time.time()
    time.sleep(float(payload["s"]))
    return {"pid": os.getpid(), "start": start, "end": time.time()}


def wait_for_file(payload: dict[str, Any]) -> dict[str, Any]:
    """Blocks until the test creates `path` (or 30 s pass): a job whose end the test controls."""
    path = Path(payload["path"])
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return {"pid": os.getpid()}


def touch(payload: dict[str, Any]) -> dict[str, Any]:
    Path(payload["path"]).write_text("ran")
    return {}


def introspect(payload: dict[str, Any]) -> dict[str, Any]:
    libc = ctypes.CDLL(None)
    flag = ctypes.c_int(0)
    libc.prctl(37, ctypes.byref(flag), 0, 0, 0)  # PR_GET_CHILD_SUBREAPER
    settings = get_settings()
    return {"subreaper": flag.value, "sandbox_uid": settings.sandbox_uid, "queue_size": settings.queue_size}


def environment(payload: dict[str, Any]) -> dict[str, Any]:
    return {"env": dict(os.environ)}


def crash(payload: dict[str, Any]) -> dict[str, Any]:
    os._exit(3)


def raise_unsupported(payload: dict[str, Any]) -> dict[str, Any]:
    raise UnsupportedLanguageError("cobol is not supported")


def raise_bug(payload: dict[str, Any]) -> dict[str, Any]:
    raise ValueError("a bug in a job")


def not_json(payload: dict[str, Any]) -> dict[str, Any]:
    return {"bad": object()}


def sandbox_run(payload: dict[str, Any]) -> dict[str, Any]:
    """Runs a Python snippet in this worker's sandbox and reports what came back."""
    sandbox = worker_sandbox()
    with sandbox.scratch_dir() as scratch:
        (scratch / "main.py").write_text(payload["source"])
        limits = Limits(wall_s=float(payload.get("wall_s", 5)))
        result = sandbox.run([sandbox.settings.python_bin, "/work/main.py"], scratch=scratch, limits=limits)
    return {
        "exit_code": result.exit_code,
        "stdout": result.stdout.decode(errors="replace"),
        "results": result.results.decode(errors="replace"),
        "timed_out": result.timed_out,
        "uid": sandbox.uid,
        "pid": os.getpid(),
    }


JOBS = [
    echo,
    interval,
    wait_for_file,
    touch,
    introspect,
    crash,
    raise_unsupported,
    raise_bug,
    not_json,
    sandbox_run,
]


@pytest.fixture
def pool_settings(judge_settings: JudgeSettings) -> JudgeSettings:
    return judge_settings.model_copy(update={"slots": 2, "queue_size": 2})


@pytest.fixture
async def pool(pool_settings: JudgeSettings):
    async with JudgePool(pool_settings, jobs=JOBS) as p:
        yield p


async def wait_until(predicate, within: float = 60.0) -> None:
    """Poll until `predicate()` holds; a generous bound (a respawned worker on a loaded box): for what must happen."""
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


# ------------------------------------------------------------------ tests


async def test_jobs_run_in_separate_subreaper_workers_with_the_pool_settings(pool, pool_settings):
    first = await pool.submit("echo", {"x": [1, 2]})
    assert first["echo"] == {"x": [1, 2]}
    assert first["pid"] != os.getpid()
    assert first["pid"] in pool.worker_pids
    info = await pool.submit("introspect", {})
    assert info == {"subreaper": 1, "sandbox_uid": pool_settings.sandbox_uid, "queue_size": 2}


async def test_workers_inherit_no_secrets_from_the_process_that_starts_them(pool_settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://canary-db-secret@127.0.0.1/x")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-canary-openai-secret")
    async with JudgePool(pool_settings, jobs=[*JOBS, environment]) as p:
        env = (await p.submit("environment", {}))["env"]
    assert "DATABASE_URL" not in env and "OPENAI_API_KEY" not in env
    assert not any("canary" in v for v in env.values())
    assert env["SHADOWS_JUDGE_SLOTS"] == "2"


async def test_jobs_are_submittable_by_dotted_path_but_unregistered_ones_are_refused(pool):
    assert (await pool.submit("tests.judge.test_pool.echo", {"a": 1}))["echo"] == {"a": 1}
    with pytest.raises(JudgeInternalError):
        await pool.submit("os.system", {})


async def test_slots_run_jobs_concurrently_in_different_workers(pool):
    a, b = await asyncio.gather(pool.submit("interval", {"s": 0.5}), pool.submit("interval", {"s": 0.5}))
    assert a["pid"] != b["pid"]
    assert a["start"] < b["end"] and b["start"] < a["end"]  # the two jobs overlapped in time


async def test_full_queue_raises_retryable_busy_error(pool, tmp_path):
    gate = tmp_path / "gate"
    running = [asyncio.create_task(pool.submit("wait_for_file", {"path": str(gate)})) for _ in range(2)]
    await wait_until(lambda: pool.running == 2)
    queued = [asyncio.create_task(pool.submit("echo", {"n": i})) for i in range(2)]
    await wait_until(lambda: pool.queued == 2)
    with pytest.raises(JudgeBusyError) as info:
        await pool.submit("echo", {"n": 99})
    assert info.value.retryable is True
    assert info.value.code == "judge_busy"
    gate.write_text("go")
    assert [r["echo"]["n"] for r in await asyncio.gather(*queued)] == [0, 1]
    assert len(await asyncio.gather(*running)) == 2


async def test_cancelling_a_running_job_kills_and_replaces_its_worker(pool, pool_settings, tmp_path):
    gate = tmp_path / "never"
    task = asyncio.create_task(
        pool.submit(
            "sandbox_run", {"source": "import time\nprint('up', flush=True)\ntime.sleep(60)\n", "wall_s": 30}
        )
    )
    await wait_until(lambda: pool.running == 1)
    await asyncio.sleep(0.5)  # let the sandboxed program start
    victim_pids = set(pool.worker_pids)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await wait_until(lambda: len(pool.worker_pids) == 2 and set(pool.worker_pids) != victim_pids)
    assert len(set(pool.worker_pids) & victim_pids) == 1  # exactly one worker was replaced
    left = wait_no_strays(pool_settings, allowed=frozenset(pool.worker_pids))
    assert left == []
    assert not gate.exists()
    assert (await pool.submit("echo", {"after": True}))["echo"] == {"after": True}


@pytest.mark.parametrize("waiting_for", ["slot", "queue_lock"])
async def test_cancelling_a_queued_job_means_it_never_runs(waiting_for, pool_settings, tmp_path):
    settings = pool_settings.model_copy(update={"slots": 1})
    gate, marker = tmp_path / "gate", tmp_path / "marker"
    async with JudgePool(settings, jobs=JOBS) as pool:
        blocker = asyncio.create_task(pool.submit("wait_for_file", {"path": str(gate)}))
        await wait_until(lambda: pool.running == 1)
        # "queue_lock": cancelled at the await before its job is queued, which must leave nothing behind.
        if waiting_for == "queue_lock":
            await pool._cond.acquire()
        queued = asyncio.create_task(pool.submit("touch", {"path": str(marker)}))
        if waiting_for == "queue_lock":
            await asyncio.sleep(0)  # the submit's first step: it now waits for the lock
            assert not queued.done()
        else:
            await wait_until(lambda: pool.queued == 1)
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued
        assert (pool.queued, pool.running) == (0, 1)
        if waiting_for == "queue_lock":
            pool._cond.release()
        gate.write_text("go")
        await blocker
        await pool.submit("echo", {})  # the slot has moved past where the cancelled job was
    assert not marker.exists()


async def test_a_job_still_queued_at_its_start_by_is_refused_and_never_runs(pool, tmp_path):
    gate, late, kept = tmp_path / "gate", tmp_path / "late", tmp_path / "kept"
    # A job in a slot keeps its timeout past its start-by.
    first_start_by = time.monotonic() + 0.2
    started = asyncio.create_task(pool.submit("wait_for_file", {"path": str(gate)}, start_by=first_start_by))
    blocker = asyncio.create_task(pool.submit("wait_for_file", {"path": str(gate)}))
    await wait_until(lambda: pool.running == 2)
    # Both slots held: this one waits in the queue, and is refused at its start-by, giving its place back.
    with pytest.raises(JudgeStartExpiredError) as info:
        await pool.submit("touch", {"path": str(late)}, start_by=time.monotonic() + 0.05)
    assert info.value.code == "judge_start_expired"
    assert pool.queued == 0 and pool.running == 2
    # A start-by already past is refused before it is queued; one set for the context applies to its calls.
    with pytest.raises(JudgeStartExpiredError):
        await pool.submit("touch", {"path": str(late)}, start_by=time.monotonic() - 1)

    async def in_context() -> dict:
        start_by_context.set(time.monotonic() + 0.05)
        return await pool.submit("touch", {"path": str(late)})

    with pytest.raises(JudgeStartExpiredError):
        await asyncio.create_task(in_context())
    assert start_by_context.get() is None  # the task's own context: not this one
    # A later start-by still pending when a slot frees starts there.
    waiting = asyncio.create_task(pool.submit("touch", {"path": str(kept)}, start_by=time.monotonic() + 600))
    await wait_until(lambda: pool.queued == 1)
    await asyncio.sleep(max(0.0, first_start_by - time.monotonic()) + 0.01)  # past it: the job runs on
    gate.write_text("go")
    assert len(await asyncio.gather(started, blocker, waiting)) == 3
    assert kept.read_text() == "ran"
    await pool.submit("echo", {})  # every slot has moved past where the refused jobs were
    assert not late.exists()


async def test_worker_crash_is_an_internal_error_and_the_slot_recovers(pool, monkeypatch):
    before = set(pool.worker_pids)
    with pytest.raises(JudgeInternalError):
        await pool.submit("crash", {})
    results = await asyncio.gather(*(pool.submit("echo", {"i": i}) for i in range(4)))
    assert [r["echo"]["i"] for r in results] == [0, 1, 2, 3]
    await wait_until(lambda: pool.respawns == 1 and len(pool.worker_pids) == 2)
    assert len(set(pool.worker_pids) & before) == 1

    # The pool's own failure once a slot has taken a job fails that job: its caller is never left waiting on it.
    def fail() -> int:
        monkeypatch.undo()
        raise OSError("/proc unreadable")

    monkeypatch.setattr(pool_module, "reap_bwrap_zombies", fail)
    async with asyncio.timeout(30):
        with pytest.raises(JudgeInternalError):
            await pool.submit("echo", {})
        assert (pool.queued, pool.running) == (0, 0)
        assert (await pool.submit("echo", {"after": True}))["echo"] == {"after": True}


async def test_job_errors_cross_the_process_boundary_typed(pool):
    with pytest.raises(UnsupportedLanguageError) as info:
        await pool.submit("raise_unsupported", {})
    assert info.value.code == "unsupported_language"
    assert info.value.retryable is False
    with pytest.raises(JudgeInternalError):
        await pool.submit("raise_bug", {})
    with pytest.raises(JudgeInternalError):
        await pool.submit("not_json", {})
    assert (await pool.submit("echo", {"still": "serving"}))["echo"] == {"still": "serving"}


async def test_job_overrunning_the_job_timeout_is_killed_and_replaced(pool_settings):
    settings = pool_settings.model_copy(update={"slots": 1, "job_timeout_s": 0.5})
    async with JudgePool(settings, jobs=JOBS) as pool:
        first = pool.worker_pids
        with pytest.raises(JudgeInternalError):
            await pool.submit("interval", {"s": 30})
        result = await pool.submit("echo", {})
        assert result["pid"] not in first


async def test_sandboxed_runs_in_workers_use_one_uid_per_worker_from_the_range(pool, pool_settings):
    src = "import os\nprint(os.getuid())\nos.write(3, b'done')\n"
    results = await asyncio.gather(*(pool.submit("sandbox_run", {"source": src}) for _ in range(4)))
    by_worker = {r["pid"]: r["uid"] for r in results}
    assert len(set(by_worker.values())) == len(by_worker)  # no two workers share a uid
    first, count = pool_settings.sandbox_uid, pool_settings.sandbox_uid_count
    assert all(first <= uid < first + count for uid in by_worker.values())
    for r in results:
        assert (r["exit_code"], r["results"], int(r["stdout"])) == (0, "done", r["uid"])


async def test_pool_refuses_to_start_when_the_sandbox_is_unavailable(pool_settings):
    settings = pool_settings.model_copy(update={"bwrap_bin": "/nonexistent/bwrap", "slots": 1})
    with pytest.raises(SandboxUnavailableError):
        async with JudgePool(settings, jobs=JOBS):
            pass
    assert [p for p in descendants(os.getpid(), process_table()) if "judge.pool" in _cmdline(p.pid)] == []


async def test_aclose_fails_queued_jobs_and_stops_every_worker(pool_settings, tmp_path):
    settings = pool_settings.model_copy(update={"slots": 1})
    pool = JudgePool(settings, jobs=JOBS)
    await pool.start()
    pids = pool.worker_pids
    blocker = asyncio.create_task(pool.submit("wait_for_file", {"path": str(tmp_path / "never")}))
    await wait_until(lambda: pool.running == 1)
    queued = asyncio.create_task(pool.submit("echo", {}))
    await wait_until(lambda: pool.queued == 1)
    await pool.aclose()
    for task in (blocker, queued):
        with pytest.raises(JudgeInternalError):
            await task
    alive = {p.pid for p in process_table()}
    assert not set(pids) & alive
    with pytest.raises(JudgeInternalError):
        await pool.submit("echo", {})


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


async def test_payload_that_is_not_json_is_refused_without_harming_the_slot(pool):
    with pytest.raises(JudgeInternalError):
        await pool.submit("echo", {"x": object()})
    assert pool.queued == 0
    assert (await pool.submit("echo", {"ok": 1}))["echo"] == {"ok": 1}
