"""An organisation's API keys beyond the first (`shadows orgs create`): issue another, list them, revoke one.

- At most MAX_ACTIVE_KEYS unrevoked keys per organisation (409 `api_key_limit_reached`): revoke one first. Issuing
  through the API is limited per organisation too (`api.org_limits.count_key_issue`, 429), and a revoked key is
  deleted 30 days after its revocation (`api.jobs.pruning`): issuing and revoking in a loop stores nothing for ever.
- A key is shown once, when issued; only its SHA-256 and its first 8 characters (`prefix`) are stored.
- Revoking is idempotent, and takes effect on the next request on every replica: `api.deps.require_org` looks the
  key up in Postgres on every request, and the view tokens minted for a key die with it (`api.view_tokens`).
- Through the API an organisation cannot revoke its last active key (409 `last_api_key`): it would lock itself out
  with no way back in. The operator's `shadows orgs keys revoke` may (the recovery path for a leaked last key:
  issue a new one with `shadows orgs keys create`, hand it over, revoke the old).
- Another organisation's key id is a 404 `api_key_not_found`, as an id that does not exist.
- Each key records the key whose request issued it (`issued_by_key_id` and its prefix; null for the operator's
  CLI), and a revocation may take every key its key issued with it, transitively (`with_issued`): a leaked key's
  offspring are found and revoked with it, through keys in the chain since pruned too (`issued_under_key_id`,
  `api_keys_repo.move_issued_up`). The operator's `shadows orgs keys revoke --with-issued` does the same.

Each change runs in a transaction holding the organisation's row lock, so concurrent requests cannot pass the bound
together nor revoke the last two keys together.

A key's revocation also stops what its requests in flight would still write (`hold_caller`): a write that gives its
caller something lasting, decides where data goes or cannot be undone (an API key, an ATS key, a webhook receiver or its
secret, a share link, the organisation's settings, a legal hold placed or lifted, an erasure, a new session and its
invite, a cancel, a re-grade, a webhook delivery replayed or an ATS call sent again) commits only while the key that
asked for it is unrevoked. Checked once at the start, a request that waited (on a slow name server for a webhook URL, on
a lock, on a résumé upload) minted a live key, registered a receiver of every later event or scheduled a paid interview
after the key that asked had been revoked: revoking a leaked key left what it was doing in place."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.db import api_keys_repo
from api.db.pool import Conn
from api.errors import ConflictError, NotFoundError, UnauthorizedError
from api.security import new_api_key

MAX_ACTIVE_KEYS = 20
NAME_MAX = 100


def not_found() -> NotFoundError:
    return NotFoundError("API key not found.", code="api_key_not_found")


async def hold_caller(conn: Conn, key_id: UUID) -> None:
    """In the transaction of a write the key `key_id` asked for, as its last statement: 401 `invalid_api_key` (as
    its next request would be) when the key was revoked since the request was let in, and the write is rolled
    back; otherwise its revocation waits for the write's commit (`api_keys_repo.hold_live`)."""
    if not await api_keys_repo.hold_live(conn, key_id):
        raise UnauthorizedError("Invalid API key.", code="invalid_api_key")


async def issue(
    conn: Conn, org_id: UUID, name: str | None, *, caller: UUID | None = None
) -> tuple[dict[str, Any], str]:
    """A new key for the organisation: its row, and the raw key (returned once, never stored). `caller`: the key
    that asked, which must still be unrevoked under the organisation's lock (`hold_caller`)."""
    key = new_api_key()
    async with conn.transaction():
        if not await api_keys_repo.lock_org(conn, org_id):
            raise NotFoundError("Organisation not found.", code="organization_not_found")
        if caller is not None:
            await hold_caller(conn, caller)
        if await api_keys_repo.count_active(conn, org_id) >= MAX_ACTIVE_KEYS:
            raise ConflictError(
                f"This organisation already has {MAX_ACTIVE_KEYS} active API keys; revoke one first.",
                code="api_key_limit_reached",
            )
        row = await api_keys_repo.insert_key(conn, org_id, key, name, issued_by=caller)
    return row, key


async def revoke(
    conn: Conn, key_id: UUID, org_id: UUID | None, *, allow_last: bool = False, caller: UUID | None = None
) -> dict[str, Any]:
    """Revoke `key_id` (with `org_id`: only that organisation's). Revoking a revoked key returns it unchanged. The
    organisation's last active key is refused unless `allow_last` (the operator's CLI). `caller`: the key that
    asked, which must still be unrevoked under the organisation's lock (`hold_caller`)."""
    row, _ = await revoke_with_issued(
        conn, key_id, org_id, allow_last=allow_last, caller=caller, with_issued=False
    )
    return row


async def revoke_with_issued(
    conn: Conn,
    key_id: UUID,
    org_id: UUID | None,
    *,
    with_issued: bool,
    allow_last: bool = False,
    caller: UUID | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """`revoke`, and with `with_issued` every unrevoked key that `key_id` issued, transitively (even when `key_id`
    itself was revoked before): the key's row and the rows of the others revoked now. The last-key refusal counts
    them all: a revocation that would leave no active key is refused whole."""
    async with conn.transaction():
        found = await api_keys_repo.get_key(conn, key_id, org_id)
        if found is None or not await api_keys_repo.lock_org(conn, found["organization_id"]):
            raise not_found()
        row = await api_keys_repo.get_key(conn, key_id, org_id, lock=True)  # read again under the org's lock
        if row is None:
            raise not_found()
        issued = await api_keys_repo.issued_by(conn, key_id) if with_issued else []
        if row["revoked_at"] is not None and not issued:
            return row, []
        going = len(issued) + (row["revoked_at"] is None)
        if not allow_last and await api_keys_repo.count_active(conn, row["organization_id"]) <= going:
            what = "it and the keys it issued" if issued else "it"
            raise ConflictError(
                f"This would revoke the organisation's last active API key: revoking {what} would lock the "
                "organisation out of the API. Create another key first (POST /v1/api-keys, asked by a key that "
                "stays), switch to it, then revoke this one.",
                code="last_api_key",
            )
        # A change to make: only for a key still live (a refusal above changes nothing).
        if caller is not None:
            await hold_caller(conn, caller)
        return await api_keys_repo.revoke(conn, key_id), await api_keys_repo.revoke_many(conn, issued)
