"""For the timeline read benchmark: the largest session the recording bounds allow, written with SQL in bulk, and an
API process of its own on the benchmark's database with the default report read limits (the stack's API has them
lifted, as the other report benchmarks measure renders, not limits)."""

from __future__ import annotations

import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from bench._api_stack import ROOT, free_port, stop_api, wait_ready
from bench._report_seed import insert_interview, insert_submission

TURNS = 2_000  # typed turns of 4,000 characters: the 8 MB event budget
TURN_CHARS = 4_000
BIG_SNAPSHOTS = 80  # of 200 KB: the 16 MiB snapshot code budget
BIG_SNAPSHOT_BYTES = 200_000
SMALL_SNAPSHOTS = 16_000
RUNS = 450  # of 18 KB code: the 8 MiB run code budget
RUN_CODE_BYTES = 18_000
OBSERVATIONS = 500


_RND = random.Random(11)
_WORDS = [
    "".join(_RND.choice(string.ascii_lowercase) for _ in range(_RND.randint(2, 9))) for _ in range(4000)
]


def _text(chars: int) -> str:
    """Words at random (as little compressible as speech or code is), `chars` characters."""
    out: list[str] = []
    n = 0
    while n < chars:
        word = _RND.choice(_WORDS)
        out.append(word)
        n += len(word) + 1
    return " ".join(out)[:chars]


def _code(size: int, k: int) -> str:
    lines = []
    n = 0
    while n < size:
        line = f"    v{k}_{len(lines)} = {_text(50)!r}"
        lines.append(line)
        n += len(line) + 1
    return "def f():\n" + "\n".join(lines) + "\n"


def seed_largest(url: str) -> str:
    """One completed session at every recording bound at once (docs/reports.md, "The largest session"): about
    20,000 events. Returns its id."""
    sid = "ses_" + "b" * 24
    events: list[tuple[str, float, dict[str, object]]] = []
    span = 2700.0
    for k in range(TURNS):
        events.append(
            (
                "transcript",
                span * k / TURNS,
                {"role": "user", "text": _text(TURN_CHARS), "typed": True},
            )
        )
    for k in range(BIG_SNAPSHOTS):
        events.append(
            (
                "editor_snapshot",
                5 + span * k / BIG_SNAPSHOTS,
                {"language": "python", "code": _code(BIG_SNAPSHOT_BYTES, k)},
            )
        )
    for k in range(SMALL_SNAPSHOTS):
        events.append(
            ("editor_snapshot", 7 + span * k / SMALL_SNAPSHOTS, {"language": "python", "code": _code(120, k)})
        )
    for k in range(OBSERVATIONS):
        events.append(("integrity", 9 + span * k / OBSERVATIONS, {"kind": "paste", "chars": 40, "lines": 2}))
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            question = insert_interview(conn, sid, status="completed", minutes=45, final_code=None)
            rows = [
                (sid, seq, f"b{seq}", kind, at, json.dumps(payload))
                for seq, (kind, at, payload) in enumerate(events, start=1)
            ]
            seq = len(rows)
            for k in range(RUNS):
                seq += 1
                payload = {
                    "submission_id": insert_submission(
                        conn, question, sid, _code(RUN_CODE_BYTES, k), "run", "accepted"
                    ),
                    "by": "candidate",
                    "verdict": "accepted",
                    "passed": 3,
                    "total": 3,
                    "tests": [{"id": f"t{j}", "verdict": "accepted"} for j in range(3)],
                }
                rows.append((sid, seq, f"r{seq}", "test_run", 10 + span * k / RUNS, json.dumps(payload)))
            with conn.cursor() as cur:
                cur.executemany(
                    "insert into session_events (session_id, seq, idempotency_key, type, t, payload) "
                    "values (%s, %s, %s, %s, %s, %s)",
                    rows,
                )
        conn.execute("vacuum analyze session_events")
    return sid


def append_note(url: str, session_id: str, n: int) -> None:
    """A small event appended to the session's log: its record changed, so its next timeline read is built."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "insert into session_events (session_id, seq, idempotency_key, type, t, payload) "
            "values (%s, (select max(seq) + 1 from session_events where session_id = %s), %s, 'phase_change', 2699, "
            '\'{"from": "coding", "to": "wrap_up"}\')',
            (session_id, session_id, f"bench-note-{n}"),
        )


@contextmanager
def api_with_default_limits(url: str, root: Path = ROOT) -> Iterator[tuple[str, int]]:
    """`shadows api` from the checkout at `root`, on `url`'s database, with the default report read limits;
    yields its base URL and pid."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SHADOWS_API_REPORT_READ_")},
        "DATABASE_URL": url,
        "SHADOWS_API_ENVIRONMENT": "local",
        "SHADOWS_API_LOG_JSON": "true",
        "SHADOWS_API_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(root),
    }
    tmp = Path(tempfile.mkdtemp(prefix="shadows-bench-tl-"))
    shadows = str(Path(sys.executable).parent / "shadows")
    argv = [shadows, "api", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    with (tmp / "api.log").open("wb") as log:
        api = subprocess.Popen(argv, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(api, base, tmp / "api.log", 60)
        yield base, api.pid
    finally:
        stop_api(api)
        shutil.rmtree(tmp, ignore_errors=True)
