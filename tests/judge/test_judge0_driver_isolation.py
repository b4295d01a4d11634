"""The Judge0 in-box driver against the candidate's code beside it: the same uid, no capability (as isolate's box).

The driver holds every test's input and writes the report the backend reads. Dumpable, as it was until 2026-12-07,
it was open to its harness's code through /proc (its memory, read and write, its environment, its stdin and its
stdout) and ptrace, and the tests' inputs were files of the box besides. The driver is run here as isolate runs
it: `bash run` in a box directory (the image's Python replaced by this host's), as one unprivileged uid, its stdin
and stdout files outside the box owned by that uid (the worst case: only the kernel's check on the driver itself
stands between the harness and them).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from judge.backends.judge0 import BOX_DIR, DRIVER_PYTHON, JUDGE0_TOOLCHAIN, Submission
from judge.bank import load_question
from judge.runner import build_program
from judge.schemas import RunRequest
from judge.settings import JudgeSettings
from tests.judge.conftest import SANDBOX_UID_BASE, UID_SPAN

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="running the box as another uid needs root")

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
BOX_UID = (
    SANDBOX_UID_BASE + UID_SPAN - 1
)  # this test process's own range; the judge's workers take the lowest
PYTHON = shutil.which("python3", path="/usr/bin:/bin") or "/usr/bin/python3"

# The candidate's code, before the harness's hello: everything the driver (its parent) could give away or let it
# rewrite, each tried once; what it found goes to stderr, which the driver reports as the start's tail.
ATTACK = r"""
import ctypes, json, os, resource, sys

driver = os.getppid()
found = {}


def opened(path, flags):
    os.close(os.open(path % driver, flags))


def seized():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.ptrace(0x4206, driver, 0, 0) != 0:  # PTRACE_SEIZE: attaches without stopping it
        raise OSError(ctypes.get_errno(), "ptrace")


def forged():
    fd = os.open("/proc/%d/fd/1" % driver, os.O_WRONLY | os.O_APPEND)
    os.write(fd, b"FORGED\n")
    os.close(fd)


tries = {
    "mem": lambda: opened("/proc/%d/mem", os.O_RDWR),
    "environ": lambda: opened("/proc/%d/environ", os.O_RDONLY),
    "stdin": lambda: opened("/proc/%d/fd/0", os.O_RDONLY),
    "stdout": forged,
    "ptrace": seized,
    # The driver's descriptors to none: it could no longer open /proc, where it reads every test's CPU time.
    "limits": lambda: resource.prlimit(driver, resource.RLIMIT_NOFILE, (0, 0)),
}
for name, attempt in tries.items():
    try:
        attempt()
        found[name] = "allowed"
    except OSError:
        found[name] = "refused"
found["files"] = sorted(name for name in os.listdir(".") if name.endswith(".json"))
sys.stderr.write(json.dumps(found) + "\n")
"""


@contextlib.contextmanager
def _box() -> Iterator[Path]:
    """A box directory and the files outside it, readable by BOX_UID (pytest's tmp_path is root's, mode 0700)."""
    root = Path(tempfile.mkdtemp(prefix="judge0-driver-"))
    try:
        root.chmod(0o755)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_driver(root: Path, planted: dict[str, str] | None = None) -> bytes:
    """The driver's report (its stdout), run on the sum-pair reference with ATTACK as its harness, and `planted`
    files in the box besides."""
    request = RunRequest.for_question(
        QUESTION, language="python", source=QUESTION.references["python"], mode="submit"
    )
    submission = _submission(request, [0])
    given = json.loads(submission.given())
    given["conf"]["argv"] = [PYTHON, "-I", "-S", "attack.py"]
    box = root / "box"
    box.mkdir(mode=0o755)
    with zipfile.ZipFile(io.BytesIO(submission.archive())) as zf:
        zf.extractall(box)
    (box / "attack.py").write_text(ATTACK)
    for name, text in (planted or {}).items():
        (box / name).write_text(text)
    run = (box / "run").read_text()
    assert DRIVER_PYTHON in run
    (box / "run").write_text(run.replace(DRIVER_PYTHON, PYTHON))
    outside = {name: root / name for name in ("stdin", "stdout", "stderr")}
    outside["stdin"].write_text(json.dumps(given))
    for path in outside.values():
        path.touch()
        os.chown(path, BOX_UID, BOX_UID)
        path.chmod(0o600)
    for path in box.iterdir():
        path.chmod(0o755 if path.name in ("run", "compile") else 0o644)
    with (
        outside["stdin"].open("rb") as stdin,
        outside["stdout"].open("wb") as stdout,
        outside["stderr"].open("wb") as stderr,
    ):
        subprocess.run(
            ["setpriv", f"--reuid={BOX_UID}", f"--regid={BOX_UID}", "--clear-groups", "--", "/bin/bash", "run"],
            cwd=box, stdin=stdin, stdout=stdout, stderr=stderr, timeout=60, check=False,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"},
        )  # fmt: skip
    report = outside["stdout"].read_bytes()
    return report + outside["stderr"].read_bytes()


def _attack_found(report: bytes) -> dict:
    starts = [json.loads(line) for line in report.splitlines() if line.startswith(b'{"start":')]
    assert len(starts) == 1, report
    return json.loads(starts[0]["tail"])


def _submission(request: RunRequest, order: list[int]) -> Submission:
    settings = JudgeSettings(
        backend="judge0", judge0_url="http://127.0.0.1:9", max_memory_mb=256, max_wall_s=4
    )
    toolchain = settings.model_copy(update=dict(JUDGE0_TOOLCHAIN))  # as Judge0Backend.program builds it
    return Submission(
        request, build_program(request, toolchain, portable=True, program_dir=BOX_DIR), settings, order
    )


def test_the_candidates_code_cannot_reach_the_judge0_driver_through_proc_or_ptrace():
    # Before: mem, environ, stdin, stdout and ptrace all "allowed" (the driver dumpable), and tests.json and
    # driver.json, every test's input and the report's marker, files in the box. Setting the driver's limits, which
    # its dumpability does not stop, was allowed until its seccomp filter (judge0_driver_filter).
    with _box() as root:
        report = _run_driver(root)
    found = _attack_found(report)
    assert found == {
        "mem": "refused",
        "environ": "refused",
        "stdin": "refused",
        "stdout": "refused",
        "ptrace": "refused",
        "limits": "refused",
        "files": [],
    }
    assert b"FORGED" not in report


def test_the_box_reads_the_tests_inputs_from_nowhere_but_the_drivers_stdin():
    request = RunRequest.for_question(
        QUESTION, language="cpp", source=QUESTION.references["cpp"], mode="submit"
    )
    submission = _submission(request, list(range(len(QUESTION.tests))))
    body = submission.body()
    with zipfile.ZipFile(io.BytesIO(submission.archive())) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    for test in QUESTION.tests:
        assert not any(json.dumps(test.args).encode() in data for data in files.values())
    assert submission.marker.encode() not in b"".join(
        files.values()
    )  # the report's marker is not the box's either
    assert "stdin" in body and "compile" in files  # the compile step (`-i /dev/null` on Judge0) never sees it


# Modules the driver imports, as files of the box: Python puts a script's own directory first on sys.path unless it is
# isolated (-I), and the box's directory is the candidate's to write. The image's Python 3.8 imports some modules
# only once the harness runs (`_bootlocale` at the driver's first text-mode open(), which reads /proc under a test),
# so a harness that writes one there would run its code inside the driver, with every test's input and the
# report's marker in reach. Planted before the driver starts here, as the earliest such import would find them.
PLANTED = "import os\nos.write(1, b'PLANTED ' + __name__.encode() + b'\\n')\n"


def test_the_judge0_driver_imports_nothing_from_the_box():
    # Before: the driver ran as `python3 driver.py`, /box first on its sys.path: "PLANTED ctypes" in its report.
    names = ("_bootlocale", "ctypes", "json", "subprocess", "select", "resource")
    with _box() as root:
        report = _run_driver(root, {f"{name}.py": PLANTED for name in names})
    assert b"PLANTED" not in report
    assert _attack_found(report)["files"] == []  # the driver ran, and its harness too
