"""The keyset cursor of the time-ordered lists (legal holds, calls back to an ATS): what it issues comes back as the
same position, and nothing else is accepted."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from api import keyset
from api.errors import BadRequestError


def test_an_issued_cursor_names_its_position_again() -> None:
    at, row_id = datetime(2026, 12, 3, 11, 20, 5, 123456, tzinfo=UTC), uuid4()
    cursor = keyset.encode(at, row_id)
    assert len(cursor) <= keyset.MAX_CHARS and cursor.isascii()
    assert keyset.decode(cursor) == (at, row_id)


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "é" * 10,
        "A" * (keyset.MAX_CHARS + 1),
        _b64('["2026-12-03T11:20:05", "00000000-0000-0000-0000-000000000000"]'),  # no time zone
        _b64('["2026-12-03T11:20:05+00:00", "not-a-uuid"]'),
        _b64('{"at": "2026-12-03T11:20:05+00:00", "id": "00000000-0000-0000-0000-000000000000"}'),
        _b64("[" * 5000 + "]" * 5000),
        _b64("[1, 2]"),
    ],
)
def test_anything_the_api_did_not_issue_is_an_invalid_cursor(cursor: str) -> None:
    with pytest.raises(BadRequestError) as e:
        keyset.decode(cursor)
    assert e.value.code == "invalid_cursor"
