"""The API benchmark's report: the machine, the console lines, the Markdown tables and the doc's results block."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench._api_loader import LOADTEST_VERSION
from bench._api_results import LoadResult, Sequential
from bench._machine import cpu_model

ROOT = Path(__file__).resolve().parents[1]


DOC_PATH = ROOT / "docs" / "benchmarks-api.md"


CONTENDED_PCT = (
    25.0  # CPU used by processes outside the benchmark, % of one core, above which a run is flagged
)


def _run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, check=True, text=True, capture_output=True, **kwargs)


def machine() -> dict[str, str]:
    model = cpu_model()
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
