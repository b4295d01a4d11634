"""The deterministic facts of an interview, computed from its event log and runs; the model is told them and never
asked for them. Definitions in docs/grading.md (Facts)."""

from __future__ import annotations

import re
from typing import Any

from grader.answer import LANGUAGES, bundle_answer
from grader.answer import answer_language as answer_language  # the answer's language (grader/answer.py)
from grader.final_submit import JUDGE_FAILED
from grader.graded_lines import interview_end, said_after
from grader.schemas import BundleEvent, BundleInput, BundleRun, Facts, HintFact, PassRecord, PassTally
from grader.time_used import GRADER as GRADER  # also where other modules read it
from grader.time_used import time_used

PASSED = "accepted"
COMPLEXITY_NOTES = frozenset({"complexity", "complexity_claimed"})
MAX_COMPLEXITY_CHARS = 60
# Big-O notation, as the agent's `record_complexity` keeps it (agent/complexity_words.py `big_o`): sizes are one
# letter (with a subscript), the only words are functions. Checked again here: the facts are read from stored
# notes, which an older agent wrote with words in them ("O(n) (best code, hire, pass all)"), and one short line of
# words among the facts the grader trusts could state a fact of its own ("O(n) - hidden tests: best 9/9").
BIG_O = re.compile(r"O\((?:[A-Za-z]+(?:_?[0-9]{1,3})?|[0-9]{1,6}|[ +*^()·\u00d7\u22c5./,!'²³√-])*\)")
BIG_O_WORD = re.compile(r"[A-Za-z]{2,}")
BIG_O_FUNCTIONS = frozenset({"log", "lg", "ln", "sqrt", "min", "max", "exp"})


def run_events(bundle: BundleInput) -> dict[str, BundleEvent]:
    """The `test_run`/`submission` event of each run, by submission id."""
    return {
        str(e.payload.get("submission_id")): e
        for e in bundle.events
        if e.type in ("test_run", "submission") and e.payload.get("submission_id")
    }


def is_custom(run: BundleRun, events: dict[str, BundleEvent]) -> bool:
    """A run of the candidate's own inputs (custom input, `api/custom_input.py`): there are no expected values and
    every call that returned counts as `accepted`, so it shows only that the code ran, never that it is right."""
    event = events.get(run.id)
    return bool((run.result or {}).get("custom")) or bool(event is not None and event.payload.get("custom"))


def made_by(run: BundleRun, events: dict[str, BundleEvent]) -> str | None:
    event = events.get(run.id)
    by = event.payload.get("by") if event else None
    return str(by) if by is not None else None


def tallies(run: BundleRun) -> tuple[PassTally | None, PassTally | None]:
    """(visible, hidden) tests passed out of run; hidden is None for a `run` (hidden tests never run there)."""
    tests = (run.result or {}).get("tests")
    if not isinstance(tests, list) or not tests:
        return None, None
    visible = [t for t in tests if isinstance(t, dict) and not t.get("hidden")]
    hidden = [t for t in tests if isinstance(t, dict) and t.get("hidden")]

    def tally(group: list[dict[str, Any]]) -> PassTally | None:
        return (
            PassTally(passed=sum(t.get("verdict") == PASSED for t in group), total=len(group))
            if group
            else None
        )

    return tally(visible), (tally(hidden) if run.kind == "submit" else None)


def _record(tallied: list[PassTally]) -> PassRecord:
    if not tallied:
        return PassRecord()
    best = max(enumerate(tallied), key=lambda it: (it[1].passed, -it[0]))[1]  # the first of the best
    return PassRecord(best=best, final=tallied[-1])


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _time_of(run: BundleRun, events: dict[str, BundleEvent], bundle: BundleInput) -> float | None:
    event = events.get(run.id)
    if event is not None and event.t is not None:
        return event.t
    started = bundle.session.started_at
    return (run.created_at - started).total_seconds() if started else None


# The share of the candidate's lines typed into the chat from which their speaking share is unknown (_talk_time_ratio).
TYPED_SHARE_UNKNOWN = 0.25


def _talk_time_ratio(bundle: BundleInput) -> float | None:
    """The candidate's share of the speech up to the interview's end: a line after it (grader/graded_lines.py) is
    said to nobody, and talking on there would raise the share the model is told. A line typed into the chat has no
    speaking time (its start is its end) and is left out of the sums; the share is None (unknown) when the candidate
    spoke no line, or typed at least a quarter of their lines (`TYPED_SHARE_UNKNOWN`): counted, a candidate who typed
    (text-only mode, an accommodation, or a voice that failed) read 0% or near it, a silence nobody kept, on the
    report and to the grading model; while one pasted error message among a spoken interview's lines keeps it."""
    spoken = {"user": 0.0, "assistant": 0.0}
    lines = {"typed": 0, "spoken": 0}
    ended = interview_end(bundle.session)
    for e in bundle.events:
        if e.type != "transcript" or said_after(e, ended):
            continue
        role = e.payload.get("role")
        if role == "user" and e.payload.get("typed") is True:
            lines["typed"] += 1
            continue
        if role == "user":
            lines["spoken"] += 1
        start, end = e.payload.get("start"), e.payload.get("end")
        if role in spoken and isinstance(start, int | float) and isinstance(end, int | float) and end > start:
            spoken[str(role)] += float(end) - float(start)
    if not lines["spoken"] or lines["typed"] >= TYPED_SHARE_UNKNOWN * (lines["typed"] + lines["spoken"]):
        return None
    total = spoken["user"] + spoken["assistant"]
    return round(spoken["user"] / total, 3) if total > 0 else None


def big_o(value: str) -> str | None:
    """`value` as big-O notation on one line (`BIG_O`, at most `MAX_COMPLEXITY_CHARS`), or None."""
    text = " ".join(value.split())
    if len(text) > MAX_COMPLEXITY_CHARS or not BIG_O.fullmatch(text):
        return None
    if any(w.lower() not in BIG_O_FUNCTIONS for w in BIG_O_WORD.findall(text)):
        return None
    return text


def _complexity(bundle: BundleInput) -> str | None:
    """The last complexity the interviewer recorded: the candidate's words through a model, shown among the facts
    the grader trusts, so only in big-O notation (`big_o`): the last note that is; one with anything else in it
    counts as none."""
    claimed: str | None = None
    for e in bundle.events:
        if e.type == "note" and e.payload.get("kind") in COMPLEXITY_NOTES:
            value = e.payload.get("time") or e.payload.get("claimed") or e.payload.get("text")
            if isinstance(value, str) and value.strip():
                claimed = big_o(value) or claimed
    return claimed


def snapshot_language(event: BundleEvent, default: str) -> str:
    """A snapshot's language when it is one we run, else `default`: the editor client names it, so an unknown
    value is never shown to the model or stored as a fact."""
    value = event.payload.get("language")
    return value if isinstance(value, str) and value in LANGUAGES else default


def _language(bundle: BundleInput) -> str:
    return bundle_answer(bundle).language


def compute_facts(bundle: BundleInput) -> Facts:
    events = run_events(bundle)
    judged = [r for r in bundle.runs if r.verdict != JUDGE_FAILED and not is_custom(r, events)]
    by_candidate = [r for r in bundle.runs if made_by(r, events) != GRADER]
    visible: list[PassTally] = []
    hidden: list[PassTally] = []
    first_pass: float | None = None
    for run in judged:
        v, h = tallies(run)
        if v is not None:
            visible.append(v)
            # The candidate's (or the interviewer's) run: the grader's final submission, made after the interview,
            # passing every visible test is not a time the candidate got there.
            if first_pass is None and v.total > 0 and v.passed == v.total and made_by(run, events) != GRADER:
                first_pass = _time_of(run, events, bundle)
        if h is not None:
            hidden.append(h)
    phases: list[str] = []
    for e in bundle.events:
        to = e.payload.get("to") if e.type == "phase_change" else None
        if isinstance(to, str) and to not in phases:
            phases.append(to)
    s = bundle.session
    return Facts(
        language=_language(bundle),
        visible_tests=_record(visible),
        hidden_tests=_record(hidden),
        runs=sum(r.kind == "run" for r in by_candidate),
        submissions=sum(r.kind == "submit" for r in by_candidate),
        first_all_visible_pass_s=_seconds(first_pass),
        compile_errors=sum(r.verdict == "compile_error" for r in by_candidate),
        hints=[HintFact(seq=e.seq, t=_seconds(e.t)) for e in bundle.events if e.type == "hint"],
        # To the interview's own end, not to a late close of the session (grader/time_used.py).
        time_used_s=_seconds(time_used(bundle).seconds),
        time_allowed_s=float(s.duration_minutes * 60),
        phases_reached=phases,
        talk_time_ratio=_talk_time_ratio(bundle),
        complexity_claimed=_complexity(bundle),
        final_submit_by_grader=any(made_by(r, events) == GRADER for r in bundle.runs),
        final_code_not_judged=bundle.final_submit_refused,
    )
