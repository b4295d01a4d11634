"""Forging a verdict without solving the problem, in all four languages, through the real sandbox and supervisor:
each program is a `questions/two-sum` solution in `tests/judge/hostile/forgery/`, Submitted (hidden tests run).

Classes (docs/judge.md, "What the candidate's process can and cannot see" and "How a run works"):

- `snoop`: look for a hidden test's expected value anywhere the process can see (the harness's own objects by
  reflection, inspection or a scan of its memory, its frames, the environment, argv, /proc, the files of the
  sandbox) and answer correctly only if one is found;
- `lying-value`: make the comparison say "equal" when it is not (objects whose equality, iteration or printing
  lies, the harness's encoder or the builtins replaced, records carrying NaN, Infinity, strings, objects, no value,
  a second value, a forged record, what a program writes on its other channels);
- `state-leak`: tests share one process by design; a program answering each test with the right answer to the test
  before it must be judged against each test's own expected value.

`passed: N` in a header is the exact count of accepted tests; `lag: 1` says the program answers each test with the
previous one's answer (in the order the tests run: visible first), so exactly the tests whose expected value equals
their predecessor's pass. Every report is also searched for hidden inputs and outputs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from judge.bank import Question
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from tests.judge.conftest import wait_no_strays
from tests.judge.test_hostile_integrity import hidden_needles

pytestmark = [pytest.mark.sandbox, pytest.mark.asyncio(loop_scope="module")]

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).parent / "hostile" / "forgery"
LANGUAGE_BY_SUFFIX = {".py": "python", ".js": "javascript", ".java": "java", ".cpp": "cpp"}
PROGRAMS = sorted(p for p in SUITE.iterdir() if p.suffix in LANGUAGE_BY_SUFFIX)
SOURCES = {p: p.read_text() for p in PROGRAMS}
HEADER = re.compile(r"^(?:#|//)\s*(expect|class|passed|lag):\s*(.+)$")
LIMITS = RunLimits(time_limit_s=2.0, memory_mb=128, output_bytes=1 << 20, compile_s=30)
CLASSES = {"snoop", "lying-value", "state-leak"}


def header(path: Path) -> dict[str, str]:
    found = {}
    for line in SOURCES[path].splitlines()[:8]:
        match = HEADER.match(line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def lagged_passes(question: Question) -> dict[str, bool]:
    """Which tests a program answering each with its predecessor's answer passes: visible tests run first."""
    tests = [t for t in question.tests if not t.hidden] + [t for t in question.tests if t.hidden]
    return {t.id: i > 0 and t.expected == tests[i - 1].expected for i, t in enumerate(tests)}


async def test_the_suite_covers_every_class_in_every_language():
    covered: dict[str, set[str]] = {}
    for path in PROGRAMS:
        meta = header(path)
        assert "expect" in meta and "class" in meta, f"{path.name}: needs `expect:` and `class:` header lines"
        assert "passed" in meta or "lag" in meta, f"{path.name}: says how many tests may pass"
        assert meta["class"] in CLASSES, path.name
        assert Verdict.INTERNAL_ERROR.value not in meta["expect"].split()
        covered.setdefault(meta["class"], set()).add(LANGUAGE_BY_SUFFIX[path.suffix])
    for name in CLASSES:
        assert covered.get(name) == set(LANGUAGE_BY_SUFFIX.values()), (name, covered.get(name))


async def test_a_lagged_program_is_a_real_check_on_this_question(question: Question):
    """Some tests of two-sum share their predecessor's expected value and some do not: the lag assertion can fail
    both ways (a test judged against the previous one's value would flip it)."""
    passes = lagged_passes(question)
    assert any(passes.values()) and not all(passes.values())


# A hidden test's id planted where each `snoop` program looks (built from pieces: no needle in this file's text),
# so that its finding nothing through the judge means something.
PLANTS = {
    "python": ("\ndef two_sum(", "\n_PLANTED = {'id': ''.join(['pair', '-at-', 'ends'])}\n\n\ndef two_sum("),
    "javascript": (
        "\nfunction twoSum(",
        "\nglobalThis.planted = { deep: ['x' + 'pair-at-' + 'ends'] };\nfunction twoSum(",
    ),
    "java": (
        "    static boolean found() {",
        '    static { System.setProperty("planted", "pair-at" + "-ends".toString()); }\n    static boolean found() {',
    ),
    "cpp": (
        "\nclass Solution {",
        '\nstatic string* planted = new string(string("xx") + "pair-at" + "-ends");\nclass Solution {',
    ),
}


@pytest.mark.parametrize("program", [p for p in PROGRAMS if p.stem == "snoop"], ids=lambda p: p.name)
async def test_each_snoop_finds_a_hidden_id_planted_where_it_looks(
    program: Path, judge: Judge, question: Question
):
    language = LANGUAGE_BY_SUFFIX[program.suffix]
    old, new = PLANTS[language]
    assert SOURCES[program].count(old) == 1
    source = SOURCES[program].replace(old, new)
    request = RunRequest.for_question(
        question,
        language=language,
        source=source,
        mode="run",
        limits=LIMITS,  # type: ignore[arg-type]
    )

    report = await judge.run(request)

    assert report.verdict is Verdict.ACCEPTED, (report.verdict, report.compile_output[:300], report.tests[:2])


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
async def test_no_verdict_is_forged_and_nothing_hidden_leaks(
    program: Path, judge: Judge, question: Question, suite_settings: JudgeSettings
) -> None:
    meta = header(program)
    request = RunRequest.for_question(
        question,
        language=LANGUAGE_BY_SUFFIX[program.suffix],  # type: ignore[arg-type]
        source=SOURCES[program],
        mode="submit",
        limits=LIMITS,
    )

    report = await judge.run(request)

    verdicts = {t.id: t.verdict for t in report.tests}
    detail = (
        report.verdict,
        report.message,
        report.compile_output[:300],
        [t.model_dump() for t in report.tests],
    )
    assert report.verdict is not Verdict.INTERNAL_ERROR, detail
    assert report.verdict.value in meta["expect"].split(), detail
    if "passed" in meta:
        assert report.passed == int(meta["passed"]), detail
    if "lag" in meta:
        assert {k: v is Verdict.ACCEPTED for k, v in verdicts.items()} == lagged_passes(question), detail

    dump = report.model_dump_json()
    numbers, texts = hidden_needles(question)
    leaked = numbers & set(re.findall(r"-?\d+", dump))
    assert not leaked, f"hidden values in the report: {sorted(leaked)[:5]}"
    assert not [t for t in texts if t in dump], "a hidden input or output appears in the report"

    follow_up = await judge.run(
        RunRequest.for_question(question, language="python", source=question.references["python"])
    )
    assert follow_up.verdict is Verdict.ACCEPTED, follow_up.message
    workers = frozenset(judge.backend.pool.worker_pids)  # type: ignore[attr-defined]
    assert wait_no_strays(suite_settings, allowed=workers) == []
