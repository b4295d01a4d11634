"""Shared fixtures: a real PostgreSQL server, a fresh migrated database per test, a real Redis server, the real API
over HTTP, and real `shadows worker` processes on the test's database."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from psycopg import sql
from psycopg.rows import DictRow, dict_row

from api.app import create_app
from api.db.embedded import EmbeddedPostgres
from api.db.migrate import migrate
from api.db.orgs_repo import create_org
from api.db.pool import connection, create_pool
from api.db.questions_repo import upsert_bank
from api.server_options import uvicorn_options
from api.settings import ApiSettings
from bench._redis import running_redis
from judge.bank import load_bank
from tests import agent_start as starts
from tests import checkout_guard, file_cost
from tests.route_builds import share_route_builds
from tests.served import InProcessServer, bound_socket

ROOT = Path(__file__).resolve().parents[1]
share_route_builds()  # each route built once per test process, as in a deployed API (tests/route_builds.py)
# One template per pytest-xdist worker: workers share a server when DATABASE_URL is set.
TEMPLATE_DB = "shadows_template_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
LIVEKIT_KEY = "test-livekit-key"
LIVEKIT_SECRET = "test-livekit-secret-" + "x" * 40
DB_FIXTURES = {"pg_admin_url", "template_db", "db_url", "db", "api_settings", "api_server"}


# The files that take longest, longest first: every file of 30 s or more in full runs' JUnit reports (the mean of the
# runs at fd370e8a and dbac547b, 2026-12-07: 42 files, 50 % of the suite's test time), each summed over its tests.
# `make test` hands whole files to its workers in collection order (--dist loadfile --no-loadscope-reorder), so these
# start first and the suite ends on short files. xdist's own order (most tests first) started the schemathesis file,
# a few tests of minutes each, near the end, and a shorter list left files of 90-150 s (the auth matrix, the report
# wraps, the judge's honest limits) to start late: one worker ran each on after the others had finished. A list gone
# stale does the same: it had left seven files of 30-40 s (six of them browser files) among the unlisted rest, and
# listed ten of under 30 s ahead of them. Only the order changes.
LONGEST_FIRST = (
    "tests/judge/test_judge0_backend.py", "tests/api/test_fuzz.py", "tests/judge/test_hostile.py",
    "tests/api/test_worker.py", "tests/web/test_candidate_page.py", "tests/judge/test_hostile_integrity.py",
    "tests/api/test_webhook_delivery.py", "tests/judge/test_honest_limits.py", "tests/api/test_auth_matrix.py",
    "tests/api/test_grading_e2e.py", "tests/api/test_report_wrapped_lines.py",
    "tests/web/test_candidate_page_busy_server.py", "tests/web/test_call.py", "tests/api/test_ashby.py",
    "tests/agent/test_voice_timing.py", "tests/web/test_candidate_page_ended_elsewhere.py",
    "tests/api/test_report_field_wraps.py", "tests/api/test_ats_burst_worker_killed.py",
    "tests/judge/test_harness_caches.py", "tests/web/test_candidate_page_steps.py", "tests/judge/test_verdicts.py",
    "tests/api/test_protocol_hygiene.py", "tests/api/test_resume_bombs.py", "tests/judge/test_bank_validation.py",
    "tests/agent/test_simulate.py", "tests/web/test_candidate_page_leaving.py", "tests/judge/test_stress.py",
    "tests/api/test_greenhouse.py", "tests/web/test_embed_and_docs.py", "tests/api/test_dev.py",
    "tests/web/test_candidate_page_fresh_round.py", "tests/web/test_candidate_page_deploy.py",
    "tests/web/test_report_keyboard.py", "tests/agent/test_time_marks.py", "tests/web/test_report_page.py",
    "tests/agent/test_realtime_guard.py", "tests/judge/test_decode_not_charged.py", "tests/api/test_run_window.py",
    "tests/judge/test_remote_backend.py", "tests/judge/test_hostile_sandbox.py",
    "tests/agent/test_leaving_complements.py", "tests/web/test_candidate_page_second_tab.py",
)  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    file_cost.register(config)  # measuring aid, off unless SHADOWS_TEST_FILE_COST is set (tests/file_cost.py)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}

    def order(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        # After the longest, the other browser files (seconds a test, Chromium beside each), then the rest: collected
        # last (tests/web sorts last), they made the suite's tail, 2.5 minutes of it with one or two workers busy.
        return rank.get(path, len(rank) + (0 if path.startswith("tests/web/") else 1))

    # A stable sort: the other files, and the tests within each file, keep the order they were collected in.
    items.sort(key=order)


def pytest_collection_finish(session: pytest.Session) -> None:
    # What a served API does at start (gc_freeze_on_start), once per test process: the modules and collected
    # tests are never garbage, and freezing them halves each full collection's walk (here 250 ms to 140 ms),
    # a pause that stalls the event loop every test's app and client share.
    gc.collect()
    gc.freeze()


# --- the checkout stays clean --------------------------------------------------------------------------------------

_checkout: dict[str, dict[str, int]] = {}


@pytest.fixture
def tmp_path(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """pytest's `tmp_path`, made without its numbering: `make_numbered_dir` lists the whole base directory to find
    the next number, at every test (about 6,000 names a worker by a run's end: 4 ms of CPU a test, 30 CPU-seconds a
    run), then replaces a `...current` symlink. A random suffix needs neither. Same base directory, a name as long as
    pytest's at most (unix socket paths live in some). Kept as pyproject.toml's `tmp_path_retention_policy` says,
    applied as pytest's own fixture applies it: under "failed", the directory of a test whose setup and call passed
    is removed as the test ends (a run's scratch is ~350 MB, on tmpfs, so RAM, under `make test`)."""
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in request.node.name)[:24]
    failed_before = request.session.testsfailed
    path = Path(tempfile.mkdtemp(prefix=name + "_", dir=tmp_path_factory.getbasetemp()))
    yield path
    failed = request.session.testsfailed > failed_before
    if request.config.getini("tmp_path_retention_policy") == "failed" and not failed:
        shutil.rmtree(
            path, ignore_errors=True
        )  # best effort, as pytest's: a process the test left may hold it


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This test's data directory (`SHADOWS_API_DATA_DIR`), where settings built in the test and the processes it
    starts (`child_env`) keep what they write: artifacts, an embedded database. Unset, it is the checkout's own
    `.data/`, the developer's. After the test, fails it if anything appeared in the checkout
    (`tests/checkout_guard.py`: caches, builds and screenshots are allowed)."""
    path = tmp_path / "data"
    monkeypatch.setenv("SHADOWS_API_DATA_DIR", str(path))
    before = _checkout.get("last") or checkout_guard.snapshot(ROOT)
    yield path
    # Compared with the snapshot after the previous test (one walk a test, ~10 ms): under pytest-xdist another
    # process's test may be the writer, and the message says so.
    after = _checkout["last"] = checkout_guard.snapshot(ROOT)
    written = checkout_guard.changes(before, after)
    if written:
        pytest.fail(
            "written into the checkout during this test (or by a test running beside it under xdist, or by you: "
            f"a file created while the tests run counts too); use the `data_dir` or `tmp_path` fixture instead: "
            f"{written[:20]}",
            pytrace=False,
        )


def child_env(strip: tuple[str, ...] = ("SHADOWS_",), **extra: str) -> dict[str, str]:
    """The environment for a process a test starts: this one's, without the variables whose names start with one
    of `strip` (a developer's own settings), plus `extra`; always with this test's data directory, so the child
    writes there and never into the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(strip)}
    env["SHADOWS_API_DATA_DIR"] = os.environ["SHADOWS_API_DATA_DIR"]  # set by the autouse `data_dir`
    return {**env, **extra}


def _with_db(url: str, name: str) -> str:
    return str(psycopg.conninfo.make_conninfo(url, dbname=name))


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """DATABASE_URL when set (its server must allow CREATE DATABASE); otherwise a throw-away local cluster."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    root = Path(tempfile.mkdtemp(prefix="shadows-pg-"))
    os.chmod(root, 0o755)  # the postgres user must traverse it
    pg = EmbeddedPostgres(root, fast_unsafe=True)
    try:
        url = pg.start()
        file_cost.watch_pid_file(pg.data / "postmaster.pid")
        yield url
    finally:
        pg.stop()
        # About 80 MB a process: a box that runs the suite all day would fill its disk.
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def template_db(pg_admin_url: str) -> str:
    """A database migrated and loaded with the question bank once; each test copies it."""
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(TEMPLATE_DB)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(TEMPLATE_DB)))
    url = _with_db(pg_admin_url, TEMPLATE_DB)

    async def prepare() -> None:
        await migrate(url)
        pool = create_pool(url, min_size=1, max_size=1)
        await pool.open()
        try:
            async with connection(pool) as conn:
                await upsert_bank(conn, load_bank(ROOT / "questions"))
        finally:
            await pool.close()

    asyncio.run(prepare())
    return url


class _Databases:
    """Fresh databases copied from the template, one made ahead: the next test's database is created, and the last
    test's dropped, on a background thread while a database test runs (about 0.3 s a test, 1,475 tests, that sat in
    each test's setup and teardown). The work is started as such a test begins and awaited as it ends, so none goes
    on beside a test that counts its process's descriptors or threads. One thread, so one copy of the template at a
    time; FILE_COPY copies its files: half the time of PostgreSQL 15's default (WAL_LOG), which writes the 14 MB
    template through the WAL each time."""

    def __init__(self, admin_url: str) -> None:
        self._admin_url = admin_url
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases")
        self._next: Future[str] | None = None
        self._used: list[str] = []  # given back, dropped as the next test begins
        self._drops: list[Future[None]] = []

    def _create(self) -> str:
        name = "t_" + secrets.token_hex(6)
        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("create database {} template {} strategy file_copy").format(
                    sql.Identifier(name), sql.Identifier(TEMPLATE_DB)
                )
            )
        return name

    def _drop(self, name: str) -> None:
        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))

    def take(self) -> str:
        """A fresh database's name (made ahead, or now); the next one and the drops of the used ones started."""
        made, self._next = self._next, None
        name = made.result() if made is not None else self._create()
        self._drops = [self._thread.submit(self._drop, used) for used in self._used]
        self._used = []
        self._next = self._thread.submit(self._create)
        return name

    def give_back(self, name: str) -> None:
        """`name` is done with; the work started as its test began is awaited (its errors come at the next take)."""
        self._used.append(name)
        wait([*self._drops, *([self._next] if self._next is not None else [])])
        for dropped in self._drops:
            dropped.result()
        self._drops = []

    @contextlib.contextmanager
    def lent(self, admin_url: str) -> Iterator[str]:
        """A fresh database's URL for the length of the block (`take`, then `give_back`)."""
        name = self.take()
        try:
            yield _with_db(admin_url, name)
        finally:
            self.give_back(name)

    def close(self) -> None:
        if self._next is not None:
            with contextlib.suppress(Exception):
                self._used.append(self._next.result())
        for used in self._used:
            with contextlib.suppress(Exception):
                self._drop(used)
        self._thread.shutdown(wait=True)


@pytest.fixture(scope="session")
def _databases(pg_admin_url: str, template_db: str) -> Iterator[_Databases]:
    made = _Databases(pg_admin_url)
    try:
        yield made
    finally:
        made.close()  # before the cluster stops (or, on a shared server, so that no database is left on it)


@pytest.fixture
def db_url(pg_admin_url: str, _databases: _Databases) -> Iterator[str]:
    """A fresh database per test, copied from the template (isolation per test), made ahead (`_Databases`)."""
    with _databases.lent(pg_admin_url) as url:
        yield url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[psycopg.AsyncConnection[DictRow]]:
    async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A throw-away redis-server on a free loopback port, without persistence (the shared rate-limit storage).
    Each test's API settings get their own key prefix, so tests never see each other's counters."""
    with running_redis() as url:  # RedisUnavailableError says what to install
        yield url


@pytest.fixture
def api_settings(db_url: str, data_dir: Path, redis_url: str) -> ApiSettings:
    return api_settings_for(db_url, data_dir, redis_url)


def api_settings_for(db_url: str, data_dir: Path, redis_url: str) -> ApiSettings:
    """The settings of a test's API (the `api_settings` fixture's; for a fixture of wider scope, its own)."""
    return ApiSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg: ignore a developer's .env
        environment="test",
        database_url=db_url,
        internal_token=secrets.token_urlsafe(32),
        livekit_url="ws://127.0.0.1:7880",
        livekit_api_key=LIVEKIT_KEY,
        livekit_api_secret=LIVEKIT_SECRET,
        practice_enabled=True,
        log_json=False,
        data_dir=data_dir,
        questions_dir=ROOT / "questions",
        redis_url=redis_url,
        redis_prefix="t" + secrets.token_hex(6),
        # The app and the test share one event loop in a process running a share of the suite, on a box running
        # three such workers: a stall of that process (a full garbage collection of its heap, or no CPU) while a
        # Redis answer is pending trips the timeout though Redis answered at once. A production API process stalls
        # this long only when it is failing anyway; test_proxies_ratelimits.py checks the short timeout itself.
        redis_timeout_s=10,
        # A full collection per app walks the whole test process (0.5-1 s a test); test_health checks the default.
        gc_freeze_on_start=False,
    )


# One TLS context for the suite's HTTP clients: httpx builds one per client otherwise, loading the CA bundle
# (40-50 ms here) for clients that only ever speak plain HTTP to loopback.
CLIENT_TLS = ssl.create_default_context()


def client_limits(settings: ApiSettings) -> httpx.Limits:
    """A client's idle connections expire well before the server closes them (`keep_alive_s`). At httpx's default,
    the same 5 s as uvicorn's, a request sent as the server's idle timer fired went out on a connection being
    closed: a ReadError for a request the server never read."""
    return httpx.Limits(keepalive_expiry=settings.keep_alive_s / 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ApiServer:
    """The real app under uvicorn on 127.0.0.1, with one organisation created."""

    url: str
    settings: ApiSettings
    org_id: str
    org_key: str
    client: httpx.AsyncClient
    app: Any = field(repr=False)

    @property
    def internal_token(self) -> str:
        return self.settings.internal_token.get_secret_value()

    def org_headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.org_key}"}

    def internal_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.internal_token}"}

    async def create_org(self, name: str) -> tuple[str, str]:
        async with connection(self.app.state.pool) as conn:
            org_id, key = await create_org(conn, name)
        return str(org_id), key

    async def create_session(self, key: str | None = None, **body: Any) -> dict[str, Any]:
        body.setdefault("candidate", {"name": "Ada Lovelace", "email": "ada@example.com"})
        r = await self.client.post("/v1/sessions", json=body, headers=self.org_headers(key))
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def consented_session(self, key: str | None = None, **body: Any) -> dict[str, Any]:
        """A session its candidate has agreed to (the notice in force): one the interviewer's start may start."""
        created = await self.create_session(key, **body)
        await self.consent(created)
        return created

    async def consent(self, created: dict[str, Any]) -> None:
        """The candidate agrees to the notice their page shows (what opens the room to them)."""
        await starts.consent(self.client, created)

    async def agent_start(
        self, created: dict[str, Any] | str, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """The candidate agrees to the notice in force, then the interviewer starts the session (`tests.agent_start`):
        through the candidate's routes for a `POST /v1/sessions` answer, recorded directly for a bare session id."""
        headers = headers or self.internal_headers()
        if isinstance(created, dict):
            return await starts.agent_start(self.client, created, headers)
        await starts.record_consent(self.app.state.pool, created)
        return await self.client.post(f"/v1/internal/sessions/{created}/start", headers=headers)


@pytest.fixture
async def api_server(api_settings: ApiSettings) -> AsyncIterator[ApiServer]:
    async with serving_api(api_settings) as server:
        yield server


@contextlib.asynccontextmanager
async def serving_api(api_settings: ApiSettings) -> AsyncIterator[ApiServer]:
    """The `api_server` fixture's server (for a fixture of wider scope, its own): started, one organisation made."""
    with bound_socket() as sock:  # the port is the server's from here on (tests/served.py)
        port = sock.getsockname()[1]
        api_settings = api_settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
        app = create_app(api_settings)
        server = InProcessServer(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=port,
                log_level="warning",
                lifespan="on",
                **uvicorn_options(api_settings),
            )
        )
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            # must start: up to a minute, generous for a loaded box (5 s was not, in CI)
            for _ in range(6000):
                if server.started or task.done():
                    break
                await asyncio.sleep(0.01)
            if task.done():
                task.result()
            assert server.started, "uvicorn did not start"
            url = f"http://127.0.0.1:{port}"
            async with connection(app.state.pool) as conn:
                org_id, key = await create_org(conn, "Acme Hiring")
            async with httpx.AsyncClient(
                base_url=url, timeout=30, verify=CLIENT_TLS, limits=client_limits(api_settings)
            ) as client:
                yield ApiServer(
                    url=url, settings=api_settings, org_id=str(org_id), org_key=key, client=client, app=app
                )
        except BaseException:
            # a failed start, organisation or test: the server stopped (cancelled if stuck in its start), and the
            # first failure the one raised
            server.should_exit = True
            if not server.started:
                task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise
        server.should_exit = True
        await task


# --- the job worker ----------------------------------------------------------------------------------------------

# Fast failure detection for tests: heartbeats every 0.5 s, a worker silent for 2 s is dead, checked every second.
WORKER_TEST_ENV = {
    "SHADOWS_API_ENVIRONMENT": "test",
    "SHADOWS_API_LOG_JSON": "true",
    "SHADOWS_API_DB_POOL_MAX": "8",
    "SHADOWS_WORKER_CONCURRENCY": "2",
    "SHADOWS_WORKER_HEARTBEAT_S": "0.5",
    "SHADOWS_WORKER_STALLED_AFTER_S": "2",
    "SHADOWS_WORKER_STALLED_CHECK_S": "1",
    "SHADOWS_WORKER_POLL_S": "0.5",
    "SHADOWS_WORKER_SHUTDOWN_GRACE_S": "10",
}


@dataclass
class WorkerProcess:
    """A real `shadows worker` (`python -m api worker`) on the test's database; its JSON log lines in `log_path`."""

    proc: subprocess.Popen[bytes]
    log_path: Path
    # What was read of the log so far: waits poll it every 50 ms, and parsing the whole log each time grew with it.
    _read_to: int = field(default=0, repr=False)
    _events: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_events(self) -> list[dict[str, Any]]:
        with self.log_path.open("rb") as f:
            f.seek(self._read_to)
            new = f.read()
        complete = new[: new.rfind(b"\n") + 1]  # a line still being written is read next time
        self._read_to += len(complete)
        for line in complete.decode(errors="replace").splitlines():
            try:
                self._events.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return list(self._events)

    def logged(self, event: str) -> bool:
        return any(e.get("event") == event for e in self.log_events())

    def wait_for_log(self, event: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.logged(event):
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"worker exited ({self.proc.returncode}): {self.log_path.read_text()[-3000:]}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"no {event!r} within {timeout}s: {self.log_path.read_text()[-3000:]}")
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        """Send `sig` and wait for the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


StartWorker = Callable[..., WorkerProcess]


@pytest.fixture
def start_worker(db_url: str, tmp_path: Path) -> Iterator[StartWorker]:
    """Factory: `start_worker(**env)` starts a real worker on this test's database and returns once it fetches jobs.
    `env` adds or overrides variables (e.g. SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.grader"). It runs in its own
    directory (no developer .env) and is killed at teardown if still running. xdist-safe: no ports, no shared paths."""
    started: list[WorkerProcess] = []

    def start(**env: str) -> WorkerProcess:
        n = len(started) + 1
        cwd = tmp_path / f"worker-{n}"
        cwd.mkdir()
        log_path = tmp_path / f"worker-{n}.log"
        full_env = child_env(
            ("SHADOWS_", "DATABASE_URL", "OPENAI_"),
            **{**WORKER_TEST_ENV, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), **env},
        )
        with log_path.open("wb") as log_file:
            proc = subprocess.Popen(  # our own interpreter and module
                [sys.executable, "-m", "api", "worker"],
                cwd=cwd,
                env=full_env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(proc, log_path)
        started.append(worker)
        worker.wait_for_log("worker.started")
        return worker

    try:
        yield start
    finally:
        for worker in started:
            if worker.proc.poll() is None:
                worker.proc.kill()
                worker.proc.wait(timeout=30)


@pytest.fixture
def job_worker(start_worker: StartWorker) -> WorkerProcess:
    """One real worker with the default task modules (no grader configured: versions fail `grader_not_configured`)."""
    return start_worker()


# --- the web build (web/dist), shared by the browser tests and the report pages' replay assets ---

WEB = ROOT / "web"
DIST = WEB / "dist"
WEB_SOURCES = ("index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json", "src")


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in WEB_SOURCES:
        path = WEB / name
        files = path.rglob("*") if path.is_dir() else [path]
        newest = max([newest, *(f.stat().st_mtime for f in files if f.is_file())])
    return newest


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """web/dist, rebuilt by scripts/build-web.sh when missing or older than the sources."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm are not installed (scripts/setup.sh installs them)")
    version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    major, minor = (int(x) for x in version.lstrip("v").split(".")[:2])
    if (major, minor) < (20, 19):
        pytest.skip(f"node {version} is too old for the web build (needs 20.19+)")
    index = DIST / "index.html"
    playwright = WEB / "node_modules" / "playwright-core"
    # pytest-xdist workers share this checkout: one builds while the others wait, then see a fresh build.
    with open(WEB / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not index.exists() or not playwright.exists() or index.stat().st_mtime < _newest_source_mtime():
            done = subprocess.run(
                ["bash", str(ROOT / "scripts" / "build-web.sh")], capture_output=True, text=True, timeout=600
            )
            assert done.returncode == 0, f"build-web.sh failed:\n{done.stdout}\n{done.stderr}"
    assert index.exists(), "scripts/build-web.sh did not produce web/dist/index.html"
    return DIST
