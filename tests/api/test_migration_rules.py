"""Rules for new migrations, so that `shadows db migrate` on a season's database holds no table's lock for a scan.

`alter table` takes ACCESS EXCLUSIVE: nothing reads or writes the table until the migration's transaction ends.
A CHECK constraint added with it (`add column c text check (...)`, `add constraint ... check (...)`) is verified
against every row inside that lock, a sequential scan, even on a column just added and null everywhere; so is
`alter column ... set not null`. The safe form adds the constraint `not valid` (new rows are checked at once, old
ones are not read) and validates it in a later migration: `validate constraint` takes SHARE UPDATE EXCLUSIVE,
which lets reads and writes go on while it scans, but only in a transaction of its own (each migration is one);
in the file that added it, the ACCESS EXCLUSIVE lock is still held. A table created in the same migration is
empty, and exempt. A statement may opt out with a comment saying why: `-- table-scan-ok: <reason>` (a table kept
small by pruning, say).

Migrations from RULES_FROM on follow these rules; the ones before shipped, and are never edited.
`test_each_rule_matches_what_postgresql_scans` holds the rules to what PostgreSQL does."""

from __future__ import annotations

import re

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.migrate import discover

Conn = psycopg.AsyncConnection[DictRow]

RULES_FROM = "20270121000000"
OPT_OUT = re.compile(r"--\s*table-scan-ok:\s*\S")
DOLLAR_QUOTED = re.compile(r"\$(\w*)\$.*?\$\1\$", re.S)
COMMENT = re.compile(r"--[^\n]*")
STRING = re.compile(r"'(?:[^']|'')*'")
OPT_OUT_MARK = "\x00table-scan-ok\x00"
NAME = r"(?:\"[^\"]+\"|[a-z_][a-z0-9_$]*)(?:\.(?:\"[^\"]+\"|[a-z_][a-z0-9_$]*))?"
ALTER_TABLE = re.compile(rf"^alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?({NAME})\s+(.*)$", re.S)
CREATE_TABLE = re.compile(rf"\bcreate\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?({NAME})")
ADD_CONSTRAINT = re.compile(rf"^add\s+constraint\s+({NAME})\s")
VALIDATE = re.compile(rf"\bvalidate\s+constraint\s+({NAME})")


def _bare(name: str) -> str:
    return name.replace('"', "").removeprefix("public.")


def _clauses(body: str) -> list[str]:
    """An `alter table`'s actions: split at the commas outside parentheses."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            out.append(body[start:i].strip())
            start = i + 1
    out.append(body[start:].strip())
    return out


def _statements(sql: str) -> list[tuple[str, bool]]:
    """Each statement of a migration, on one line without comments or string contents, and whether a comment in it
    opts it out. Comments go before the split (they may hold semicolons and apostrophes), then string literals."""
    text = DOLLAR_QUOTED.sub("''", sql.lower())  # function bodies are not statements of the migration
    text = COMMENT.sub(lambda c: f" {OPT_OUT_MARK} " if OPT_OUT.match(c[0]) else " ", text)
    text = STRING.sub("''", text)
    return [(" ".join(raw.replace(OPT_OUT_MARK, "").split()), OPT_OUT_MARK in raw) for raw in text.split(";")]


def problems(sql: str) -> list[str]:
    """What in a migration's text would scan a table that already holds rows while it is locked."""
    statements = _statements(sql)
    created = {_bare(m[1]) for statement, _ in statements for m in CREATE_TABLE.finditer(statement)}
    added_not_valid: set[str] = set()
    found = []
    for statement, opted_out in statements:
        m = ALTER_TABLE.match(statement)
        if not m or opted_out or _bare(m[1]) in created:
            continue
        for clause in _clauses(m[2]):
            if re.search(r"\bcheck\s*\(", clause):
                named = ADD_CONSTRAINT.match(clause)
                if named and clause.endswith(" not valid"):
                    added_not_valid.add(_bare(named[1]))
                else:
                    found.append(
                        f"{statement[:120]}: a CHECK is verified against every row under ACCESS EXCLUSIVE; add "
                        "the column bare, then `add constraint <name> check (...) not valid`, and validate it in "
                        "a later migration"
                    )
            if re.search(r"\balter\s+column\s+\S+\s+set\s+not\s+null\b", clause):
                found.append(
                    f"{statement[:120]}: `set not null` reads every row under ACCESS EXCLUSIVE; add a "
                    "`check (<column> is not null) not valid`, validate it in a later migration, then set it"
                )
            v = VALIDATE.search(clause)
            if v and _bare(v[1]) in added_not_valid:
                found.append(
                    f"{statement[:120]}: validated in the migration that added it, so under its ACCESS EXCLUSIVE "
                    "lock: validate it in a later migration"
                )
    return found


@pytest.mark.parametrize(
    "migration", [m for m in discover() if m.version >= RULES_FROM], ids=lambda m: m.version
)
def test_new_migrations_scan_no_locked_table(migration: object) -> None:
    assert problems(migration.sql) == []  # type: ignore[attr-defined]  # a Migration, by the parametrisation


# (statement run on a table of rows in a transaction, what `problems` must say, whether PostgreSQL scans it,
# and whether ACCESS EXCLUSIVE is held at the end)
CASES = [
    ("alter table t add column c text check (c <> '')", True, True, True),
    (
        "alter table public.t add column c int not null default 0, add constraint t_c check (c >= 0)",
        True,
        True,
        True,
    ),
    ("alter table t add constraint t_n check (n > 0)", True, True, True),
    ("alter table t add column c text, add constraint t_c check (c <> '') not valid", False, False, True),
    ("alter table t add column c int not null default 0", False, False, True),
    ("alter table t alter column n set not null", True, True, True),
    # -- validate in a later migration: reads every row, but reads and writes of the table go on meanwhile
    ("alter table t validate constraint t_old", False, True, False),
    (
        "alter table t add constraint t_c check (n > 0) not valid;\nalter table t validate constraint t_c",
        True,
        True,
        True,
    ),
    ("-- table-scan-ok: pruned daily\nalter table t add column c text check (c <> '')", False, True, True),
    ("create table u (x int);\nalter table u add constraint u_x check (x > 0)", False, False, False),
]


SEQ_SCANS = "select seq_scan from pg_stat_xact_user_tables where relname = 't'"
EXCLUSIVE = (
    "select exists (select from pg_locks where relation = 't'::regclass and pid = pg_backend_pid()"
    " and mode = 'AccessExclusiveLock') as held"
)


@pytest.mark.parametrize(("sql", "flagged", "scans", "exclusive"), CASES)
async def test_each_rule_matches_what_postgresql_scans(
    db: Conn, sql: str, flagged: bool, scans: bool, exclusive: bool
) -> None:
    assert bool(problems(sql)) == flagged
    await db.execute("create table t (n int)")
    await db.execute("insert into t select g from generate_series(1, 100) g")
    await db.execute("alter table t add constraint t_old check (n > 0) not valid")
    async with db.transaction():
        before = await (await db.execute(SEQ_SCANS)).fetchone()
        for statement in sql.split(";"):
            await db.execute(statement)  # type: ignore[arg-type]  # a constant of this module
        after = await (await db.execute(SEQ_SCANS)).fetchone()
        held = await (await db.execute(EXCLUSIVE)).fetchone()
        raise psycopg.Rollback  # the case leaves no trace
    assert before is not None and after is not None and held is not None
    assert (after["seq_scan"] > before["seq_scan"]) == scans
    assert held["held"] == exclusive
