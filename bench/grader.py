"""The grader over the calibration set (`questions/_calibration/`).

    python -m bench grader [--repeat N] [--case NAME ...]

- With a grading model configured (`SHADOWS_GRADER_API_KEY` or `OPENAI_API_KEY`, optionally
  `SHADOWS_GRADER_BASE_URL`, `SHADOWS_GRADER_MODEL`, `SHADOWS_GRADER_SAMPLES`): grades every case `--repeat` times
  and reports agreement with the senior engineer's band (exact, within one band, quadratic-weighted kappa), the
  spread of the band across repeats, review flags, tokens, cost and seconds per interview.
- Without one: runs the same pipeline against the local fake model (answering at once) and reports only the
  pipeline's own time and the token counts of what would be sent (o200k_base); agreement means nothing there.

Nothing is stored; the database is not involved (the bundle comes from the recorded event logs).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Sequence
from typing import Any

from bench._calibration import Case, load_cases
from grader.schemas import BANDS


def quadratic_kappa(expected: Sequence[str], got: Sequence[str], labels: Sequence[str] = BANDS) -> float:
    """Cohen's kappa with quadratic weights between two ratings on the ordered bands (1.0: perfect agreement)."""
    k, n = len(labels), len(expected)
    if n == 0:
        return float("nan")
    index = {label: i for i, label in enumerate(labels)}
    observed = [[0.0] * k for _ in range(k)]
    for a, b in zip(expected, got, strict=True):
        observed[index[a]][index[b]] += 1
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    weight = [[(i - j) ** 2 / (k - 1) ** 2 for j in range(k)] for i in range(k)]
    num = sum(weight[i][j] * observed[i][j] for i in range(k) for j in range(k))
    den = sum(weight[i][j] * rows[i] * cols[j] / n for i in range(k) for j in range(k))
    return 1.0 - num / den if den else 1.0


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def _grade(cases: list[Case], repeat: int, settings: Any) -> list[dict[str, Any]]:
    from grader.pipeline import Grader

    grader = Grader(settings)
    results = []
    try:
        for case in cases:
            for attempt in range(repeat):
                started = time.perf_counter()
                outcome = await grader.grade(case.bundle)
                seconds = time.perf_counter() - started
                card = outcome.scorecard
                results.append(
                    {
                        "case": case.name,
                        "attempt": attempt,
                        "expected": case.expected,
                        "got": card.recommendation if card else None,
                        "status": outcome.status,
                        "reason": outcome.reason,
                        "review": outcome.needs_human_review,
                        "scores": [d.score for _, d in card.dimensions.items()] if card else None,
                        "input_tokens": outcome.usage.input_tokens,
                        "output_tokens": outcome.usage.output_tokens,
                        "cost_usd": outcome.usage.cost_usd,
                        "seconds": seconds,
                    }
                )
                print(
                    f"  {case.name:32} expected {case.expected:14} got {results[-1]['got'] or outcome.reason:20} "
                    f"{outcome.usage.input_tokens:6} in {outcome.usage.output_tokens:5} out "
                    f"${outcome.usage.cost_usd:.4f} {seconds:6.2f} s",
                    flush=True,
                )
    finally:
        await grader.aclose()
    return results


def _report_real(results: list[dict[str, Any]]) -> None:
    graded = [r for r in results if r["got"]]
    print(
        f"\nready: {len(graded)}/{len(results)}; failed: {[(r['case'], r['reason']) for r in results if not r['got']]}"
    )
    if not graded:
        return
    dist = [abs(BANDS.index(r["got"]) - BANDS.index(r["expected"])) for r in graded]
    exact = sum(d == 0 for d in dist) / len(graded)
    within = sum(d <= 1 for d in dist) / len(graded)
    kappa = quadratic_kappa([r["expected"] for r in graded], [r["got"] for r in graded])
    spreads = []
    for name in sorted({r["case"] for r in graded}):
        bands = [BANDS.index(r["got"]) for r in graded if r["case"] == name]
        spreads.append(max(bands) - min(bands))
    print(f"agreement with the expected band: exact {exact:.0%}, within one band {within:.0%}, "
          f"quadratic-weighted kappa {kappa:.2f}")  # fmt: skip
    print(f"spread of the band across repeats (bands): mean {statistics.mean(spreads):.2f}, max {max(spreads)}; "
          f"flagged for human review: {sum(r['review'] for r in graded)}")  # fmt: skip
    print(
        f"per interview: {statistics.mean(r['input_tokens'] for r in results):.0f} input tokens, "
        f"{statistics.mean(r['output_tokens'] for r in results):.0f} output tokens, "
        f"${statistics.mean(r['cost_usd'] for r in results):.4f}, "
        f"{statistics.mean(r['seconds'] for r in results):.1f} s "
        f"(p95 {_pct([r['seconds'] for r in results], 0.95):.1f} s)"
    )


async def _local(cases: list[Case], repeat: int) -> None:
    from bench._tokens import count
    from grader.bundle import build_bundle
    from grader.facts import compute_facts
    from grader.output import schema_text
    from grader.pipeline import Grader, task_messages
    from grader.settings import GraderSettings
    from tests.fakes.grader_model import FakeGraderModel

    print("no grading model configured: the local fake model answers at once; agreement is not measured")
    async with FakeGraderModel(count_tokens=count) as fake:
        grader = Grader(GraderSettings(_env_file=None, base_url=fake.url, model="fake-grader"))  # type: ignore[call-arg]
        try:
            await grader.grade(cases[0].bundle)  # warm up: connection, caches
            for case in cases:
                times, cpu = [], []
                for _ in range(max(repeat, 10)):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    outcome = await grader.grade(case.bundle)
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                    assert outcome.status == "ready", outcome.reason
                bundle = build_bundle(case.bundle, compute_facts(case.bundle))
                system, user = task_messages(case.bundle, bundle, "0" * 16)
                rubric_ids = [str(i.get("id")) for i in case.bundle.question.rubric]
                sent = (
                    count(str(system["content"]))
                    + count(str(user["content"]))
                    + count(schema_text(rubric_ids))
                )
                print(
                    f"  {case.name:32} {case.minutes:4.0f} min  bundle {count(bundle.interview):6} tokens, request "
                    f"{sent:6} tokens (system, user, schema)  "
                    f"pipeline p50 {statistics.median(times):5.1f} ms wall, {statistics.median(cpu):5.1f} ms CPU "
                    "(with the fake model in this process)"
                )
        finally:
            await grader.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench grader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="grade each case this many times (spread)")
    parser.add_argument("--case", action="append", default=[], help="only these cases")
    args = parser.parse_args(argv)
    from grader.settings import GraderSettings

    cases = [c for c in load_cases() if not args.case or c.name in args.case]
    print(
        f"calibration set: {len(cases)} interviews; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    settings = GraderSettings()
    if settings.api_key is None:
        asyncio.run(_local(cases, args.repeat))
        return 0
    print(
        f"model {settings.model} at {settings.base_url or 'api.openai.com'}, {settings.samples} sample(s) per grading"
    )
    results = asyncio.run(_grade(cases, args.repeat, settings))
    _report_real(results)
    return 0
