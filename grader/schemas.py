"""The grading contract: what the grader reads (`BundleInput`), what it decides (`GradeOutcome` with a `Scorecard`),
and the scorecard the API returns (`ScorecardOut`, and `CandidateScorecardOut` for a practice candidate).

Documented in docs/grading.md. Evidence is `{seq, quote}` as the model writes it, and the verifier adds `where` it
found the quote; the API adds the cited event's `type`, `t` and, for transcript lines, `start` and `end`
(`EvidenceOut`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Band = Literal["strong_no_hire", "no_hire", "hire", "strong_hire"]
BANDS: tuple[Band, ...] = ("strong_no_hire", "no_hire", "hire", "strong_hire")  # BANDS[score - 1]
DimensionName = Literal["problem_solving", "coding", "verification", "communication"]
DIMENSIONS: tuple[DimensionName, ...] = ("problem_solving", "coding", "verification", "communication")
RubricMark = Literal["met", "not_met", "not_observed"]
ScorecardStatus = Literal["pending", "ready", "failed"]
Trigger = Literal["session_end", "regrade"]
# Only these event types may be cited; hints, tool calls and notes may not.
CITABLE_EVENT_TYPES: frozenset[str] = frozenset({"transcript", "editor_snapshot", "test_run", "submission"})
REASON_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"

MAX_QUOTE_CHARS = 1_000
MAX_JUSTIFICATION_CHARS = 2_000
MAX_ITEM_CHARS = 500
MAX_ADVICE_CHARS = 4_000


def band_for(score: int) -> Band:
    """The band of a 1-4 score: 1 strong_no_hire, 2 no_hire, 3 hire, 4 strong_hire."""
    if not 1 <= score <= 4:
        raise ValueError(f"score {score} is outside 1-4")
    return BANDS[score - 1]


def supported_recommendations(scores: Iterable[int]) -> tuple[int, int]:
    """The lowest and highest recommendation (1-4) that these dimension scores support: it weighs the dimensions,
    so it lies between their lowest and highest bands, and a strong_hire needs every dimension at 3 or more."""
    values = list(scores)
    low, high = min(values), max(values)
    return low, (high if low >= 3 else min(high, 3))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- what the grader decides -----------------------------------------------------------------------------------


class QuoteWhere(_Model):
    """Where the verifier (grader/evidence.py) found a quote in its event's text (a transcript line's words, a
    snapshot's code, as stored): `[start, end)` in Unicode code points, so that `text[start:end]` is the quote."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Evidence(_Model):
    """A citation: the event `seq`, and the exact words or code quoted from it (empty allowed for a run). `where`
    is set by the verifier only (the model's answer cannot hold it: grader/output.py `EvidenceIn`), and is absent
    from scorecards graded before it and for a run's citation. One citation is one `(seq, quote)`: `where` is where
    that citation was found, so it is not part of what makes two citations the same (a list keeps each once)."""

    seq: int = Field(ge=1)
    quote: str = Field(default="", max_length=MAX_QUOTE_CHARS)
    where: QuoteWhere | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evidence):
            return NotImplemented
        return (self.seq, self.quote) == (other.seq, other.quote)

    def __hash__(self) -> int:
        return hash((self.seq, self.quote))


class DimensionAssessment(_Model):
    score: int = Field(ge=1, le=4)
    band: Band
    justification: str = Field(min_length=1, max_length=MAX_JUSTIFICATION_CHARS)
    evidence: list[Evidence] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _band_matches_score(self) -> DimensionAssessment:
        if self.band != band_for(self.score):
            raise ValueError(f"band {self.band} does not match score {self.score} ({band_for(self.score)})")
        return self


class Dimensions(_Model):
    problem_solving: DimensionAssessment
    coding: DimensionAssessment
    verification: DimensionAssessment  # testing and debugging
    communication: DimensionAssessment

    def items(self) -> Iterator[tuple[DimensionName, DimensionAssessment]]:
        for name in DIMENSIONS:
            yield name, getattr(self, name)


class RubricItemAssessment(_Model):
    """One item of the question's own rubric (`id` as in question.yaml); `met` and `not_met` need evidence."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    behaviour: str = Field(default="", max_length=MAX_ITEM_CHARS)  # copied from the question by code
    mark: RubricMark
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _evidence_when_observed(self) -> RubricItemAssessment:
        if self.mark != "not_observed" and not self.evidence:
            raise ValueError(f"rubric item {self.id} is {self.mark} without evidence")
        return self


class Scorecard(_Model):
    """The validated scorecard of one version, stored as `scorecards.scorecard`."""

    recommendation: Band
    dimensions: Dimensions
    rubric: list[RubricItemAssessment] = Field(default_factory=list, max_length=50)
    strengths: list[str] = Field(default_factory=list, max_length=10)
    areas_to_improve: list[str] = Field(default_factory=list, max_length=10)
    candidate_advice: str = Field(default="", max_length=MAX_ADVICE_CHARS)

    @model_validator(mode="after")
    def _bounded_items(self) -> Scorecard:
        for text in (*self.strengths, *self.areas_to_improve):
            if not 1 <= len(text) <= MAX_ITEM_CHARS:
                raise ValueError(f"strengths and areas_to_improve items are 1 to {MAX_ITEM_CHARS} characters")
        return self

    def evidence(self) -> Iterator[Evidence]:
        """Every citation in the scorecard (dimensions, then rubric items)."""
        for _, dimension in self.dimensions.items():
            yield from dimension.evidence
        for item in self.rubric:
            yield from item.evidence

    def overall_score(self) -> float:
        """The mean of the four dimension scores, 1.00 to 4.00."""
        scores = [d.score for _, d in self.dimensions.items()]
        return round(sum(scores) / len(scores), 2)


class PassTally(_Model):
    passed: int = Field(ge=0)
    total: int = Field(ge=0)


class PassRecord(_Model):
    best: PassTally | None = None  # the best run or submission
    final: PassTally | None = None  # the last one


class HintFact(_Model):
    seq: int = Field(ge=1)
    t: float | None = None


class Facts(_Model):
    """Deterministic facts computed in code from the event log and runs, never asked of the model."""

    language: str | None = None
    visible_tests: PassRecord = PassRecord()
    hidden_tests: PassRecord = PassRecord()
    runs: int = Field(default=0, ge=0)
    submissions: int = Field(default=0, ge=0)
    first_all_visible_pass_s: float | None = None  # seconds from the start to the first all-visible-pass run
    compile_errors: int = Field(default=0, ge=0)
    hints: list[HintFact] = Field(default_factory=list)  # in the order given
    time_used_s: float | None = None
    time_allowed_s: float | None = None
    phases_reached: list[str] = Field(default_factory=list)
    talk_time_ratio: float | None = Field(default=None, ge=0, le=1)  # the candidate's share of speaking time
    complexity_claimed: str | None = None
    final_submit_by_grader: bool = False  # the candidate never submitted; the grader submitted the last code
    final_code_not_judged: str | None = None  # never submitted, and the judge refused the last code: why


class Usage(_Model):
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0)
    samples: int = Field(default=1, ge=1)


class GradeOutcome(_Model):
    """What `grader.pipeline.grade` decides. `ready` carries a scorecard whose every citation was verified;
    `failed` carries a machine-readable `reason` (e.g. `citations_unverified`)."""

    status: Literal["ready", "failed"]
    reason: str | None = Field(default=None, pattern=REASON_PATTERN)
    scorecard: Scorecard | None = None
    facts: Facts | None = None
    needs_human_review: bool = False
    model: str | None = Field(default=None, max_length=200)
    prompt_version: str | None = Field(default=None, max_length=100)
    rubric_version: str | None = Field(default=None, max_length=100)
    usage: Usage = Usage()

    @model_validator(mode="after")
    def _consistent(self) -> GradeOutcome:
        if self.status == "ready" and (self.scorecard is None or self.reason is not None):
            raise ValueError("a ready outcome has a scorecard and no reason")
        if self.status == "failed" and self.reason is None:
            raise ValueError("a failed outcome has a reason")
        return self

    @classmethod
    def failed(cls, reason: str, **fields: Any) -> GradeOutcome:
        return cls(status="failed", reason=reason, **fields)


# --- what the grader reads -------------------------------------------------------------------------------------


class BundleSession(_Model):
    id: str
    status: str
    language: str
    # The languages the session runs, its own first (the organisation's choice; empty in bundles made before).
    languages: list[str] = Field(default_factory=list)
    duration_minutes: int  # the candidate's own time: the scheduled duration plus any extra time granted
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None
    practice: bool
    # Seconds from the start to when the record first left something out (sessions.record_full_at: the interviewer's
    # events refused past the session's budget; observations_capped_at: the page's observations dropped past their
    # cap), None while it has not: the facts then say from when their counts are lower bounds (grader/bundle.py).
    record_full_s: float | None = None
    observations_capped_s: float | None = None


class BundleQuestion(_Model):
    id: str
    slug: str
    title: str
    difficulty: str
    statement_md: str
    signature: dict[str, Any]
    hints: list[Any]
    rubric: list[dict[str, Any]]  # question.yaml's items: {id, behaviour, weight}
    reference_solutions: dict[str, str]  # language -> code; for the grader only, never shown to candidates
    # language -> the code the candidate's editor starts with: not their work, so never credit (grader/credit.py)
    starter_code: dict[str, str] = Field(default_factory=dict)
    visible_test_count: int
    hidden_test_count: int
    version: str  # changes whenever the bank import changes the question; the rubric version derives from it


class BundleEvent(_Model):
    seq: int
    type: str
    # Seconds from the start, on the interviewer's clock (a simulation's runs ahead of the wall's).
    t: float | None
    payload: dict[str, Any]
    # When the API stored it, on the database's clock as `BundleSession.ended_at` (None: not known): with `t`, what
    # tells a line said after the end (grader/graded_lines.py).
    stored_at: datetime | None = None


class BundleRun(_Model):
    id: str
    kind: Literal["run", "submit"]
    language: str
    # None: not kept (stored past the session's run code budget; the newest Submit's always is).
    code: str | None
    code_bytes: int | None = None  # the code's UTF-8 size, kept or not (None for runs stored before it was)
    verdict: str | None
    result: dict[str, Any] | None  # hidden tests already redacted to id, verdict and time
    created_at: datetime


class BundleInput(_Model):
    """One session as the grader sees it. No name, e-mail, résumé, job description or ATS metadata: grading is
    blind to them by construction. `redact` lists the candidate's own name parts and e-mail so that the grader can
    scrub them where the candidate spoke or typed them (grader/candidate_terms.py), and `affiliations` the
    organisations their résumé names (grader/resume_affiliations.py, called by the API) so that it scrubs where they
    worked or studied; neither is sent to the model."""

    session: BundleSession
    question: BundleQuestion
    events: list[BundleEvent]  # in seq order
    runs: list[BundleRun]  # in time order
    final_code: str | None
    # Set by the grading job when its final Submit of the last code (grader.final_submit) was refused for the code
    # itself (`code_too_large`): the record then says the code was not judged, rather than nothing.
    final_submit_refused: str | None = None
    redact: list[str] = Field(default_factory=list, repr=False)
    affiliations: list[str] = Field(default_factory=list, repr=False)


# --- what the API returns ----------------------------------------------------------------------------------------


class EvidenceOut(_Model):
    """A citation enriched with the cited event, so that a report can jump to the moment."""

    seq: int
    quote: str
    # Where the verifier found the quote in the event's text (`QuoteWhere`); null for a run, and in a scorecard
    # graded before it was recorded.
    where: QuoteWhere | None = None
    type: str | None  # None only if the event no longer exists (the session's log was erased)
    t: float | None
    start: float | None = None  # transcript lines only
    end: float | None = None
    # Transcript lines only: who said it. A candidate can say "Interviewer: excellent, all tests pass"; the quote
    # verifies, and this says whose words it is.
    speaker: Literal["candidate", "interviewer"] | None = None
    # Transcript lines only: typed into the page's chat by the candidate rather than said aloud (a report must not
    # show a typed message as something said).
    typed: bool | None = None
    # Runs and submissions only: who made it. The interviewer can run the code, and the grader submits the last
    # code of a candidate who never submitted, after the interview: neither is the candidate's own run.
    by: Literal["candidate", "interviewer", "grader"] | None = None


class DimensionOut(_Model):
    score: int
    band: Band
    justification: str
    evidence: list[EvidenceOut]


class RubricItemOut(_Model):
    id: str
    behaviour: str
    mark: RubricMark
    evidence: list[EvidenceOut]


class UsageOut(_Model):
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    samples: int | None
    duration_ms: int | None


class ScorecardAttempt(_Model):
    """The newest version, whatever its state: beside the scorecard shown (the latest ready one), it says whether
    a re-grade is in progress (`pending`) or failed (with its `reason`)."""

    version: int
    status: ScorecardStatus
    reason: str | None
    trigger: Trigger
    created_at: datetime
    completed_at: datetime | None


class ScorecardOut(_Model):
    """One version as an organisation reads it. Everything past `reason` is null (or empty) unless `ready`;
    `facts` may be present on a failed version too. `latest_attempt` (only on the single scorecard read) is the
    newest version, which is not this one while a re-grade is pending or after it failed."""

    session_id: str
    version: int
    status: ScorecardStatus
    reason: str | None
    trigger: Trigger
    recommendation: Band | None
    overall_score: float | None
    dimensions: dict[DimensionName, DimensionOut] | None
    rubric: list[RubricItemOut]
    strengths: list[str]
    areas_to_improve: list[str]
    candidate_advice: str | None
    facts: Facts | None
    needs_human_review: bool
    model: str | None
    prompt_version: str | None
    rubric_version: str | None
    usage: UsageOut
    created_at: datetime
    completed_at: datetime | None
    latest_attempt: ScorecardAttempt | None = None


class ScorecardPage(_Model):
    data: list[ScorecardOut]


class CandidateDimensionOut(_Model):
    justification: str
    evidence: list[EvidenceOut]


class CandidateRubricItemOut(_Model):
    id: str
    behaviour: str
    mark: RubricMark


class CandidateScorecardOut(_Model):
    """The coaching view a practice candidate reads with their invite: feedback and advice, no hiring bands,
    scores or recommendation."""

    session_id: str
    version: int
    status: ScorecardStatus
    reason: str | None
    dimensions: dict[DimensionName, CandidateDimensionOut] | None
    rubric: list[CandidateRubricItemOut]
    strengths: list[str]
    areas_to_improve: list[str]
    candidate_advice: str | None
    facts: Facts | None
    created_at: datetime
    completed_at: datetime | None
    latest_attempt: ScorecardAttempt | None = None


class CandidateScorecardPage(_Model):
    data: list[CandidateScorecardOut]
