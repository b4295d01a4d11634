"""History benchmark: `GET /v1/sessions` latency and `GET /v1/sessions/export` throughput and memory with 100,000
sessions of one organisation (plus 20,000 of another) in a real PostgreSQL, against the API as its own process.

    .venv/bin/python -m bench history [--sessions 100000] [--requests 300] [--nice 0] [--write-doc]

Targets (issue #10): list p99 <= 20 ms; export >= 20,000 rows/s with flat memory. Baseline measured in the same
run: `GET /healthz` (the HTTP stack without the database). Prints the load average: a loaded machine moves the
figures; the lead reruns it quiet for the doc.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import httpx

from bench._api_stack import running_stack
from bench._report_measure import RssSampler, Timings, loadavg, percentile, rss_mib, timed_gets
from bench._report_seed import db_url, seed_history

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks-reports.md"
LIST_P99_MS = 20.0
EXPORT_ROWS_S = 20_000


def _export(client: httpx.Client, pid: int, params: dict[str, str]) -> dict[str, float]:
    rows = 0
    size = 0
    base = rss_mib(pid)
    with RssSampler(pid) as rss:
        started = time.perf_counter()
        with client.stream("GET", "/v1/sessions/export", params=params, timeout=600) as r:
            r.raise_for_status()
            for chunk in r.iter_bytes():
                size += len(chunk)
                rows += chunk.count(b"\n")
        elapsed = time.perf_counter() - started
    # CSV: the header line, then a line per row. JSON: "[", a line per row, "]".
    rows -= 1 if params.get("format") == "csv" else 2
    return {
        "rows": rows,
        "seconds": elapsed,
        "rows_s": rows / elapsed,
        "mib": size / 2**20,
        "rss_base": base,
        "rss_peak": rss.peak,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench history")
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--noise", type=int, default=20_000, help="sessions of another organisation")
    parser.add_argument("--requests", type=int, default=300, help="per list query")
    parser.add_argument("--nice", type=int, default=0)
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args(argv)

    load_before = loadavg()
    with running_stack(workers=1, pool_max=10, nice=args.nice) as stack:
        started = time.perf_counter()
        seeded = seed_history(db_url(stack.data_dir), args.sessions, args.noise)
        print(f"seeded {args.sessions} + {args.noise} sessions in {time.perf_counter() - started:.1f} s")
        headers = {"Authorization": f"Bearer {stack.org_key}"}
        with httpx.Client(base_url=stack.url, headers=headers, timeout=30) as client:
            floor = timed_gets(
                client,
                stack.api_log,
                "GET /healthz (floor)",
                "/healthz",
                lambda i: "/healthz",
                args.requests,
                pids=(stack.api_pid, stack.pg_pid),
            )
            # A deep walk: pages of 100 following next_cursor from the newest session.
            cursors = [""]
            for _ in range(60):
                r = client.get(
                    "/v1/sessions", params={"limit": 100, **({"cursor": cursors[-1]} if cursors[-1] else {})}
                )
                cursors.append(r.json()["next_cursor"])
            route = "/v1/sessions"
            queries: list[tuple[str, dict[str, str] | None]] = [
                ("first page (25, newest first)", {}),
                ("first page of 100", {"limit": "100"}),
                ("status=completed", {"status": "completed"}),
                ("recommendation=hire, sort=-score", {"recommendation": "hire", "sort": "-score"}),
                ("min_score=3.5", {"min_score": "3.5"}),
                ("sort=score (ascending, 100)", {"sort": "score", "limit": "100"}),
                ("question_id", {"question_id": seeded["question_id"]}),
                ("candidate_external_id", {"candidate_external_id": seeded["external_id"]}),
                ("needs_human_review=true", {"needs_human_review": "true"}),
                ("created in one week", {"created_after": "2026-01-01", "created_before": "2026-01-08"}),
                ("deep pages (cursor, 100 per page)", None),
            ]
            results: list[Timings] = []
            for name, params in queries:
                if params is None:
                    paths = lambda i: f"/v1/sessions?limit=100&cursor={cursors[1 + i % 59]}"  # noqa: E731
                else:
                    query = "&".join(f"{k}={v}" for k, v in params.items())
                    paths = lambda i, q=query: f"/v1/sessions?{q}"  # noqa: E731
                results.append(
                    timed_gets(
                        client,
                        stack.api_log,
                        name,
                        route,
                        paths,
                        args.requests,
                        pids=(stack.api_pid, stack.pg_pid),
                    )
                )
            exports = {
                "csv, all": _export(client, stack.api_pid, {"format": "csv"}),
                "json, all": _export(client, stack.api_pid, {"format": "json"}),
                "csv, 10% (status=abandoned)": _export(
                    client, stack.api_pid, {"format": "csv", "status": "abandoned"}
                ),
            }
    load_after = loadavg()

    all_client = [ms for t in results for ms in t.client_ms]
    all_server = [ms for t in results for ms in t.server_ms]
    lines = [
        f"load average before {load_before}, after {load_after}",
        floor.line(),
        *(t.line() for t in results),
    ]
    p99_client, p99_server = percentile(all_client, 99), percentile(all_server, 99)
    lines.append(
        f"{'ALL list queries':<44} client p99 {p99_client:.2f} ms, server p99 {p99_server:.2f} ms "
        f"(target <= {LIST_P99_MS:g} ms)"
    )
    for name, e in exports.items():
        lines.append(
            f"export {name:<30} {e['rows']:>7.0f} rows in {e['seconds']:.2f} s = {e['rows_s']:,.0f} rows/s "
            f"({e['mib']:.1f} MiB); API RSS {e['rss_base']:.0f} -> peak {e['rss_peak']:.0f} MiB"
        )
    full = exports["csv, all"]
    small = exports["csv, 10% (status=abandoned)"]
    flat = full["rss_peak"] - full["rss_base"] <= max(32.0, 2 * (small["rss_peak"] - small["rss_base"]) + 16)
    ok = (
        p99_client <= LIST_P99_MS
        and min(exports["csv, all"]["rows_s"], exports["json, all"]["rows_s"]) >= EXPORT_ROWS_S
    )
    lines.append(
        f"memory flat (full export's RSS growth within the 10% export's, +16 MiB): {'yes' if flat else 'NO'}"
    )
    lines.append("targets: " + ("met" if ok and flat else "MISSED (see the load average)"))
    for line in lines:
        print(line)
    if args.write_doc:
        _write_doc("history", "\n".join(lines))
    return 0 if ok and flat else 1


def _write_doc(key: str, block: str) -> None:
    start, end = f"<!-- {key}:start -->", f"<!-- {key}:end -->"
    text = DOC.read_text() if DOC.exists() else ""
    fenced = f"{start}\n```\n{block}\n```\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + fenced + text[text.index(end) + len(end) :]
    else:
        text += f"\n{fenced}\n"
    DOC.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
