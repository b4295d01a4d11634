"""Latency of `POST /v1/sessions` and `POST /v1/join` at a constant arrival rate, against the real API (a separate
uvicorn process) and a durable local PostgreSQL 15, driven by npm `loadtest` (open loop: requests leave on a
fixed schedule whether or not earlier ones have answered, so a slow server cannot slow the load down).

Baselines measured in the same run: the loader against a trivial Node.js server (the floor of the apparatus on
this machine right now), `GET /healthz` through the same loader at the highest target rate (the floor of the
HTTP stack: uvicorn, middleware, loopback), and a sequential single-connection run of each endpoint (service time
with no queueing at all). CPU per request of the API and PostgreSQL, and CPU used by anything else on the
machine, are measured over the same windows.

    python -m bench api [--workers N] [--seconds S] [--write-doc docs/benchmarks-api.md]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
TOOLS_DIR = ROOT / ".cache" / "bench-node"
LOADTEST_VERSION = "8.2.1"
DOC_PATH = ROOT / "docs" / "benchmarks-api.md"
CLK_TCK = os.sysconf("SC_CLK_TCK")
CONTENDED_PCT = (
    25.0  # CPU used by processes outside the benchmark, % of one core, above which a run is flagged
)


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str
    rps: int
    p99_ms: float | None  # None: a baseline, not a target


# The targets on 2 cores.
CREATE = Target("POST /v1/sessions", "POST", "/v1/sessions", 150, 25.0)
JOIN = Target("POST /v1/join", "POST", "/v1/join", 300, 10.0)
HEALTH = Target("GET /healthz (floor)", "GET", "/healthz", 300, None)
# The measuring apparatus alone: the same loader against a trivial Node.js server on loopback.
LOOPBACK = Target("loader floor (Node echo)", "GET", "/healthz", 300, None)

FLOOR_SERVER_JS = r"""
import http from 'node:http'
const server = http.createServer((req, res) => {
  req.resume()
  req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end('{"status":"ok"}') })
})
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`))
"""

# The open-loop driver: loadtest's timer fires every 1000/rps ms (catching up when late) and hands the request
# to a free client, creating a new one (a new keep-alive connection) when all are busy. The driver times each
# request itself in nanoseconds (loadtest's own figures are whole milliseconds) and from its *scheduled* departure
# (first + k/rps), so a late loader is charged to latency rather than hidden (coordinated omission); it also keeps
# the time from the actual departure (`service`) and the worst departure lag. After the window it waits up to
# the client timeout for requests in flight; any still open then are `unfinished`.
DRIVER_JS = r"""
import { readFileSync, writeFileSync } from 'node:fs'
import { loadTest } from 'loadtest'

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const intervalNs = 1e9 / cfg.rps
let n = 0
let pending = ''
function nextBody() {
  const i = n++
  if (cfg.bodies) return cfg.bodies[i % cfg.bodies.length]
  return cfg.bodyTemplate.replaceAll('{n}', `${cfg.runId}-${i}`)
}
const now = () => Number(process.hrtime.bigint())  // ns; float precision is ample for a run

async function phase(seconds) {
  const fromSchedule = []  // ms from the request's scheduled departure to the end of its response
  const service = []       // ms from its actual departure
  const statuses = {}
  let sent = 0, failed = 0, inFlight = 0, maxLagMs = 0, first = 0, lastEnd = 0
  const options = {
    url: cfg.url, method: cfg.method, headers: cfg.headers, requestsPerSecond: cfg.rps, maxSeconds: seconds,
    agentKeepAlive: true, timeout: cfg.timeoutMs, quiet: true, contentType: 'application/json',
    requestGenerator: (opts, params, request, callback) => {
      const t0 = now()
      if (sent === 0) first = t0
      const scheduled = first + sent * intervalNs
      maxLagMs = Math.max(maxLagMs, (t0 - scheduled) / 1e6)
      sent++
      inFlight++
      if (cfg.method === 'POST') {
        pending = nextBody()
        params.headers['content-length'] = Buffer.byteLength(pending)
      }
      let done = false
      const req = request(params, res => {
        res.on('end', () => {
          if (done) return
          done = true
          inFlight--
          const t1 = now()
          lastEnd = t1
          statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1
          fromSchedule.push((t1 - Math.min(t0, scheduled)) / 1e6)  // the timer may fire up to 1 ms early
          service.push((t1 - t0) / 1e6)
        })
        callback(res)
      })
      req.on('error', () => { if (!done) { done = true; inFlight--; failed++ } })
      return req
    },
  }
  if (cfg.method === 'POST') options.body = () => pending
  const cpu0 = process.cpuUsage()
  const summary = await loadTest(options)
  const deadline = Date.now() + cfg.timeoutMs
  while (inFlight > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 5))
  const cpu = process.cpuUsage(cpu0)
  const elapsed = (Math.max(lastEnd, first) - first) / 1e9
  return { fromSchedule, service, statuses, sent, failed, unfinished: inFlight, elapsed, maxLagMs,
           clients: summary.clients, loaderCpuS: (cpu.user + cpu.system) / 1e6 }
}

if (cfg.warmupSeconds > 0) await phase(cfg.warmupSeconds)
process.stdout.write('measure\n')
const result = await phase(cfg.seconds)
process.stdout.write('done\n')
writeFileSync(cfg.out, JSON.stringify(result))
process.exit(0)
"""


# ---------------------------------------------------------------- the load tool


def _run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, check=True, text=True, capture_output=True, **kwargs)


def ensure_loadtest() -> Path:
    """Node.js, npm and loadtest@LOADTEST_VERSION under .cache/bench-node; installs what is missing (Debian
    packages only when running as root), otherwise says what to install and exits."""
    missing = [pkg for cmd, pkg in (("node", "nodejs"), ("npm", "npm")) if shutil.which(cmd) is None]
    if missing:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            print(f"installing Debian packages: {' '.join(missing)}", flush=True)
            _run(["apt-get", "update", "-qq"])
            _run(
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            )
        else:
            sys.exit(
                f"missing {' '.join(missing)}: install with `sudo apt-get install -y {' '.join(missing)}`"
            )
    package_json = TOOLS_DIR / "node_modules" / "loadtest" / "package.json"
    installed = json.loads(package_json.read_text())["version"] if package_json.exists() else None
    if installed != LOADTEST_VERSION:
        TOOLS_DIR.mkdir(parents=True, exist_ok=True)
        print(f"installing npm loadtest@{LOADTEST_VERSION} into {TOOLS_DIR.relative_to(ROOT)}", flush=True)
        _run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(TOOLS_DIR),
                f"loadtest@{LOADTEST_VERSION}",
            ]
        )
    (TOOLS_DIR / "drive.mjs").write_text(DRIVER_JS)
    (TOOLS_DIR / "floor-server.mjs").write_text(FLOOR_SERVER_JS)
    return TOOLS_DIR / "drive.mjs"


# ---------------------------------------------------------------- processes and CPU accounting


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def tree_cpu_seconds(root_pid: int) -> float:
    """User+system CPU of a process and all its live descendants (plus the children they have reaped)."""
    total = 0
    for pid in descendants(root_pid):
        if (f := _stat_fields(pid)) is not None:
            total += sum(int(x) for x in f[11:15])
    return total / CLK_TCK


def descendants(root_pid: int) -> list[int]:
    """A process and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (f := _stat_fields(int(entry.name))) is not None:
            children.setdefault(int(f[1]), []).append(int(entry.name))
    out, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def renice_tree(root_pid: int, nice: int) -> None:
    """Set the nice value of every thread of a process tree (children forked later inherit it)."""
    for pid in descendants(root_pid):
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with suppress(ProcessLookupError):  # the thread or process has just exited
                os.setpriority(os.PRIO_PROCESS, int(task.name), nice)


def autogroup_nice(pid: int) -> int | None:
    """The nice value of a process's scheduler autogroup (None when autogroups are off). With autogroups on,
    the kernel shares CPU between sessions first, so a process's own nice value only ranks it within its
    session: only the autogroup's nice can give the benchmark priority over other sessions' work."""
    try:
        return int(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])
    except (OSError, ValueError):
        return None


def set_autogroup_nice(pid: int, nice: int) -> None:
    with suppress(FileNotFoundError, ProcessLookupError):
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    url: str
    api_pid: int
    pg_pid: int | None
    org_key: str
    api_log: Path
    command: str
    data_dir: Path
    invites: list[str] = field(default_factory=list)


@contextmanager
def running_stack(workers: int, pool_max: int, nice: int, synchronous_commit: str = "on") -> Iterator[Stack]:
    """A throw-away durable PostgreSQL cluster (fsync and synchronous_commit on), migrated and loaded with the
    question bank, one organisation, and the API as its own process on a free loopback port; both at `nice`."""
    from api.cli import _import_questions  # the bench reuses the CLI's import step
    from api.db.embedded import EmbeddedPostgres
    from api.db.migrate import migrate
    from api.db.orgs_repo import create_org
    from api.db.pool import connection, create_pool

    tmp = Path(tempfile.mkdtemp(prefix="shadows-bench-"))
    os.chmod(tmp, 0o755)  # the postgres user must traverse it
    pg = EmbeddedPostgres(tmp / "pg")
    api: subprocess.Popen[bytes] | None = None
    try:
        admin_url = pg.start()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("create database shadows")
            if synchronous_commit != "on":  # a diagnostic: how much of a write's latency is the WAL flush
                conn.execute(f"alter database shadows set synchronous_commit = {synchronous_commit}")
        url = admin_url.rsplit("/", 1)[0] + "/shadows"

        async def prepare() -> str:
            await migrate(url)
            await _import_questions(url, ROOT / "questions")
            pool = create_pool(url, min_size=1, max_size=1)
            await pool.open()
            try:
                async with connection(pool) as conn:
                    return (await create_org(conn, "Bench Hiring"))[1]
            finally:
                await pool.close()

        org_key = asyncio.run(prepare())
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SHADOWS_API_ENVIRONMENT": "local",
            "SHADOWS_API_LOG_JSON": "true",
            "SHADOWS_API_DB_POOL_MAX": str(pool_max),
            "SHADOWS_API_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        venv_bin = Path(sys.executable).parent
        if workers == 1:
            argv = [str(venv_bin / "shadows"), "api", "--host", "127.0.0.1", "--port", str(port)]
        else:
            argv = [
                str(venv_bin / "uvicorn"),
                "--factory",
                "api.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ]
        api_log = tmp / "api.log"
        with api_log.open("wb") as log:
            api = subprocess.Popen(
                ["nice", "-n", str(nice), *argv], env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT
            )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            if api.poll() is not None:
                raise RuntimeError(f"the API exited with {api.returncode}: {api_log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API did not become ready in 30 s")
            time.sleep(0.1)
        pg_pid = int((pg.data / "postmaster.pid").read_text().split()[0])
        renice_tree(pg_pid, nice)
        set_autogroup_nice(pg_pid, nice)  # pg_ctl starts the server in a session (so an autogroup) of its own
        shown = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(argv))
        yield Stack(
            base,
            api.pid,
            pg_pid,
            org_key,
            api_log,
            f"`{shown}` (DB pool max {pool_max} per process; nice {nice} for processes and autogroups)"
            + ("; synchronous_commit=off, NOT durable" if synchronous_commit != "on" else ""),
            pg.data,
        )
    finally:
        if api is not None and api.poll() is None:
            api.send_signal(signal.SIGTERM)
            try:
                api.wait(15)
            except subprocess.TimeoutExpired:
                api.kill()
                api.wait()
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- measuring


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def session_body(i: int | str) -> str:
    return json.dumps({"candidate": {"name": f"Bench Candidate {i}", "email": f"bench+{i}@example.com"}})


def create_invites(stack: Stack, count: int) -> list[str]:
    """Sessions scheduled through the API (eight at a time); their invites feed the join benchmark."""

    async def run() -> list[str]:
        headers = {"Authorization": f"Bearer {stack.org_key}"}
        async with httpx.AsyncClient(base_url=stack.url, headers=headers, timeout=30) as client:
            sem = asyncio.Semaphore(8)

            async def one(i: int) -> str:
                async with sem:
                    r = await client.post(
                        "/v1/sessions",
                        content=session_body(f"seed-{i}"),
                        headers={"content-type": "application/json"},
                    )
                    r.raise_for_status()
                    return str(r.json()["invite"])

            return list(await asyncio.gather(*(one(i) for i in range(count))))

    return asyncio.run(run())


@dataclass
class Sequential:
    name: str
    n: int
    p50_ms: float
    p99_ms: float


def fsync_baseline(directory: Path, n: int = 200) -> Sequential:
    """8 kB appended and fdatasync'd n times in the database's file system: the floor of a durable commit
    (PostgreSQL flushes its WAL like this before a COMMIT returns)."""
    samples = []
    fd, name = tempfile.mkstemp(dir=directory, prefix="fsync-probe-")
    try:
        block = os.urandom(8192)
        for _ in range(n):
            t0 = time.perf_counter()
            os.write(fd, block)
            os.fdatasync(fd)
            samples.append((time.perf_counter() - t0) * 1000)
    finally:
        os.close(fd)
        os.unlink(name)
    samples.sort()
    return Sequential("disk: 8 kB write + fdatasync", n, percentile(samples, 50), percentile(samples, 99))


def sequential_baseline(stack: Stack, n: int) -> list[Sequential]:
    """Each endpoint called n times back to back over one keep-alive connection: no queueing, no concurrency."""
    out = []
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        for target in (HEALTH, CREATE, JOIN):
            samples = []
            for i in range(n + n // 10):  # the first tenth warms up and is dropped
                if target is HEALTH:
                    t0 = time.perf_counter()
                    r = client.get(target.path)
                elif target is CREATE:
                    body = session_body(f"seq-{i}")
                    t0 = time.perf_counter()
                    r = client.post(
                        target.path,
                        content=body,
                        headers={
                            "authorization": f"Bearer {stack.org_key}",
                            "content-type": "application/json",
                        },
                    )
                else:
                    body = json.dumps({"invite": stack.invites[i % len(stack.invites)]})
                    t0 = time.perf_counter()
                    r = client.post(target.path, content=body, headers={"content-type": "application/json"})
                elapsed = (time.perf_counter() - t0) * 1000
                r.raise_for_status()
                if i >= n // 10:
                    samples.append(elapsed)
            samples.sort()
            out.append(Sequential(target.name, n, percentile(samples, 50), percentile(samples, 99)))
    return out


@dataclass
class LoadResult:
    target: Target
    seconds: float
    completed: int
    sent: int
    statuses: dict[str, int]
    failed: int
    unfinished: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    service_p99_ms: float
    max_lag_ms: float
    max_connections: int
    api_cpu_ms_per_req: float
    pg_cpu_ms_per_req: float
    loader_cpu_pct: float
    other_cpu_pct: float
    server_p50_ms: float
    server_p99_ms: float
    profile: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0

    @property
    def errors(self) -> int:
        return (
            self.failed + self.unfinished + sum(v for k, v in self.statuses.items() if not k.startswith("2"))
        )

    @property
    def passed(self) -> bool | None:
        """None for a baseline; the verdict at a rate other than the issue's counts only as a probe."""
        if self.target.p99_ms is None:
            return None
        return self.p99_ms <= self.target.p99_ms and self.rps >= 0.97 * self.target.rps and self.errors == 0


def machine_busy_seconds() -> float:
    """CPU time spent by the whole machine (all cores, every state but idle and iowait), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def _server_latencies(log: Path, start: int, end: int, route: str) -> list[float]:
    """Time inside the app (MetricsMiddleware's access log) for one route between two offsets of the API log."""
    with log.open("rb") as f:
        f.seek(start)
        chunk = f.read(end - start)
    out = []
    for line in chunk.splitlines():
        if line.startswith(b"{") and b'"route"' in line:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("route") == route and "ms" in rec:
                out.append(float(rec["ms"]))
    return sorted(out)


def py_spy() -> str | None:
    return shutil.which("py-spy") or next(
        (str(p) for p in (Path.home() / ".local" / "bin" / "py-spy",) if p.exists()), None
    )


def start_profiler(
    stack: Stack, target: Target, seconds: float, out_dir: Path, nice: int
) -> tuple[subprocess.Popen[bytes], Path]:
    """py-spy sampling the API (all workers) for the measured window, as collapsed stacks with full paths."""
    exe = py_spy()
    assert exe is not None
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{target.path.strip('/').replace('/', '_')}.txt"
    argv = [exe, "record", "--pid", str(stack.api_pid), "--subprocesses", "--nonblocking", "--full-filenames"]
    argv += [
        "--rate",
        "250",
        "--format",
        "raw",
        "--duration",
        str(max(1, int(seconds))),
        "--output",
        str(out),
    ]
    spy = subprocess.Popen(
        ["nice", "-n", str(nice), *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return spy, out


def _frame_owner(frame: str) -> tuple[str, str]:
    """(owner, short location) of a py-spy frame `func (/path/file.py:line)`: ours, a package, or stdlib."""
    func, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    if path.startswith(str(ROOT) + "/") and "/.venv/" not in path:
        rel = path[len(str(ROOT)) + 1 :]
        return "shadows " + rel.split("/", 1)[0], f"{func} ({rel})"
    if "-packages/" in path:
        pkg = path.split("-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
        return pkg, f"{func} ({pkg})"
    return "stdlib " + Path(path).stem, f"{func} ({Path(path).name})"


# Each sample goes to the first category whose marker function is on its stack (so the shares add up to 100%).
PROFILE_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("read_public_question (4 queries)", ("read_public_question",)),
    ("session_for_invite (1 query)", ("session_for_invite",)),
    ("require_org (API-key lookup)", ("require_org",)),
    ("pick_question", ("pick_question",)),
    ("insert_session (transaction, 2 inserts, re-select)", ("insert_session",)),
    ("mint_candidate_token (LiveKit JWT)", ("mint_candidate_token",)),
    ("sync dependency run in the thread pool", ("run_in_threadpool", "WorkerThread.run")),
    ("FastAPI building an overridden dependant per request", ("get_dependant", "get_typed_signature")),
    ("response validation and serialisation", ("serialize_response", "_prepare_response_content")),
    ("request body read and validation", ("_read_create_body", "request_body_to_args", "Request.body")),
    ("access log (structlog)", ("BoundLoggerBase._proxy_to_logger",)),
    ("pool checkout and return", ("get_conn",)),
    ("other middleware, routing, endpoint code", ("MetricsMiddleware.__call__",)),
    ("uvicorn / httptools protocol", ("HttpToolsProtocol.data_received", "RequestResponseCycle.send")),
    ("event loop and the rest", ()),
)


def _category(functions: set[str]) -> str:
    for label, markers in PROFILE_CATEGORIES:
        if not markers or any(m in functions for m in markers):
            return label
    return PROFILE_CATEGORIES[-1][0]


def summarise_profile(spy: subprocess.Popen[bytes], out: Path) -> list[str]:
    """Wait for py-spy; then where the API's on-CPU samples were: by category (exclusive, adds up to 100%),
    self share by owner (package, stdlib module, or our package) and inclusive share of our own functions."""
    spy.wait(120)
    by_owner: dict[str, int] = {}
    by_category: dict[str, int] = {}
    ours: dict[str, int] = {}
    total = 0
    for line in out.read_text().splitlines() if out.exists() else []:
        stack_text, _, count_text = line.rpartition(" ")
        frames = [f for f in stack_text.split(";") if " (" in f and not f.startswith("process ")]
        if not count_text.isdigit() or not frames:
            continue
        count = int(count_text)
        total += count
        owner, _ = _frame_owner(frames[-1])
        by_owner[owner] = by_owner.get(owner, 0) + count
        category = _category({f.split(" (", 1)[0] for f in frames})
        by_category[category] = by_category.get(category, 0) + count
        for loc in {loc for o, loc in map(_frame_owner, frames) if o.startswith("shadows api")}:
            if "(api/cli.py)" not in loc:
                ours[loc] = ours.get(loc, 0) + count
    if not total:
        return [f"    profile: no samples in {out}"]
    lines = [f"    profile: {total} samples in {out}; by category:"]
    lines += [
        f"      {100 * by_category[label] / total:5.1f}%  {label}"
        for label, _ in PROFILE_CATEGORIES
        if by_category.get(label)
    ]
    lines.append("    self share by owner:")
    lines += [
        f"      {100 * n / total:5.1f}%  {k}" for k, n in sorted(by_owner.items(), key=lambda kv: -kv[1])[:12]
    ]
    lines.append("    inclusive share of our functions:")
    lines += [
        f"      {100 * n / total:5.1f}%  {k}" for k, n in sorted(ours.items(), key=lambda kv: -kv[1])[:14]
    ]
    return lines


def load_run(
    stack: Stack,
    driver: Path,
    target: Target,
    seconds: float,
    warmup: float,
    run_id: str,
    nice: int,
    profile_dir: Path | None,
) -> LoadResult:
    cfg: dict[str, Any] = {
        "url": stack.url + target.path,
        "method": target.method,
        "rps": target.rps,
        "seconds": seconds,
        "warmupSeconds": warmup,
        "timeoutMs": 10_000,
        "headers": {},
        "runId": run_id,
    }
    if target.path == CREATE.path:
        cfg["headers"] = {"authorization": f"Bearer {stack.org_key}"}
        cfg["bodyTemplate"] = session_body("{n}")
    elif target.path == JOIN.path:
        cfg["bodies"] = [json.dumps({"invite": inv}) for inv in stack.invites]
    with tempfile.TemporaryDirectory() as tmp:
        cfg["out"] = str(Path(tmp) / "out.json")
        (Path(tmp) / "cfg.json").write_text(json.dumps(cfg))
        proc = subprocess.Popen(
            ["node", str(driver), str(Path(tmp) / "cfg.json")],
            cwd=driver.parent,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None

        def sample() -> tuple[float, float, float, float, int]:
            return (
                tree_cpu_seconds(stack.api_pid),
                tree_cpu_seconds(stack.pg_pid) if stack.pg_pid else 0.0,
                tree_cpu_seconds(proc.pid),
                machine_busy_seconds(),
                stack.api_log.stat().st_size,
            )

        try:
            if proc.stdout.readline().strip() != "measure":
                raise RuntimeError("the load driver failed during warm-up")
            t0, before = time.monotonic(), sample()
            spy = (
                start_profiler(stack, target, seconds, profile_dir, nice)
                if profile_dir and target.p99_ms
                else None
            )
            if proc.stdout.readline().strip() != "done":
                raise RuntimeError("the load driver failed while measuring")
            wall, after = time.monotonic() - t0, sample()
            profile = summarise_profile(*spy) if spy is not None else []
            if proc.wait(60) != 0:
                raise RuntimeError(f"the load driver exited with {proc.returncode}")
        finally:
            if proc.poll() is None:  # a failed run must not leave the loader sending
                proc.kill()
                proc.wait()
        raw = json.loads(Path(cfg["out"]).read_text())
    api_s, pg_s, loader_s, busy_s = (after[i] - before[i] for i in range(4))
    lat, service = sorted(raw["fromSchedule"]), sorted(raw["service"])
    completed = len(lat)
    per_req = 1000 / max(completed, 1)
    server = _server_latencies(stack.api_log, before[4], after[4], target.path)
    return LoadResult(
        target=target,
        seconds=raw["elapsed"],
        completed=completed,
        sent=raw["sent"],
        statuses=raw["statuses"],
        failed=raw["failed"],
        unfinished=raw["unfinished"],
        p50_ms=percentile(lat, 50),
        p90_ms=percentile(lat, 90),
        p99_ms=percentile(lat, 99),
        max_ms=lat[-1] if lat else math.nan,
        service_p99_ms=percentile(service, 99),
        max_lag_ms=raw["maxLagMs"],
        max_connections=raw["clients"],
        api_cpu_ms_per_req=api_s * per_req,
        pg_cpu_ms_per_req=pg_s * per_req,
        loader_cpu_pct=100 * raw["loaderCpuS"] / max(raw["elapsed"], 1e-9),
        other_cpu_pct=100 * max(0.0, busy_s - api_s - pg_s - loader_s) / wall,
        server_p50_ms=percentile(server, 50),
        server_p99_ms=percentile(server, 99),
        profile=profile,
    )


# ---------------------------------------------------------------- reporting


def machine() -> dict[str, str]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    pg_version = (
        _run(["/usr/lib/postgresql/15/bin/postgres", "--version"]).stdout.strip()
        if Path("/usr/lib/postgresql/15/bin/postgres").exists()
        else "postgres (on PATH)"
    )
    try:
        commit = _run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        commit = "unknown"
    node = _run(["node", "--version"]).stdout.strip()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{len(os.sched_getaffinity(0))} cores (nproc), {model}",
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "software": f"Python {platform.python_version()}, {pg_version}, Node.js {node}, "
        f"npm loadtest {LOADTEST_VERSION}",
        "commit": commit,
        "loadavg": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def _ms(v: float) -> str:
    return "n/a" if math.isnan(v) else f"{v:.2f}"


def verdict(r: LoadResult) -> str:
    return {None: "baseline", True: "met", False: "MISSED"}[r.passed]


def render(
    info: dict[str, str],
    command: str,
    api_command: str,
    seq: list[Sequential],
    results: list[LoadResult],
    seconds: float,
    warmup: float,
) -> str:
    lines = [
        f"- Date: {info['date']}; commit `{info['commit']}`",
        f"- Machine: {info['cpu']}; {info['memory']} RAM; load average before the run {info['loadavg']}",
        f"- Software: {info['software']}",
        f"- Command: `{command}`",
        f"- API: {api_command}; "
        + (
            "PostgreSQL **not durable** (synchronous_commit off: a diagnostic run)"
            if "NOT durable" in api_command
            else "PostgreSQL durable (fsync, synchronous_commit, full_page_writes on)"
        ),
        f"- Each rate: {warmup:g} s warm-up, then {seconds:g} s measured, open loop, keep-alive connections",
        "",
        "Latency is measured by the loader from each request's scheduled departure to the end of its response.",
        "",
        "| endpoint | offered req/s | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | errors "
        "| target | result |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        target = f"p99 <= {r.target.p99_ms:g} ms" if r.target.p99_ms is not None else "-"
        lines.append(
            f"| {r.target.name} | {r.target.rps} | {r.rps:.1f} | {_ms(r.p50_ms)} | {_ms(r.p90_ms)} "
            f"| {_ms(r.p99_ms)} | {_ms(r.max_ms)} | {r.errors} | {target} | **{verdict(r)}** |"
        )
    worst_other = max((r.other_cpu_pct for r in results), default=0.0)
    if worst_other > CONTENDED_PCT:
        lines += [
            "",
            f"**Contended run:** processes outside the benchmark used up to {worst_other:.0f}% of one core during "
            "the measured windows (see `other CPU` below); these latencies include waiting for a CPU, as the "
            "loader-floor row shows.",
        ]
    lines += [
        "",
        "Where the time and CPU went in the same windows (in-app: MetricsMiddleware's access log; CPU: /proc, "
        "per completed request; other: CPU used by processes outside the benchmark, % of one core):",
        "",
        "| endpoint | p99 from actual send ms | max send lag ms | max conns | in-app p50 / p99 ms "
        "| API CPU ms/req | PG CPU ms/req | loader CPU | other CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.target.name} | {_ms(r.service_p99_ms)} | {_ms(r.max_lag_ms)} | {r.max_connections} "
            f"| {_ms(r.server_p50_ms)} / {_ms(r.server_p99_ms)} | {r.api_cpu_ms_per_req:.2f} "
            f"| {r.pg_cpu_ms_per_req:.2f} | {r.loader_cpu_pct:.0f}% | {r.other_cpu_pct:.0f}% |"
        )
    lines += [
        "",
        "Sequential baseline (httpx, one keep-alive connection, one request at a time, after a warm-up), and the "
        "disk's durable-write floor in the database's file system:",
        "",
        "| endpoint | requests | p50 ms | p99 ms |",
        "|---|---|---|---|",
        *(f"| {s.name} | {s.n} | {_ms(s.p50_ms)} | {_ms(s.p99_ms)} |" for s in seq),
    ]
    return "\n".join(lines)


def write_doc(path: Path, key: str, block: str) -> None:
    """Replace (or add) the results block for this configuration between its markers in the doc."""
    start, end = f"<!-- api-load:{key}:start -->", f"<!-- api-load:{key}:end -->"
    text = path.read_text() if path.exists() else "# API benchmark\n\n## Results\n\n"
    section = f"{start}\n{block}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + f"\n\n### {key}\n\n{section}\n"
    path.write_text(text)


def print_result(r: LoadResult) -> None:
    print(
        f"{r.target.name:<26} {r.target.rps} req/s offered, {r.rps:.1f} achieved: p50 {r.p50_ms:.2f}  "
        f"p90 {r.p90_ms:.2f}  p99 {r.p99_ms:.2f}  max {r.max_ms:.2f} ms  errors {r.errors}  [{verdict(r)}]\n"
        f"    p99 from actual send {r.service_p99_ms:.2f} ms, max send lag {r.max_lag_ms:.2f} ms, "
        f"conns {r.max_connections}, in-app p50/p99 {r.server_p50_ms:.2f}/{r.server_p99_ms:.2f} ms, "
        f"CPU/req API {r.api_cpu_ms_per_req:.2f} ms PG {r.pg_cpu_ms_per_req:.2f} ms, "
        f"loader {r.loader_cpu_pct:.0f}%, other {r.other_cpu_pct:.0f}%",
        flush=True,
    )
    if r.profile:
        print("\n".join(r.profile), flush=True)


def loader_floor(
    stack: Stack, driver: Path, target: Target, args: argparse.Namespace, run_id: str
) -> LoadResult:
    """The loader against a trivial Node.js server at the same rate: what this machine, right now, adds to
    any latency measured here (scheduling, loopback, the loader itself)."""
    server = subprocess.Popen(
        ["nice", "-n", str(args.nice), "node", str(driver.parent / "floor-server.mjs")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        with tempfile.NamedTemporaryFile(suffix=".log") as empty:
            floor = replace(
                stack,
                url=f"http://127.0.0.1:{port}",
                api_pid=server.pid,
                pg_pid=None,
                api_log=Path(empty.name),
            )
            return load_run(floor, driver, target, args.seconds, args.warmup, run_id, args.nice, None)
    finally:
        server.terminate()
        server.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1: `shadows api`)")
    parser.add_argument(
        "--pool-max", type=int, default=20, help="DB pool size per worker (SHADOWS_API_DB_POOL_MAX)"
    )
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds per rate")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds before each measured run")
    parser.add_argument("--invites", type=int, default=3000, help="sessions pre-created for the join run")
    parser.add_argument(
        "--sequential", type=int, default=300, help="requests per endpoint in the sequential baseline"
    )
    parser.add_argument(
        "--write-doc",
        type=Path,
        nargs="?",
        const=DOC_PATH,
        default=None,
        help=f"write the results into this Markdown file (default {DOC_PATH.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--create-rps", type=int, default=CREATE.rps, help="offered rate for POST /v1/sessions"
    )
    parser.add_argument("--join-rps", type=int, default=JOIN.rps, help="offered rate for POST /v1/join")
    parser.add_argument(
        "--nice",
        type=int,
        default=-20 if os.geteuid() == 0 else 0,
        help="nice value of the API, PostgreSQL, the loader and their scheduler autogroups (default -20 as root: "
        "other sessions' work on a shared box then yields the cores to the system under test)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help="sample the API with py-spy during the measured create/join windows (collapsed stacks in DIR)",
    )
    parser.add_argument(
        "--synchronous-commit",
        choices=("on", "off"),
        default="on",
        help="diagnostic only: 'off' shows how much of session creation is waiting for the WAL flush",
    )
    args = parser.parse_args(argv)
    if args.nice < 0 and os.geteuid() != 0:
        sys.exit("--nice below 0 needs root")
    if args.profile and py_spy() is None:
        sys.exit("--profile needs py-spy: `uv tool install py-spy` (or `pip install py-spy`)")
    args.argv = argv if argv is not None else sys.argv[1:]

    driver = ensure_loadtest()
    os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # this process too: it runs the sequential baseline
    saved_autogroup = autogroup_nice(os.getpid())
    if saved_autogroup is not None:
        set_autogroup_nice(os.getpid(), args.nice)
    try:
        return run(args, driver)
    finally:
        if saved_autogroup is not None:
            set_autogroup_nice(os.getpid(), saved_autogroup)


def run(args: argparse.Namespace, driver: Path) -> int:
    command = "python -m bench api " + " ".join(args.argv)
    info = machine()
    with running_stack(args.workers, args.pool_max, args.nice, args.synchronous_commit) as stack:
        print(f"API {stack.url}: {stack.command}", flush=True)
        stack.invites = create_invites(stack, args.invites)
        print(f"pre-created {len(stack.invites)} sessions for the join run", flush=True)
        seq = [fsync_baseline(stack.data_dir.parent), *sequential_baseline(stack, args.sequential)]
        for s in seq:
            print(f"sequential {s.name:<22} p50 {s.p50_ms:6.2f} ms  p99 {s.p99_ms:6.2f} ms", flush=True)
        results = []
        run_id = datetime.now(UTC).strftime("%H%M%S")
        targets = [
            replace(HEALTH, rps=max(args.create_rps, args.join_rps)),
            replace(CREATE, rps=args.create_rps),
            replace(JOIN, rps=args.join_rps),
        ]
        for target in targets:
            if target is targets[0]:
                results.append(loader_floor(stack, driver, replace(LOOPBACK, rps=target.rps), args, run_id))
                print_result(results[-1])
            r = load_run(stack, driver, target, args.seconds, args.warmup, run_id, args.nice, args.profile)
            results.append(r)
            print_result(r)
    block = render(info, command.strip(), stack.command, seq, results, args.seconds, args.warmup)
    print()
    print(block)
    if args.write_doc:
        key = f"workers={args.workers}" + (
            ",synchronous_commit=off" if args.synchronous_commit == "off" else ""
        )
        write_doc(args.write_doc, key, block)
        print(f"\nwrote results to {args.write_doc}")
    return 0 if all(r.passed is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
