"""The web client's vitest suite, so the project's one test command covers it (types are checked by the build)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.web.conftest import WEB


def _npm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["npm", *args], cwd=WEB, capture_output=True, text=True, timeout=300)


def test_web_unit_tests_pass(web_dist: Path) -> None:
    done = _npm("test", "--silent")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
