"""build_resume on a log it cannot trust to be small or well-formed: the restored conversation is bounded, a shortened
tool output keeps its content fenced, and values of the wrong type are ignored rather than stopping the job."""

from __future__ import annotations

from typing import Any

from livekit.agents import llm

from agent import resume as restore
from agent.context import SessionEvent
from agent.fence import fence
from agent.prompts import render
from agent.resume import build_resume


def _events(*specs: tuple[str, dict[str, Any]]) -> list[SessionEvent]:
    return [
        SessionEvent(seq=i, type=type_, t=float(i), idempotency_key=f"k{i}", payload=payload)
        for i, (type_, payload) in enumerate(specs, 1)
    ]


def _say(role: str, text: str, item_id: str) -> tuple[str, dict[str, Any]]:
    return ("transcript", {"role": role, "text": text, "item_id": item_id})


def _chars(ctx: llm.ChatContext) -> int:
    total = 0
    for item in ctx.items:
        if isinstance(item, llm.ChatMessage):
            total += len(item.text_content or "")
        elif isinstance(item, llm.FunctionCallOutput):
            total += len(item.output)
        elif isinstance(item, llm.FunctionCall):
            total += len(item.arguments)
    return total


def test_the_restored_conversation_is_bounded_in_characters_not_only_in_items():
    """A log of long monologues (up to 256 KiB each as stored) was restored whole into memory and every request."""
    monologue = "Let me think out loud. " + "blah " * 50_000 + "So what do you think?"
    point = build_resume(_events(*(_say("user", monologue, f"u{i}") for i in range(60))))
    assert point is not None
    messages = [i for i in point.chat_ctx.items if isinstance(i, llm.ChatMessage)]
    assert messages and all(len(m.text_content or "") <= restore.MAX_ITEM_CHARS for m in messages)
    assert messages[-1].id == "u59" and (messages[-1].text_content or "").endswith("So what do you think?")
    assert _chars(point.chat_ctx) <= restore.MAX_CHARS


def test_a_shortened_tool_output_keeps_its_content_inside_its_fence():
    """A tool output cut for the restored conversation is closed again: content after the cut never stands outside
    its fence, where it would read as the interviewer's own text."""
    output = "Tests: 1 of 2 passed.\n" + fence("stdout", "print spam\n" * 5_000, "0123456789ab")
    point = build_resume(
        _events(
            _say("user", "run it", "u1"),
            ("tool_call", {"name": "run_tests", "call_id": "c1", "arguments": {}, "output": output}),
        )
    )
    assert point is not None
    [restored] = [i for i in point.chat_ctx.items if isinstance(i, llm.FunctionCallOutput)]
    assert len(restored.output) < len(output)
    assert len(restored.output) <= restore.MAX_ITEM_CHARS + 200
    assert restored.output.rstrip().endswith("<<<END STDOUT 0123456789ab>>>")


def test_the_ai_notice_is_kept_when_the_conversation_is_trimmed():
    """agent.ai_notice reads the conversation for the scripted line: trimmed out of a long conversation, it was said
    a second time by the restarted job."""
    line = render("ai_notice_en")
    specs = [_say("assistant", "Hi.", "a0"), _say("assistant", line, "a1")]
    specs += [_say("user", f"turn {i}", f"u{i}") for i in range(50)]
    point = build_resume(_events(*specs), max_items=10)
    assert point is not None
    texts = [i.text_content for i in point.chat_ctx.items if isinstance(i, llm.ChatMessage)]
    assert texts[0] == line and texts[-1] == "turn 49" and len(texts) <= 11


def test_values_of_the_wrong_type_are_ignored_not_fatal():
    """A hint index, a check-in stage or a count that is not a number stopped the restarted job (``int("x")``)."""
    point = build_resume(
        _events(
            _say("assistant", "Hi.", "a0"),
            ("hint", {"index": "two"}),
            ("hint", {"index": 1}),
            ("note", {"kind": "checkin", "stage": "x"}),
            ("note", {"kind": "chat_dropped", "dropped": "many"}),
            ("note", {"kind": "turn_decision", "item_id": 7}),
            ("note", {"kind": "language_mismatch", "heard": "es"}),
            ("note", {"kind": "language_mismatch", "heard": "fr"}),
            ("note", {"kind": "language_mismatch", "heard": "de"}),
        )
    )
    assert point is not None
    assert point.hints_given == 1 and point.quiet_stage == 0 and point.chat_drop_notes == 1
    assert point.chat_dropped == 0 and point.user_turns == 0
    assert len(point.languages_heard) <= 2


def test_the_check_ins_remembered_are_bounded():
    specs: list[tuple[str, dict[str, Any]]] = [_say("user", "ok", "u0")]
    for i in range(30):
        specs += [
            ("note", {"kind": "checkin", "stage": 1}),
            _say("assistant", f"check {i} " + "z" * 5_000, f"a{i}"),
        ]
    point = build_resume(_events(*specs))
    assert point is not None
    assert len(point.checkins_said) == restore.MAX_CHECKINS
    assert all(len(s) <= restore.MAX_CHECKIN_CHARS for s in point.checkins_said)
    assert point.checkins_said[-1].startswith("check 29 ")


def test_the_turns_the_end_question_and_the_silence_ladder_are_carried():
    point = build_resume(
        _events(
            _say("assistant", "Hi.", "a0"),
            _say("user", "I'd like to stop.", "u1"),
            ("note", {"kind": "turn_decision", "item_id": "u1", "reply": True, "reason": "explicit"}),
            ("note", {"kind": "end_confirm", "phase": "coding"}),
            _say("assistant", "Shall we stop here?", "a1"),
            ("note", {"kind": "checkin", "stage": 1, "phase": "coding", "quiet_s": 120}),
            _say("assistant", "How is it going?", "a2"),
            ("note", {"kind": "speech_truncated", "chars": 9000, "kept": 6000}),
        )
    )
    assert point is not None
    assert (point.user_turns, point.end_confirm_turn, point.end_reason) == (1, 1, None)
    assert point.turn_decisions == (("u1", True, "explicit", None),)
    assert (point.candidate_active_t, point.quiet_stage, point.checkins_said) == (
        2.0,
        1,
        ("How is it going?",),
    )
    assert point.speech_truncated

    refused = build_resume(
        _events(
            _say("user", "I'd like to stop.", "u1"),
            ("note", {"kind": "turn_decision", "item_id": "u1", "reply": True, "reason": "explicit"}),
            ("note", {"kind": "end_confirm", "phase": "coding"}),
            _say("user", "No, let's go on.", "u2"),
            ("note", {"kind": "turn_decision", "item_id": "u2", "reply": True, "reason": "explicit"}),
            ("note", {"kind": "end_refused", "phase": "coding", "why": "not_asked"}),
        )
    )
    assert refused is not None and refused.end_confirm_turn is None and refused.user_turns == 2
