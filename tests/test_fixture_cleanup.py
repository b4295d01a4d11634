"""The suite's throw-away PostgreSQL cluster (`pg_admin_url` in tests/conftest.py) is removed when its pytest process
ends: each is about 80 MB, one per process, and a box running the suite all day once held 1,100 of them (90 GB)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import ROOT, child_env

USES_THE_CLUSTER = """
def test_reads_the_cluster(db_url):
    import psycopg

    with psycopg.connect(db_url) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
"""


def test_a_pytest_process_leaves_no_cluster_behind(tmp_path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="shadows-cleanup-") as where:
        scratch = Path(where)
        os.chmod(scratch, 0o755)  # the cluster's postgres user must traverse it (tmp_path's parents are 0700)
        _run_a_pytest_using_the_cluster(scratch, tmp_path)
        assert [p.name for p in scratch.iterdir() if p.name.startswith("shadows-pg-")] == []


def _run_a_pytest_using_the_cluster(scratch: Path, tmp_path: Path) -> None:
    probe = tmp_path / "probe" / "test_probe.py"
    probe.parent.mkdir()
    probe.write_text(USES_THE_CLUSTER)
    env = child_env(("SHADOWS_", "DATABASE_URL"), TMPDIR=str(scratch))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest", str(probe)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout
