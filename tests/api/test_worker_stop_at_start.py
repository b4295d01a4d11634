"""A SIGTERM in the first moments of a worker's start stops it, even when a lane loses the cancellation on the way
(a call that caught it while the lane registered): the lane's worker is asked to stop as well (api.jobs.worker
`_run_lane`). Before, the lane ran its loop as if never asked and the process never exited (2 starts in 8 under
load: a supervisor's SIGTERM ignored until its SIGKILL). A real `shadows worker` on a real PostgreSQL."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.conftest import StartWorker


def test_a_sigterm_while_a_lane_registers_stops_the_worker(start_worker: StartWorker, tmp_path: Path) -> None:
    probes = tmp_path / "probes"
    probes.mkdir()
    worker = start_worker(
        SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.swallowed_cancel", SHADOWS_TEST_PROBE_DIR=str(probes)
    )
    deadline = time.monotonic() + 30
    while not (probes / "registering").exists():
        assert time.monotonic() < deadline, worker.log_path.read_text()[-3000:]
        time.sleep(0.02)
    worker.proc.send_signal(signal.SIGTERM)
    try:
        code = worker.proc.wait(timeout=30)
    except Exception as e:
        raise AssertionError(f"the worker did not stop: {worker.log_path.read_text()[-3000:]}") from e
    assert code == 0, worker.log_path.read_text()[-3000:]
    assert worker.logged("worker.stopped")
