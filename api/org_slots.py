"""How many costly reads (the analytics figures) this process runs at once, in all and per organisation.

Such a read holds a pooled connection and a PostgreSQL backend for as long as its statement timeout allows (15 s
for the figures of a large organisation's three-year range). Unbounded, one organisation asking twenty at once
held the whole pool (`SHADOWS_API_DB_POOL_MAX`, 20): every other caller, candidates joining and the agent writing
events included, waited for a connection and was refused with 503 `database_unavailable`. A slot is taken after the
caller is authenticated and before the read starts, and given back however the read ends; past either bound the
answer is at once a 429 (`code`, with Retry-After), never a wait. The slots are per process: N replicas hold up to
N times as many.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import UUID

from api.errors import RateLimitedError

RETRY_AFTER_S = 5


@dataclass
class OrgSlots:
    capacity: int
    per_org: int
    code: str
    what: str  # plural, for the message: "analytics requests"
    _held: dict[UUID, int] = field(default_factory=dict)

    @property
    def held(self) -> int:
        return sum(self._held.values())

    @contextmanager
    def hold(self, org_id: UUID) -> Iterator[None]:
        """One slot for `org_id` while the block runs; a 429 `code` when none is free."""
        if self.held >= self.capacity:
            raise RateLimitedError(
                f"Too many {self.what} in progress; try again shortly.",
                code=self.code,
                retry_after=RETRY_AFTER_S,
            )
        if self._held.get(org_id, 0) >= self.per_org:
            raise RateLimitedError(
                f"Too many {self.what} in progress for this organisation; wait for one to finish.",
                code=self.code,
                retry_after=RETRY_AFTER_S,
            )
        self._held[org_id] = self._held.get(org_id, 0) + 1
        try:
            yield
        finally:
            left = self._held[org_id] - 1
            if left:
                self._held[org_id] = left
            else:
                del self._held[org_id]
