"""Request and response bodies of the public API (the internal agent API's live in api/routers/internal.py)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from api.settings import MAX_DURATION_MINUTES, MAX_EXTRA_TIME_MINUTES
from api.stored_json import MAX_JSON_DEPTH, refuse_unstorable, stored_bytes, unstorable
from grader.invisible import IGNORABLE, JOINERS, kept

__all__ = ["MAX_JSON_DEPTH", "refuse_unstorable", "unstorable"]  # where the routers have always imported them

Language = Literal["python", "javascript", "java", "cpp"]
InterviewLanguage = Literal["en", "es"]  # spoken languages the interviewer supports end to end
# How an interview ended (sessions.end_reason), as the agent reports it.
EndReason = Literal[
    "completed", "candidate_request", "time_up", "no_show", "candidate_left", "agent_shutdown"
]
MAX_CODE_BYTES = 200_000  # UTF-8 bytes of code stored with a session (agent.payloads.MAX_CODE_BYTES agrees)
Difficulty = Literal["Easy", "Medium", "Hard"]
Status = Literal["scheduled", "in_progress", "completed", "abandoned", "cancelled"]

MAX_TEXT = 50_000
MAX_METADATA_BYTES = 16_384


# Invisible characters, by what Unicode says of them, not by a list of our own: every format character (category Cf:
# among them every bidirectional control, the marks LRM, RLM and ALM, the embeddings and overrides LRE..PDF and the
# isolates LRI..PDI, Unicode's Bidi_Control property whole; zero-width spaces, the word joiner, the BOM, the
# interlinear annotation characters, tag characters) and every default-ignorable one (grader/invisible.py: also the
# variation selectors, the Hangul fillers, the combining grapheme joiner and the code points Unicode reserves as
# such). No name needs them as written: the Unicode bidi algorithm lays right-to-left names out by itself, and in a
# name a control makes it read as something else ("Ada \u202eeriH gnortS" shows "Ada Strong Hire"); a run of them
# carries text nobody sees (a tag character is an ASCII letter a model reads).
_DEFAULT_IGNORABLE = re.compile(f"[{IGNORABLE}]")
VIRAMA = 9  # its canonical combining class (Devanagari U+094D, Malayalam U+0D4D, Sinhala U+0DCA, ...)


def invisible(char: str) -> bool:
    """Whether `char` draws nothing where text is shown: a format character (Cf) or a default-ignorable one."""
    return unicodedata.category(char) == "Cf" or _DEFAULT_IGNORABLE.match(char) is not None


def _script_needs(text: str, start: int, end: int) -> bool:
    r"""Whether the run of invisible characters `text[start:end]` is one a script or an emoji needs: Unicode's own
    sequences (`grader.invisible.kept`: an emoji's or a standardized variation sequence's selector; a zero-width
    joiner or non-joiner between two letters of a script that uses them, as in the Persian
    "\u0639\u0644\u06cc\u200c\u0632\u0627\u062f\u0647", the Sinhala "\u0dc1\u0dca\u200d\u0dbb\u0dd3" or the emoji
    "\U0001f469\u200d\U0001f4bb"; a subdivision flag's tags), or one joiner right after a virama (RFC 5892,
    Appendix A: the Malayalam chillu "\u0d15\u0d4d\u200d" and the Devanagari half form end a word with one)."""
    if kept(text, start, end):
        return True
    return (
        end - start == 1
        and text[start] in JOINERS
        and start > 0
        and unicodedata.combining(text[start - 1]) == VIRAMA
    )


def _without_invisible(text: str) -> str:
    kept_text: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if not invisible(text[i]):
            kept_text.append(text[i])
            i += 1
            continue
        end = i + 1
        while end < n and invisible(text[end]):
            end += 1
        if _script_needs(text, i, end):
            kept_text.append(text[i:end])
        i = end
    return "".join(kept_text)


def one_line(value: Any) -> Any:
    """A person's name as one line of text: control characters and line or paragraph separators become spaces, runs
    of white space one space, trimmed, and invisible characters (`invisible`: bidirectional controls and marks,
    zero-width and other format characters, default-ignorable ones) are dropped, but for the joiners and selectors a
    script or an emoji needs where it needs them (`_script_needs`). A name goes into an e-mail header, a page
    heading, a CSV row and the interviewer's greeting; a line break in it breaks the first (Python refuses such a
    header), a bidirectional control makes the others read as something else, a run of invisible characters hides
    text that a model reads."""
    if not isinstance(value, str):
        return value
    spaced = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in value)
    return " ".join(_without_invisible(spaced).split())


# Letters that draw nothing: the Hangul fillers (a name of them looks blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def has_visible_name(line: str) -> bool:
    """Whether a name shows anything: a letter (of any script) or a digit. Invisible format characters, marks alone,
    fillers and blank symbols (the blank braille cell) do not make one."""
    return any(unicodedata.category(c)[0] in "LN" and c not in _BLANK_LETTERS for c in line)


def name_line(value: Any) -> Any:
    """A required name: storable (no NUL), as one line (`one_line`), and not blank once it is (nothing visible:
    `has_visible_name`)."""
    line = one_line(refuse_unstorable(value))
    if isinstance(line, str) and not has_visible_name(line):
        raise ValueError("must not be blank")
    return line


def optional_name_line(value: Any) -> Any:
    """An optional name: as `name_line`, and empty when nothing of it is visible."""
    line = one_line(refuse_unstorable(value))
    return line if not isinstance(line, str) or has_visible_name(line) else ""


class CandidateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    external_id: str | None = Field(default=None, min_length=1, max_length=200)

    _storable = field_validator("external_id")(refuse_unstorable)
    _name = field_validator("name")(name_line)


SESSION_CREATE_EXAMPLE: dict[str, Any] = {
    "candidate": {"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "gh-candidate-4821"},
    "difficulty": "Medium",
    "language": "python",
    "languages": ["python", "java"],
    "duration_minutes": 45,
    "role": "Backend Engineer",
    "extra_time_minutes": 0,
    "text_only": False,
    "metadata": {"greenhouse_application_id": "982734"},
}


def _unique_languages(v: list[str] | None) -> list[str] | None:
    if v is not None and len(set(v)) != len(v):
        raise ValueError("languages must not repeat")
    return v


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [SESSION_CREATE_EXAMPLE]})

    candidate: CandidateIn
    question_id: UUID | None = None
    difficulty: Difficulty | None = None
    topic: str | None = Field(default=None, max_length=50)
    language: Language = Field(default="python", description="The language the editor opens in.")
    languages: list[Language] | None = Field(
        default=None,
        min_length=1,
        max_length=4,
        description="Languages the candidate may switch between (each keeps its own draft); must include "
        "`language`. Default: only `language`.",
    )
    interview_language: InterviewLanguage = Field(
        default="en", description="The spoken language of the interview: en (English) or es (Spanish)."
    )
    duration_minutes: int = Field(default=45, ge=5, le=MAX_DURATION_MINUTES)
    role: str | None = Field(
        default=None, min_length=1, max_length=200, description="Shown on the welcome page."
    )
    extra_time_minutes: int = Field(
        default=0, ge=0, le=MAX_EXTRA_TIME_MINUTES, description="Accommodation: added to the duration."
    )
    text_only: bool = Field(default=False, description="Accommodation: the interview runs without voice.")
    job_description: str | None = Field(default=None, max_length=MAX_TEXT)
    resume_text: str | None = Field(default=None, max_length=MAX_TEXT)
    metadata: dict[str, Any] = Field(default_factory=dict)

    _storable = field_validator("topic", "job_description", "resume_text", "metadata")(refuse_unstorable)
    # Shown to the candidate inside the welcome's sentence that says the interviewer is an AI: one visible line, as
    # a name (an override in it reversed the rest of that sentence).
    _role = field_validator("role")(name_line)
    _languages = field_validator("languages")(_unique_languages)

    @model_validator(mode="after")
    def _language_is_allowed(self) -> SessionCreate:
        if self.languages is not None and self.language not in self.languages:
            raise ValueError("languages must include language")
        return self

    @field_validator("metadata")
    @classmethod
    def _small_metadata(cls, v: dict[str, Any]) -> dict[str, Any]:
        if stored_bytes(v) > MAX_METADATA_BYTES:
            raise ValueError(
                f"must be at most {MAX_METADATA_BYTES} bytes of JSON as stored (numbers in full)"
            )
        return v

    @model_validator(mode="after")
    def _one_way_to_choose(self) -> SessionCreate:
        if self.question_id is not None and (self.difficulty or self.topic):
            raise ValueError("give either question_id or a difficulty/topic filter, not both")
        return self


class SessionCreated(BaseModel):
    id: str
    status: Status
    join_url: str
    invite: str = Field(description="The raw invite token. Shown once; only its hash is stored.")
    invite_expires_at: datetime
    expires_at: datetime
    question_id: UUID
    language: Language
    duration_minutes: int


class ScorecardSummary(BaseModel):
    """The latest scorecard version's status, and the figures of the latest ready one (a failed or pending re-grade
    keeps the last ready figures)."""

    version: int
    status: Literal["pending", "ready", "failed"]
    ready_version: int | None
    recommendation: Literal["strong_no_hire", "no_hire", "hire", "strong_hire"] | None
    overall_score: float | None
    needs_human_review: bool | None


class SessionSummary(BaseModel):
    id: str
    status: Status
    question_id: UUID | None
    language: Language
    languages: list[Language]
    duration_minutes: int
    extra_time_minutes: int
    text_only: bool
    role: str | None
    candidate: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    ends_at: datetime | None = Field(description="started_at + duration + extra time; null before the start")
    ended_at: datetime | None
    expires_at: datetime
    end_reason: str | None
    metadata: dict[str, Any]
    scorecard: ScorecardSummary | None = None


class SessionUpdate(BaseModel):
    """What an organisation may change on a session that has not finished: accommodations, languages, role."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"extra_time_minutes": 15, "text_only": True}]}
    )

    extra_time_minutes: int | None = Field(default=None, ge=0, le=MAX_EXTRA_TIME_MINUTES)
    text_only: bool | None = None
    languages: list[Language] | None = Field(default=None, min_length=1, max_length=4)
    role: str | None = Field(default=None, min_length=1, max_length=200)

    _role = field_validator("role")(name_line)
    _languages = field_validator("languages")(_unique_languages)


class SessionPage(BaseModel):
    data: list[SessionSummary]
    next_cursor: str | None


class SessionDetail(SessionSummary):
    room_name: str
    question: dict[str, Any] | None
    events: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    final_code: str | None
    job_description: str | None
    has_resume: bool


class JoinRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invite: str = Field(min_length=1, max_length=512)


class HintGiven(BaseModel):
    index: int = Field(description="1-based, as the page was told it")
    unsettled: bool = Field(
        description="Being said when the interviewer's call dropped; the record counts it given"
    )
    at: datetime = Field(description="When the record took it")


class HintsGiven(BaseModel):
    """The hints given so far in the candidate's own interview, from the event log the report counts: numbers only,
    never a hint's text (the candidate heard it; the record keeps it)."""

    count: int = Field(description="Hint events the record holds, as the report counts them")
    total: int | None = Field(
        description="Hints the question has, as the newest hint said; null before the first"
    )
    given: list[HintGiven] = Field(description="Each hint given, once, in the order given")


class JoinResponse(BaseModel):
    server_url: str
    participant_token: str = Field(
        description="LiveKit room token; empty until the candidate has agreed to the notice"
    )
    room_name: str
    participant_name: str
    participant_identity: str
    session: dict[str, Any]
    organization: dict[str, Any] = Field(
        description="Who is hiring: name, logo, and the policies the page applies"
    )
    notice: dict[str, Any] = Field(description="The candidate notice to agree to: version, sha256 and HTML")
    consented: bool
    agent_join_timeout_s: int
    question: dict[str, Any] | None = Field(
        description="Statement, starter code and visible tests; null until the interview has started"
    )
    hints: HintsGiven | None = Field(
        default=None, description="The hints given so far; null unless the interview is running"
    )


class TokenRequest(BaseModel):
    """LiveKit's standard token-endpoint request (snake_case). Room and identity come from the invite; a request
    naming a different room is refused."""

    model_config = ConfigDict(extra="ignore")

    room_name: str | None = Field(default=None, max_length=200)
    participant_name: str | None = Field(default=None, max_length=200)
    participant_identity: str | None = Field(default=None, max_length=200)
    participant_metadata: str | None = Field(default=None, max_length=4096)
    participant_attributes: dict[str, str] | None = None
    room_config: dict[str, Any] | None = None


class TokenResponse(BaseModel):
    server_url: str
    participant_token: str


class PracticeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="Practice candidate", min_length=1, max_length=200)

    _name = field_validator("name")(name_line)
    difficulty: Difficulty | None = None
    language: Language = "python"
    duration_minutes: int = Field(default=45, ge=5, le=90)
