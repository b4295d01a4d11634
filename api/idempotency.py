"""Idempotent session creation: the `Idempotency-Key` header of POST /v1/sessions, the name it is stored under, the
request's fingerprint, and the stored first answer a retry gets back (`api.db.idempotency_repo`).

- A key is the organisation's, for KEEP_HOURS (24 h): a repeat with the same key and the same request (the same
  validated body, and the same résumé PDF) gets the first answer, 201 with the same body (its invite too) and
  `Idempotent-Replayed: true`, and schedules nothing; the same key with another request is 422
  `idempotency_key_mismatch`, and schedules nothing. Keys compare as sent: byte for byte, case included.
- A key is never stored as sent (migration 20270130090000): its row is named by HMAC-SHA256 under a key per
  organisation derived from SHADOWS_API_SHARE_SIGNING_KEY (`KeyNamer`; rotating that key makes the keys of the last
  24 hours unknown). A row the release before stored under the key as sent (for the rest of its 24 hours) is found
  too, and renamed to the HMAC when a request with its key finds it and before its session is erased. A key an
  integrator built from a candidate's address never outlives their erasure.
- Only a request that scheduled a session keeps its key: one refused (422, 429, 401) leaves the key free to use.
- Concurrent requests with one key schedule one session: the key is claimed in the transaction that schedules, under
  a unique constraint, so the second waits for the first's commit and then answers as a repeat.
- The stored answer carries the raw invite, which is otherwise kept only as a digest: it is sealed at rest
  (`api.sealing`), and goes with the session when the session is erased.
- An erased session keeps its key claimed, as a tombstone, for the rest of the key's 24 hours (migration
  20270120090000): a retry with it is 409 `idempotency_key_erased` and schedules nothing, whatever its body. A retry
  scheduling the erased candidate again, silently, would undo the erasure; the tombstone holds no answer, no session
  id, no fingerprint (a digest of the candidate's name and address) and no key as sent, only its HMAC: it tells
  nothing of whom it scheduled. A new key schedules afresh: the caller's deliberate choice. A claim over an expired
  key is never taken for an erasure (migration 20270123090000).
- A stored answer that no configured sealing key opens (an old key dropped before `shadows db reseal`), or that is
  not an answer (a damaged row), is 409 `idempotency_answer_unreadable`, naming the session the key scheduled;
  nothing is scheduled and the key stays the session's. Never a 500, never the reason's text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from functools import lru_cache
from typing import Any
from uuid import UUID

import structlog
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import ValidationError
from starlette.requests import Request

from api.db.idempotency_repo import KEEP_HOURS, KeyNames
from api.errors import ConflictError, UnprocessableError
from api.schemas import SessionCreate, SessionCreated
from api.sealing import SealedValueError, Sealer
from api.settings import ApiSettings

log = structlog.get_logger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_CHARS = 255
# Printable ASCII without spaces (a UUID, a ULID, an ATS's own request id): what a header carries unchanged.
_KEY = re.compile(r"[!-~]{1,%d}" % MAX_CHARS)  # noqa: UP031  # a regex quantifier, not text

OPENAPI_PARAMETER: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": f"Makes a retry safe: a repeat of a request with the same key and the same body within "
    f"{KEEP_HOURS} hours returns the first answer (201, the same body, `{REPLAYED_HEADER}: true`) and schedules "
    "nothing; the same key with another body is 422 `idempotency_key_mismatch`; a key whose session was erased is "
    "409 `idempotency_key_erased`, and one whose stored answer can no longer be read 409 "
    "`idempotency_answer_unreadable` (neither schedules anything). Per organisation. 1 to "
    f"{MAX_CHARS} printable ASCII characters, no spaces, compared as sent (case included); otherwise 422 "
    "`invalid_idempotency_key`. Stored only as a keyed HMAC, never as sent; still, make it opaque (a UUID is a good "
    "key), never the candidate's name, address or id.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_CHARS, "pattern": "^[!-~]+$"},
}
OPENAPI_REPLAYED_HEADER: dict[str, Any] = {
    REPLAYED_HEADER: {
        "description": f"`true` when this is the stored answer to an earlier request with the same `{HEADER}`.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}


def read_key(request: Request) -> str | None:
    """The request's key, None without one. One header, within MAX_CHARS printable ASCII: otherwise 422."""
    values = request.headers.getlist(HEADER)
    if not values:
        return None
    if len(values) > 1 or not _KEY.fullmatch(values[0]):
        raise UnprocessableError(
            f"{HEADER}: one header of 1 to {MAX_CHARS} printable ASCII characters, no spaces.",
            code="invalid_idempotency_key",
        )
    return values[0]


# The subkey's label: an HMAC under it names an idempotency key and is nothing else the signing key signs.
_SUBKEY_INFO = b"shadows.idempotency-key.v1"


class KeyNamer:
    """Names keys by HMAC-SHA256 under a key per organisation, HMAC(subkey, organisation id), the subkey derived
    (HKDF-SHA256) from SHADOWS_API_SHARE_SIGNING_KEY. Neither leaves it. Not the sealing keys: dropping one of those
    after `shadows db reseal` must not make a key used before it unknown (a retry would schedule a second session)."""

    def __init__(self, secret: str) -> None:
        self._subkey = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SUBKEY_INFO).derive(
            secret.encode("utf-8")
        )

    def __repr__(self) -> str:
        return "KeyNamer(...)"

    def name(self, org_id: UUID, key: str) -> bytes:
        org_key = hmac.new(self._subkey, b"org\0" + org_id.bytes, hashlib.sha256).digest()
        return hmac.new(org_key, key.encode("utf-8"), hashlib.sha256).digest()

    def names(self, org_id: UUID, key: str) -> KeyNames:
        return KeyNames(stored=self.name(org_id, key), as_sent=key)


@lru_cache(maxsize=4)
def _namer(secret: str) -> KeyNamer:
    return KeyNamer(secret)


def namer(settings: ApiSettings) -> KeyNamer:
    return _namer(settings.share_signing_key.get_secret_value())


def fingerprint(body: SessionCreate, resume_pdf: bytes | None) -> bytes:
    """What makes two requests the same: the validated body, its objects' keys sorted (so formatting, key order and
    the multipart boundary do not matter), and the résumé PDF's bytes. With a PDF, `resume_text` is what the parser
    read from it, left out: the bytes stand for it, and a retry answered by a replica whose parser reads them
    otherwise (another release, another SHADOWS_API_MAX_TEXT_CHARS) is the same request."""
    dumped = body.model_dump(mode="json")
    if resume_pdf is not None:
        dumped.pop("resume_text", None)
    h = hashlib.sha256()
    h.update(json.dumps(dumped, sort_keys=True, separators=(",", ":")).encode())
    h.update(b"\0" + (hashlib.sha256(resume_pdf).digest() if resume_pdf is not None else b""))
    return h.digest()


def mismatch() -> UnprocessableError:
    return UnprocessableError(
        f"This {HEADER} was used within {KEEP_HOURS} hours for a request with another body; use a new key for a "
        "new session.",
        code="idempotency_key_mismatch",
    )


def erased() -> ConflictError:
    return ConflictError(
        f"The session this {HEADER} scheduled was erased; nothing was scheduled. To schedule the candidate again, "
        "send the request with a new key.",
        code="idempotency_key_erased",
    )


def stored_answer(sealer: Sealer, held: dict[str, Any]) -> SessionCreated:
    """The first answer kept for a repeat (`held`: a claimed row of a request with the same fingerprint, not erased),
    or 409 `idempotency_answer_unreadable` when it cannot be read back."""
    try:
        if held["response"] is None:
            raise SealedValueError("no stored answer")
        return SessionCreated.model_validate_json(sealer.open(held["response"]))
    except (SealedValueError, ValidationError) as e:
        # The session id only: the answer's text (an invite) and the reason's are never logged.
        log.warning("idempotency.answer_unreadable", session_id=held["session_id"], reason=type(e).__name__)
        session = f" scheduled session {held['session_id']}, but its" if held["session_id"] else "'s"
        raise ConflictError(
            f"This {HEADER}{session} stored answer can no longer be read; nothing was scheduled. Read the session "
            "with GET /v1/sessions/{id}; send a new key only to schedule another session.",
            code="idempotency_answer_unreadable",
        ) from e
