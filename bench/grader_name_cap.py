"""What the bound on the names a candidate introduces themself by costs (grader/self_named.py `MAX_NAMES`): the
redactor's CPU time over the longest calibration interview's texts and over the question bank's code and printed
values (bench/grader_redaction.py's workloads), with none, six (the old bound), twelve and `MAX_NAMES`
self-introduced names of two words each added to the name on file.

    python -m bench grader_name_cap [--repeat N]

CPU seconds (`time.process_time`), the best of `--repeat` runs, the redactor built on the clock. Baseline: the same
run with six names (the bound before 2026-12-08), measured in the same run.
"""

from __future__ import annotations

import argparse

from api.db.bundle_repo import redaction_terms
from bench.grader_redaction import _cpu_ms, bank_calls, interview_calls
from grader.self_named import MAX_NAMES, self_introduced

# Two-word names, each said "I'm <name>." as a list of decoys would be.
_GIVEN = """
    Zanele Olusegun Siobhan Thandiwe Mateusz Ingrid Kofi Yusuf Leilani Anouk Dmitri Esperanza
""".split()  # noqa: SIM905  # a word list reads better as text
_FAMILY = """
    Okafor Lindqvist Moreau Kowalczyk Haddad Nakamura Oyelaran Brennan Castellanos Vasquez Iversen Achebe
""".split()  # noqa: SIM905  # a word list reads better as text


def _names(n: int) -> list[str]:
    said = [
        f"I'm {_GIVEN[i % len(_GIVEN)]} {_FAMILY[(i * 5 + i // len(_GIVEN)) % len(_FAMILY)]}."
        for i in range(n)
    ]
    return self_introduced(said)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench grader_name_cap")
    parser.add_argument("--repeat", type=int, default=3, help="runs per count; the best is reported")
    args = parser.parse_args(argv)
    workloads = {"interview": interview_calls(), "bank": bank_calls()}
    on_file = redaction_terms("Ada Lovelace", "ada.lovelace@example.com")
    print(f"{'workload':10s} {'names':>6s} {'terms':>6s} {'ms':>9s}   baseline: six names")
    for name, calls in workloads.items():
        base = _cpu_ms(calls, [*on_file, *_names(6)], args.repeat)
        for n in (0, 6, 12, MAX_NAMES):
            extra = _names(n)
            ms = base if n == 6 else _cpu_ms(calls, [*on_file, *extra], args.repeat)
            print(f"{name:10s} {n:6d} {len(extra):6d} {ms:9.1f}   {base:.1f} ms (x{ms / base:.2f})")
    return 0
