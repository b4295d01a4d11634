"""Path identifiers checked by pattern before anything looks them up: an id that cannot exist is a 404, so a NUL
byte, a surrogate or a megabyte of garbage never reaches the database."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Path

from api.errors import NotFoundError
from api.security import SESSION_ID_PATTERN
from api.signed_tokens import MAX_TOKEN_CHARS

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


# A signed token in a link's path (a share link, a view token, an artifact download). Not bounded here: a link that
# arrives mangled (a suffix pasted on, a paste doubled) is one we did not issue, and its reader gets the answer every
# such link gets (404 `share_link_invalid`, on the shared report an HTML page saying so), not a 422 naming the path.
# The token check refuses one longer than MAX_TOKEN_CHARS before decoding it or reading the database.
LinkToken = Annotated[
    str,
    Path(
        description=f"A signed token we issued (at most {MAX_TOKEN_CHARS} characters); any other value is a 404.",
        json_schema_extra={"maxLength": MAX_TOKEN_CHARS},
    ),
]
