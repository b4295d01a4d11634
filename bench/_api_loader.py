"""The load generator: npm loadtest, the open-loop Node.js driver it runs, and one measured run parsed."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._api_profile import start_profiler, summarise_profile
from bench._api_results import LoadResult, percentile
from bench._api_stack import Stack
from bench._api_targets import CREATE, JOIN, Target, session_body
from bench._proc_cpu import machine_busy_seconds, tree_cpu_seconds

ROOT = Path(__file__).resolve().parents[1]


TOOLS_DIR = ROOT / ".cache" / "bench-node"


LOADTEST_VERSION = "8.2.1"


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
