"""A restarted job keeps what the interviewer saw of its own runs (agent.resume ``seen_run``): "your tests pass" of a
run made before the restart is still the interviewer's to say while the editor holds the code that run ran, and
never of a run whose answer it never had, of the candidate's own run, or of code changed since. The first job runs
through the real AgentSession, run_tests and capture; its record, with the ``test_run`` event the API stores for each
run (docs/internal-api.md), is the log the second job is built from (tests/agent/restart_support.py)."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest
from livekit.agents import llm

from agent.context import SessionEvent
from agent.outcome_claims import outcome_line
from agent.state import InterviewState, Phase, SeenRun
from agent.turns import text_turn
from tests.agent.restart_support import Job, log
from tests.agent.test_tools import CODE, REPORT
from tests.fakes.interview import FakeRunClient, FakeSink, make_context
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.session import settle

CHANGED = CODE.replace("[0, 1]", "[1, 0]")
SAYS_PASSED = "Your tests passed. What's the complexity?"


class _StoringRunClient(FakeRunClient):
    """The API's run route as the record sees it: the run's ``test_run`` event is stored before the answer returns,
    its payload as api/db/runs_repo.py ``store_run`` writes it (hidden tests as id, verdict, hidden, time_ms)."""

    def __init__(self, report: dict[str, Any], sink: FakeSink) -> None:
        super().__init__(report)
        self.sink = sink

    async def run_tests(
        self, session_id: str, language: str, code: str, mode: str = "run", t: float | None = None
    ) -> dict[str, Any]:
        report = await super().run_tests(session_id, language, code, mode, t)
        self.sink.record(
            "test_run", _run_event(report, code, by="agent"), key=f"api:run:{len(self.calls)}", t=t
        )
        return report


def _run_event(report: dict[str, Any], code: str, *, by: str) -> dict[str, Any]:
    fields = ("id", "verdict", "hidden", "time_ms")
    return {
        "submission_id": "sub_1", "by": by, "mode": "run", "language": "python",
        "code_sha256": hashlib.sha256(code.encode("utf-8")).hexdigest(), "verdict": report["verdict"],
        "passed": report.get("passed", 0), "total": report.get("total", 0),
        "tests": [{k: t.get(k) for k in fields} for t in report.get("tests", [])], "timings": {},
    }  # fmt: skip


def _passing() -> dict[str, Any]:
    report = copy.deepcopy(REPORT)  # example-2 fails, and a hidden test
    report["tests"][1]["verdict"] = "accepted"  # the visible tests all pass; the hidden one still fails
    return report


async def _turn(session: Any, text: str) -> None:
    handle = await text_turn(session, text)
    if handle is not None:
        await handle
    await settle(session)


async def _first_job(case: str) -> list[SessionEvent]:
    """The record a job left when it stopped, after the candidate asked for a run (``case``: how it went)."""
    context = make_context()
    job = Job(context)
    job.state.candidate_spoke = True
    report = {"verdict": "compile_error", "tests": []} if case == "compile_error" else _passing()
    job.state.api = _StoringRunClient(report, job.sink)
    job.state.editor.ingest(CODE, {"version": "2", "language": "python"})
    replies = [say("Go on."), call("run_tests"), say("Ran them."), say("Okay.")]
    if case == "candidate_run":
        replies = [say("Go on."), say("Good, what do you see?")]  # no run_tests of its own
    async with job.running(FakeLLM(replies), phase=Phase.CODING, capture=True, loops=False) as session:
        if (
            case == "candidate_run"
        ):  # the candidate's own Run on the page: the interviewer is never told of it
            job.sink.record(
                "test_run", _run_event(_passing(), CODE, by="candidate"), key="api:run:page", t=1.0
            )
            await _turn(session, "I ran them myself.")
        else:
            await _turn(session, "Can you run my tests?")
        if case == "edited":
            job.state.editor.ingest(CHANGED, {"version": "3", "language": "python"})
            await _turn(session, "I changed the return.")  # the turn records the snapshot held back before it
    events = log(job.sink)
    if (
        case == "answer_lost"
    ):  # the job died while the judge ran: the API stored the run, its answer never came
        events = [e for e in events if not (e.type == "tool_call" and e.payload.get("name") == "run_tests")]
    return events


def _assistant(state_items: list[Any]) -> list[str]:
    return [
        i.text_content or "" for i in state_items if isinstance(i, llm.ChatMessage) and i.role == "assistant"
    ]


@pytest.mark.parametrize(
    ("case", "seen"),
    [
        ("seen", (2, 2)),
        ("compile_error", (0, 0)),  # a run of no test passed nothing
        ("edited", None),  # the code changed after the run: the run says nothing of the code now
        ("answer_lost", None),  # the run's answer never reached the model: the interviewer never saw it
        ("candidate_run", None),  # the candidate's own run: not shown to the interviewer
    ],
)
async def test_a_restarted_job_may_state_the_results_of_a_run_it_saw_only_of_the_code_that_ran(
    case: str, seen: tuple[int, int] | None
) -> None:
    events = await _first_job(case)
    assert any(e.type == "test_run" for e in events)
    job = Job(make_context(), events=events)
    state: InterviewState = job.state
    assert state.last_run == seen
    if seen is not None:
        sha = hashlib.sha256(CODE.encode("utf-8")).hexdigest()
        assert state.seen_run == SeenRun(*seen, sha, "python")
    else:
        assert state.seen_run is None
    model = FakeLLM([say("Sorry, the line dropped."), say(SAYS_PASSED)])
    async with job.running(model, loops=False) as session:
        await _turn(session, "So, did they pass?")
        said = _assistant(session.history.items)
    withheld = [
        e["payload"]["claim"] for e in job.sink.of_type("note") if e["payload"]["kind"] == "outcome_withheld"
    ]
    if seen == (2, 2):
        assert said[-1].strip() == SAYS_PASSED and withheld == []
    else:
        assert said[-1] == outcome_line(state) and withheld == ["test_results"], said


async def test_a_restarted_job_forgets_the_run_once_the_candidate_changes_the_code() -> None:
    """Restored, the run still speaks only for the code it ran: the candidate's next edit after the restart ends it."""
    job = Job(make_context(), events=await _first_job("seen"))
    assert job.state.last_run == (2, 2)
    job.state.editor.ingest(CHANGED, {"version": "4", "language": "python"})
    assert job.state.seen_run is not None and job.state.last_run is None
