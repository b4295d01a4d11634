"""What building a grading bundle costs in redaction, counted rather than timed (timings belong to bench/)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest

import grader.redact
from api.db.bundle_repo import redaction_terms
from bench._calibration import load_cases
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.redact import Redacted


def test_a_bundle_redacts_each_text_once_though_runs_repeat_their_snapshots_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A run's code is most often the snapshot's before it, and the same program output recurs: each was redacted
    # again (in the 45-minute interview 24 code texts, 14 of them distinct, half of the code's redaction).
    case = next(c for c in load_cases() if c.name == "long-running-median")
    terms = redaction_terms("Amara Lindqvist", "amara@example.com")
    source = case.bundle.model_copy(update={"redact": terms})
    calls: Counter[tuple[str, str | None]] = Counter()
    apply = grader.redact.apply_rules

    def counting(text: str, rules: Sequence[grader.redact.Rule], language: str | None = None) -> Redacted:
        calls[(text, language)] += 1
        return apply(text, rules, language)

    monkeypatch.setattr(grader.redact, "apply_rules", counting)
    codes = [r.code for r in source.runs if r.code]
    snapshots = {e.payload.get("code") for e in source.events}
    assert any(code in snapshots for code in codes)  # the case repeats a snapshot's code
    build_bundle(source, compute_facts(source))
    assert calls and max(calls.values()) == 1
