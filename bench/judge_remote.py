"""Judge over HTTP: what the `remote` backend adds to a Python run over `local`, and how throughput scales with judge
processes pinned to one core each.

    .venv/bin/python -m bench judge_remote [--reps 60] [--runs 80] [--skip-latency] [--skip-scaling]

1. Added latency. One judge service (`shadows judge serve`, one slot) and one local Judge (one slot, in this
   process) run the same Python Run of two-sum, alternately, `--reps` times each, then the same for a Submit.
   Reported: p50/p90 of each, the difference of the p50s (target <= 5 ms), and per remote run the client's wall
   time less the service's own time for the run (its Server-Timing header): the transport, serialisation and HTTP
   cost alone. `local*` is the local judge given only what the remote host gets (a Run's visible tests): the same
   work without HTTP. Since both backends hand their runner only the tests it executes, `local` and `local*` do
   the same work; before, the local pool was handed a Run's hidden tests too. The CPU column (this process,
   plus the service's own process for remote; not the pool workers, whose work is the same) is what a loaded
   machine cannot distort much: the CPU that HTTP adds to a run.
2. Scaling. One service pinned to core 0, then two pinned to cores 0 and 1 (sched_setaffinity, inherited by the
   pool workers and the sandboxes), each with one slot and a queue; the remote backend keeps every slot busy
   with `--runs` Python Submits of two-sum. Reported: runs/s for each and their ratio (target >= 1.8x).

The machine's load average is printed before and after: on a shared, loaded machine wall times mostly measure
waiting for a CPU, and the lead re-runs this on a quiet one for docs/judge.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
from pydantic import SecretStr

from bench._machine import describe_cpu, describe_syscalls
from judge.backends.remote import DIGEST_MIN_BYTES, RemoteBackend
from judge.bank import load_question
from judge.disclosure import executed_part
from judge.remote_protocol import RUNS_PATH, RunEnvelope
from judge.schemas import Mode, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings

ROOT = Path(__file__).resolve().parents[1]
QUESTION = load_question(ROOT / "questions" / "two-sum")
TOKEN = secrets.token_urlsafe(32)
_SERVICE_PIDS: list[int] = []  # the services judge_services started, for their CPU time


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (not its children: the pool workers' sandboxed work is the same
    whichever backend hands it over)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _TimingTransport(httpx.AsyncHTTPTransport):
    """Records each run answer's Server-Timing (the service's own time for the run), in ms."""

    def __init__(self) -> None:
        super().__init__()
        self.judge_ms: list[float] = []
        self.run_bytes: list[int] = []  # each run request's body (by digest or whole)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.startswith(RUNS_PATH):
            self.run_bytes.append(len(await request.aread()))
        response = await super().handle_async_request(request)
        timing = response.headers.get("server-timing", "")
        if timing.startswith("judge;dur="):
            self.judge_ms.append(float(timing.split("=", 1)[1]))
        return response


@contextmanager
def judge_services(cores: Sequence[int | None], directory: Path) -> Iterator[list[str]]:
    """One `shadows judge serve` per entry of `cores` (pinned to that core, or not), one slot each; their URLs."""
    procs: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        for n, core in enumerate(cores):
            log_path = directory / f"judge-{n}.log"
            env = {k: v for k, v in os.environ.items() if not k.startswith("SHADOWS_")}
            env.update(SHADOWS_JUDGE_SLOTS="1", SHADOWS_JUDGE_QUEUE_SIZE="8", SHADOWS_JUDGE_REMOTE_TOKEN=TOKEN,
                       SHADOWS_JUDGE_ENVIRONMENT="test", PYTHONPATH=str(ROOT))  # fmt: skip
            with log_path.open("wb") as log_file:
                proc = subprocess.Popen(  # our own interpreter and module
                    [sys.executable, "-m", "api", "judge", "serve", "--port", "0"],
                    env=env,
                    cwd=directory,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    preexec_fn=(lambda c=core: os.sched_setaffinity(0, {c})) if core is not None else None,
                )
            procs.append((proc, log_path))
        urls = [_wait_ready(proc, log_path) for proc, log_path in procs]
        _SERVICE_PIDS[:] = [proc.pid for proc, _ in procs]
        yield urls
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(proc: subprocess.Popen[bytes], log_path: Path) -> str:
    deadline = time.monotonic() + 180
    url = ""
    while time.monotonic() < deadline:
        for line in log_path.read_text(errors="replace").splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if event.get("event") == "judge.serve.listening":
                url = event["url"]
            if event.get("event") == "judge.serve.ready" and url:
                return url
            if event.get("event") == "judge.serve.failed":
                raise SystemExit(f"judge service failed to start: {event}")
        if proc.poll() is not None:
            raise SystemExit(f"judge service exited: {log_path.read_text()[-2000:]}")
        time.sleep(0.05)
    raise SystemExit("judge service did not become ready")


def _remote_settings(urls: list[str]) -> JudgeSettings:
    return JudgeSettings(
        _env_file=None,  # type: ignore[call-arg]
        backend="remote",
        remote_urls=",".join(urls),
        remote_token=SecretStr(TOKEN),
        remote_poll_s=0.5,
    )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def added_latency(reps: int, directory: Path) -> None:
    with judge_services([None], directory) as urls:
        for mode in ("run", "submit"):
            await _added_latency(urls, mode, reps)


async def _added_latency(urls: list[str], mode: Mode, reps: int) -> None:
    request = RunRequest.for_question(
        QUESTION, language="python", source=QUESTION.references["python"], mode=mode
    )
    local_settings = JudgeSettings(_env_file=None, slots=1, queue_size=8)  # type: ignore[call-arg]
    settings = _remote_settings(urls)
    transport = _TimingTransport()
    async with (
        Judge(local_settings) as local,
        Judge(settings, backend=RemoteBackend(settings, transport=transport)) as remote,
    ):
        # local: as the API hands it over; local*: only what the remote host is sent (a Run's visible tests), so
        # that remote - local* is what HTTP adds to the same work.
        contenders = {
            "local": (local, request),
            "local*": (local, executed_part(request)),
            "remote": (remote, request),
        }
        for judge, sent in list(contenders.values()) * 2:  # warm every path: imports, caches, connections
            assert (await judge.run(sent)).verdict is Verdict.ACCEPTED
        transport.judge_ms.clear()
        times: dict[str, list[float]] = {name: [] for name in contenders}
        cpu_ms = dict.fromkeys(contenders, 0.0)
        for _ in range(reps):
            for name, (judge, sent) in contenders.items():
                cpu = time.process_time() + sum(_cpu_s(pid) for pid in _SERVICE_PIDS)
                began = time.perf_counter()
                report = await judge.run(sent)
                times[name].append((time.perf_counter() - began) * 1000)
                cpu_ms[name] += (time.process_time() + sum(_cpu_s(pid) for pid in _SERVICE_PIDS) - cpu) * 1000
                assert report.verdict is Verdict.ACCEPTED, report.verdict
    overhead = [wall - served for wall, served in zip(times["remote"], transport.judge_ms, strict=True)]
    whole = len(RunEnvelope(run_id="0" * 32, request=executed_part(request)).model_dump_json())
    sent_bytes = statistics.median(transport.run_bytes[-reps:])
    print(f"\nadded latency: a Python {mode.title()} of two-sum ({len(request.selected_tests())} tests run; the "
          f"remote request is {sent_bytes / 1024:.1f} KiB, {whole / 1024:.1f} KiB with its tests: runs name tests of "
          f"{DIGEST_MIN_BYTES >> 10} KiB or more by digest), {reps} each, alternating, one slot each")  # fmt: skip
    print(f"{'backend':<10}{'p50':>10}{'p90':>10}{'mean':>10}{'cpu/run':>10}")
    for name, values in times.items():
        print(
            f"{name:<10}{_pct(values, 0.5):>8.1f}ms{_pct(values, 0.9):>8.1f}ms{statistics.fmean(values):>8.1f}ms"
            f"{cpu_ms[name] / reps:>8.1f}ms"
        )
    for base in ("local", "local*"):
        diff = _pct(times["remote"], 0.5) - _pct(times[base], 0.5)
        print(f"remote - {base}, p50: {diff:+.1f} ms (target <= 5 ms)")
    added_cpu = (cpu_ms["remote"] - cpu_ms["local*"]) / reps
    print(
        f"CPU the remote path adds per run (this process + the service's, less local*): {added_cpu:+.1f} ms"
    )
    print(f"remote client wall - service's own run time (Server-Timing): p50 {_pct(overhead, 0.5):.2f} ms, "
          f"p90 {_pct(overhead, 0.9):.2f} ms (HTTP, JSON, validation, the host's ledger)")  # fmt: skip


async def _throughput(urls: list[str], runs: int) -> float:
    request = RunRequest.for_question(
        QUESTION, language="python", source=QUESTION.references["python"], mode="submit"
    )
    async with Judge(_remote_settings(urls)) as judge:
        for _ in range(2 * len(urls)):
            await judge.run(request)  # warm every host
        pending = iter(range(runs))
        done = 0

        async def client() -> None:
            nonlocal done
            for _ in pending:
                report = await judge.run(request)
                assert report.verdict is Verdict.ACCEPTED, report.verdict
                done += 1

        began = time.perf_counter()
        await asyncio.gather(
            *(client() for _ in range(3 * len(urls)))
        )  # every slot busy, one queued behind it
        elapsed = time.perf_counter() - began
    return done / elapsed


async def scaling(runs: int, directory: Path) -> None:
    if len(os.sched_getaffinity(0)) < 2:
        print("\nscaling: skipped (fewer than 2 usable cores)")
        return
    cores = sorted(os.sched_getaffinity(0))[:2]
    with judge_services([cores[0]], directory) as urls:
        one = await _throughput(urls, runs)
    with judge_services(cores, directory) as urls:
        two = await _throughput(urls, runs)
    print(f"\nscaling: {runs} Python Submits of two-sum ({len(QUESTION.tests)} tests), judge processes with one "
          f"slot each, pinned to cores {cores}")  # fmt: skip
    print(f"1 judge process : {one:6.1f} runs/s")
    print(f"2 judge processes: {two:6.1f} runs/s   ratio {two / one:.2f}x (target >= 1.8x)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench judge_remote")
    parser.add_argument("--reps", type=int, default=60, help="runs per backend for the latency comparison")
    parser.add_argument("--runs", type=int, default=80, help="runs per throughput measurement")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args(argv)
    directory = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-judge-remote-{os.getpid()}"
    directory.mkdir(parents=True, exist_ok=True)
    print(f"judge over HTTP: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before")
    print(f"cpu: {describe_cpu()}")
    print(f"system calls: {describe_syscalls()}")
    if not args.skip_latency:
        asyncio.run(added_latency(args.reps, directory))
    if not args.skip_scaling:
        asyncio.run(scaling(args.runs, directory))
    print(f"\nload average {os.getloadavg()[0]:.1f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
