"""The judge's public data: verdicts, run requests, per-test results and run reports."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from judge.bank import LANGUAGES, Compare, Question, Signature, TestCase
from judge.text import clean_text

Language = Literal["python", "javascript", "java", "cpp"]
Mode = Literal["run", "submit"]
SUPPORTED_LANGUAGES: tuple[str, ...] = LANGUAGES
# A report's text, cleaned however it was made (judge.text): much of it is written by the candidate's program, and
# a compiler quotes the source (javac a NUL in it, which PostgreSQL then refused to store).
ReportText = Annotated[str, AfterValidator(clean_text)]


class Verdict(StrEnum):
    """Outcome of one test or of a whole run. `internal_error` means the judge failed, never the candidate."""

    ACCEPTED = "accepted"
    WRONG_ANSWER = "wrong_answer"
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    RUNTIME_ERROR = "runtime_error"
    COMPILE_ERROR = "compile_error"
    INTERNAL_ERROR = "internal_error"


class RunLimits(BaseModel):
    """Per-request limits. Each is lowered to the deployment's maximum; none can be raised past it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit_s: float = Field(default=2.0, gt=0, le=30, description="per test, wall clock")
    memory_mb: int = Field(default=256, ge=16, le=4096, description="heap / address space of the run process")
    output_bytes: int = Field(
        default=1 << 20, ge=1024, le=64 << 20, description="candidate stdout+stderr per test"
    )
    compile_s: float = Field(default=15.0, gt=0, le=60)


class RunRequest(BaseModel):
    """One Run (visible tests) or Submit (all tests) of a candidate's source against a question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Language
    source: str
    signature: Signature
    tests: list[TestCase] = Field(min_length=1)
    compare: Compare = Compare()
    mode: Mode = "run"
    limits: RunLimits = RunLimits()

    @classmethod
    def for_question(
        cls,
        question: Question,
        *,
        language: Language,
        source: str,
        mode: Mode = "run",
        limits: RunLimits | None = None,
    ) -> RunRequest:
        return cls(
            language=language,
            source=source,
            signature=question.signature,
            tests=list(question.tests),
            compare=question.meta.compare,
            mode=mode,
            limits=limits or RunLimits(),
        )

    def selected_tests(self) -> list[TestCase]:
        """The tests this run executes: visible ones in `run` mode (hidden tests never run), all in `submit`."""
        if self.mode == "run":
            return [t for t in self.tests if not t.hidden]
        return list(self.tests)


class TestResult(BaseModel):
    """One test's outcome. For hidden tests only id, verdict and time are ever filled in."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)  # judge.verdict assigns messages
    __test__ = False  # not a pytest class

    id: str
    verdict: Verdict
    hidden: bool = False
    time_ms: float | None = None
    args: list[Any] | None = None
    expected: Any = None
    actual: Any = None
    message: ReportText | None = None  # error message or comparison detail (visible tests only)
    # Excerpts of what the candidate printed during this test (visible tests only).
    stdout: ReportText | None = None
    stderr: ReportText | None = None


class Timings(BaseModel):
    compile_ms: float = 0.0
    run_ms: float = 0.0
    total_ms: float = 0.0


class RunReport(BaseModel):
    """The answer to a RunRequest: the overall verdict, per-test results, compiler output, totals and timings."""

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    language: Language
    mode: Mode
    tests: list[TestResult] = Field(default_factory=list)
    passed: int = 0
    total: int = 0
    compile_output: ReportText = ""
    message: ReportText | None = None  # judge-side explanation for internal_error / compile_error
    timings: Timings = Timings()
    backend: str = "local"
    # How many run processes were needed (1 unless a test crashed or hung), counted until the first hidden input was
    # sent: what a program does after it reaches a Submit through its hidden tests' verdicts and times alone.
    processes: int = 0
