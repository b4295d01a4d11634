"""The redactor's CPU time on the volumes grading reads: the question bank's code and printed test values, and a
long interview's texts.

    python -m bench grader_redaction [--repeat N] [--uncollapsed]

Three workloads, each for several candidates (a name of its own builds a redactor of its own, timed with it):
- **bank**: every question's reference solutions and starters (as code) and every test's arguments and expected
  values as a program prints them (as output, the head and tail the bundle reads of a long one): what
  tests/grader/test_redaction_precision.py redacts for each of its candidate names, and what a run's printed values
  and code are in a session;
- **interview**: every text the bundle of the longest calibration interview (45 minutes, 109 events, five runs)
  has redacted, recorded once from `build_bundle` and redacted again by a new redactor;
- **runs**: hostile typed lines, a run of 4,000 of one separator (spaces, tabs, no-break spaces, line breaks, mixed
  whitespace, dashes, dots) between a self-introduction and a phone number, as speech and as output. The matching
  form reads a long run as its ends (grader/matching_form.py `LONG_RUN`); `--uncollapsed` keeps runs whole, as
  before that, and times only this workload (its baseline, seconds a line).
CPU seconds (`time.process_time`), the best of `--repeat` runs per candidate. Baseline: the same measure at
c3636a06, before the letter gate (grader/letter_gate.py), on this machine (docs/grader-bench.md); for **runs**, the
same measure with `--uncollapsed`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path
from typing import ClassVar
from unittest import mock

import grader.bundle
import grader.matching_form
from api.db.bundle_repo import redaction_terms
from bench._calibration import load_cases
from grader.bundle import REDACT_WINDOW_CHARS, build_bundle
from grader.facts import compute_facts
from grader.redact import Redacted, Redactor
from judge.bank import load_bank

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = [
    ("Ada Lovelace", "ada.lovelace@example.com"),
    ("Priya Raman", "priya.r@example.com"),
    ("欧阳娜娜", None),
]
LONG_CASE = "long-running-median"
RUN_CHARS = 4_000  # a typed chat message's bound
RUNS = (" ", "\t", "\u00a0", "\n", " \t\n", "-", ".")
# ms of CPU per candidate for the runs workload with `--uncollapsed` (the matching form before `LONG_RUN`), measured
# on 2026-12-07 at 23:30-23:41 UTC (best of 1), this machine shared with other helpers (docs/grader-bench.md)
RUNS_BASELINE = 82089.4

# ms of CPU per candidate (median over CANDIDATES of the best of 3), measured at c3636a06 on 2026-12-07 04:07 UTC,
# this machine, shared with other work (docs/grader-bench.md)
BASELINE = {"bank": 2397.8, "interview": 87.3, "runs": RUNS_BASELINE}

Call = tuple[str, str, str | None]  # the mode ("speech", "code", "output"), the text, the code's language


def _printed(value: object) -> set[str]:
    """`value` as the harness encodes it and as a program prints it, in the windows the bundle redacts of a long
    text (its head and tail)."""
    forms = {json.dumps(value), json.dumps(value, separators=(",", ":")), str(value), repr(value)}
    return {w for text in forms for w in (text[:REDACT_WINDOW_CHARS], text[-REDACT_WINDOW_CHARS:])}


def bank_calls() -> list[Call]:
    calls: list[Call] = []
    for question in load_bank(ROOT / "questions"):
        for sources in (question.references, question.starters):
            calls += [("code", code, language) for language, code in sources.items()]
        for test in question.tests:
            calls += [
                ("output", text, None) for text in sorted(_printed(test.args) | _printed(test.expected))
            ]
    return calls


def runs_calls() -> list[Call]:
    lines = [f"my name is{(run * RUN_CHARS)[:RUN_CHARS]}Priya, call me at 415 555 0134" for run in RUNS]
    return [(mode, line, None) for line in lines for mode in ("speech", "output")]


class _Recording(Redactor):
    """A redactor that notes every text the bundle asks it for."""

    calls: ClassVar[list[Call]] = []

    def speech(self, text: str) -> Redacted:
        self.calls.append(("speech", text, None))
        return super().speech(text)

    def code(self, text: str, language: str | None = None) -> Redacted:
        self.calls.append(("code", text, language))
        return super().code(text, language)

    def output(self, text: str) -> Redacted:
        self.calls.append(("output", text, None))
        return super().output(text)


def interview_calls() -> list[Call]:
    case = next(c for c in load_cases() if c.name == LONG_CASE)
    _Recording.calls = []
    # Only while the bundle is built once, to record what it redacts.
    with mock.patch.object(grader.bundle, "Redactor", _Recording):
        build_bundle(case.bundle, compute_facts(case.bundle))
    return list(dict.fromkeys(_Recording.calls))  # a redactor redacts a text once


def _cpu_ms(calls: list[Call], terms: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        redactor = Redactor(terms)  # built on the clock: a session's name builds its own
        for mode, text, language in calls:
            if mode == "code":
                redactor.code(text, language)
            elif mode == "speech":
                redactor.speech(text)
            else:
                redactor.output(text)
        best = min(best, time.process_time() - started)
    return best * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench grader_redaction")
    parser.add_argument("--repeat", type=int, default=3, help="runs per candidate; the best is reported")
    parser.add_argument(
        "--uncollapsed", action="store_true", help="the runs workload with long runs kept whole"
    )
    args = parser.parse_args(argv)
    if args.uncollapsed:
        with mock.patch.object(grader.matching_form, "LONG_RUN", re.compile(r"(?!)")):
            return _report({"runs": runs_calls()}, args.repeat)
    return _report({"bank": bank_calls(), "interview": interview_calls(), "runs": runs_calls()}, args.repeat)


def _report(workloads: dict[str, list[Call]], repeat: int) -> int:
    print(
        f"{'workload':10s} {'texts':>6s} {'chars':>9s} " + " ".join(f"{n[:12]:>12s}" for n, _ in CANDIDATES),
        end="",
    )
    print(f" {'median ms':>10s}   baseline (bank, interview: c3636a06; runs: --uncollapsed)")
    for name, calls in workloads.items():
        times = [_cpu_ms(calls, redaction_terms(full, email), repeat) for full, email in CANDIDATES]
        median = statistics.median(times)
        chars = sum(len(text) for _, text, _ in calls)
        base = BASELINE[name]
        cells = " ".join(f"{t:12.1f}" for t in times)
        print(
            f"{name:10s} {len(calls):6d} {chars:9d} {cells} {median:10.1f}   {base:.1f} ms (x{base / median:.1f})"
        )
    return 0
