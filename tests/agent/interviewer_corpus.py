"""The interviewer lines the private-notes guard must never cut, as the corpus test (test_disclosure_corpus) and the
guard's bench (bench/guard.py) read them: the calibration transcripts (with what the candidate had said and how many
hints were given at each line), the literal lines the fake models say in tests/agent, the interviewer's prompts, and
a set of plausible lines per question (interviewer_lines.yaml)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.fakes.interview import ROOT

SLUGS = sorted(p.name for p in (ROOT / "questions").iterdir() if (p / "question.yaml").is_file())
_NOT_SPOKEN = ("grader", "turn_classifier", "intent_classifier")
INTERVIEWER_PROMPTS = [p for p in (ROOT / "prompts").glob("*.md") if not p.name.startswith(_NOT_SPOKEN)]
PLAUSIBLE = Path(__file__).parent / "interviewer_lines.yaml"


@dataclass(frozen=True)
class CalibrationLine:
    source: str  # the transcript's file name
    slug: str
    line: str
    hints_given: int
    candidate: tuple[str, ...] = field(default=())  # what the candidate had said or written by then
    said: tuple[str, ...] = field(default=())  # what the interviewer had said before it


def calibration_lines() -> Iterator[CalibrationLine]:
    """Every interviewer line of the calibration transcripts, in order, with its question and context."""
    for path in sorted((ROOT / "questions" / "_calibration").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        hints = 0
        candidate: list[str] = []
        said: list[str] = []
        for event in doc["timeline"]:
            if "hint" in event:
                hints = int(event["hint"])
            if "C" in event:
                candidate.append(str(event["C"]))
            if "code" in event:
                candidate.append(str(event["code"]))
            if "I" in event:
                line = str(event["I"])
                yield CalibrationLine(path.name, doc["question"], line, hints, tuple(candidate), tuple(said))
                said.append(line)


def scripted_lines() -> list[str]:
    """The literal lines the fake models say in tests/agent (``say("...")``, ``FakeResponse(text="...")``)."""
    out = []
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                args = [*node.args, *(k.value for k in node.keywords if k.arg == "text")]
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in ("say", "FakeResponse", "Reply"):
                    out += [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return [line for line in out if len(line.split()) >= 3]


def prompt_lines() -> list[str]:
    """The sentences of the interviewer's own prompts (their variables left out)."""
    lines: list[str] = []
    for path in INTERVIEWER_PROMPTS:
        text = re.sub(r"\{\{\s*\w+\s*\}\}", "", path.read_text(encoding="utf-8"))
        lines += [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", text) if len(s.split()) >= 3]
    return lines


def plausible_lines() -> dict[str, list[str]]:
    """Plausible interviewer lines per question, said before any hint and with nothing of the candidate's (and all
    in one interview: each line after the ones before it)."""
    lines: dict[str, list[str]] = yaml.safe_load(PLAUSIBLE.read_text(encoding="utf-8"))
    return lines
