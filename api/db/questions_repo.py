"""Questions in Postgres: importing the bank (one transaction) and reading questions for sessions and the judge."""

from __future__ import annotations

import json
import re
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from api.db.pool import Conn
from judge.bank import LANGUAGES, Question, Signature, TestCase

IMPORT_LINE = {
    "python": re.compile(r"^\s*(import\s|from\s+\S+\s+import\s)"),
    "javascript": re.compile(r"^\s*(import\s|const\s+\S+\s*=\s*require\()"),
    "java": re.compile(r"^\s*import\s"),
    "cpp": re.compile(r"^\s*(#include\s|using\s+namespace\s)"),
}


def split_imports(language: str, code: str) -> tuple[str | None, str]:
    """Starter code as the design note stores it: its import lines, and the rest (`main`)."""
    imports: list[str] = []
    lines = code.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (IMPORT_LINE[language].match(lines[i]) or not lines[i].strip()):
        if lines[i].strip():
            imports.append(lines[i])
        i += 1
    return ("".join(imports) or None), "".join(lines[i:])


async def upsert_bank(conn: Conn, questions: list[Question]) -> int:
    """Insert or update every question with its starter code, tests and references, in one transaction.
    Tests of a question are replaced as a whole so removed tests disappear."""
    async with conn.transaction():
        # Numbers are unique: move the imported questions' current numbers out of the way first, so a bank that
        # renumbers (e.g. swaps two questions' numbers) re-imports instead of colliding with its own old rows.
        await conn.execute(
            "update questions set question_number = -question_number where slug = any(%s) and question_number > 0",
            ([q.slug for q in questions],),
        )
        for q in questions:
            m = q.meta
            cur = await conn.execute(
                """
                insert into questions (question_number, title, description_md, difficulty, question_uri, slug,
                                       topics, signature, compare, hints, rubric, practice)
                values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                on conflict (slug) do update set
                  question_number = excluded.question_number, title = excluded.title,
                  description_md = excluded.description_md, difficulty = excluded.difficulty,
                  question_uri = excluded.question_uri, topics = excluded.topics, signature = excluded.signature,
                  compare = excluded.compare, hints = excluded.hints, rubric = excluded.rubric,
                  practice = excluded.practice
                returning id
                """,
                (
                    m.number,
                    m.title,
                    q.statement_md,
                    m.difficulty.value,
                    f"questions/{q.slug}",
                    q.slug,
                    m.topics,
                    Jsonb(m.signature.model_dump()),
                    Jsonb(m.compare.model_dump()),
                    Jsonb(m.hints),
                    Jsonb([r.model_dump() for r in m.rubric]),
                    m.practice,
                ),
            )
            row = await cur.fetchone()
            assert row is not None
            qid = row["id"]
            for lang in LANGUAGES:
                imports, main = split_imports(lang, q.starters[lang])
                await conn.execute(
                    """
                    insert into starter_codes (question_id, language, code, main, imports)
                    values (%s, %s, %s, %s, %s)
                    on conflict (question_id, language) do update set
                      code = excluded.code, main = excluded.main, imports = excluded.imports
                    """,
                    (qid, lang, q.starters[lang], main, imports),
                )
                await conn.execute(
                    """
                    insert into reference_solutions (question_id, language, code) values (%s, %s, %s)
                    on conflict (question_id, language) do update set code = excluded.code
                    """,
                    (qid, lang, q.references[lang]),
                )
            await conn.execute("delete from test_cases where question_id = %s", (qid,))
            async with conn.cursor() as c:
                await c.executemany(
                    """
                    insert into test_cases (question_id, case_key, position, input, expected_output, hidden)
                    values (%s, %s, %s, %s, %s, %s)
                    """,
                    [
                        (qid, t.id, i, json.dumps(t.args), json.dumps(t.expected), t.hidden)
                        for i, t in enumerate(q.tests)
                    ],
                )
    return len(questions)


async def pick_question(
    conn: Conn, *, question_id: UUID | None, difficulty: str | None, topic: str | None, practice: bool
) -> dict[str, Any] | None:
    """The requested question, or a random one matching the difficulty/topic filter, from one side of the bank:
    a practice session's only among the questions marked `practice` (anyone may read those and probe their hidden
    tests), an organisation's draw only among the others. An organisation may still name a practice question by id;
    a practice session never gets an unmarked one, by id or not."""
    if question_id is not None:
        cur = await conn.execute(
            "select id, slug from questions where id = %s and (practice or not %s)", (question_id, practice)
        )
    else:
        cur = await conn.execute(
            """
            select id, slug from questions
            where practice = %(p)s
              and (%(d)s::text is null or difficulty = %(d)s) and (%(t)s::text is null or %(t)s = any (topics))
            order by random() limit 1
            """,
            {"p": practice, "d": difficulty, "t": topic},
        )
    return await cur.fetchone()


async def has_practice_questions(conn: Conn) -> bool:
    """Whether the bank marks any question for practice (none: practice is unavailable, never the whole bank)."""
    cur = await conn.execute("select exists (select 1 from questions where practice) as any")
    row = await cur.fetchone()
    return bool(row and row["any"])


async def load_question_for_judge(conn: Conn, question_id: UUID) -> dict[str, Any]:
    """Signature, compare options and every test (hidden included): for the judge only, never for a client. The
    tests are a tuple of frozen TestCases, and `test_bytes` the size of their stored JSON (api.question_cache)."""
    cur = await conn.execute(
        "select id, slug, signature, compare from questions where id = %s", (question_id,)
    )
    q = await cur.fetchone()
    if q is None:
        raise LookupError(str(question_id))
    cur = await conn.execute(
        "select case_key, input, expected_output, hidden from test_cases where question_id = %s order by position",
        (question_id,),
    )
    rows = await cur.fetchall()
    tests = tuple(
        TestCase(
            id=r["case_key"],
            args=json.loads(r["input"]),
            expected=json.loads(r["expected_output"]),
            hidden=bool(r["hidden"]),
        )
        for r in rows
    )
    return {
        "slug": q["slug"],
        "signature": Signature.model_validate(q["signature"]),
        "compare": q["compare"],
        "tests": tests,
        "test_bytes": sum(len(r["input"]) + len(r["expected_output"]) for r in rows),
    }


async def read_public_question(conn: Conn, question_id: UUID) -> dict[str, Any]:
    """What a candidate or the agent may see: statement, signature, starter code, visible tests (no hidden ones)."""
    cur = await conn.execute(
        """
        select id, slug, question_number, title, difficulty, topics, description_md, signature, compare, hints,
               rubric from questions where id = %s
        """,
        (question_id,),
    )
    q = await cur.fetchone()
    if q is None:
        raise LookupError(str(question_id))
    cur = await conn.execute(
        "select language, code from starter_codes where question_id = %s order by language", (question_id,)
    )
    starters = {r["language"]: r["code"] for r in await cur.fetchall()}
    cur = await conn.execute(
        "select case_key, input, expected_output from test_cases where question_id = %s and not hidden "
        "order by position",
        (question_id,),
    )
    visible = [
        {"id": r["case_key"], "args": json.loads(r["input"]), "expected": json.loads(r["expected_output"])}
        for r in await cur.fetchall()
    ]
    cur = await conn.execute(
        "select count(*) as n from test_cases where question_id = %s and hidden", (question_id,)
    )
    hidden_row = await cur.fetchone()
    return {
        "id": str(q["id"]),
        "slug": q["slug"],
        "number": q["question_number"],
        "title": q["title"],
        "difficulty": q["difficulty"],
        "topics": list(q["topics"]),
        "statement_md": q["description_md"],
        "signature": q["signature"],
        "compare": q["compare"],
        "hints": q["hints"],
        "rubric": q["rubric"],
        "starter_code": starters,
        "visible_tests": visible,
        "hidden_test_count": hidden_row["n"] if hidden_row else 0,
    }


async def list_questions(conn: Conn, *, difficulty: str | None, topic: str | None) -> list[dict[str, Any]]:
    """The bank's catalogue (no statement, tests or solutions), ordered by number."""
    cur = await conn.execute(
        """
        select q.id, q.slug, q.question_number, q.title, q.difficulty, q.topics, q.practice,
               (select count(*) from test_cases t where t.question_id = q.id and not t.hidden) as visible_tests,
               (select count(*) from test_cases t where t.question_id = q.id and t.hidden) as hidden_tests
        from questions q
        where (%(d)s::text is null or q.difficulty = %(d)s) and (%(t)s::text is null or %(t)s = any (q.topics))
        order by q.question_number
        """,
        {"d": difficulty, "t": topic},
    )
    return await cur.fetchall()
