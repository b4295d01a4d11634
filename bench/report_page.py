"""Report page benchmark: the server time of `GET /v1/sessions/{id}/report` for a graded 45-minute interview
(~270 transcript turns, 400 editor snapshots, 28 runs and submissions, hints, warnings, integrity observations and
the agent's own events), and of its timeline, against the API as its own process and a real PostgreSQL.

    .venv/bin/python -m bench report_page [--requests 200] [--nice 0] [--write-doc]

Target (issue #10): the report page's server time <= 100 ms. The server time is the API's own measure of each
request (its access log's `ms`, from the first byte in to the last byte out); the client time adds loopback
HTTP. Baseline in the same run: `GET /healthz`. Prints the load average.
"""

from __future__ import annotations

import argparse

import httpx

from bench._api_stack import running_stack
from bench._report_measure import loadavg, percentile, timed_gets
from bench._report_seed import db_url, seed_interview
from bench.history import _write_doc

PAGE_P99_MS = 100.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench report_page")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--nice", type=int, default=0)
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args(argv)

    load_before = loadavg()
    with running_stack(workers=1, pool_max=10, nice=args.nice) as stack:
        sid = seed_interview(db_url(stack.data_dir))
        headers = {"Authorization": f"Bearer {stack.org_key}"}
        with httpx.Client(base_url=stack.url, headers=headers, timeout=30) as client:
            page = client.get(f"/v1/sessions/{sid}/report")
            page.raise_for_status()
            timeline = client.get(f"/v1/sessions/{sid}/timeline").json()
            kinds: dict[str, int] = {}
            for e in timeline["events"]:
                kinds[e["type"]] = kinds.get(e["type"], 0) + 1
            floor = timed_gets(
                client,
                stack.api_log,
                "GET /healthz (floor)",
                "/healthz",
                lambda i: "/healthz",
                args.requests,
                pids=(stack.api_pid, stack.pg_pid),
            )
            report = timed_gets(
                client,
                stack.api_log,
                "GET /v1/sessions/{id}/report",
                "/v1/sessions/{session_id}/report",
                lambda i: f"/v1/sessions/{sid}/report",
                args.requests,
                pids=(stack.api_pid, stack.pg_pid),
            )
            shared = client.post(f"/v1/sessions/{sid}/share", json={}).json()["report_url"]
            path = "/v1/reports/" + shared.rsplit("/", 1)[1]
            share = timed_gets(
                client,
                stack.api_log,
                "GET /v1/reports/{token} (share link)",
                "/v1/reports/{token}",
                lambda i: path,
                args.requests,
                pids=(stack.api_pid, stack.pg_pid),
            )
            line = timed_gets(
                client,
                stack.api_log,
                "GET /v1/sessions/{id}/timeline",
                "/v1/sessions/{session_id}/timeline",
                lambda i: f"/v1/sessions/{sid}/timeline",
                args.requests,
                pids=(stack.api_pid, stack.pg_pid),
            )
    load_after = loadavg()
    server_p99 = max(percentile(report.server_ms, 99), percentile(share.server_ms, 99))
    ok = server_p99 <= PAGE_P99_MS
    lines = [
        f"load average before {load_before}, after {load_after}",
        f"interview: {', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}; page {len(page.content) / 1024:.0f} KiB"
        f" (gzip off), timeline {len(httpx.Response(200, json=timeline).content) / 1024:.0f} KiB",
        floor.line(),
        report.line(),
        share.line(),
        line.line(),
        f"report page server p99 {server_p99:.2f} ms (target <= {PAGE_P99_MS:g} ms): {'met' if ok else 'MISSED'}",
    ]
    for text in lines:
        print(text)
    if args.write_doc:
        _write_doc("report_page", "\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
