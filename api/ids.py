"""Path identifiers checked by pattern before anything looks them up: an id that cannot exist is a 404, so a NUL
byte, a surrogate or a megabyte of garbage never reaches the database."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Path

from api.errors import NotFoundError
from api.security import SESSION_ID_PATTERN

_SESSION_ID = re.compile(SESSION_ID_PATTERN)


def is_session_id(value: str) -> bool:
    return _SESSION_ID.fullmatch(value) is not None


def session_id_path(
    session_id: Annotated[
        str,
        Path(
            description="A session id (`ses_` and 24 hex digits); any other value is a 404.",
            json_schema_extra={"pattern": SESSION_ID_PATTERN},
        ),
    ],
) -> str:
    if not is_session_id(session_id):
        raise NotFoundError("Session not found.", code="session_not_found")
    return session_id


SessionId = Annotated[str, Depends(session_id_path)]
