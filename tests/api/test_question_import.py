"""Importing the question bank into Postgres: counts, idempotence, hidden flags, and all-or-nothing on bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow

from api.cli_database import import_questions
from judge.bank import LANGUAGES, BankError, load_bank, load_question
from tests.conftest import ROOT

Conn = psycopg.AsyncConnection[DictRow]
BANK = ROOT / "questions"
# The smallest questions of the bank: most tests import these instead of the whole bank to stay fast.
SMALL = ["number-of-islands", "valid-palindrome", "valid-parentheses"]
SHADOWS = ROOT / ".venv" / "bin" / "shadows"


async def _empty_bank(db: Conn) -> None:
    await db.execute("delete from questions")


async def _counts(db: Conn) -> dict[str, int]:
    out = {}
    for table in ("questions", "test_cases", "starter_codes", "reference_solutions"):
        cur = await db.execute(f"select count(*) as n from {table}")  # constant table names
        out[table] = (await cur.fetchone())["n"]  # type: ignore[index]  # count(*) always returns a row
    return out


def _copy_bank(tmp_path: Path, slugs: list[str]) -> Path:
    dest = tmp_path / "bank"
    dest.mkdir()
    for slug in slugs:
        shutil.copytree(BANK / slug, dest / slug)
    return dest


@pytest.fixture
def small_bank(tmp_path: Path) -> Path:
    return _copy_bank(tmp_path, SMALL)


async def test_import_stores_every_question_test_and_starter_code(db: Conn, db_url: str) -> None:
    await _empty_bank(db)
    questions = load_bank(BANK)

    n = await import_questions(db_url, BANK)

    assert n == len(questions)
    counts = await _counts(db)
    assert counts["questions"] == len(questions)
    assert counts["test_cases"] == sum(len(q.tests) for q in questions)
    assert counts["starter_codes"] == len(questions) * len(LANGUAGES)
    assert counts["reference_solutions"] == len(questions) * len(LANGUAGES)


async def test_import_keeps_hidden_flags_and_test_order(db: Conn, db_url: str, small_bank: Path) -> None:
    await _empty_bank(db)
    await import_questions(db_url, small_bank)
    for q in load_bank(small_bank):
        cur = await db.execute(
            """
            select t.case_key, t.hidden, t.input, t.expected_output from test_cases t
            join questions q on q.id = t.question_id where q.slug = %s order by t.position
            """,
            (q.slug,),
        )
        rows = await cur.fetchall()
        assert [r["case_key"] for r in rows] == [t.id for t in q.tests]
        assert [r["hidden"] for r in rows] == [t.hidden for t in q.tests]
        assert any(r["hidden"] for r in rows) and not all(r["hidden"] for r in rows)
        assert json.loads(rows[0]["input"]) == q.tests[0].args
        assert json.loads(rows[0]["expected_output"]) == q.tests[0].expected


async def test_import_splits_starter_code_into_imports_and_main(
    db: Conn, db_url: str, small_bank: Path
) -> None:
    await _empty_bank(db)
    await import_questions(db_url, small_bank)
    cur = await db.execute("select language, code, main, imports from starter_codes")
    for row in await cur.fetchall():
        assert row["main"].strip(), row["language"]
        assert row["code"].endswith(row["main"])
        if row["imports"]:
            assert row["imports"].strip() in row["code"]


async def test_reimport_is_idempotent_and_keeps_question_ids(db: Conn, db_url: str, small_bank: Path) -> None:
    await _empty_bank(db)
    await import_questions(db_url, small_bank)
    cur = await db.execute("select slug, id from questions order by slug")
    ids_before = {r["slug"]: r["id"] for r in await cur.fetchall()}
    counts_before = await _counts(db)

    await import_questions(db_url, small_bank)

    cur = await db.execute("select slug, id from questions order by slug")
    assert {r["slug"]: r["id"] for r in await cur.fetchall()} == ids_before
    assert await _counts(db) == counts_before


async def test_reimport_replaces_removed_tests(db: Conn, db_url: str, tmp_path: Path) -> None:
    bank = _copy_bank(tmp_path, ["two-sum"])
    await _empty_bank(db)
    await import_questions(db_url, bank)
    tests_path = bank / "two-sum" / "tests.json"
    tests = json.loads(tests_path.read_text())
    tests_path.write_text(json.dumps(tests[:-1]))

    await import_questions(db_url, bank)

    cur = await db.execute("select case_key from test_cases")
    keys = {r["case_key"] for r in await cur.fetchall()}
    assert keys == {t["id"] for t in tests[:-1]}


@pytest.mark.parametrize(
    ("file", "break_it", "field"),
    [
        ("question.yaml", lambda t: t.replace("difficulty: Easy", "difficulty: Trivial"), "difficulty"),
        (
            "question.yaml",
            lambda t: t.replace('type: "int[]"', 'type: "integer[]"'),
            "signature.params.0.type",
        ),
        ("tests.json", lambda t: json.dumps([{**json.loads(t)[0], "expected": "zero"}]), "[0].expected"),
        ("tests.json", lambda t: json.dumps([{**json.loads(t)[0], "args": [[1, 2]]}]), "[0].args"),
        ("starter.py", lambda t: t.replace("two_sum", "twosum"), "signature"),
    ],
    ids=["difficulty", "param-type", "expected-type", "arg-count", "starter-function"],
)
async def test_malformed_question_names_file_and_field_and_imports_nothing(
    db: Conn, db_url: str, tmp_path: Path, file: str, break_it: object, field: str
) -> None:
    bank = _copy_bank(tmp_path, ["two-sum"])
    path = bank / "two-sum" / file
    path.write_text(break_it(path.read_text()))  # type: ignore[operator]  # parametrised lambda
    await _empty_bank(db)

    with pytest.raises(BankError) as info:
        await import_questions(db_url, bank)

    assert info.value.path == path
    assert info.value.field == field
    assert str(path) in str(info.value)
    assert (await _counts(db))["questions"] == 0


async def test_malformed_last_question_of_several_imports_none_of_them(
    db: Conn, db_url: str, tmp_path: Path
) -> None:
    bank = _copy_bank(tmp_path, SMALL)
    last = sorted(SMALL)[-1]
    meta = bank / last / "question.yaml"
    meta.write_text(meta.read_text().replace("title:", "title_typo:", 1))
    await _empty_bank(db)

    with pytest.raises(BankError) as info:
        await import_questions(db_url, bank)

    assert info.value.path == meta
    assert "title" in info.value.field
    assert await _counts(db) == {
        "questions": 0,
        "test_cases": 0,
        "starter_codes": 0,
        "reference_solutions": 0,
    }


async def test_duplicate_question_number_is_refused_before_anything_is_imported(
    db: Conn, db_url: str, tmp_path: Path
) -> None:
    bank = _copy_bank(tmp_path, ["number-of-islands", "valid-parentheses"])
    taken = load_question(BANK / "number-of-islands").meta.number
    meta = bank / "valid-parentheses" / "question.yaml"
    lines = [f"number: {taken}" if ln.startswith("number:") else ln for ln in meta.read_text().splitlines()]
    meta.write_text("\n".join(lines) + "\n")
    await _empty_bank(db)

    with pytest.raises(BankError) as info:
        await import_questions(db_url, bank)

    assert info.value.field == "number"
    assert (await _counts(db))["questions"] == 0


def _cli(args: list[str], db_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run(  # our own CLI, fixed arguments
        [str(SHADOWS), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False
    )


async def test_cli_import_reports_count_and_loads_the_bank(db: Conn, db_url: str, small_bank: Path) -> None:
    await _empty_bank(db)

    proc = _cli(["questions", "import", str(small_bank)], db_url)

    assert proc.returncode == 0, proc.stderr
    n = len(SMALL)
    assert f"imported {n} question(s)" in proc.stdout
    assert (await _counts(db))["questions"] == n


async def test_cli_import_of_malformed_bank_exits_nonzero_naming_file_and_field(
    db: Conn, db_url: str, tmp_path: Path
) -> None:
    bank = _copy_bank(tmp_path, ["two-sum", "valid-palindrome"])
    tests_path = bank / "valid-palindrome" / "tests.json"
    tests = json.loads(tests_path.read_text())
    tests[1]["id"] = tests[0]["id"]
    tests_path.write_text(json.dumps(tests))
    await _empty_bank(db)

    proc = _cli(["questions", "import", str(bank)], db_url)

    assert proc.returncode == 1
    assert str(tests_path) in proc.stderr
    assert "[1].id" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (await _counts(db))["questions"] == 0


@pytest.mark.parametrize("kind", ["missing", "a file"])
def test_cli_import_of_a_path_that_is_no_directory_exits_1_in_one_line(
    db_url: str, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "questions"
    if kind == "a file":
        path.write_text("not a bank")

    proc = _cli(["questions", "import", str(path)], db_url)

    assert proc.returncode == 1
    reason = "no such directory" if kind == "missing" else "not a directory"
    assert proc.stderr.strip() == f"error: {path}: (root): {reason}", proc.stderr


def _set_number(meta: Path, number: int) -> None:
    lines = [f"number: {number}" if ln.startswith("number:") else ln for ln in meta.read_text().splitlines()]
    meta.write_text("\n".join(lines) + "\n")


async def test_reimport_after_two_questions_swap_numbers_keeps_ids_and_swaps_numbers(
    db: Conn, db_url: str, small_bank: Path
) -> None:
    await _empty_bank(db)
    await import_questions(db_url, small_bank)
    a, b = SMALL[0], SMALL[1]
    cur = await db.execute("select slug, id, question_number from questions")
    before = {r["slug"]: (r["id"], r["question_number"]) for r in await cur.fetchall()}
    _set_number(small_bank / a / "question.yaml", before[b][1])
    _set_number(small_bank / b / "question.yaml", before[a][1])

    await import_questions(db_url, small_bank)

    cur = await db.execute("select slug, id, question_number from questions")
    after = {r["slug"]: (r["id"], r["question_number"]) for r in await cur.fetchall()}
    assert after[a] == (before[a][0], before[b][1])
    assert after[b] == (before[b][0], before[a][1])
    assert after[SMALL[2]] == before[SMALL[2]]
