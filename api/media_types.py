"""The one Content-Type of a request. Two Content-Type headers are refused (400) before anything reads the body:
the body cap and the route must never disagree about which one counts."""

from __future__ import annotations

from starlette.types import Scope

MULTIPART = "multipart/form-data"
# Bodies that are no JSON document (a multipart one's JSON part is parsed by its route, with api.json_keys).
FORMS = frozenset({MULTIPART, "application/x-www-form-urlencoded"})


class DuplicateContentTypeError(Exception):
    pass


def content_type_headers(scope: Scope) -> list[bytes]:
    return [value for name, value in scope["headers"] if name == b"content-type"]


def media_type(scope: Scope) -> str | None:
    """The request's media type, lower-cased without parameters; None when it has no Content-Type."""
    values = content_type_headers(scope)
    if len(values) > 1:
        raise DuplicateContentTypeError
    if not values:
        return None
    return values[0].decode("latin-1").split(";", 1)[0].strip().lower()
