"""build_resume: the conversation and interview state rebuilt from stored events."""

from __future__ import annotations

import re
from typing import Any

from livekit.agents import llm

from agent.context import SessionEvent
from agent.hints import NOT_HEARD
from agent.resume import build_resume


def _events(*specs: tuple[str, dict[str, Any]]) -> list[SessionEvent]:
    return [
        SessionEvent(seq=i, type=type_, t=float(i), idempotency_key=f"k{i}", payload=payload)
        for i, (type_, payload) in enumerate(specs, 1)
    ]


def _say(role: str, text: str, item_id: str) -> tuple[str, dict[str, Any]]:
    return (
        "transcript",
        {"role": role, "text": text, "start": 0, "end": 1, "interrupted": False, "item_id": item_id},
    )


def test_no_transcript_means_a_fresh_start() -> None:
    assert build_resume([]) is None
    assert build_resume(_events(("phase_change", {"from": "greeting", "to": "greeting"}))) is None


def test_conversation_phase_and_hints_are_rebuilt_in_seq_order() -> None:
    events = _events(
        ("phase_change", {"from": "greeting", "to": "greeting"}),
        _say("assistant", "Hi, I'm an AI interviewer.", "item_a"),
        _say("user", "Hello!", "item_b"),
        ("phase_change", {"from": "greeting", "to": "coding"}),
        ("hint", {"index": 1, "total": 3, "text": "secret-ish"}),
        (
            "tool_call",
            {
                "name": "run_tests",
                "call_id": "call_1",
                "arguments": {},
                "output": "1/2 pass",
                "is_error": False,
            },
        ),
        ("hint", {"index": 2, "total": 3, "text": "more"}),
        _say("assistant", "One test fails.", "item_c"),
        ("editor_snapshot", {"version": 3, "language": "python", "code": "def f(): pass"}),
    )
    point = build_resume(list(reversed(events)))  # order comes from seq, not list position
    assert point is not None
    assert point.phase == "coding"
    assert point.hints_given == 2
    assert point.transcript_items == 3
    assert point.last_t == 9.0
    assert (point.editor_code, point.editor_language) == ("def f(): pass", "python")
    items = point.chat_ctx.items
    assert [i.type for i in items] == [
        "message",
        "message",
        "function_call",
        "function_call_output",
        "message",
    ]
    msgs = [i for i in items if isinstance(i, llm.ChatMessage)]
    assert [(m.id, m.role, m.text_content) for m in msgs] == [
        ("item_a", "assistant", "Hi, I'm an AI interviewer."),
        ("item_b", "user", "Hello!"),
        ("item_c", "assistant", "One test fails."),
    ]
    call, output = items[2], items[3]
    assert isinstance(call, llm.FunctionCall) and isinstance(output, llm.FunctionCallOutput)
    # The first job's call 1 (agent.resume ``_restored_id``): no call a restarted job's provider numbers takes its id.
    assert (call.call_id, call.name, call.arguments) == ("j0_call_1", "run_tests", "{}")
    assert (output.call_id, output.output) == ("j0_call_1", "1/2 pass")


def test_duplicate_items_are_restored_once_and_long_history_is_trimmed_cleanly() -> None:
    specs = [_say("user", f"u{i}", f"item_{i}") for i in range(10)]
    specs.append(_say("user", "u9", "item_9"))  # same item stored twice under different keys
    point = build_resume(_events(*specs))
    assert point is not None and point.transcript_items == 10

    specs = [("tool_call", {"name": "run_tests", "call_id": f"c{i}", "output": "ok"}) for i in range(3)]
    point = build_resume(_events(_say("user", "go", "item_x"), *specs), max_items=4)
    assert point is not None
    types = [i.type for i in point.chat_ctx.items]
    assert types[0] == "function_call" and len(types) <= 4  # never a dangling output first


def test_time_warnings_in_the_log_are_carried_as_given() -> None:
    events = _events(
        _say("assistant", "Hi, I'm an AI interviewer.", "item_a"),
        ("time_warning", {"minutes_left": 10, "phase": "coding"}),
        ("time_warning", {"minutes_left": "5", "phase": "coding"}),  # not a number of minutes: ignored
    )
    resume = build_resume(events)
    assert resume is not None
    assert resume.warned_minutes == frozenset({10})


def test_a_snapshot_whose_code_was_not_kept_leaves_no_older_code_standing_in() -> None:
    events = _events(
        _say("assistant", "Hi, I'm an AI interviewer.", "item_a"),
        ("editor_snapshot", {"version": 1, "language": "python", "code": "def old(): pass"}),
        (
            "editor_snapshot",
            {"version": 2, "language": "python", "code_omitted": True, "code_bytes": 200_000},
        ),
    )
    point = build_resume(events)
    assert point is not None
    assert (point.editor_code, point.editor_language) == (None, None)


def test_the_language_question_and_the_candidates_choice_are_carried():
    events = _events(
        _say("assistant", "Hi, I'm an AI interviewer.", "item_a"),
        ("note", {"kind": "language_mismatch", "heard": "es"}),
        ("note", {"kind": "language_switched", "from": "en", "to": "es"}),
        # Not a supported language (no job records one): ignored.
        ("note", {"kind": "language_switched", "from": "es", "to": "fr"}),
    )
    point = build_resume(events)
    assert point is not None
    assert (point.language_asked, point.languages_heard, point.switched_language) == (True, ("es",), "es")

    point = build_resume(_events(_say("assistant", "Hi, I'm an AI interviewer.", "item_a")))
    assert point is not None
    assert (point.language_asked, point.languages_heard, point.switched_language) == (False, (), None)


def _hint_call(call_id: str, output: str) -> tuple[str, dict[str, Any]]:
    return ("tool_call", {"name": "give_hint", "call_id": call_id, "arguments": {}, "output": output})


def test_a_call_id_an_earlier_job_used_is_another_call_and_a_call_recorded_twice_by_one_job_is_one() -> None:
    """Providers that number calls per process give each job's calls the same ids: the later job's call and output were
    dropped as duplicates, and a hint note of one job paired with the other job's call."""
    events = _events(
        _say("assistant", "Hi, I'm an AI interviewer.", "item_a"),
        _say("user", "A hint?", "item_b"),
        ("note", {"kind": "hint_started", "index": 1, "total": 3, "phase": "coding", "call_id": "call_0"}),
        _hint_call("call_0", "Hint 1 of 3: first"),
        _hint_call("call_0", "Hint 1 of 3: first"),  # recorded twice by the same job (another key): one call
        ("note", {"kind": "hint_unheard", "index": 1, "phase": "coding", "call_id": "call_0"}),
        ("note", {"kind": "resumed", "phase": "coding"}),
        _say("user", "Another hint?", "item_c"),
        ("note", {"kind": "hint_started", "index": 1, "total": 3, "phase": "coding", "call_id": "call_0"}),
        _hint_call("call_0", "Hint 1 of 3: first"),
        ("hint", {"index": 1, "total": 3, "text": "first"}),
        ("note", {"kind": "resumed", "phase": "coding"}),
        _say("user", "And one more?", "item_d"),
        ("note", {"kind": "hint_started", "index": 2, "total": 3, "phase": "coding", "call_id": "call_0"}),
        _hint_call("call_0", "Hint 2 of 3: second"),  # the job died mid-reply: no outcome recorded
    )
    point = build_resume(events)
    assert point is not None
    pairs = [
        (i.call_id, i.output) for i in point.chat_ctx.items if isinstance(i, llm.FunctionCallOutput)
    ]  # fmt: skip
    calls = [i.call_id for i in point.chat_ctx.items if isinstance(i, llm.FunctionCall)]
    # Each job's call comes back once, under an id of its own; only the first job's hint was taken back.
    assert pairs == [("j0_call_0", NOT_HEARD), ("j1_call_0", "Hint 1 of 3: first"),
                     ("j2_call_0", "Hint 2 of 3: second")]  # fmt: skip
    assert calls == [c for c, _ in pairs]
    assert point.hints_given == 1
    # The third job's attempt has no outcome: presumed heard; the first job's, taken back, is not unsettled.
    assert [(i, phase) for i, phase, _ in point.unsettled_hints] == [(2, "coding")]


def test_a_restored_call_id_stays_within_what_providers_accept() -> None:
    long_id, odd_id = "call_" + "x" * 40, "call 1/ü"
    point = build_resume(
        _events(_say("user", "go", "item_x"), _hint_call(long_id, "ok"), _hint_call(odd_id, "ok"))
    )
    assert point is not None
    ids = [i.call_id for i in point.chat_ctx.items if isinstance(i, llm.FunctionCall)]
    assert len(set(ids)) == 2
    assert all(len(i) <= 40 and re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
