"""What the model answers: the JSON schema sent as its structured output format (strict mode), the pydantic model
that validates the answer, and the conversion into a `Scorecard` once every citation is verified.

The model gives scores; code derives the bands, copies each rubric item's behaviour from the question, and replaces
every quote with the exact original text it matched (grader/evidence.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from grader.credit import credit_problems
from grader.evidence import CitationIndex, Problem, verify_all
from grader.invisible import Hiding
from grader.schemas import (
    BANDS,
    DIMENSIONS,
    MAX_ADVICE_CHARS,
    MAX_ITEM_CHARS,
    MAX_JUSTIFICATION_CHARS,
    MAX_QUOTE_CHARS,
    Band,
    DimensionAssessment,
    Dimensions,
    Evidence,
    RubricItemAssessment,
    RubricMark,
    Scorecard,
    band_for,
    supported_recommendations,
)

MAX_LISTED = 10
# A lone UTF-16 surrogate: JSON's `\ud800` without its other half reads into a Python string, but not into UTF-8.
UNSTORABLE = re.compile("[\ud800-\udfff]")
MAX_PROBLEMS_SHOWN = 20
# In the answer's own words, characters that change how they read without being seen (as the report reveals them,
# api/templating.py `REVEALED`, NUL apart: said on its own): controls, line separators, and the runs of invisible
# ones that carry text or turn it around (bidirectional overrides, tag characters, zero-width spaces). The checks of
# what the words claim (grader/claims.py and the others) read the characters in order; a reader of a webhook, an
# export or an ATS note sees "all hidden tests passed" where the answer held "\u202edessap stset neddih lla".
UNSEEN = Hiding("\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufff9-\ufffb")
MAX_KEY_SHOWN = 40
# Of the model's answer, what the repair round repeats back to it: an answer at the default output limit (6,000
# tokens, about 24,000 characters) fits whole, but a server or proxy may send any length: all of it would be sent
# again, paid as input after the record's tokens, and could push the call past the model's context.
MAX_ECHOED_CHARS = 60_000


def echoed(content: str) -> str:
    """The model's answer as the repair round repeats it: its first `MAX_ECHOED_CHARS` characters, then how many
    more there were (the problems listed after it say what to fix)."""
    if len(content) <= MAX_ECHOED_CHARS:
        return content
    return (
        f"{content[:MAX_ECHOED_CHARS]}\n[... {len(content) - MAX_ECHOED_CHARS} more characters not repeated]"
    )


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EvidenceIn(_In):
    # As `Evidence`'s bound: a seq of 0 or below failed the version as a bug instead of the repair round.
    seq: int = Field(ge=1)
    quote: str = Field(max_length=MAX_QUOTE_CHARS)


class DimensionIn(_In):
    score: int = Field(ge=1, le=4)
    justification: str = Field(min_length=1, max_length=MAX_JUSTIFICATION_CHARS)
    evidence: list[EvidenceIn] = Field(min_length=1, max_length=20)


class DimensionsIn(_In):
    problem_solving: DimensionIn
    coding: DimensionIn
    verification: DimensionIn
    communication: DimensionIn


class RubricMarkIn(_In):
    id: str
    mark: RubricMark
    evidence: list[EvidenceIn] = Field(max_length=20)

    @model_validator(mode="after")
    def _evidence_when_observed(self) -> RubricMarkIn:
        if self.mark != "not_observed" and not self.evidence:
            raise ValueError(f"rubric item {self.id} is {self.mark} and needs evidence")
        return self


class ModelOutput(_In):
    dimensions: DimensionsIn
    rubric: list[RubricMarkIn]
    recommendation: Band
    strengths: list[str] = Field(max_length=MAX_LISTED)
    areas_to_improve: list[str] = Field(max_length=MAX_LISTED)
    candidate_advice: str = Field(max_length=MAX_ADVICE_CHARS)

    @model_validator(mode="after")
    def _short_items(self) -> ModelOutput:
        for text in (*self.strengths, *self.areas_to_improve):
            if not 1 <= len(text) <= MAX_ITEM_CHARS:
                raise ValueError(f"each strength and area to improve is 1 to {MAX_ITEM_CHARS} characters")
        return self

    @model_validator(mode="after")
    def _recommendation_weighs_the_dimensions(self) -> ModelOutput:
        """The recommendation weighs the dimensions, so it lies between the lowest and highest of their bands,
        and a strong_hire needs every dimension at 3 or more: an overall band that the evidence-backed scores do
        not support (say, one an injection talked the model into) is sent back, never stored."""
        scores = {name: getattr(self.dimensions, name).score for name in DIMENSIONS}
        low, high = min(scores.values()), max(scores.values())
        given = BANDS.index(self.recommendation) + 1
        supported = supported_recommendations(scores.values())
        if supported[0] <= given <= supported[1]:
            return self
        if not low <= given <= high:
            raise ValueError(
                f"recommendation {self.recommendation} must lie between the lowest and highest dimension bands "
                f"({band_for(low)} to {band_for(high)}): it weighs the dimensions"
            )
        if self.recommendation == "strong_hire" and low < 3:
            below = ", ".join(f"{name} {score}" for name, score in scores.items() if score < 3)
            raise ValueError(f"recommendation strong_hire needs every dimension at 3 or more ({below})")
        return self

    def texts(self) -> list[tuple[str, str]]:
        """Every text of the answer a person reads as the grader's own words, keyed by where it sits."""
        out = [
            (f"dimensions.{name}.justification", getattr(self.dimensions, name).justification)
            for name in DIMENSIONS
        ]
        out += [(f"strengths[{i}]", text) for i, text in enumerate(self.strengths)]
        out += [(f"areas_to_improve[{i}]", text) for i, text in enumerate(self.areas_to_improve)]
        return [*out, ("candidate_advice", self.candidate_advice)]

    def cited(self) -> dict[str, list[Evidence]]:
        """Every evidence list, keyed by where it sits."""
        out = {
            f"dimensions.{name}": [
                Evidence(seq=e.seq, quote=e.quote) for e in getattr(self.dimensions, name).evidence
            ]
            for name in DIMENSIONS
        }
        for item in self.rubric:
            out[f"rubric.{item.id}"] = [Evidence(seq=e.seq, quote=e.quote) for e in item.evidence]
        return out


def _evidence_schema(description: str) -> dict[str, Any]:
    return {
        "type": "array",
        "description": description,
        "items": {
            "type": "object",
            "properties": {
                "seq": {
                    "type": "integer",
                    "description": "the [seq] of a transcript line, code snapshot or run",
                },
                "quote": {
                    "type": "string",
                    "description": "exact words or code from that event; may be empty for a run",
                },
            },
            "required": ["seq", "quote"],
            "additionalProperties": False,
        },
    }


def output_schema(rubric_ids: list[str]) -> dict[str, Any]:
    """The strict JSON schema of the answer for a question with these rubric item ids."""
    dimension = {
        "type": "object",
        "properties": {
            "score": {
                "type": "integer",
                "enum": [1, 2, 3, 4],
                "description": "1 strong_no_hire ... 4 strong_hire",
            },
            "justification": {"type": "string"},
            "evidence": _evidence_schema("at least one item"),
        },
        "required": ["score", "justification", "evidence"],
        "additionalProperties": False,
    }
    rubric_id: dict[str, Any] = {"type": "string", "enum": rubric_ids} if rubric_ids else {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "dimensions": {
                "type": "object",
                "properties": {name: dimension for name in DIMENSIONS},
                "required": list(DIMENSIONS),
                "additionalProperties": False,
            },
            "rubric": {
                "type": "array",
                "description": "one item per rubric id of the question, each once",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": rubric_id,
                        "mark": {"type": "string", "enum": ["met", "not_met", "not_observed"]},
                        "evidence": _evidence_schema("required when met or not_met"),
                    },
                    "required": ["id", "mark", "evidence"],
                    "additionalProperties": False,
                },
            },
            "recommendation": {
                "type": "string",
                "enum": ["strong_no_hire", "no_hire", "hire", "strong_hire"],
            },
            "strengths": {"type": "array", "items": {"type": "string"}},
            "areas_to_improve": {"type": "array", "items": {"type": "string"}},
            "candidate_advice": {"type": "string"},
        },
        "required": [
            "dimensions",
            "rubric",
            "recommendation",
            "strengths",
            "areas_to_improve",
            "candidate_advice",
        ],
        "additionalProperties": False,
    }


def schema_text(rubric_ids: list[str]) -> str:
    return json.dumps(output_schema(rubric_ids), sort_keys=True)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose every key is its own: of `{"score": 4, "score": 1}` a parser keeps either, and what the
    checks read need not be what another reader of the same answer reads."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def parse(content: str | None, rubric_ids: list[str]) -> ModelOutput | list[str]:
    """The validated answer, or what is wrong with it (for the repair round). Read strictly by the schema's types:
    converted, a score of `true` would be a 1, of `"4"` or `4.0` a 4, and a seq of `true` a citation of event 1."""
    if not content:
        return ["the answer was empty"]
    try:
        raw = json.loads(content, object_pairs_hook=_object)
    except _DuplicateKeyError as e:
        return [
            f"the answer holds the key {e.key[:MAX_KEY_SHOWN]!r} twice in one object: write each key once"
        ]
    except json.JSONDecodeError as e:
        return [f"the answer is not valid JSON ({e.msg} at character {e.pos})"]
    except RecursionError:  # the parser's own bound on depth (about 1,000): our schema nests 5 deep
        return ["the answer is nested too deeply to read: write the scorecard in the JSON format given"]
    except ValueError:  # more digits than Python converts (4,300)
        return ["the answer holds a number too long to read: a score is 1 to 4, a seq an event's number"]
    try:
        output = ModelOutput.model_validate(raw, strict=True)
    except ValidationError as e:
        return [
            f"{'.'.join(str(p) for p in err['loc']) or 'the answer'}: {err['msg']}"
            for err in e.errors(include_url=False)[:MAX_PROBLEMS_SHOWN]
        ]
    problems: list[str] = []
    seen = [item.id for item in output.rubric]
    for rid in rubric_ids:
        if seen.count(rid) != 1:
            problems.append(
                f"rubric: item {rid!r} must appear exactly once (it appears {seen.count(rid)} times)"
            )
    # JSON may escape a NUL (`\u0000`) or a lone UTF-16 surrogate (`\ud800` with no low half after it), which
    # Postgres's jsonb cannot store (nor UTF-8 hold): the version would fail as a bug.
    quotes = [e.quote for cited in output.cited().values() for e in cited]
    for where, text in output.texts():
        hidden = UNSEEN.spans(text) if UNSEEN.char.search(text) else []
        if hidden:
            problems.append(
                f"{where}: holds characters a reader does not see or that change how the text reads (U+"
                f"{ord(text[hidden[0][0]]):04X}, {len(hidden)} place(s)): write plain text"
            )
    for where, text in [*output.texts(), *(("a quote", q) for q in quotes)]:
        if "\x00" in text:
            problems.append(f"{where}: holds a NUL character (\\u0000), which cannot be stored: leave it out")
        if UNSTORABLE.search(text):
            problems.append(
                f"{where}: holds a lone UTF-16 surrogate (\\ud800-\\udfff), which cannot be stored"
            )
    for rid in sorted(set(seen) - set(rubric_ids)):
        problems.append(f"rubric: {rid!r} is not an item of this question's rubric")
    # As pydantic's errors above: an answer of thousands of made-up rubric ids (a server that ignores the schema and
    # the output limit) would have sent each back in the repair round. A missing rubric item comes first (a few
    # at most), the made-up ones last, so that neither it nor what cannot be stored is among those cut (behind a NUL
    # in each of 20 quotes, a missing item was, and the repair round never asked for it).
    if len(problems) > MAX_PROBLEMS_SHOWN:
        problems[MAX_PROBLEMS_SHOWN:] = [
            f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems like these"
        ]
    return problems or output


def citation_problems(
    output: ModelOutput, index: CitationIndex
) -> tuple[dict[str, list[Evidence]], list[Problem]]:
    return verify_all(output.cited(), index)


def credit_without_the_candidate(
    output: ModelOutput, verified: dict[str, list[Evidence]], index: CitationIndex
) -> list[str]:
    """Problems with credit that no citation with substance of the candidate's own supports (grader/credit.py)."""
    return credit_problems(credited(output, verified), index)


def credited(output: ModelOutput, verified: dict[str, list[Evidence]]) -> dict[str, list[Evidence]]:
    """The verified evidence of what the answer credits: dimensions scored 3 or 4, rubric items met."""
    out = {
        f"dimensions.{name} (score {getattr(output.dimensions, name).score})": verified[f"dimensions.{name}"]
        for name in DIMENSIONS
        if getattr(output.dimensions, name).score >= 3
    }
    out |= {
        f"rubric.{item.id} (met)": verified[f"rubric.{item.id}"]
        for item in output.rubric
        if item.mark == "met"
    }
    return out


def to_scorecard(
    output: ModelOutput, verified: dict[str, list[Evidence]], rubric: list[dict[str, Any]]
) -> Scorecard:
    """The scorecard of an answer whose every citation was verified (`verified`: the canonical evidence)."""
    behaviour = {str(item.get("id")): str(item.get("behaviour", ""))[:MAX_ITEM_CHARS] for item in rubric}
    order = {rid: i for i, rid in enumerate(behaviour)}

    def dimension(name: str) -> DimensionAssessment:
        d: DimensionIn = getattr(output.dimensions, name)
        return DimensionAssessment(
            score=d.score,
            band=band_for(d.score),
            justification=d.justification,
            evidence=verified[f"dimensions.{name}"],
        )

    return Scorecard(
        recommendation=output.recommendation,
        dimensions=Dimensions(**{name: dimension(name) for name in DIMENSIONS}),
        rubric=[
            RubricItemAssessment(
                id=item.id,
                behaviour=behaviour.get(item.id, ""),
                mark=item.mark,
                evidence=verified[f"rubric.{item.id}"],
            )
            for item in sorted(output.rubric, key=lambda i: order.get(i.id, len(order)))
        ],
        strengths=list(output.strengths),
        areas_to_improve=list(output.areas_to_improve),
        candidate_advice=output.candidate_advice,
    )
