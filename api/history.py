"""An organisation's interview history: the filters and sort orders shared by the list and the export, opaque
keyset cursors, and one session as an export row (CSV cells escaped against formula injection).

Paging is keyset pagination on the sort key plus the session id, so a page never repeats or skips a session that
existed when the first page was read, however many are inserted meanwhile (new ones sort before the first page in
the default newest-first order). A cursor names its query: using it with other filters or another sort is a 400.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from uuid import UUID

from api.errors import BadRequestError, UnprocessableError
from api.ids import is_session_id

Sort = Literal["-created_at", "created_at", "-score", "score"]
SORTS: tuple[Sort, ...] = ("-created_at", "created_at", "-score", "score")
CURSOR_VERSION = 1
MAX_CURSOR_CHARS = 300


@dataclass(frozen=True)
class SessionFilters:
    status: str | None = None
    created_after: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive
    question_id: UUID | None = None
    recommendation: str | None = None
    min_score: float | None = None  # the latest ready scorecard's overall score, inclusive
    max_score: float | None = None
    candidate_external_id: str | None = None
    needs_human_review: bool | None = None

    def fingerprint(self, sort: Sort) -> str:
        """A short hash of the query, carried by its cursors."""
        canonical = json.dumps([sort, asdict(self)], default=str, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def utc(value: datetime | None, field: str) -> datetime | None:
    """The filter in UTC (a datetime without an offset is read as UTC). Normalised here, not by PostgreSQL: the CSV
    export binds it as text in a COPY, and PostgreSQL refuses offsets past +-15:59 that ISO 8601 (and Python)
    allow; an instant outside years 1-9999 in UTC is a 422."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise UnprocessableError(
            f"query.{field}: out of range (years 1 to 9999 in UTC)", code="validation_error"
        ) from None


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the session `id` whose sort key is `key`."""

    key: datetime | Decimal
    created_at: datetime
    id: str


def _invalid(message: str = "Invalid cursor.") -> BadRequestError:
    return BadRequestError(message, code="invalid_cursor")


def encode_cursor(sort: Sort, filters: SessionFilters, row: dict[str, Any]) -> str:
    key = row["sort_key"]
    raw = json.dumps(
        [
            CURSOR_VERSION,
            filters.fingerprint(sort),
            str(key) if isinstance(key, Decimal) else key.isoformat(),
            row["created_at"].isoformat(),
            row["id"],
        ],
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort, filters: SessionFilters) -> Cursor:
    """The position a cursor this API issued names, for this very query; anything else is a 400."""
    if len(cursor) > MAX_CURSOR_CHARS or not cursor.isascii():
        raise _invalid()
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        version, fingerprint, key, created, sid = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, RecursionError) as e:  # UnicodeError is a ValueError
        raise _invalid() from e
    if version != CURSOR_VERSION or not all(isinstance(v, str) for v in (fingerprint, key, created, sid)):
        raise _invalid()
    if fingerprint != filters.fingerprint(sort):
        raise _invalid("This cursor belongs to a query with other filters or another sort order.")
    if not is_session_id(sid):  # the id goes into the query: only a well-formed one
        raise _invalid()
    try:
        created_at = datetime.fromisoformat(created)
        parsed: datetime | Decimal = (
            datetime.fromisoformat(key) if sort.endswith("created_at") else Decimal(key)
        )
    except (ValueError, InvalidOperation) as e:
        raise _invalid() from e
    if created_at.tzinfo is None or (isinstance(parsed, datetime) and parsed.tzinfo is None):
        raise _invalid()
    # A score key is one the API issues: a numeric(4, 2) score, or the 0 and 5 that sort the unscored ones. A
    # finite decimal in range with a larger exponent ("1E-999999") is more than PostgreSQL's numeric can hold.
    if isinstance(parsed, Decimal) and not (
        parsed.is_finite() and 0 <= parsed <= 5 and -2 <= int(parsed.as_tuple().exponent) <= 0
    ):
        raise _invalid()
    return Cursor(key=parsed, created_at=created_at, id=sid)


# --- export ------------------------------------------------------------------------------------------------------

DIMENSIONS = ("problem_solving", "coding", "verification", "communication")
# The CSV export's header, in order (api/db/history_repo.py writes the rows; docs/reports.md documents them). Every
# piece of a text cell that a spreadsheet would read as a formula, whatever separator it splits lines at (a sign
# such as =, +, -, @ or a form of one, after any blanks, at the cell's start or after a ";", "|", tab or line break),
# gets a leading apostrophe (api/export_text.py).
CSV_COLUMNS = (
    "session_id",
    "status",
    "created_at",
    "started_at",
    "ended_at",
    "end_reason",
    "language",
    "duration_minutes",
    "question_id",
    "question_slug",
    "question_title",
    "candidate_name",
    "candidate_email",
    "candidate_external_id",
    "scorecard_version",
    "scorecard_status",
    "recommendation",
    "overall_score",
    *(f"{d}_score" for d in DIMENSIONS),
    "needs_human_review",
    "metadata",
)
