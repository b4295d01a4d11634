"""What one run leaves behind, and whether a later run, or a later process of the same run, can find it.

Each program in tests/judge/hostile/cross_run/ (`leave_find.*`, one a language) does the same in every process the
judge starts for it: look for a marker wherever a process could leave one that outlives it (files in /tmp, /work and
/dev/shm, a process of its own session, an abstract Unix socket, SysV shared memory, message queues and semaphores,
a POSIX message queue) and print `FOUND <place>` for each; plant a marker in each place its language can reach; look
again and print `CONTROL <place>` for each it now sees (the proof that the look finds a marker where there is one);
then end its process, so that the next test runs in a fresh one. The programs run one after another through one
single-slot judge, so one worker and one sandbox uid: Python, JavaScript, Java, C++ and Python again, each looking
for what every earlier run planted. `deep_package.java` makes javac build a tree 1,200 directories deep in the build
directory, which the judge failed to remove (tests/judge/test_scratch_cleanup.py).

Concurrent runs are not covered here: what two runs at once share (the page cache, the CPUs, futex wait queues on
the host's files) is docs/judge.md's "Known gaps".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from judge.bank import Question
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.scratch import MOUNT_ROOT
from judge.service import Judge
from judge.settings import JudgeSettings
from tests.judge.conftest import wait_no_strays

pytestmark = [pytest.mark.sandbox, pytest.mark.asyncio(loop_scope="module")]

SUITE = Path(__file__).parent / "hostile" / "cross_run"
LANGUAGES = {".py": "python", ".js": "javascript", ".java": "java", ".cpp": "cpp"}
# Each language leaves, then looks for what every earlier one left; Python looks again at the end.
ORDER = ("leave_find.py", "leave_find.js", "leave_find.java", "leave_find.cpp", "leave_find.py")
# Room for a daemon to start on a loaded host (the programs wait up to 3 s for it); an honest process takes far less.
LIMITS = RunLimits(time_limit_s=5.0, memory_mb=128, output_bytes=1 << 20, compile_s=30)
TESTS = 2  # visible tests run: two processes a run, so the second looks for what the first left


def _header(path: Path, key: str) -> list[str]:
    for line in path.read_text().splitlines()[:4]:
        match = re.match(rf"^(?:#|//)\s*{key}:\s*(.+)$", line)
        if match:
            return match.group(1).split()
    raise AssertionError(f"{path.name}: no `{key}:` header")


def _request(question: Question, path: Path) -> RunRequest:
    request = RunRequest.for_question(
        question,
        language=LANGUAGES[path.suffix],  # type: ignore[arg-type]
        source=path.read_text(),
        mode="run",
        limits=LIMITS,
    )
    visible = [t for t in question.tests if not t.hidden][:TESTS]
    return request.model_copy(update={"tests": visible})


def _lines(text: str | None, word: str) -> set[str]:
    return {line.split(" ", 1)[1] for line in (text or "").splitlines() if line.startswith(word + " ")}


def _scratch_left(judge: Judge) -> list[str]:
    """What is left in the pool workers' scratch tmpfs mounts (as root; elsewhere they have none)."""
    left: list[str] = []
    for pid in judge.backend.pool.worker_pids:  # type: ignore[attr-defined]
        mount = MOUNT_ROOT / str(pid)
        if mount.is_dir():
            left += [entry.name for entry in mount.iterdir()]
    return left


async def test_nothing_a_run_leaves_is_found_by_a_later_process_or_run(
    judge: Judge, question: Question, suite_settings: JudgeSettings
) -> None:
    for name in ORDER:
        path = SUITE / name
        report = await judge.run(_request(question, path))
        detail = (name, report.verdict, report.message, report.compile_output[:300])
        assert report.verdict.value in _header(path, "expect"), detail
        assert report.processes == TESTS, detail  # each test in a process of its own
        planted = set(_header(path, "plants"))
        for test in report.tests:
            assert _lines(test.stdout, "FOUND") == set(), (detail, test.id, test.stdout)
            assert _lines(test.stdout, "CONTROL") == planted, (detail, test.id, test.stdout)
    workers = frozenset(judge.backend.pool.worker_pids)  # type: ignore[attr-defined]
    assert wait_no_strays(suite_settings, allowed=workers) == []


async def test_a_build_directory_too_deep_to_recurse_is_the_candidates_compile_error_and_is_removed(
    judge: Judge, question: Question
) -> None:
    path = SUITE / "deep_package.java"
    report = await judge.run(_request(question, path))
    assert report.verdict is Verdict.COMPILE_ERROR, (report.verdict, report.message)
    assert "cannot find symbol" in report.compile_output
    assert _scratch_left(judge) == []
    follow_up = await judge.run(
        RunRequest.for_question(question, language="python", source=question.references["python"])
    )
    assert follow_up.verdict is Verdict.ACCEPTED, follow_up.message
