"""The measurements docs/grading.md gives for the claim checks (2026-12-06), made again with one command:

    .venv/bin/python -m tests.grader.claim_measure [--show]

Before, each check's counts ("of 1,514 strings of the claim, credit and untrusted-content tests ...") came from a
script of the day, and no later change of a check measured them again. The corpora, each deduplicated:

- *claim tests*: the string constants of the claim, credit and untrusted-content tests (tests/grader/test_claims*.py,
  test_credit*.py, test_untrusted.py), docstrings and test data alike, but the check's own tests (`OWN`);
- *grader tests*: the string constants of every module of tests/grader/ but the check's own, and of the fake model;
- *precision*: the precision corpus's true sentences, each read for its own interview
  (tests/grader/test_claims_precision.py);
- *calibration*: each calibration interview's expected reasoning and every line said in it, read for its interview;
- *docs*: the non-blank lines of the tracked docs, questions and prompts.

Each check reads them for the interview its documentation names (tests/grader/bundles.py): the base interview (a
first run that failed, one hint, a submission that passed), the same with no submission, and the one whose
submission's hidden test hit the time limit. Not a test: the counts change with every test added."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from bench._calibration import load_cases
from grader.bundle import Bundle, build_bundle, candidate_lines
from grader.claim_activity import activity_of, activity_problems
from grader.claim_complexity import BIG_O, complexity_problems, stated
from grader.claim_first import first_run_problems
from grader.claim_hints import hint_problems
from grader.claim_speed import speed_problems
from grader.facts import compute_facts
from grader.schemas import BundleInput
from tests.grader.bundles import interview
from tests.grader.test_claims_precision import BUNDLES, CASES, _submitted
from tests.grader.test_claims_speed import TOO_SLOW

ROOT = Path(__file__).resolve().parents[2]
Check = Callable[[str, BundleInput, Bundle], bool]


def strings(paths: Iterable[Path]) -> list[str]:
    out: dict[str, None] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
                out.setdefault(node.value, None)
    return list(out)


# Each check's own tests, left out of the corpora it is measured on: they hold the false claims it is there to
# refuse, and would count them.
OWN = {
    "first run": "test_claims_first_",
    "hints": "test_claims_hints",
    "speed": "test_claims_speed",
    "activity": "test_claims_activity",
    "complexity": "test_claims_complexity",
}


def claim_tests(check: str) -> list[str]:
    names = ("test_claims", "test_credit", "test_untrusted")
    return strings(
        sorted(
            p
            for p in (ROOT / "tests/grader").glob("*.py")
            if p.name.startswith(names) and not p.name.startswith(OWN[check])
        )
    )


def grader_tests(check: str) -> list[str]:
    modules = [p for p in sorted((ROOT / "tests/grader").glob("*.py")) if not p.name.startswith(OWN[check])]
    return strings([*modules, ROOT / "tests/fakes/grader_model.py"])


def doc_lines() -> list[str]:
    tracked = subprocess.run(
        ["git", "ls-files", "docs", "questions", "prompts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    lines: list[str] = []
    for name in tracked:
        try:
            lines += [line for line in (ROOT / name).read_text(encoding="utf-8").splitlines() if line.strip()]
        except (UnicodeDecodeError, OSError):
            continue
    return lines


def _bundled(source: BundleInput) -> tuple[BundleInput, Bundle]:
    return source, build_bundle(source, compute_facts(source))


def _checks() -> dict[str, Check]:
    def said(text: str) -> list[tuple[str, str]]:
        return [("x", text)]

    return {
        "first run": lambda t, s, b: bool(first_run_problems(said(t), b.index)),
        "hints": lambda t, s, b: bool(hint_problems(said(t), b.facts)),
        "speed": lambda t, s, b: bool(speed_problems(said(t), b.index)),
        "activity": lambda t, s, b: bool(activity_problems(said(t), activity_of(s))),
        "complexity": lambda t, s, b: bool(
            complexity_problems(said(t), stated(b.facts.complexity_claimed, candidate_lines(s)))
        ),
    }


def measure(show: bool = False) -> list[str]:
    base = _bundled(interview(submitted=True))
    unsubmitted = _bundled(interview(submitted=False))
    too_slow = (_submitted("time_limit"), TOO_SLOW)
    checks = _checks()
    docs = doc_lines()
    plan = [
        ("first run", "claim tests", base, "base (first run failed)"),
        ("hints", "claim tests", base, "base (one hint)"),
        ("speed", "claim tests", too_slow, "hidden test timed out"),
        ("speed", "grader tests", too_slow, "hidden test timed out"),
        ("speed", "grader tests", unsubmitted, "no submission"),
        ("speed", "docs", too_slow, "hidden test timed out"),
        ("speed", "docs", unsubmitted, "no submission"),
        ("activity", "claim tests", unsubmitted, "no submission"),
        ("complexity", "grader tests with a big-O", base, "base"),
    ]
    out: list[str] = []
    for check, corpus, (source, bundle), interview_name in plan:
        if corpus == "docs":
            texts = docs
        elif corpus == "claim tests":
            texts = claim_tests(check)
        else:
            texts = [t for t in grader_tests(check) if corpus == "grader tests" or BIG_O.search(t)]
        refused = [t for t in texts if checks[check](t, source, bundle)]
        out.append(f"{check}: {len(refused)} of {len(texts):,} {corpus}, read for {interview_name}")
        out += [f"    {t[:160]!r}" for t in refused] if show else []
    cases = load_cases()
    sources = {
        "pass": interview(submitted=True),
        "hidden_failed": _submitted("wrong_answer"),
        "unsubmitted": interview(submitted=False),
        "too_slow": _submitted("time_limit"),
    }
    for check in checks:
        precision = sum(checks[check](t, sources[n], BUNDLES[n]) for t, n in CASES)
        calibration, total = 0, 0
        for case in cases:
            source, bundle = _bundled(case.bundle)
            said_lines = [e.payload.get("text", "") for e in case.bundle.events if e.type == "transcript"]
            for text in [case.reasoning, *said_lines]:
                total += 1
                calibration += checks[check](text, source, bundle)
        out.append(
            f"{check}: {precision} of {len(CASES)} precision sentences, {calibration} of {total} calibration texts"
        )
    return out


if __name__ == "__main__":
    print("\n".join(measure(show="--show" in sys.argv)))
