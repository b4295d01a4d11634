"""Text people wrote, as the downloads write it (api/export_text.py). CSV: no cell starts a formula in a spreadsheet
that splits at any separator it may use (",", ";", tab, "|") or at any line break, with or without honouring the
file's quotes, whatever blanks come before the sign and in whichever form (full-width, small) the sign is written;
read back by Python's csv module with each separator, and by a split that ignores quotes. JSON: `session.json` and
the JSON export write no DEL, C1 control or invisible character raw, and read back the same."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import DictRow

from api import export_text
from api.artifacts import build_dump
from api.db import history_repo, sessions_repo
from api.history import CSV_COLUMNS
from grader.invisible import IGNORABLE
from tests.api.history_support import insert_sessions, question_ids
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

_IGNORABLE = re.compile(f"[{IGNORABLE}]")
SEPARATORS = (",", ";", "\t", "|")
# Written independently of the module: what Unicode says, not its lists.
SIGNS = {chr(c) for c in range(0x110000) if unicodedata.normalize("NFKC", chr(c)) in ("=", "+", "-", "@")}


def _skippable(c: str) -> bool:
    """A character a spreadsheet may skip before a formula's sign."""
    return (
        unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")
        or c.isspace()
        or c == '"'
        or _IGNORABLE.match(c) is not None
    )


def _starts_formula(cell: str) -> bool:
    i = 0
    while i < len(cell) and _skippable(cell[i]):
        i += 1
    return i < len(cell) and cell[i] in SIGNS


def _dialect_cells(raw: str) -> Iterator[tuple[str, str, str]]:
    """Every cell a spreadsheet may read from `raw`: (how it split, the separator, the cell)."""
    for sep in SEPARATORS:
        for row in csv.reader(io.StringIO(raw, newline=""), delimiter=sep):
            for cell in row:
                yield "csv", sep, cell
        if sep != ",":  # the file's own separator: its quotes are always honoured there
            for line in raw.splitlines():  # every line break, quotes taken as text
                for cell in line.split(sep):
                    yield "split", sep, cell


BOUNDARIES = ["", ";", "|", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"]
BOUNDARIES += ["\u2028", "\u2029", ";\t", "\n;", ",", ", "]
BLANKS = [
    "",
    " ",
    "  ",
    "\t",
    "\u00a0",
    "\u3000",
    "\ufeff",
    "\u200b",
    "\u200e",
    "\u202e",
    "\u2066",
    '"',
    ' "',
    "\x1f",
]
BLANKS += [chr(c) for c in range(0x2000, 0x200B)] + [
    "\u180e",
    "\u2060",
    "\u00ad",
    "\u202f",
    "\u205f",
    "\u1680",
]
BLANKS += ["\x7f", "\x9b", "\U000e0020", " \ufeff\u3000"]
TAILS = ['HYPERLINK("http://evil.example","click")', "1+1", "SUM(A1:A9)", "cmd|' /C calc'!A0", ""]


def _cells() -> list[str]:
    """Signs after blanks after boundaries after text, every combination; then random mixes of all of them."""
    out = [
        f"{head}{boundary}{blank}{sign}{tail}"
        for head in ("", "Ada", "x y")
        for boundary in BOUNDARIES
        for blank in BLANKS
        for sign in sorted(SIGNS)
        for tail in TAILS[:1]
    ]
    out += [f"Ada;{sign}{tail}" for sign in sorted(SIGNS) for tail in TAILS]
    pieces = [*BOUNDARIES[1:], *BLANKS[1:], *sorted(SIGNS), "a", "Ada", "'", '""', ",", "1", "x(y)"]
    rng = random.Random(5)
    out += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    return out


async def _copy_csv(db: Conn, values: list[str], expr: sql.Composable) -> str:
    """What the export's COPY writes for `values` in two text columns (so a cell is followed by another)."""
    statement = sql.SQL(
        "copy (select {e} as a, {e} as b from unnest(%(v)s::text[]) with ordinality as t(v, n) order by n) "
        "to stdout with (format csv, header true)"
    ).format(e=expr)
    out = bytearray()
    async with db.cursor() as cur, cur.copy(statement, {"v": values}) as copy:
        async for block in copy:
            out += block
    return out.decode("utf-8")


def test_the_modules_character_lists_hold_what_unicode_says() -> None:
    assert {chr(c) for c in export_text.SIGN_POINTS} >= SIGNS
    line_breaks = {chr(c) for c in range(0x110000) if len(f"a{chr(c)}b".splitlines()) == 2}
    assert line_breaks == set(export_text.LINE_BREAKS) and line_breaks < {
        chr(c) for c in export_text.BOUNDARY_POINTS
    }
    assert {chr(c) for c in range(1, 0x110000) if _skippable(chr(c))} <= {
        chr(c) for c in export_text.SKIPPED_POINTS
    }
    assert not {"'", "a", "1", ",", "(", "{"} & {chr(c) for c in export_text.SKIPPED_POINTS}


async def test_no_csv_cell_starts_a_formula_at_any_separator_line_break_blank_or_sign_form(db: Conn) -> None:
    values = _cells()
    raw = await _copy_csv(db, values, history_repo._text("v"))
    table = list(csv.reader(io.StringIO(raw, newline="")))
    assert table[0] == ["a", "b"] and len(table) == len(values) + 1
    for value, (a, b) in zip(values, table[1:], strict=True):
        assert a == b
        assert a.replace("'", "") == value.replace("'", ""), "only apostrophes are added"
    formulas = [(how, sep, cell) for how, sep, cell in _dialect_cells(raw) if _starts_formula(cell)]
    assert not formulas, formulas[:10]


async def test_text_with_no_formula_is_written_as_it_is(db: Conn) -> None:
    plain = ["Ada Lovelace", "Smith - Jones", "a=b; c", "x|y", "2026-12-06", "e-mail: a@b.example", "O'Neil"]
    raw = await _copy_csv(db, plain, history_repo._text("v"))
    assert [row[0] for row in list(csv.reader(io.StringIO(raw, newline="")))[1:]] == plain


async def test_csv_export_cells_are_text_in_a_semicolon_locale_and_metadata_reads_back_the_same(
    api_server: ApiServer, db: Conn
) -> None:
    q = await question_ids(db)
    metadata = {"note": "a;=1+1|@x\u2028-2\u2029+3\x85=4", "n": -1, "list": [-2, "|=cmd"]}
    [sid] = await insert_sessions(
        db,
        api_server.org_id,
        [
            {
                "question_id": q["two-sum"],
                "name": 'Ada;=HYPERLINK("http://evil.example","click")',
                "email": "ada@example.com",
                "external_id": "ats\u2028\u3000\uff1dcmd|\ufeff+1\t-2",
                "metadata": metadata,
            }
        ],
    )
    r = await api_server.client.get(
        "/v1/sessions/export", params={"format": "csv"}, headers=api_server.org_headers()
    )
    assert r.status_code == 200
    table = list(csv.reader(io.StringIO(r.text, newline="")))
    assert tuple(table[0]) == CSV_COLUMNS
    row = dict(zip(CSV_COLUMNS, table[1], strict=True))
    assert row["session_id"] == sid
    assert row["candidate_name"] == 'Ada;\'=HYPERLINK("http://evil.example","click")'
    assert row["candidate_external_id"] == "ats\u2028'\u3000\uff1dcmd|'\ufeff+1\t'-2"
    assert json.loads(row["metadata"]) == metadata  # the same JSON, its separators escaped
    assert not re.search("[;|\u2028\u2029\x85]", row["metadata"])
    formulas = [(how, sep, cell) for how, sep, cell in _dialect_cells(r.text) if _starts_formula(cell)]
    assert not formulas, formulas


HOSTILE = "Ada\x9b31m\x1b[2J\x7f \u202eeriH gnortS\u2066x\u2069 \u200b\u2028\u2029\x85\ufeff\U000e0041\u061c"


def _raw_hostile(text: str) -> list[str]:
    """The DEL, C1, bidi and invisible characters written raw in `text` (C0 ones but the JSON's line breaks)."""
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c != "\n")
        or 0x7F <= ord(c) <= 0x9F
        or unicodedata.category(c) in ("Cf", "Zl", "Zp")
        or _IGNORABLE.match(c)
    ]


async def test_json_export_escapes_controls_and_invisible_characters_and_reads_back_the_same(
    api_server: ApiServer, db: Conn
) -> None:
    q = await question_ids(db)
    metadata: dict[str, Any] = {HOSTILE: [HOSTILE, {"k": HOSTILE}], "plain": "Ada ❤️ 👩‍💻 می‌خواهم"}
    [sid] = await insert_sessions(
        db,
        api_server.org_id,
        [{"question_id": q["two-sum"], "name": HOSTILE, "external_id": HOSTILE, "metadata": metadata}],
    )
    r = await api_server.client.get(
        "/v1/sessions/export", params={"format": "json"}, headers=api_server.org_headers()
    )
    assert r.status_code == 200
    assert not _raw_hostile(r.text)
    [row] = json.loads(r.text)
    assert row["id"] == sid
    assert (row["candidate"]["name"], row["candidate"]["external_id"]) == (HOSTILE, HOSTILE)
    assert row["metadata"] == metadata
    assert (
        "\\u009b" in r.text and "\\udb40\\udc41" in r.text and "Ada" in r.text
    )  # escaped, the rest as it is


async def test_session_json_escapes_controls_and_invisible_characters_and_reads_back_the_same(
    api_server: ApiServer, db: Conn
) -> None:
    q = await question_ids(db)
    metadata = {HOSTILE: HOSTILE, "plain": "José ❤️ 日本"}
    [sid] = await insert_sessions(
        db,
        api_server.org_id,
        [{"question_id": q["two-sum"], "name": HOSTILE, "external_id": HOSTILE, "metadata": metadata}],
    )
    session = await sessions_repo.get_session(db, sid)
    assert session is not None
    dump = (await build_dump(db, session)).decode("utf-8")
    assert not _raw_hostile(dump)
    body = json.loads(dump)
    assert body["session"]["candidate"]["name"] == HOSTILE and body["session"]["metadata"] == metadata
    assert "José ❤" in dump and "日本" in dump  # still UTF-8 text, not all escaped


def test_escape_json_keeps_every_json_value_the_same() -> None:
    rng = random.Random(7)
    alphabet = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA1), 0x2028, 0x2029, 0x202E, 0xFEFF, 0x200D)]
    alphabet += ["\U000e0041", "\U0001f600", "a", '"', "\\", "é", "日"]
    for _ in range(300):
        value = {"".join(rng.choices(alphabet, k=5)): ["".join(rng.choices(alphabet, k=rng.randint(0, 30)))]}
        for text in (json.dumps(value, ensure_ascii=False), json.dumps(value, ensure_ascii=False, indent=1)):
            escaped = export_text.escape_json(text)
            assert json.loads(escaped) == value and not _raw_hostile(escaped)
