"""The grader's claims check on hostile text: how its time grows with the size of a scorecard field.

    python -m bench grader_claims [--repeat N]

Every field of every sample and repair round is read by the claims check (grader/claims.py): a field holds up to
4,000 characters, and the model writes what it likes there, repeating the candidate's words if it is led to. Each
shape below is one the clause splitting and the success wording look at closely (long runs of whitespace between a
subject and its verb, runs of commas, words repeated, verbs repeated), at 1,000 and 4,000 characters. The time of
the larger over the smaller is 4 where the reading is linear and 16 where it is quadratic; the bench fails (exit 1)
when a shape grows by more than 8. Baseline: the same shapes on commit f574bfb, before the check read success
wordings and collapsed whitespace (docs/grader-bench.md).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from grader.claims import claim_problems
from tests.grader.test_claims_fail_closed import BUNDLE

SIZES = (1_000, 4_000)
LINEAR_LIMIT = 8.0

SHAPES: dict[str, Callable[[int], str]] = {
    "spaces": lambda n: "The code" + " " * n + "passed.",
    "tabs and line breaks": lambda n: "The solution is" + "\t\n" * (n // 2) + "correct.",
    "comma runs": lambda n: "a correct" + " ," * (n // 2) + " solution",
    "words": lambda n: "The code " + "really " * (n // 7) + "passed.",
    "verbs": lambda n: "passes all " * (n // 11) + "inputs",
    # A subject, then a success word repeated: each was read back to the subject (216c5f8: 221 ms at 4,000, x13.7).
    "a subject, then passed repeated": lambda n: "The candidate " + "passed " * (n // 7),
    # Each question read with the sentence after it, each report with an aside after its "that" or beside its claim.
    "questions answered yes": lambda n: "Does it work? It does. " * (n // 23),
    "reports with asides": lambda n: (
        "They said that, in the end, it worked, the candidate said, " * (n // 59)
    ),
}

# ms at 1,000 and 4,000 characters on f574bfb (this machine: 2 vCPUs, Intel Xeon, 2026-12-05).
BASELINE: dict[str, tuple[float, float]] = {
    "spaces": (104.6, 1310.7),
    "tabs and line breaks": (71.3, 1207.1),
    "comma runs": (3.0, 10.8),
    "words": (3.0, 11.6),
    "verbs": (3.2, 12.5),
}


def _ms(text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        claim_problems([("candidate_advice", text)], BUNDLE.facts, BUNDLE.index)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench grader_claims")
    parser.add_argument("--repeat", type=int, default=3, help="runs per shape and size; the best is reported")
    args = parser.parse_args(argv)
    print(f"{'shape':32s} {'1k ms':>9s} {'4k ms':>9s} {'growth':>7s}   baseline (f574bfb)")
    worst = 0.0
    for name, make in SHAPES.items():
        small, large = (_ms(make(size), args.repeat) for size in SIZES)
        growth = large / max(small, 0.01)
        worst = max(worst, growth)
        base = BASELINE.get(name)
        shown = f"{base[0]:9.1f} {base[1]:9.1f} x{base[1] / max(base[0], 0.01):.1f}" if base else "-"
        print(f"{name:32s} {small:9.1f} {large:9.1f} {growth:6.1f}x   {shown}")
    if worst > LINEAR_LIMIT:
        print(f"a shape grew by x{worst:.1f} for x4 the text (limit x{LINEAR_LIMIT})")
        return 1
    print(f"every shape grows linearly (under x{LINEAR_LIMIT} for x4 the text)")
    return 0
