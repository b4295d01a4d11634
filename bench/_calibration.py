"""The calibration set (`questions/_calibration/`): recorded interviews with the band a senior engineer gives them.

Each case is written by hand as `<case>.yaml` (the conversation, the code as it was typed, when the candidate ran
or submitted, hints, phases, page observations, and the expected band with its reasoning). Its event log is
recorded into `<case>.json` by running every run and submission through the real judge, so that verdicts and test
results are truthful:

    .venv/bin/python -m bench._calibration build [CASE ...]     # needs the sandbox (bubblewrap)

`load_cases()` reads the recorded logs as `BundleInput`s (the question from the bank), for `python -m bench
grader` and the `evals` tests. The JSON records the YAML's hash; a stale recording fails the calibration test.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from grader.schemas import BANDS, BundleEvent, BundleInput, BundleQuestion, BundleRun, BundleSession
from judge.bank import Question, load_bank

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION_DIR = ROOT / "questions" / "_calibration"
START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
WORDS_PER_SECOND = 2.5  # 150 words a minute: how long a line takes to say
PROFILES = ("strong", "weak", "talks_cannot_code", "silent_coder", "three_hints", "games_the_grader")


@dataclass(frozen=True)
class Case:
    name: str
    profile: str
    expected: str  # the band a senior engineer gives
    reasoning: str
    bundle: BundleInput
    minutes: float  # how long the interview ran


def bundle_question(q: Question) -> BundleQuestion:
    """The question as the API's bundle_repo reads it from the database (same fields, from the bank on disk)."""
    m = q.meta
    rubric = [r.model_dump() for r in m.rubric]
    return BundleQuestion(
        id=q.slug,
        slug=q.slug,
        title=m.title,
        difficulty=m.difficulty.value,
        statement_md=q.statement_md,
        signature=m.signature.model_dump(),
        hints=list(m.hints),
        rubric=rubric,
        reference_solutions=dict(q.references),
        starter_code=dict(q.starters),
        visible_test_count=sum(not t.hidden for t in q.tests),
        hidden_test_count=sum(t.hidden for t in q.tests),
        version=hashlib.sha256(json.dumps(rubric, sort_keys=True).encode()).hexdigest()[:12],
    )


def _source_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_cases(directory: Path = CALIBRATION_DIR) -> list[Case]:
    bank = {q.slug: q for q in load_bank(ROOT / "questions")}
    cases = []
    for path in sorted(directory.glob("*.json")):
        raw = json.loads(path.read_text())
        session = BundleSession.model_validate(raw["session"])
        cases.append(
            Case(
                name=raw["case"],
                profile=raw["profile"],
                expected=raw["expected"]["recommendation"],
                reasoning=raw["expected"]["reasoning"],
                bundle=BundleInput(
                    session=session,
                    question=bundle_question(bank[raw["question"]]),
                    events=[BundleEvent.model_validate(e) for e in raw["events"]],
                    runs=[BundleRun.model_validate(r) for r in raw["runs"]],
                    final_code=raw.get("final_code"),
                    redact=raw.get("redact", []),
                ),
                minutes=raw["elapsed_s"] / 60,
            )
        )
    return cases


# --- recording a case with the real judge ------------------------------------------------------------------------


def _duration(text: str) -> float:
    return round(max(1.0, len(text.split()) / WORDS_PER_SECOND), 1)


async def record(path: Path, bank: dict[str, Question], judge: Any) -> dict[str, Any]:
    """Play one `<case>.yaml` into an event log, judging every run and submission for real."""
    from api.db.bundle_repo import redaction_terms
    from api.judging import HIDDEN_FIELDS, redact
    from judge.schemas import RunRequest

    spec = yaml.safe_load(path.read_text())  # noqa: ASYNC240  # a build tool, one small file
    question = bank[spec["question"]]
    language = spec["language"]
    expected = spec["expected"]
    if expected["recommendation"] not in BANDS:
        raise ValueError(f"{path}: expected.recommendation must be one of {BANDS}")
    events: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    code: str | None = None

    def add(type_: str, t: float, payload: dict[str, Any]) -> None:
        events.append({"seq": len(events) + 1, "type": type_, "t": float(t), "payload": payload})

    for step in spec["timeline"]:
        t = float(step["t"])
        if "C" in step or "I" in step:
            role, text = ("user", step["C"]) if "C" in step else ("assistant", step["I"])
            add(
                "transcript",
                t,
                {"role": role, "text": text, "start": t, "end": round(t + _duration(text), 1)},
            )
        elif "phase" in step:
            previous = next(
                (e["payload"]["to"] for e in reversed(events) if e["type"] == "phase_change"), None
            )
            add("phase_change", t, {"from": previous, "to": step["phase"]})
        elif "code" in step:
            code = step["code"]
            add("editor_snapshot", t, {"language": language, "code": code, "version": len(events)})
        elif "run" in step or "submit" in step:
            mode = "run" if "run" in step else "submit"
            assert code is not None, f"{path}: a {mode} before any code"
            report = await judge.run(
                RunRequest.for_question(question, language=language, source=code, mode=mode)
            )
            body = redact(report)
            run_id = f"{path.stem}-{len(runs) + 1}"
            runs.append({"id": run_id, "kind": mode, "language": language, "code": code, "verdict": body["verdict"],
                         "result": body, "created_at": (START + timedelta(seconds=t)).isoformat()})  # fmt: skip
            add("test_run" if mode == "run" else "submission", t, {
                "submission_id": run_id, "by": step.get("run") or step.get("submit"), "mode": mode,
                "language": language, "verdict": body["verdict"], "passed": body["passed"], "total": body["total"],
                "tests": [{k: x.get(k) for k in HIDDEN_FIELDS} for x in body["tests"]],
            })  # fmt: skip
        elif "hint" in step:
            index = int(step["hint"])
            hints = question.meta.hints
            add(
                "hint",
                t,
                {
                    "index": index,
                    "total": len(hints),
                    "phase": step.get("in", "coding"),
                    "text": hints[index - 1],
                },
            )
        elif "integrity" in step:
            add("integrity", t, dict(step["integrity"]))
        elif "note" in step:
            add("note", t, dict(step["note"]))
        else:
            raise ValueError(f"{path}: unknown step {step}")
    elapsed = float(spec["elapsed_s"])
    candidate = spec.get("candidate") or {}
    return {
        "case": path.stem,
        "source_sha256": _source_hash(path),
        "question": spec["question"],
        "profile": spec["profile"],
        "expected": expected,
        "elapsed_s": elapsed,
        "session": {
            "id": f"cal_{path.stem.replace('-', '_')}",
            "status": spec.get("status", "completed"),
            "language": language,
            "duration_minutes": spec.get("duration_minutes", 45),
            "started_at": START.isoformat(),
            "ended_at": (START + timedelta(seconds=elapsed)).isoformat(),
            "end_reason": spec.get("end_reason", "completed"),
            "practice": False,
        },
        "events": events,
        "runs": runs,
        "final_code": code,
        "redact": redaction_terms(candidate.get("name"), candidate.get("email")),
    }


async def build(names: list[str]) -> None:
    from judge.service import Judge
    from judge.settings import get_settings

    bank = {q.slug: q for q in load_bank(ROOT / "questions")}
    judge = Judge(get_settings())
    await judge.start()
    try:
        for path in sorted(CALIBRATION_DIR.glob("*.yaml")):
            if names and path.stem not in names:
                continue
            recorded = await record(path, bank, judge)
            path.with_suffix(".json").write_text(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n")
            verdicts = ", ".join(
                f"{r['kind']} {r['verdict']} {r['result']['passed']}/{r['result']['total']}"
                for r in recorded["runs"]
            )
            print(f"{path.stem}: {len(recorded['events'])} events; {verdicts or 'no runs'}")
    finally:
        await judge.aclose()


if __name__ == "__main__":
    if sys.argv[1:2] != ["build"]:
        print("usage: python -m bench._calibration build [CASE ...]", file=sys.stderr)
        sys.exit(2)
    asyncio.run(build(sys.argv[2:]))
