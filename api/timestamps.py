"""One form for every time we send out (webhook payloads, ATS answers and results): RFC 3339 in UTC with
microseconds and `Z`, the form the outbox's SQL writes (`to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`). Python's
`isoformat()` writes `+00:00`, and leaves the microseconds out when they are zero: one payload held both forms, and a
receiver that parsed one of them failed on the other."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_z(at: datetime) -> str:
    """``at`` (timezone-aware) as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if at.tzinfo is None:
        raise ValueError("a timestamp sent out must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_z_or_none(at: datetime | None) -> str | None:
    return None if at is None else utc_z(at)
