"""A scripted two-sum interview for end-to-end tests: the candidate's side as an `agent simulate` script (a wrong
solution, a hint, the right one, complexity, goodbye) and a stand-in for the interviewer's model that calls the phase
tools on cue, as the real model would."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.openai_server import Reply, ToolCall, last_message, message_text, tool_names

BUGGY = "def two_sum(nums, target):\n    return [0, 0]\n"
CORRECT = (
    "def two_sum(nums, target):\n"
    "    seen = {}\n"
    "    for i, x in enumerate(nums):\n"
    "        if target - x in seen:\n"
    "            return [seen[target - x], i]\n"
    "        seen[x] = i\n"
    "    return []\n"
)


def candidate_script(
    opening: str = "Hi, I'm ready to start.",
    understood: str = "I understand the problem, no clarifying questions.",
) -> str:
    """The candidate's lines and edits; `opening` is the first thing they say (it must say "ready to start"),
    `understood` the first of the problem phase (it must say "understand the problem")."""
    return f"""
steps:
  - {{at: 5, say: {json.dumps(opening)}}}
  - {{at: 20, say: {json.dumps(understood)}}}
  - {{at: 60, say: "I would use a hash map from value to index. Shall I code it?"}}
  - at: 120
    editor: {json.dumps(BUGGY)}
  - {{at: 150, say: "Can you run the tests?"}}
  - {{at: 200, say: "I'm stuck, could I get a hint?"}}
  - at: 260
    editor: {json.dumps(CORRECT)}
  - {{at: 300, say: "I'm done, ready to test."}}
  - {{at: 320, say: "Please run the tests again?"}}
  - {{at: 360, say: "Let's discuss complexity."}}
  - {{at: 420, say: "It is O(n) time and O(n) space. Let's wrap up."}}
  - {{at: 480, say: "No questions from me, thanks. Bye!"}}
"""


GREETING = "Hello, I am an AI interviewer and this call is recorded for review."

# (phrase in the candidate's words, tool the fake model calls when that tool is offered)
RULES = [
    ("ready to start", "begin_problem"),
    ("understand the problem", "discuss_approach"),
    ("hash map", "start_coding"),
    ("run the tests", "run_tests"),
    ("hint", "give_hint"),
    ("ready to test", "start_testing"),
    ("complexity", "discuss_complexity"),
    ("wrap up", "wrap_up"),
    ("bye", "end_interview"),
    ("let's stop", "end_interview"),
]


def classifier_verdict(body: dict[str, Any]) -> Reply | None:
    """The small turn-decision model: addressed when the latest words ask something ('?'), else silent."""
    offered = tool_names(body)
    if offered == ["reply", "stay_silent"]:
        latest = message_text(last_message(body)).split("The candidate's latest words:", 1)[-1]
        return Reply(tool_calls=[ToolCall("reply" if "?" in latest else "stay_silent")])
    if offered == ["answer"]:
        said = message_text(last_message(body)).lower()
        return Reply(tool_calls=[ToolCall("answer", {"yes": "stop" in said or "yes" in said})])
    return None


def interviewer_model(body: dict[str, Any]) -> Reply:
    """A scripted stand-in for the LLM: tool calls on cue, short text otherwise."""
    if (verdict := classifier_verdict(body)) is not None:
        return verdict
    last, offered = last_message(body), tool_names(body)
    if last.get("role") == "user":
        said = message_text(last).lower()
        for phrase, tool in RULES:
            if phrase in said and tool in offered:
                return Reply(
                    tool_calls=[ToolCall(tool, {"reason": "completed"} if tool == "end_interview" else {})]
                )
        return Reply(text="Mm-hmm, go on.")
    if last.get("role") == "tool":
        return Reply(text=f"Noted. {message_text(last)[:120]}")
    # Greets only at the start: a later phase's first turn may hold no candidate message (the greeting's talk is
    # left out of it, agent.background), but it holds the phase change's tool call and output.
    if not any(m.get("role") in ("user", "tool") for m in body["messages"]):
        return Reply(text=GREETING)
    return Reply(text="Let's continue.")
