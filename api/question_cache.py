"""An in-process cache of what candidates and the agent may see of a question, keyed by the question's version.

Every join and agent context needs the statement, starter code and visible tests: four queries, the largest share
of a join's time. The key includes `questions.updated_at`, which every bank import bumps (update trigger), so an
import is seen on the next request without any invalidation message between processes.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any
from uuid import UUID

from api.db import questions_repo
from api.db.pool import Conn


class QuestionCache:
    def __init__(self, max_entries: int = 256) -> None:
        self._entries: OrderedDict[tuple[UUID, datetime | None], dict[str, Any]] = OrderedDict()
        self._max = max_entries

    async def public_question(
        self, conn: Conn, question_id: UUID, version: datetime | None
    ) -> dict[str, Any]:
        """A shallow copy of the question's public view (callers may drop or add top-level keys)."""
        key = (question_id, version)
        hit = self._entries.get(key)
        if hit is None:
            hit = await questions_repo.read_public_question(conn, question_id)
            self._entries[key] = hit
            if len(self._entries) > self._max:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return dict(hit)
