"""Custom input: run the candidate's function on their own arguments (validated against the question's signature,
bounded in count, size and depth) and show what it returns and prints. Calls `api.judging.run_code` with the
custom cases in place of the question's tests; stored and logged like a Run, marked `custom`."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.candidate_rules import require_in_progress
from api.db import questions_repo, sessions_repo
from api.deps import CandidateSession, DbConn, Settings, own_session
from api.errors import UnprocessableError
from api.judging import run_code
from api.routers.runs import MAX_CODE_CHARS
from api.schemas import Language, refuse_unstorable
from judge.bank import Signature, TestCase, split_type, value_matches_type

router = APIRouter(prefix="/v1/sessions/{session_id}", tags=["runs"])

MAX_CASES = 5
MAX_CASE_BYTES = 16_384  # one case's arguments as JSON
MAX_DEPTH = 4  # nesting of JSON arrays/objects; the bank's types go at most two arrays deep


class CustomRunBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "language": "python",
                    "code": "def two_sum(nums, target):\n    return [0, 1]\n",
                    "inputs": [[[3, 3], 6]],
                }
            ]
        },
    )

    language: Language
    code: str = Field(max_length=MAX_CODE_CHARS)
    inputs: list[list[Any]] = Field(
        min_length=1, max_length=MAX_CASES, description="Each item is the argument list of one call, in order"
    )

    _storable = field_validator("code", "inputs")(refuse_unstorable)


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of `value`, giving up (returning limit + 1) as soon as it goes past `limit`."""
    if not isinstance(value, list | dict):
        return 0
    if limit <= 0:
        return 1
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in items), default=0)


def custom_cases(signature: Signature, inputs: list[list[Any]]) -> list[TestCase]:
    """Test cases for the judge from the candidate's inputs; a 422 names the first argument that does not fit."""
    cases = []
    for i, args in enumerate(inputs, start=1):
        if len(json.dumps(args)) > MAX_CASE_BYTES:
            raise UnprocessableError(
                f"Input {i} is larger than {MAX_CASE_BYTES} bytes.", code="invalid_input"
            )
        if len(args) != len(signature.params):
            raise UnprocessableError(
                f"Input {i} needs {len(signature.params)} arguments "
                f"({', '.join(p.name for p in signature.params)}).",
                code="invalid_input",
            )
        for param, value in zip(signature.params, args, strict=True):
            _, type_depth = split_type(param.type)
            if _depth(value, MAX_DEPTH) > max(type_depth, 0) or not value_matches_type(value, param.type):
                raise UnprocessableError(
                    f"Input {i}: {param.name} must be a {param.type}.", code="invalid_input"
                )
        cases.append(TestCase(id=f"custom-{i}", args=args, expected=None))
    return cases


@router.post("/custom-runs")
async def create_custom_run(
    session_id: str,
    body: CustomRunBody,
    candidate: CandidateSession,
    conn: DbConn,
    settings: Settings,
    request: Request,
) -> dict[str, Any]:
    """Run the function on the candidate's own arguments. Each test's `actual` is what it returned; there is no
    expected value, so a returned value is reported with the verdict `wrong_answer` unless it is null."""
    session = own_session(candidate, session_id)
    require_in_progress(session, settings)
    if body.language not in sessions_repo.session_languages(session):
        raise UnprocessableError("This interview does not use that language.", code="unsupported_language")
    question = await questions_repo.load_question_for_judge(conn, session["question_id"])
    return await run_code(
        conn,
        request.app.state.judge,
        session,
        language=body.language,
        code=body.code,
        mode="run",
        by="candidate",
        tests=custom_cases(question["signature"], body.inputs),
    )
