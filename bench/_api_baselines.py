"""The baselines measured beside the load runs: the loader floor, sequential calls, and the disk's flush."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx

from bench._api_loader import load_run
from bench._api_results import LoadResult, Sequential, percentile
from bench._api_stack import Stack
from bench._api_targets import CREATE, HEALTH, JOIN, Target, session_body


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
