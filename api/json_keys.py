"""JSON with a key repeated in one object is no JSON the API reads.

RFC 8259 leaves such objects undefined: Python's parser and pydantic's keep the last value, while a proxy, a
signature verifier, a WAF or a partner's parser may keep the first (or refuse). The same bytes would then mean one
thing to whatever checked them and another to us, so every body (api.json_guard, at the edge) and every JSON text a
route parses itself (a multipart session's `payload`, Ashby's calls, LiveKit's webhooks) is parsed with `loads`,
which refuses them. Keys are compared after unescaping (`"a"` and `"\\u0061"` are one key), as every parser does;
Unicode normalisation is not applied (`"é"` and `"e\\u0301"` are two keys, to every parser).
"""

from __future__ import annotations

import json
from typing import Any

from api.errors import UnprocessableError

DUPLICATE = "this key appears more than once in its object"


class DuplicateKeyError(ValueError):
    """A JSON object names one key twice; `field` is the dotted path of the second one."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field}: {DUPLICATE}")
        self.field = field


class DuplicateKeyRefusedError(UnprocessableError):
    """The 422 a route answers for JSON it parsed itself (the edge answers the same for a body)."""

    code = "duplicate_json_key"

    def __init__(self, field: str) -> None:
        super().__init__(f"{field}: {DUPLICATE}")
        self.fields = [{"field": field, "message": DUPLICATE}]


def refuse_repeated_keys(text: str | bytes, prefix: str = "") -> None:
    """Raise DuplicateKeyRefusedError when `text` is JSON that repeats a key; anything else is the caller's to
    parse (and refuse) as it always did. `prefix` names where the text came from (a form field)."""
    try:
        loads(text)
    except DuplicateKeyError as e:
        raise DuplicateKeyRefusedError(f"{prefix}.{e.field}" if prefix else e.field) from None
    except (ValueError, RecursionError):
        pass


class _Repeated(Exception):
    pass


def _checked(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Repeated
    return obj


class _Pairs(list[tuple[str, Any]]):
    """An object's pairs as written, kept to find where the repeat is."""


def _first_repeat(value: Any) -> str:
    """The dotted path of the first repeated key, walking depth-first in document order, without recursion."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, _Pairs):
            seen: set[str] = set()
            children: list[tuple[str, Any]] = []
            for key, child in node:
                child_path = f"{path}.{key}" if path else key
                if key in seen:
                    return child_path
                seen.add(key)
                children.append((child_path, child))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([(f"{path}.{i}" if path else str(i), c) for i, c in enumerate(node)]))
    return "body"  # not reached: the first parse found a repeat


def loads(text: str | bytes) -> Any:
    """`json.loads`, refusing an object that repeats a key (DuplicateKeyError, a ValueError). Other errors are
    json.loads's own (ValueError, RecursionError)."""
    try:
        return json.loads(text, object_pairs_hook=_checked)
    except _Repeated:
        pass
    found = _first_repeat(json.loads(text, object_pairs_hook=_Pairs))
    raise DuplicateKeyError(found.encode("ascii", "backslashreplace").decode()) from None
