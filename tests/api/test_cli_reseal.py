"""Rotating SHADOWS_API_SEALING_KEYS to the end: `shadows db reseal` (a subprocess) seals every stored secret again
under the new first key, so that the old key can be removed; a value no key opens is counted, kept, never shown."""

from __future__ import annotations

import secrets
import subprocess

import psycopg
import pytest
from cryptography.fernet import Fernet, InvalidToken
from psycopg.rows import DictRow

from api.db.orgs_repo import create_org
from api.reseal import SEALED_COLUMNS
from tests.api.conftest import run_shadows

Conn = psycopg.AsyncConnection[DictRow]


def _reseal(db_url: str, keys: list[bytes]) -> subprocess.CompletedProcess[str]:
    return run_shadows(
        ["db", "reseal"], db_url, {"SHADOWS_API_SEALING_KEYS": ",".join(k.decode() for k in keys)}
    )


async def _add_keys(db: Conn, org_id: object, sealing_key: bytes, key: str, ashby_key: str) -> None:
    f = Fernet(sealing_key)
    await db.execute(
        "insert into integration_keys (organization_id, provider, key_hash, key_sealed, prefix, "
        "provider_api_key_sealed, revoked_at) values (%s, 'ashby', %s, %s, 'x', %s, now())",
        (
            org_id,
            secrets.token_bytes(32),
            f.encrypt(key.encode()).decode(),
            f.encrypt(ashby_key.encode()).decode(),
        ),
    )


async def _sealed(db: Conn) -> list[tuple[str, str]]:
    cur = await db.execute(
        "select key_sealed, provider_api_key_sealed from integration_keys order by created_at, id"
    )
    return [(r["key_sealed"], r["provider_api_key_sealed"]) for r in await cur.fetchall()]


async def test_reseal_moves_every_secret_to_the_new_key_once_then_the_old_key_can_go(
    db: Conn, db_url: str
) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    org_id, _ = await create_org(db, "Acme")
    plain = [("gh-key-" + secrets.token_hex(8), "ashby-" + secrets.token_hex(8)) for _ in range(2)]
    for key, ashby_key in plain:
        await _add_keys(db, org_id, old, key, ashby_key)

    first = _reseal(db_url, [new, old])  # the runbook: the new key in front, the old one still there

    assert first.returncode == 0, first.stderr
    assert "re-sealed 4 value(s)" in first.stdout
    assert "integration_keys.key_sealed: 2 re-sealed, 0 under the first key already" in first.stderr
    assert "integration_keys.provider_api_key_sealed: 2 re-sealed" in first.stderr
    only_new = Fernet(new)
    opened = [
        (only_new.decrypt(k.encode()).decode(), only_new.decrypt(a.encode()).decode())
        for k, a in await _sealed(db)
    ]
    assert opened == plain
    for k, _a in await _sealed(db):
        with pytest.raises(InvalidToken):
            Fernet(old).decrypt(k.encode())

    second = _reseal(db_url, [new, old])

    assert second.returncode == 0, second.stderr
    assert "re-sealed 0 value(s)" in second.stdout
    assert "integration_keys.key_sealed: 0 re-sealed, 2 under the first key already" in second.stderr

    # A value sealed under a key that is no longer configured: counted, left as it is, exit 1, never printed.
    stranger = Fernet.generate_key()
    await _add_keys(
        db, org_id, stranger, "lost-" + secrets.token_hex(8), "lost-ashby-" + secrets.token_hex(8)
    )
    before = await _sealed(db)

    third = _reseal(db_url, [new])

    assert third.returncode == 1
    assert (
        "no key in SHADOWS_API_SEALING_KEYS opens 1 value(s) of integration_keys.key_sealed" in third.stderr
    )
    assert await _sealed(db) == before
    output = third.stdout + third.stderr
    assert "Traceback" not in output
    assert not any(secret in output for pair in plain for secret in pair) and "lost-" not in output
    assert before[-1][0] not in output


async def test_every_sealed_column_of_the_schema_is_resealed(db: Conn) -> None:
    cur = await db.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'public' and column_name like '%%sealed%%'"
    )
    in_schema = {(r["table_name"], r["column_name"]) for r in await cur.fetchall()}
    listed = {(table, column) for table, _pk, column in SEALED_COLUMNS}
    assert in_schema <= listed
    for table, pk, column in SEALED_COLUMNS:  # every listed column (and its key) exists
        cur = await db.execute(
            "select count(*) as n from information_schema.columns where table_schema = 'public' "
            "and table_name = %s and column_name = any(%s)",
            (table, [pk, column]),
        )
        assert (await cur.fetchone())["n"] == 2, (table, column)  # type: ignore[index]  # count(*) returns a row
