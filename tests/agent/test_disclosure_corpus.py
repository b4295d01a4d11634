"""The private-notes guard never cuts the interviewer talking about the problem: every interviewer line in the
calibration transcripts, the scripted test conversations, the prompts and a set of plausible lines per question goes
through uncut (agent.disclosure)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from agent.disclosure import DisclosureGuard, protected_runs
from agent.interview import build_interview
from agent.state import InterviewState
from tests.fakes.clock import ManualClock
from tests.fakes.interview import ROOT, FakeChannel, FakeSink, make_context, test_settings

SLUGS = sorted(p.name for p in (ROOT / "questions").iterdir() if (p / "question.yaml").is_file())
_NOT_SPOKEN = ("grader", "turn_classifier", "intent_classifier")
_INTERVIEWER_PROMPTS = [p for p in (ROOT / "prompts").glob("*.md") if not p.name.startswith(_NOT_SPOKEN)]


def interview(slug: str) -> InterviewState:
    _, state = build_interview(make_context(slug), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    return state


def passes(state: InterviewState, line: str, candidate: list[str]) -> bool:
    guard = DisclosureGuard(protected_runs(state, candidate))
    out = "".join(guard.feed(line[at : at + 5]) for at in range(0, len(line), 5)) + guard.flush()
    return out == line and not guard.stopped


def scripted_lines() -> list[str]:
    """The literal lines the fake models say in tests/agent (``say("...")``, ``FakeResponse(text="...")``)."""
    out = []
    for path in sorted((ROOT / "tests" / "agent").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                args = [*node.args, *(k.value for k in node.keywords if k.arg == "text")]
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in ("say", "FakeResponse", "Reply"):
                    out += [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return [line for line in out if len(line.split()) >= 3]


def test_no_calibration_transcript_line_is_cut() -> None:
    checked = 0
    for path in sorted((ROOT / "questions" / "_calibration").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        state = interview(doc["question"])
        candidate: list[str] = []
        for event in doc["timeline"]:
            if "hint" in event:
                state.hints_given = int(event["hint"])
            if "C" in event:
                candidate.append(str(event["C"]))
            if "code" in event:
                candidate.append(str(event["code"]))
            if "I" in event:
                assert passes(state, str(event["I"]), candidate), (path.name, event)
                checked += 1
    assert checked >= 90


def test_no_scripted_test_line_nor_prompt_line_is_cut_for_any_question() -> None:
    lines = scripted_lines()
    for path in _INTERVIEWER_PROMPTS:
        text = re.sub(r"\{\{\w+\}\}", "", path.read_text(encoding="utf-8"))
        lines += [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", text) if len(s.split()) >= 3]
    assert len(lines) >= 150
    for slug in SLUGS:
        state = interview(slug)
        cut = [line for line in lines if not passes(state, line, [])]
        assert cut == [], (slug, cut)


def test_no_plausible_interviewer_line_is_cut() -> None:
    lines = yaml.safe_load((Path(__file__).parent / "interviewer_lines.yaml").read_text(encoding="utf-8"))
    assert set(lines) == set(SLUGS)
    for slug, said in lines.items():
        state = interview(slug)
        cut = [line for line in said if not passes(state, line, [])]
        assert cut == [], (slug, cut)
