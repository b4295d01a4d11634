"""An in-process cache of questions, keyed by the question's version: what candidates and the agent may see, and what
the judge needs.

Every join and agent context needs the statement, starter code and visible tests: four queries, the largest share
of a join's time. Every run and submission needs every test, hidden ones included: for the bank's larger questions
1.2-1.5 MB of JSON read from PostgreSQL and parsed on the event loop, about 20 ms of the API's CPU per run.

The key includes `questions.updated_at`. A bank import bumps it (the row's update trigger), and so does any write to
the question's tests or starter code (triggers on those tables, migration 20261213000000), so a change is seen on the
next request without any invalidation message between processes.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any
from uuid import UUID

from api.db import questions_repo
from api.db.pool import Conn

Key = tuple[UUID, datetime]

# The judge's questions are bounded by the size of their tests' stored JSON. Parsed, 1 MB of it is about 4 MB of
# Python objects (two-sum's lists of ints: 1.4 MB of JSON, 5.5 MB), so the default, which holds the whole bank (7 MB)
# three times over, costs at most about 100 MB per API process.
JUDGE_CACHE_BYTES = 24 << 20


class QuestionCache:
    def __init__(self, max_entries: int = 256, max_judge_bytes: int = JUDGE_CACHE_BYTES) -> None:
        self._entries: OrderedDict[tuple[UUID, datetime | None], dict[str, Any]] = OrderedDict()
        self._max = max_entries
        self._judge: OrderedDict[Key, dict[str, Any]] = OrderedDict()
        self._judge_bytes = 0
        self._max_judge_bytes = max_judge_bytes

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

    async def judge_question(self, conn: Conn, question_id: UUID, version: datetime | None) -> dict[str, Any]:
        """`questions_repo.load_question_for_judge`, shared by every run of this version of the question: its tests
        are a tuple of frozen TestCases, which no run changes. A question whose version is unknown, or whose tests
        alone are over the budget, is read afresh each time."""
        if version is None:
            return await questions_repo.load_question_for_judge(conn, question_id)
        key = (question_id, version)
        hit = self._judge.get(key)
        if hit is not None:
            self._judge.move_to_end(key)
            return hit
        question = await questions_repo.load_question_for_judge(conn, question_id)
        size = int(question["test_bytes"])
        if size <= self._max_judge_bytes and key not in self._judge:
            self._judge[key] = question
            self._judge_bytes += size
            while self._judge_bytes > self._max_judge_bytes:
                _, evicted = self._judge.popitem(last=False)
                self._judge_bytes -= int(evicted["test_bytes"])
        return question

    @property
    def judge_bytes(self) -> int:
        """The stored JSON size of the tests held for the judge."""
        return self._judge_bytes
