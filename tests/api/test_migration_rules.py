"""Rules for new migrations, so that `shadows db migrate` on a season's database holds no table's lock for a scan.

`alter table` takes ACCESS EXCLUSIVE: nothing reads or writes the table until the migration's transaction ends.
A CHECK constraint added with it (`add column c text check (...)`, `add constraint ... check (...)`) is verified
against every row inside that lock, a sequential scan, even on a column just added and null everywhere; so is
`alter column ... set not null`. The safe form adds the constraint `not valid` (new rows are checked at once, old
ones are not read) and validates it in a later migration: `validate constraint` takes SHARE UPDATE EXCLUSIVE,
which lets reads and writes go on while it scans, but only in a transaction of its own (each migration is one);
in the file that added it, the ACCESS EXCLUSIVE lock is still held. A table created in the same migration (not
`if not exists`) is empty, and exempt. A statement may opt out with a comment saying why: `-- table-scan-ok:
<reason>` (a table kept small by pruning, say), in it or after its semicolon on the same line.

Each migration is one transaction, which the runner tries again whole after a lock timeout (api/db/migrate.py): a
statement that ends it midway (`commit`, `rollback`, ...) would have a retry run again what it committed, and one
that cannot run in a transaction block (`create index concurrently`, `vacuum`) fails there; neither is allowed.

Every migration follows these rules but those in SHIPPED_BEFORE_RULES, which shipped before them and are never
edited: not a cut-off version, since a file is numbered by the day it was written and the runner applies any
version it has not applied, older than the newest or not.
`test_each_rule_matches_what_postgresql_scans` holds the rules to what PostgreSQL does."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.migrate import Migration, discover

Conn = psycopg.AsyncConnection[DictRow]

# fmt: off
SHIPPED_BEFORE_RULES = frozenset({
    "20261121000000", "20261130000000", "20261201000000", "20261201000100", "20261203000000", "20261204000000",
    "20261205000000", "20261206000000", "20261206000100", "20261206000200", "20261207000000", "20261208000000",
    "20261211000000", "20261212000000", "20261213000000", "20261214000000", "20261215000000", "20261216000000",
    "20261216002600", "20261216002610", "20261217000000", "20261218000000", "20261219000000", "20261219000100",
    "20261224000000", "20261225000000", "20261227000000", "20261228000000", "20261229200000", "20261229300000",
    "20261230500000", "20261231000000", "20270101000000", "20270101100000", "20270102000000", "20270103000000",
    "20270103120000", "20270104100000", "20270104100100", "20270105090000", "20270106090000", "20270106160000",
    "20270107093000", "20270107120000", "20270107120100", "20270108090000", "20270108150000", "20270109090000",
    "20270110090000", "20270110090100", "20270111090000", "20270111090100", "20270112090000", "20270113090000",
    "20270114090000", "20270114090100", "20270120090000", "20270120090100",
})
# fmt: on
OPT_OUT = re.compile(r"--\s*table-scan-ok:\s*\S")
# What PostgreSQL's lexer reads whole, leftmost first: a `;`, `--` or `'` inside one is not what it is outside.
LEXEME = re.compile(
    r"(?P<dollar>\$(?P<tag>(?:[^\W\d]\w*)?)\$.*?\$(?P=tag)\$)"  # function bodies: not statements of the migration
    r"|(?P<escaped>\be'(?:[^'\\]|''|\\.)*')"
    r"|(?P<string>'(?:[^']|'')*')"
    r"|(?P<name>\"(?:[^\"]|\"\")*\")"
    r"|(?P<line>--[^\n]*)"
    r"|(?P<block>/\*.*?\*/)"
    r"|(?P<end>;)",
    re.S,
)
OUTSIDE_TRANSACTION = re.compile(
    r"^(?:commit|end|abort|begin|start\s+transaction|prepare\s+transaction|vacuum"
    r"|rollback(?!\s+(?:work\s+|transaction\s+)?to\b)"
    r"|(?:create|drop)\b.*?\bindex\s+concurrently|reindex\b.*?\bconcurrently"
    r"|alter\s+table\b.*?\bdetach\s+partition\b.*?\bconcurrently)\b"
)
NAME = r"(?:\"[^\"]+\"|[a-z_][a-z0-9_$]*)(?:\.(?:\"[^\"]+\"|[a-z_][a-z0-9_$]*))?"
ALTER_TABLE = re.compile(rf"^alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?({NAME})\s+(.*)$", re.S)
# Not `if not exists`: that table may be there already, rows and all.
CREATE_TABLE = re.compile(rf"\bcreate\s+(?:unlogged\s+)?table\s+(?!if\s+not\s+exists\b)({NAME})")
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
    """Each statement of a migration, on one line without comments, string contents or quoted names' punctuation,
    and whether an opt-out comment is its own: one in it, or after its semicolon on the same line."""
    text = sql.lower()
    pieces: list[str] = []
    out: list[tuple[str, bool]] = []
    opted_out = False
    trailing = False  # only blanks since the last statement's semicolon, on its line
    pos = 0

    def gap(between: str) -> None:
        nonlocal trailing
        pieces.append(between)
        trailing = trailing and "\n" not in between and not between.strip()

    for m in LEXEME.finditer(text):
        gap(text[pos : m.start()])
        pos = m.end()
        if m.lastgroup in ("dollar", "escaped", "string"):
            pieces.append(" '' ")
            trailing = False
        elif m.lastgroup == "name":
            pieces.append('"' + re.sub(r"\W", "_", m[0][1:-1]) + '"')
            trailing = False
        elif m.lastgroup == "line" and OPT_OUT.match(m[0]):
            if trailing and out:
                out[-1] = (out[-1][0], True)
            else:
                opted_out = True
        elif m.lastgroup in ("line", "block"):
            gap(" " if "\n" not in m[0] else "\n")
        else:  # the statement's semicolon
            out.append((" ".join("".join(pieces).split()), opted_out))
            pieces, opted_out, trailing = [], False, True
    gap(text[pos:])
    out.append((" ".join("".join(pieces).split()), opted_out))
    return [(statement, opt) for statement, opt in out if statement]


def problems(sql: str) -> list[str]:
    """What in a migration's text would scan a table that already holds rows while it is locked."""
    statements = _statements(sql)
    created = {_bare(m[1]) for statement, _ in statements for m in CREATE_TABLE.finditer(statement)}
    added_not_valid: set[str] = set()
    found = []
    for statement, opted_out in statements:
        if OUTSIDE_TRANSACTION.match(statement):
            found.append(
                f"{statement[:120]}: not possible in the one transaction a migration runs in (api/db/migrate.py): "
                "ended midway, a retry after a lock timeout would run again what it committed; and `concurrently` "
                "or `vacuum` fail inside a transaction block"
            )
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
            if re.search(r"\balter\s+(?:column\s+)?\S+\s+set\s+not\s+null\b", clause):
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


def ruled(migrations: list[Migration]) -> list[Migration]:
    """The migrations these rules hold: every one but those that shipped before them."""
    return [m for m in migrations if m.version not in SHIPPED_BEFORE_RULES]


@pytest.mark.parametrize("migration", ruled(discover()), ids=lambda m: m.version)
def test_new_migrations_scan_no_locked_table(migration: Migration) -> None:
    assert problems(migration.sql) == []


def test_a_migration_numbered_before_the_rules_but_added_after_them_is_held_to_them(tmp_path: Path) -> None:
    # `supabase migration new` numbers a file by the day it is written: older than the newest shipped one when
    # the shipped ones were numbered ahead, and the runner applies any version it has not applied yet.
    (tmp_path / "20261207120000_late_check.sql").write_text(
        "alter table sessions add column c int check (c > 0);"
    )
    late = discover(tmp_path)
    assert ruled(late) == late
    assert problems(late[0].sql)


# Statements a migration's one transaction cannot hold: ended midway, a retry after a lock timeout (api/db/migrate.py)
# would run again what the first attempt committed; the others fail at once inside a transaction block.
@pytest.mark.parametrize(
    "sql",
    [
        "alter table t add column a int;\ncommit;\nalter table t add column b int",
        "begin; alter table t add column a int; end",
        "start transaction",
        "alter table t add column a int; rollback",
        "abort",
        "create index concurrently t_n_idx on t (n)",
        "create unique index concurrently if not exists t_n_idx on public.t (n)",
        "drop index concurrently t_n_idx",
        "reindex index concurrently t_n_idx",
        "vacuum t",
    ],
)
def test_statements_outside_the_migration_s_transaction_are_refused(sql: str) -> None:
    assert problems(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "do $$ begin perform 1; end $$",
        "create function f() returns void language plpgsql as $fn$ begin commit; end $fn$",
        "savepoint s; rollback to savepoint s; release savepoint s",
        "refresh materialized view concurrently m",
        "comment on table t is 'begin; commit; vacuum'",
    ],
)
def test_statements_the_migration_s_transaction_holds_are_not_refused(sql: str) -> None:
    assert problems(sql) == []


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
    # COLUMN is optional in `alter column`
    ("alter table t alter n set not null", True, True, True),
    ('alter table t alter column "n" set not null', True, True, True),
    # a semicolon in a block comment, or in a quoted name, does not end the statement
    ("/* first; then */ alter table t add constraint t_b check (n > 0)", True, True, True),
    ('alter table t add column "a;b" int, add constraint t_b check (n > 0)', True, True, True),
    # a string's `--` is not a comment: what follows it on the line is read
    ("alter table t add column c text default '--', add constraint t_c check (n > 0)", True, True, True),
    # an opt-out after a statement's semicolon, on its line, is that statement's, not the next one's
    (
        "alter table t add column c int; -- table-scan-ok: c is new\nalter table t add constraint t_p check (n > 0)",
        True,
        True,
        True,
    ),
    (
        "alter table t add constraint t_p check (n > 0); -- table-scan-ok: t is pruned daily",
        False,
        True,
        True,
    ),
    # `if not exists`: the table may be there already, rows and all
    (
        "create table if not exists t (n int);\nalter table t add constraint t_x check (n > 0)",
        True,
        True,
        True,
    ),
    # an opt-out names its reason
    ("-- table-scan-ok:\nalter table t add constraint t_p check (n > 0)", True, True, True),
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
        await db.execute(sql.encode())  # one query, as the migration runner sends a file
        after = await (await db.execute(SEQ_SCANS)).fetchone()
        held = await (await db.execute(EXCLUSIVE)).fetchone()
        raise psycopg.Rollback  # the case leaves no trace
    assert before is not None and after is not None and held is not None
    assert (after["seq_scan"] > before["seq_scan"]) == scans
    assert held["held"] == exclusive
