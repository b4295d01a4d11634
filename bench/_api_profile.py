"""Sampling the API with py-spy during a measured window, and where its CPU went, by category and owner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bench._api_stack import Stack
from bench._api_targets import Target

ROOT = Path(__file__).resolve().parents[1]


def py_spy() -> str | None:
    """The project's py-spy (a dev dependency, beside this interpreter), else one on PATH or in ~/.local/bin."""
    here = Path(sys.executable).with_name("py-spy")
    return next(
        (str(p) for p in (here, Path.home() / ".local" / "bin" / "py-spy") if p.exists()),
        shutil.which("py-spy"),
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
    (
        "uvicorn / h11 protocol",
        ("H11Protocol.data_received", "H11Protocol.handle_events", "RequestResponseCycle.send"),
    ),
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
    for line in out.read_text(errors="replace").splitlines() if out.exists() else []:
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
            if "(api/cli.py)" not in loc and "(api/cli_serve.py)" not in loc:
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
