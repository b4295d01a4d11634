"""Latency of `POST /v1/sessions` and `POST /v1/join` at a constant arrival rate, against the real API (a separate
uvicorn process) and a durable local PostgreSQL 15, driven by npm `loadtest` (open loop: requests leave on a
fixed schedule whether or not earlier ones have answered, so a slow server cannot slow the load down).

Baselines measured in the same run: the loader against a trivial Node.js server (the floor of the apparatus on
this machine right now), `GET /healthz` through the same loader at the highest target rate (the floor of the
HTTP stack: uvicorn, middleware, loopback), and a sequential single-connection run of each endpoint (service time
with no queueing at all). CPU per request of the API and PostgreSQL, and CPU used by anything else on the
machine, are measured over the same windows.

    python -m bench api [--workers N] [--redis] [--seconds S] [--write-doc docs/benchmarks-api.md]

Replicas: `--workers 2 --redis --join-rps 600` is two API processes sharing one port (as two replicas behind a
load balancer) with their rate limits in one Redis, the issue #13 target (join p99 <= 10 ms at 600 requests/s).
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench._api_baselines import fsync_baseline, loader_floor, sequential_baseline
from bench._api_loader import ensure_loadtest, load_run
from bench._api_profile import py_spy
from bench._api_report import DOC_PATH, machine, print_result, render, write_doc
from bench._api_stack import create_invites, running_stack
from bench._api_targets import CREATE, HEALTH, JOIN, LOOPBACK
from bench._proc_cpu import autogroup_nice, set_autogroup_nice
from bench._redis import running_redis

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1: `shadows api`)")
    parser.add_argument(
        "--pool-max", type=int, default=20, help="DB pool size per worker (SHADOWS_API_DB_POOL_MAX)"
    )
    parser.add_argument(
        "--redis", action="store_true", help="start a redis-server and keep the API's rate limits in it"
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
        sys.exit("--profile needs py-spy (a dev dependency: `make setup`)")
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
    with ExitStack() as resources:
        redis_url = resources.enter_context(running_redis()) if args.redis else None
        stack = resources.enter_context(
            running_stack(args.workers, args.pool_max, args.nice, args.synchronous_commit, redis_url)
        )
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
        key = (
            f"workers={args.workers}"
            + (",redis" if args.redis else "")
            + (",synchronous_commit=off" if args.synchronous_commit == "off" else "")
        )
        write_doc(args.write_doc, key, block)
        print(f"\nwrote results to {args.write_doc}")
    return 0 if all(r.passed is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
