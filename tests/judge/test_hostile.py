"""The hostile-code suite: attacks submitted as two-sum solutions through Judge.run, in all four languages.

Each program in tests/judge/hostile/ must get one of the verdicts its first line declares (never `internal_error`,
and `accepted` only where a failed attack falls back to a correct answer), leak no secret, leave the host files
and the loopback listener untouched, leave no process behind, and the judge must serve the next request.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from judge.bank import Question, load_question
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from tests.judge.conftest import Listener, wait_no_strays

pytestmark = [pytest.mark.sandbox, pytest.mark.asyncio(loop_scope="module")]

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).parent / "hostile"
LANGUAGE_BY_SUFFIX = {".py": "python", ".js": "javascript", ".java": "java", ".cpp": "cpp"}
PROGRAMS = sorted(p for p in HOSTILE.iterdir() if p.suffix in LANGUAGE_BY_SUFFIX)
SOURCES = {p: p.read_text() for p in PROGRAMS}
REFERENCES = {s: (ROOT / "questions" / "two-sum" / f"reference{s}").read_text() for s in LANGUAGE_BY_SUFFIX}
EXPECT = re.compile(r"^(?:#|//)\s*expect:\s*(.+)$")
LIMITS_LINE = re.compile(r"^(?:#|//)\s*limits:\s*(.+)$")
# Memory bombs must reach 128 MB well within the per-test time even on a loaded 2-core CI machine.
LIMITS = RunLimits(time_limit_s=1.5, memory_mb=128, output_bytes=1 << 20, compile_s=30)


def program_limits(path: Path) -> RunLimits:
    """The suite's limits, with the overrides a program's second line declares (`limits: time_limit_s=5`)."""
    lines = SOURCES[path].splitlines()
    match = LIMITS_LINE.match(lines[1]) if len(lines) > 1 else None
    if match is None:
        return LIMITS
    overrides = dict(item.split("=", 1) for item in match.group(1).split())
    return LIMITS.model_copy(update={k: type(getattr(LIMITS, k))(v) for k, v in overrides.items()})


def expected_verdicts(path: Path) -> set[Verdict]:
    match = EXPECT.match(SOURCES[path].splitlines()[0])
    assert match, f"{path.name}: first line must declare `expect: <verdicts>`"
    return {Verdict(v) for v in match.group(1).split()}


@pytest.fixture(scope="module")
def env_canary() -> Iterator[str]:
    """A secret in the judge's own environment (inherited by its workers) that sandboxed code must not see."""
    value = f"canary-env-{os.urandom(8).hex()}"
    saved = {k: os.environ.get(k) for k in ("OPENAI_API_KEY", "DATABASE_URL")}
    os.environ["OPENAI_API_KEY"] = value
    os.environ["DATABASE_URL"] = f"postgresql://shadows:{value}@127.0.0.1:5432/shadows"
    yield value
    for key, old in saved.items():
        if old is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = old


@pytest.fixture(scope="module")
def question() -> Question:
    return load_question(ROOT / "questions" / "two-sum")


@pytest.fixture(scope="module")
def hostile_settings(judge_settings: JudgeSettings) -> JudgeSettings:
    # One slot: the request after an attack is served by the very worker that ran it.
    return judge_settings.model_copy(update={"slots": 1, "queue_size": 4})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def judge(hostile_settings: JudgeSettings, env_canary: str) -> AsyncIterator[Judge]:
    async with Judge(hostile_settings) as j:
        yield j


def worker_pids(judge: Judge) -> frozenset[int]:
    return frozenset(judge.backend.pool.worker_pids)  # type: ignore[attr-defined]


def fill(source: str, *, port: int, canary_path: Path) -> str:
    return (
        source.replace("__PORT__", str(port))
        .replace("__CANARY_PATH__", str(canary_path))
        .replace("__PROJECT_ENV__", str(ROOT / ".env"))
    )


async def test_the_suite_covers_every_language_with_at_least_thirty_programs():
    by_language: dict[str, int] = {}
    for path in PROGRAMS:
        by_language[LANGUAGE_BY_SUFFIX[path.suffix]] = by_language.get(LANGUAGE_BY_SUFFIX[path.suffix], 0) + 1
        assert Verdict.INTERNAL_ERROR not in expected_verdicts(path)
    assert len(PROGRAMS) >= 30
    assert set(by_language) == set(LANGUAGE_BY_SUFFIX.values())
    assert min(by_language.values()) >= 8


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
async def test_hostile_program_is_contained(
    program: Path,
    judge: Judge,
    question: Question,
    hostile_settings: JudgeSettings,
    env_canary: str,
    host_canary: tuple[Path, str],
    loopback_listener: Listener,
) -> None:
    canary_path, file_canary = host_canary
    source = fill(SOURCES[program], port=loopback_listener.port, canary_path=canary_path)
    language = LANGUAGE_BY_SUFFIX[program.suffix]
    limits = program_limits(program)
    request = RunRequest.for_question(question, language=language, source=source, mode="run", limits=limits)

    report = await judge.run(request)

    detail = (report.verdict, report.message, [(t.verdict, t.message) for t in report.tests][:3])
    assert report.verdict in expected_verdicts(program), detail
    assert report.verdict != Verdict.INTERNAL_ERROR
    dump = report.model_dump_json()
    assert env_canary not in dump
    assert file_canary not in dump
    assert "OPENAI_API_KEY=" not in dump

    # The judge still serves: the same (only) worker runs a correct solution next.
    follow_up = await judge.run(
        RunRequest.for_question(question, language="python", source=REFERENCES[".py"])
    )
    assert follow_up.verdict == Verdict.ACCEPTED, follow_up.message

    # No process of the run is left anywhere on the host (a sandboxed process keeps its uid, however it escaped):
    # whatever it connected is queued on the listener by now, and nothing can connect later.
    assert wait_no_strays(hostile_settings, allowed=worker_pids(judge)) == []
    if "__PORT__" in SOURCES[program]:
        assert await asyncio.to_thread(loopback_listener.drained) == []
    assert loopback_listener.connections == []


async def test_the_listener_reports_a_connection_made_just_before_it_is_drained(
    loopback_listener: Listener,
) -> None:
    # What the attacks' check relies on instead of a fixed wait: a connection made before `drained()` is in it.
    for n in range(1, 6):
        with socket.create_connection(("127.0.0.1", loopback_listener.port), timeout=5):
            pass
        assert len(loopback_listener.drained()) == n


async def test_every_reference_solution_is_accepted_after_the_attacks(
    judge: Judge, question: Question
) -> None:
    for suffix, language in LANGUAGE_BY_SUFFIX.items():
        request = RunRequest.for_question(
            question, language=language, source=REFERENCES[suffix], mode="submit"
        )
        report = await judge.run(request)
        assert report.verdict == Verdict.ACCEPTED, (language, report.message)
        assert report.passed == report.total == len(question.tests)
