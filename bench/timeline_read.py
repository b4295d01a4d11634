"""Timeline read benchmark: what reading the largest timeline the session bounds allow costs the API, per read and
for a loop of reads through one share link, against the API as its own process and a real PostgreSQL.

    .venv/bin/python -m bench timeline_read [--misses 3] [--hits 20] [--nice 0] [--baseline-tree DIR]

Prints, with the API process's CPU per request (what other load on the machine does not inflate):

- a read whose body is built (the record changed since the last read: a small event is appended before each), as
  every read was before the timeline was cached (api/timeline_reads.py); with gzip, as a browser asks;
- a read served from the cache, with gzip and without; a read answered 304 for its ETag; the session's report page
  (rendered for every read);
- loops through one share link under the default limits (an API process of its own on the same database), of its
  timeline and of its page: 60 reads each (the link's count per minute), how many were answered and what they
  cost. With `--baseline-tree DIR` (a checkout of the code before, e.g. `git archive <commit> | tar -x -C DIR`),
  the same loops against that code, 10 reads each (a minute's 60 would take a minute of CPU), and the cost of 60
  extrapolated from them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import httpx

from bench._api_stack import running_stack
from bench._proc_cpu import tree_cpu_seconds
from bench._report_measure import loadavg
from bench._report_seed import db_url
from bench._timeline_seed import api_with_default_limits, append_note, seed_largest

LOOP_READS = 60  # a link's count limit per minute, by default
BASELINE_LOOP_READS = 10


def _cpu_per_read(
    pid: int, reads: list[tuple[str, dict[str, str]]], client: httpx.Client
) -> tuple[float, list[int]]:
    """CPU seconds of the API process per read (mean over `reads`) and the statuses."""
    statuses = []
    spent = 0.0
    for path, headers in reads:
        before = tree_cpu_seconds(pid)
        r = client.get(path, headers=headers)
        statuses.append(r.status_code)
        spent += tree_cpu_seconds(pid) - before
    return spent / max(1, len(reads)), statuses


def _loop(
    base: str, pid: int, org_key: str, session_id: str, reads: int, suffix: str = "/timeline"
) -> tuple[float, dict[int, int], float]:
    """`reads` GETs of one share link's timeline (`suffix` "": its page) as fast as they go: the API's CPU over all
    of them, the count of each status, and the wall time."""
    with httpx.Client(base_url=base, timeout=120) as client:
        shared = client.post(
            f"/v1/sessions/{session_id}/share", json={}, headers={"Authorization": f"Bearer {org_key}"}
        )
        shared.raise_for_status()
        path = "/v1/reports/" + shared.json()["report_url"].rsplit("/", 1)[1] + suffix
        started, cpu = time.monotonic(), tree_cpu_seconds(pid)
        counts: dict[int, int] = {}
        for _ in range(reads):
            status = client.get(path, headers={"Accept-Encoding": "gzip"}).status_code
            counts[status] = counts.get(status, 0) + 1
        return tree_cpu_seconds(pid) - cpu, counts, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench timeline_read")
    parser.add_argument("--misses", type=int, default=3)
    parser.add_argument("--hits", type=int, default=20)
    parser.add_argument("--nice", type=int, default=0)
    parser.add_argument("--baseline-tree", type=Path, default=None)
    args = parser.parse_args(argv)

    load_before = loadavg()
    lines: list[str] = []
    with running_stack(workers=1, pool_max=10, nice=args.nice) as stack:
        url = db_url(stack.data_dir)
        sid = seed_largest(url)
        headers = {"Authorization": f"Bearer {stack.org_key}"}
        path = f"/v1/sessions/{sid}/timeline"
        gz = {"Accept-Encoding": "gzip"}
        with httpx.Client(base_url=stack.url, headers=headers, timeout=120) as client:
            first = client.get(path, headers={"Accept-Encoding": "identity"})
            first.raise_for_status()
            zipped = client.get(path, headers=gz)
            size = len(first.content)
            sent = int(zipped.headers.get("content-length", "0"))
            misses = []
            for n in range(args.misses):
                append_note(url, sid, n)
                cpu, statuses = _cpu_per_read(stack.api_pid, [(path, gz)], client)
                assert statuses == [200], statuses
                misses.append(cpu)
            hit_gz, _ = _cpu_per_read(stack.api_pid, [(path, gz)] * args.hits, client)
            hit_plain, _ = _cpu_per_read(
                stack.api_pid, [(path, {"Accept-Encoding": "identity"})] * args.hits, client
            )
            etag = client.get(path).headers["etag"]
            not_modified, statuses = _cpu_per_read(
                stack.api_pid, [(path, {"If-None-Match": etag})] * args.hits, client
            )
            assert set(statuses) == {304}, statuses
        miss = statistics.mean(misses)
        lines += [
            f"load average before {load_before}",
            f"largest timeline: {size / 1e6:.1f} MB ({sent / 1e6:.1f} MB gzipped)",
            f"read built (record changed), gzip     n={args.misses:<3} API CPU per read {miss * 1000:8.1f} ms",
            f"read from the cache, gzip             n={args.hits:<3} API CPU per read {hit_gz * 1000:8.1f} ms",
            f"read from the cache, identity         n={args.hits:<3} API CPU per read {hit_plain * 1000:8.1f} ms",
            f"304 for its ETag                      n={args.hits:<3} API CPU per read {not_modified * 1000:8.1f} ms",
        ]
        with httpx.Client(base_url=stack.url, headers=headers, timeout=120) as client:
            page = client.get(f"/v1/sessions/{sid}/report", headers=gz)
            report = f"/v1/sessions/{sid}/report"
            page_cpu, _ = _cpu_per_read(stack.api_pid, [(report, gz)] * args.misses, client)
        lines.append(
            f"report page ({len(page.content) / 1024:.0f} KiB)          n={args.misses:<3} API CPU per read "
            f"{page_cpu * 1000:8.1f} ms"
        )
        trees: list[tuple[str, Path | None]] = [("after", None)]
        if args.baseline_tree is not None:
            trees.append(("before (--baseline-tree)", args.baseline_tree.resolve()))
        for name, tree in trees:
            for what, suffix in (("timeline", "/timeline"), ("page", "")):
                reads = LOOP_READS if tree is None else BASELINE_LOOP_READS
                with api_with_default_limits(url, *([tree] if tree else [])) as (base, pid):
                    cpu, counts, wall = _loop(base, pid, stack.org_key, sid, reads, suffix)
                lines.append(
                    f"{name}: one link's {what}, {reads} reads in {wall:.1f} s (default limits): statuses "
                    f"{dict(sorted(counts.items()))}, API CPU {cpu:.2f} s; {LOOP_READS} reads (a minute's) cost "
                    f"about {cpu * LOOP_READS / reads:.1f} core-seconds"
                )
    lines.append(f"load average after {loadavg()}")
    for text in lines:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
