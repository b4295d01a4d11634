"""The opaque cursor of a list paged by a timestamp with the row's id as the tie-break (an organisation's legal holds,
its calls back to an ATS): `encode` names the last row of a page; `decode` gives the position back, and anything it
did not issue is a 400 `invalid_cursor`."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from api.errors import BadRequestError

MAX_CHARS = 200  # an issued cursor is about 90; the routes bound the query parameter with it too


def encode(at: datetime, row_id: UUID) -> str:
    raw = json.dumps([at.isoformat(), str(row_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, UUID]:
    """The position a cursor this API issued names; anything else is a 400 `invalid_cursor`."""
    try:
        if len(cursor) > MAX_CHARS or not cursor.isascii():
            raise ValueError(cursor)
        at, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4)))
        position = datetime.fromisoformat(at)
        if position.tzinfo is None:
            raise ValueError(at)
        return position, UUID(row_id)
    except (ValueError, TypeError, AttributeError, binascii.Error, RecursionError) as e:
        raise BadRequestError("Invalid cursor.", code="invalid_cursor") from e


def page(rows: Sequence[dict[str, Any]], limit: int, at: str) -> tuple[list[dict[str, Any]], str | None]:
    """A page from `rows`, read with `limit + 1` to learn whether more follow: the first `limit` rows, and the
    cursor naming the last of them (by its `at` column and id) when more follow, else None."""
    shown = list(rows[:limit])
    more = len(rows) > limit and bool(shown)
    return shown, encode(shown[-1][at], shown[-1]["id"]) if more else None
