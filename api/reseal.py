"""`shadows db reseal`: seal every stored secret again under the first of SHADOWS_API_SEALING_KEYS.

A new key put in front of SHADOWS_API_SEALING_KEYS seals what is written from then on; rows written before stay
sealed under the old key, and nothing rewrites most of them (an ATS key lives as long as it is not rotated). So an
old key can be taken out only after this has run with the new list: each value that the first key does not open
is opened with any key and sealed with the first, row by row, never printed. Run twice, the second run re-seals
nothing. A value no key opens is counted and left as it is (the command then exits 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from psycopg import sql

# (table, primary key, column): every column that holds a value sealed by api.sealing. A new sealed column belongs
# here too; tests/api/test_cli_reseal.py fails for a `*_sealed` column of the schema that is not listed, but
# cannot see one named otherwise (`secret`, `response`).
SEALED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("webhook_endpoints", "id", "secret"),
    ("webhook_endpoints", "id", "previous_secret"),
    ("webhook_retired_secrets", "id", "secret"),
    ("integration_keys", "id", "key_sealed"),
    ("integration_keys", "id", "provider_api_key_sealed"),
    ("ats_assessments", "session_id", "join_url_sealed"),
    ("ats_assessments", "session_id", "profile_url_sealed"),
    ("session_idempotency_keys", "id", "response"),
)
BATCH = 500


@dataclass
class ColumnCount:
    resealed: int = 0
    current: int = 0  # sealed under the first key already
    unopenable: int = 0  # no configured key opens it


def _fernets(keys: list[str]) -> tuple[Fernet, MultiFernet]:
    try:
        fernets = [Fernet(k.encode("ascii")) for k in keys]
    except (ValueError, UnicodeEncodeError) as e:
        raise ValueError("SHADOWS_API_SEALING_KEYS: each key is 32 url-safe base64-encoded bytes") from e
    return fernets[0], MultiFernet(fernets)


async def reseal(conn: Any, keys: list[str], say: Callable[[str], None]) -> dict[str, ColumnCount]:
    """Re-seal every sealed column under `keys[0]`; `conn` is an autocommit connection with dict rows. Each row is
    updated only if it still holds the value read (a secret rotated meanwhile keeps its new value)."""
    first, every = _fernets(keys)
    counts: dict[str, ColumnCount] = {}
    for table, pk, column in SEALED_COLUMNS:
        count = counts.setdefault(f"{table}.{column}", ColumnCount())
        select = sql.SQL(
            "select {pk}::text as pk, {col} as sealed from public.{table} "
            "where {col} is not null and {pk}::text > %s order by {pk}::text limit %s"
        ).format(pk=sql.Identifier(pk), col=sql.Identifier(column), table=sql.Identifier(table))
        update = sql.SQL("update public.{table} set {col} = %s where {pk}::text = %s and {col} = %s").format(
            pk=sql.Identifier(pk), col=sql.Identifier(column), table=sql.Identifier(table)
        )
        after = ""
        while True:
            cur = await conn.execute(select, (after, BATCH))
            rows = await cur.fetchall()
            if not rows:
                break
            for row in rows:
                token = row["sealed"].encode("ascii", "replace")
                try:
                    first.decrypt(token)
                    count.current += 1
                    continue
                except InvalidToken:
                    pass
                try:
                    again = every.rotate(token).decode("ascii")
                except InvalidToken:
                    count.unopenable += 1
                    continue
                cur = await conn.execute(update, (again, row["pk"], row["sealed"]))
                count.resealed += cur.rowcount
            after = rows[-1]["pk"]
        say(
            f"{table}.{column}: {count.resealed} re-sealed, {count.current} under the first key already"
            + (f", {count.unopenable} opened by no key" if count.unopenable else "")
        )
    return counts
