"""A database restart that a worker lane rides out without stopping (its listener connects again at once) but that
cuts off the write of a job's end: the job is queued again and ends, instead of staying `doing` under a lane that
goes on beating (api.jobs.worker.LaneWorker). A real `shadows worker` on a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg.rows import DictRow, dict_row

from api.jobs.enqueue import enqueue
from tests.api.grading_support import wait_until
from tests.conftest import StartWorker
from tests.fakes.held_job_tasks import held_probe

Conn = psycopg.AsyncConnection[DictRow]


async def _status(db: Conn, job_id: int) -> str | None:
    cur = await db.execute("select status::text as status from procrastinate_jobs where id = %s", (job_id,))
    row = await cur.fetchone()
    return None if row is None else str(row["status"])


async def test_a_job_whose_end_a_database_restart_cut_off_is_queued_again_and_ends(
    db_url: str, start_worker: StartWorker, tmp_path: Path
) -> None:
    probes = tmp_path / "probes"
    probes.mkdir()
    worker = start_worker(
        SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.held_job_tasks", SHADOWS_TEST_PROBE_DIR=str(probes)
    )
    async with (
        await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as db,
        await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as holder,
    ):
        async with db.transaction():
            job_id = await enqueue(db, held_probe, key="k")
        assert job_id is not None

        async def started(run: int) -> bool:
            return (probes / f"started-k-{run}").exists()

        await wait_until(lambda: started(1), within_s=30, what="the job to start")
        ours = [db.info.backend_pid, holder.info.backend_pid]
        async with holder.transaction():
            # The job's row held, its end (written as it returns) waits on it: the write in flight as the restart
            # comes, made certain.
            await holder.execute("select from procrastinate_jobs where id = %s for update", (job_id,))
            (probes / "release-k").touch()

            async def end_waits() -> bool:
                cur = await db.execute(
                    "select 1 from pg_stat_activity where datname = current_database()"
                    " and %s = any(pg_blocking_pids(pid))",
                    (holder.info.backend_pid,),
                )
                return await cur.fetchone() is not None

            await wait_until(end_waits, within_s=30, what="the job's end to wait on the row")
            # What a restart does to the worker's connections (new ones accepted at once, as after a failover).
            await db.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity"
                " where datname = current_database() and pid <> all(%s)",
                (ours,),
            )

        async def ended() -> bool:
            return await _status(db, job_id) == "succeeded"

        try:
            await wait_until(ended, within_s=20, what="the job to be queued again and end")
        except AssertionError as e:
            raise AssertionError(f"{e}: {worker.log_path.read_text()[-3000:]}") from None
    assert await started(2)  # it ran again: its first end was never written
    assert worker.logged("worker.job_end_lost")
    assert worker.proc.poll() is None  # the lane started again; the worker never stopped
