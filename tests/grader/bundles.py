"""BundleInputs built in code for the grader's unit tests: a two-sum interview with every kind of event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from grader.schemas import BundleEvent, BundleInput, BundleQuestion, BundleRun, BundleSession

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BUGGY = (
    "def two_sum(nums, target):\n    seen = {}\n    for i, x in enumerate(nums):\n        seen[x] = i\n"
    "    return []\n"
)
CORRECT = (
    "def two_sum(nums, target):\n"
    "    # Ada Lovelace's solution\n"
    "    seen = {}\n"
    "    for i, x in enumerate(nums):\n"
    "        if target - x in seen:\n"
    "            return [seen[target - x], i]\n"
    "        seen[x] = i\n"
    "    return []\n"
)
RUBRIC = [
    {"id": "brute_force_first", "behaviour": "Describes the O(n^2) check-every-pair solution", "weight": 1},
    {"id": "hash_map_one_pass", "behaviour": "Uses a hash map from value to index", "weight": 3},
]


def question() -> BundleQuestion:
    return BundleQuestion(
        id="q1",
        slug="two-sum",
        title="Two Sum",
        difficulty="Easy",
        statement_md="Return the indices of the two numbers that add up to target.",
        signature={
            "function": "two_sum",
            "params": [{"name": "nums", "type": "int[]"}, {"name": "target", "type": "int"}],
            "returns": "int[]",
        },
        hints=["Check every pair first.", "What about a hash map?"],
        rubric=RUBRIC,
        reference_solutions={"python": CORRECT.replace("    # Ada Lovelace's solution\n", "")},
        visible_test_count=2,
        hidden_test_count=1,
        version="2026-11-30T00:00:00+00:00",
    )


def run_result(visible_passed: int, hidden_passed: int | None) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    for i in range(2):
        ok = i < visible_passed
        tests.append(
            {"id": f"example-{i + 1}", "verdict": "accepted" if ok else "wrong_answer", "hidden": False,
             "args": [[2, 7, 11, 15], 9], "expected": [0, 1], "actual": [0, 1] if ok else [],
             "message": None if ok else "expected [0,1] but got []"}
        )  # fmt: skip
    if hidden_passed is not None:
        tests.append({"id": "h1", "verdict": "accepted" if hidden_passed else "time_limit", "hidden": True})
    passed = sum(t["verdict"] == "accepted" for t in tests)
    verdict = "accepted" if passed == len(tests) else "wrong_answer"
    return {"verdict": verdict, "tests": tests, "passed": passed, "total": len(tests), "compile_output": ""}


def transcript(seq: int, t: float, role: str, text: str) -> BundleEvent:
    return BundleEvent(
        seq=seq, type="transcript", t=t, payload={"role": role, "text": text, "start": t, "end": t + 4}
    )


def event(seq: int, type_: str, t: float, **payload: Any) -> BundleEvent:
    return BundleEvent(seq=seq, type=type_, t=t, payload=payload)


def interview(*, submitted: bool = True, extra_events: list[BundleEvent] | None = None) -> BundleInput:
    events = [
        # The problem phase (a greeting's lines are not shown to the model: test_fairness.py)
        BundleEvent(seq=1, type="phase_change", t=0.0, payload={"from": None, "to": "problem"}),
        transcript(2, 2.0, "assistant", "Hi Ada, welcome. I'm an AI interviewer."),
        transcript(3, 10.0, "user", "Hi! I'm Ada Lovelace, reach me at ada@example.com. Ready."),
        BundleEvent(seq=4, type="phase_change", t=20.0, payload={"from": "problem", "to": "coding"}),
        transcript(5, 30.0, "user", "I would first check every pair, which is O(n^2), then use a hash map."),
        BundleEvent(seq=6, type="editor_snapshot", t=60.0, payload={"language": "python", "code": BUGGY}),
        event(7, "test_run", 70.0, submission_id="r1", by="candidate", verdict="wrong_answer"),
        BundleEvent(seq=8, type="hint", t=80.0, payload={"index": 1, "total": 2, "text": "Check every pair first."}),
        BundleEvent(seq=9, type="editor_snapshot", t=120.0, payload={"language": "python", "code": CORRECT}),
        event(10, "test_run", 130.0, submission_id="r2", by="agent", verdict="accepted"),
        event(11, "note", 140.0, kind="complexity_claimed", time="O(n)", space="O(n)"),
        BundleEvent(seq=12, type="integrity", t=150.0, payload={"kind": "paste", "chars": 40, "lines": 2}),
        transcript(13, 160.0, "user", "It is O(n) time and O(n) space for the map."),
    ]  # fmt: skip
    runs = [
        BundleRun(id="r1", kind="run", language="python", code=BUGGY, verdict="wrong_answer",
                  result=run_result(0, None), created_at=START + timedelta(seconds=70)),
        BundleRun(id="r2", kind="run", language="python", code=CORRECT, verdict="accepted",
                  result=run_result(2, None), created_at=START + timedelta(seconds=130)),
    ]  # fmt: skip
    if submitted:
        events.append(
            BundleEvent(
                seq=14, type="submission", t=170.0, payload={"submission_id": "s1", "by": "candidate"}
            )
        )
        runs.append(
            BundleRun(id="s1", kind="submit", language="python", code=CORRECT, verdict="accepted",
                      result=run_result(2, 1), created_at=START + timedelta(seconds=170))
        )  # fmt: skip
    events += extra_events or []
    return BundleInput(
        session=BundleSession(
            id="ses_test",
            status="completed",
            language="python",
            duration_minutes=45,
            started_at=START,
            ended_at=START + timedelta(seconds=200),
            end_reason="completed",
            practice=False,
        ),
        question=question(),
        events=events,
        runs=runs,
        final_code=CORRECT,
        redact=["Ada Lovelace", "Lovelace", "Ada", "ada@example.com", "ada"],
    )
