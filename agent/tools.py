"""The interviewer's shared tools: editor snapshot, visible-test runs, hints and ending the interview."""

from __future__ import annotations

import logging
from typing import Any, Literal

from livekit.agents import FunctionTool, RunContext, ToolError, function_tool

from agent.errors import ApiError
from agent.prompts import render
from agent.reports import INTERNAL_ERROR, public_report, summarize
from agent.state import InterviewState, Phase

logger = logging.getLogger("shadows.agent.tools")

NO_EDITOR = (
    "No editor is connected in this call (for example a practice call from the playground or console), "
    "so the code cannot be seen. Ask the candidate to talk you through their code instead."
)
JUDGE_BROKE = (
    "The test runner had a problem on our side, so the tests could not run. This says nothing about "
    "the candidate's code; apologise briefly and suggest walking through an example by hand."
)
JUDGE_BUSY = "The test runner is busy right now. Nothing is wrong with the code; try again in a few seconds."


@function_tool
async def get_editor_snapshot(context: RunContext[InterviewState]) -> str:
    """Look at the candidate's editor: returns their latest code, its language and version, and how many
    seconds ago they last edited it. Call this when they ask about their code, before commenting on a bug,
    or when the diff you were shown was cut short. Do not read the code aloud."""
    state = context.userdata
    snap = await state.editor.latest()
    if snap is None:
        if not state.channel.editor_connected:
            return NO_EDITOR
        return "The editor is open but the candidate has not typed anything yet."
    state.editor.mark_seen()
    idle = max(0.0, state.clock.now() - snap.changed_at)
    cursor = f" Cursor at {snap.cursor}." if snap.cursor else ""
    return (
        f"Language: {snap.language}. Version {snap.version}. Last edit {idle:.0f} seconds ago.{cursor}\n"
        f"Code:\n{snap.code}"
    )


@function_tool
async def run_tests(context: RunContext[InterviewState]) -> str:
    """Run the candidate's current code against the problem's visible example tests. Call this when they
    ask to run their code or say it is ready to test. Returns a short summary to relay in your own words;
    the full report appears on their screen."""
    state = context.userdata
    if state.api is None or state.session_id is None:
        raise ToolError(
            "Tests cannot be run in this practice call; suggest walking through an example by hand."
        )
    snap = await state.editor.latest()
    if snap is None or not snap.code.strip():
        raise ToolError(NO_EDITOR if not state.channel.editor_connected else "There is no code to run yet.")
    if state.snapshots is not None:
        state.snapshots.flush()
    try:
        report = await state.api.run_tests(state.session_id, snap.language, snap.code, mode="run")
    except ApiError as e:
        logger.warning("run_tests failed: code=%s status=%s", e.code, e.status)
        if e.code == "judge_busy" or e.retryable:
            raise ToolError(JUDGE_BUSY) from e
        if e.status == 413:
            raise ToolError("The code is too large for the test runner.") from e
        if e.status == 422:
            raise ToolError(f"The test runner cannot run {snap.language} code for this problem.") from e
        raise ToolError(JUDGE_BROKE) from e
    if report.get("verdict") == INTERNAL_ERROR:
        logger.warning("run_tests: judge internal_error")
        raise ToolError(JUDGE_BROKE)
    state.test_runs += 1
    await state.channel.send_event(
        {"type": "test_report", "version": snap.version, "report": public_report(report)}
    )
    return summarize(report)


@function_tool
async def give_hint(context: RunContext[InterviewState]) -> str:
    """Get the next hint for this problem. Call it only when the candidate is clearly stuck or asks for a
    hint; hints are counted. Returns the hint text to paraphrase briefly, one hint per call."""
    state = context.userdata
    hints = state.question.hints
    total = len(hints)
    if state.hints_given >= total:
        return (
            f"All {total} hints have been given. Do not reveal more; encourage the candidate to build on the "
            "last hint, or move on if time is short."
        )
    index = state.hints_given + 1
    state.hints_given = index
    text = hints[index - 1]
    state.record(
        "hint",
        {"index": index, "total": total, "phase": state.phase.value, "text": text},
        key=f"agent:hint:{index}",
    )
    await state.channel.send_event({"type": "hint", "index": index, "total": total})
    return f"Hint {index} of {total}. Say it in your own words, briefly, as a nudge: {text}"


@function_tool
async def end_interview(
    context: RunContext[InterviewState],
    reason: Literal["completed", "candidate_request", "time_up"] = "completed",
) -> str:
    """End the interview and hang up after your goodbye. Call it after wrap-up when the candidate has no
    more questions, or earlier if the candidate asks to stop.

    Args:
        reason: completed (normal end), candidate_request (they asked to stop early) or time_up.
    """
    state = context.userdata
    if state.ended:
        return "The interview has already ended."
    state.ended = True
    state.end_reason = reason
    if state.snapshots is not None:
        state.snapshots.flush()
    await state.enter_phase(Phase.END)
    await state.channel.send_event({"type": "ended", "reason": reason})

    # The goodbye is generated into this same speech; finish once it has played out.
    def _finish_after_goodbye(_: object) -> None:
        state.spawn(state.finish(reason), "interview.finish")

    context.speech_handle.add_done_callback(_finish_after_goodbye)
    return render("goodbye", reason=reason.replace("_", " "))


SHARED_TOOLS: dict[str, FunctionTool[Any, Any]] = {
    "get_editor_snapshot": get_editor_snapshot,
    "run_tests": run_tests,
    "give_hint": give_hint,
    "end_interview": end_interview,
}
