"""The integrity suite: programs that attack the verdict itself, submitted (by default in submit mode, with the
question's hidden tests) as two-sum solutions in all four languages.

Classes (tests/judge/hostile/integrity/README.md): forged timing, input exfiltration (stdout, exceptions, compile
includes and load-time reads, timing), internal_error forgery, parser bombs, blocking devices, a deleted binary,
and what an attacker tries next (the input pipe, /proc/self/fd, dup2, forged records on every fd, pipe floods,
stalled reads, signals, threads and children that outlive a test, atexit handlers).

For every program: the verdict is one its header declares (never internal_error); per-test expectations hold
where it declares them; no hidden test's input or expected value appears anywhere in the report; in submit mode
every time is a bucket; and the judge then serves a correct solution and leaves no process behind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from judge.bank import Question
from judge.disclosure import TIME_BUCKETS_MS
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from tests.judge.conftest import wait_no_strays

pytestmark = [pytest.mark.sandbox, pytest.mark.asyncio(loop_scope="module")]

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).parent / "hostile" / "integrity"
LANGUAGE_BY_SUFFIX = {".py": "python", ".js": "javascript", ".java": "java", ".cpp": "cpp"}
PROGRAMS = sorted(p for p in SUITE.iterdir() if p.suffix in LANGUAGE_BY_SUFFIX)
SOURCES = {p: p.read_text() for p in PROGRAMS}
HEADER = re.compile(r"^(?:#|//)\s*(expect|mode|limits|tests|class):\s*(.+)$")
LIMITS = RunLimits(time_limit_s=1.0, memory_mb=128, output_bytes=1 << 20, compile_s=30)
CLASSES = {
    "forged-timing",
    "exfiltration",
    "internal-error-forgery",
    "parser-bomb",
    "blocking-device",
    "deleted-binary",
    "next-attack",
}


def header(path: Path) -> dict[str, str]:
    found = {}
    for line in SOURCES[path].splitlines()[:8]:
        match = HEADER.match(line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def hidden_needles(question: Question) -> tuple[set[str], list[str]]:
    """Numbers (six characters or more) that only hidden tests contain, and the hidden inputs and outputs as
    JSON text where short enough to search for whole."""
    visible_text = json.dumps([[t.args, t.expected] for t in question.tests if not t.hidden])
    visible_numbers = set(re.findall(r"-?\d+", visible_text))
    numbers: set[str] = set()
    texts: list[str] = []
    for test in question.tests:
        if not test.hidden:
            continue
        for value in (*test.args, test.expected):
            for style in ((", ", ": "), (",", ":")):
                text = json.dumps(value, separators=style)
                if 6 <= len(text) <= 200:
                    texts.append(text)
            numbers |= {n for n in re.findall(r"-?\d+", json.dumps(value)) if len(n) >= 6} - visible_numbers
    return numbers, texts


async def test_the_suite_covers_every_class_in_every_language():
    covered: dict[str, set[str]] = {}
    for path in PROGRAMS:
        meta = header(path)
        assert "expect" in meta and "class" in meta, f"{path.name}: needs `expect:` and `class:` header lines"
        assert meta["class"] in CLASSES, path.name
        assert Verdict.INTERNAL_ERROR.value not in meta["expect"].split()
        covered.setdefault(meta["class"], set()).add(LANGUAGE_BY_SUFFIX[path.suffix])
    for name in CLASSES:
        assert covered.get(name) == set(LANGUAGE_BY_SUFFIX.values()), (name, covered.get(name))


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
async def test_the_verdict_cannot_be_forged_and_nothing_hidden_leaks(
    program: Path, judge: Judge, question: Question, suite_settings: JudgeSettings
) -> None:
    meta = header(program)
    language = LANGUAGE_BY_SUFFIX[program.suffix]
    limits = LIMITS
    if "limits" in meta:
        overrides = dict(item.split("=", 1) for item in meta["limits"].split())
        limits = LIMITS.model_copy(update={k: type(getattr(LIMITS, k))(v) for k, v in overrides.items()})
    mode = meta.get("mode", "submit")
    request = RunRequest.for_question(
        question,
        language=language,  # type: ignore[arg-type]
        source=SOURCES[program],
        mode=mode,  # type: ignore[arg-type]
        limits=limits,
    )

    report = await judge.run(request)

    detail = (
        report.verdict,
        report.message,
        report.compile_output[:300],
        [(t.id, t.verdict) for t in report.tests],
    )
    assert report.verdict is not Verdict.INTERNAL_ERROR, detail
    assert report.verdict.value in meta["expect"].split(), detail
    for item in meta.get("tests", "").split():
        test_id, verdict = item.split("=")
        assert {t.id: t.verdict.value for t in report.tests}[test_id] == verdict, detail

    dump = report.model_dump_json()
    numbers, texts = hidden_needles(question)
    leaked = numbers & set(re.findall(r"-?\d+", dump))
    assert not leaked, f"hidden values in the report: {sorted(leaked)[:5]}"
    assert not [t for t in texts if t in dump], "a hidden input or output appears in the report"
    if mode == "submit":
        allowed = {*TIME_BUCKETS_MS, limits.time_limit_s * 1000}
        assert {t.time_ms for t in report.tests} <= allowed | {None}
        assert {report.timings.run_ms, report.timings.total_ms} <= set(TIME_BUCKETS_MS)
        assert all(t.stdout is None and t.stderr is None for t in report.tests)

    follow_up = await judge.run(
        RunRequest.for_question(question, language="python", source=question.references["python"])
    )
    assert follow_up.verdict is Verdict.ACCEPTED, follow_up.message
    workers = frozenset(judge.backend.pool.worker_pids)  # type: ignore[attr-defined]
    assert wait_no_strays(suite_settings, allowed=workers) == []
