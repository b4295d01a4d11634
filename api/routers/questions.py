"""The question bank's catalogue for integrators: pick a question id for POST /v1/sessions."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.db import questions_repo
from api.deps import DbConn, OrgCaller
from api.openapi_errors import DB, error_responses
from api.schemas import Difficulty, Language

router = APIRouter(prefix="/v1/questions", tags=["questions"])


class QuestionSummary(BaseModel):
    id: UUID
    slug: str
    number: int
    title: str
    difficulty: Difficulty
    topics: list[str]
    languages: list[Language]
    visible_tests: int
    hidden_tests: int
    # Offered by self-serve practice, where anyone may read it and probe its hidden tests: never drawn for an
    # organisation's session, which gets it only by naming its id.
    practice: bool


class QuestionList(BaseModel):
    data: list[QuestionSummary]


@router.get("", response_model=QuestionList, responses=error_responses(*DB, 401, 422))
async def list_questions(
    _org: OrgCaller,
    conn: DbConn,
    difficulty: Difficulty | None = None,
    topic: Annotated[str | None, Query(max_length=50)] = None,
) -> QuestionList:
    """Every question in the bank (title, difficulty, topics; never the statement or tests), filterable. `practice`
    marks the questions self-serve practice offers: a session drawn by difficulty/topic never gets one."""
    rows = await questions_repo.list_questions(conn, difficulty=difficulty, topic=topic)
    return QuestionList(
        data=[
            QuestionSummary(
                id=r["id"],
                slug=r["slug"],
                number=r["question_number"],
                title=r["title"],
                difficulty=r["difficulty"],
                topics=list(r["topics"]),
                languages=["python", "javascript", "java", "cpp"],
                visible_tests=r["visible_tests"],
                hidden_tests=r["hidden_tests"],
                practice=r["practice"],
            )
            for r in rows
        ]
    )
