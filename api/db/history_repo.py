"""History queries: an organisation's sessions under the history filters, in one of the sort orders, one keyset
page at a time (the list) or as a stream from a server-side cursor (the export). Only the conditions a request
uses are in its SQL, so every filter can use its index."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg import sql
from psycopg.rows import tuple_row

from api.db.pool import Conn
from api.db.sessions_repo import SUMMARY_COLUMNS
from api.export_text import CELL_FORMULA, CELL_FORMULA_REPLACEMENT, JSON_CELL_ESCAPES
from api.history import CSV_COLUMNS, Cursor, SessionFilters, Sort

# A page of the list carries exactly what a session summary reads (api/session_summary.py).
LIST_COLUMNS = sql.SQL(SUMMARY_COLUMNS)  # constant SQL text


@dataclass(frozen=True)
class _Order:
    key: sql.Composable  # the first sort expression (created_at, or the score with unscored sessions last)
    descending: bool


ORDERS: dict[Sort, _Order] = {
    "-created_at": _Order(sql.SQL("s.created_at"), True),
    "created_at": _Order(sql.SQL("s.created_at"), False),
    "-score": _Order(sql.SQL("coalesce(s.overall_score, 0)"), True),
    "score": _Order(sql.SQL("coalesce(s.overall_score, 5)"), False),
}


def _where(
    organization_id: UUID, f: SessionFilters, sort: Sort, cursor: Cursor | None
) -> tuple[sql.Composed, dict[str, Any]]:
    conds: list[sql.Composable] = [sql.SQL("s.organization_id = %(org)s")]
    params: dict[str, Any] = {"org": organization_id}

    def add(condition: str, **values: Any) -> None:
        conds.append(sql.SQL(condition))  # constant SQL text from this module
        params.update(values)

    if f.status is not None:
        add("s.status = %(status)s", status=f.status)
    if f.created_after is not None:
        add("s.created_at >= %(after)s", after=f.created_after)
    if f.created_before is not None:
        add("s.created_at < %(before)s", before=f.created_before)
    if f.question_id is not None:
        add("s.question_id = %(question)s", question=f.question_id)
    if f.recommendation is not None:
        add("s.recommendation = %(recommendation)s", recommendation=f.recommendation)
    if f.min_score is not None:
        add("s.overall_score >= %(min_score)s", min_score=f.min_score)
    if f.max_score is not None:
        add("s.overall_score <= %(max_score)s", max_score=f.max_score)
    if f.candidate_external_id is not None:
        add(
            "s.candidate_id in (select id from candidates where organization_id = %(org)s and external_id = %(ext)s)",
            ext=f.candidate_external_id,
        )
    if f.needs_human_review is not None:
        add("s.needs_human_review = %(review)s", review=f.needs_human_review)
    if cursor is not None:
        order = ORDERS[sort]
        op = sql.SQL("<" if order.descending else ">")
        if sort.endswith("created_at"):
            conds.append(sql.SQL("(s.created_at, s.id) {} (%(c_created)s, %(c_id)s)").format(op))
        else:
            conds.append(
                sql.SQL("({}, s.created_at, s.id) {} (%(c_key)s, %(c_created)s, %(c_id)s)").format(
                    order.key, op
                )
            )
            params["c_key"] = cursor.key
        params.update(c_created=cursor.created_at, c_id=cursor.id)
    return sql.SQL(" and ").join(conds), params


def _order_by(sort: Sort) -> sql.Composed:
    order = ORDERS[sort]
    direction = sql.SQL("desc" if order.descending else "asc")
    if sort.endswith("created_at"):
        return sql.SQL("s.created_at {d}, s.id {d}").format(d=direction)
    return sql.SQL("{k} {d}, s.created_at {d}, s.id {d}").format(k=order.key, d=direction)


def _query(
    organization_id: UUID, f: SessionFilters, sort: Sort, cursor: Cursor | None
) -> tuple[sql.Composed, dict[str, Any]]:
    where, params = _where(organization_id, f, sort, cursor)
    return (
        sql.SQL(
            "select {columns}, {key} as sort_key from sessions s left join candidates c on c.id = s.candidate_id "
            "where {where} order by {order}"
        ).format(columns=LIST_COLUMNS, key=ORDERS[sort].key, where=where, order=_order_by(sort)),
        params,
    )


async def page(
    conn: Conn, organization_id: UUID, f: SessionFilters, sort: Sort, cursor: Cursor | None, limit: int
) -> list[dict[str, Any]]:
    query, params = _query(organization_id, f, sort, cursor)
    cur = await conn.execute(query + sql.SQL(" limit %(limit)s"), {**params, "limit": limit})
    return await cur.fetchall()


# --- export: PostgreSQL formats the rows (COPY for CSV, one JSON text per row); Python only forwards them -------

# A text cell as a spreadsheet shows text, whatever separator it splits at (api/export_text.py): a leading
# apostrophe (chr 39, OWASP's CSV injection advice) on every piece of the cell that would start a formula, and on a
# cell that starts with a tab or a carriage return.
FORMULA = (
    "case when left({e}, 1) in (chr(9), chr(13)) then chr(39) else '' end"
    " || regexp_replace({e}, {pattern}, {replacement}, 'g')"
)


def _text(expr: str) -> sql.Composable:
    """A text cell a spreadsheet shows as text, whatever a candidate, an ATS or an organisation wrote."""
    return sql.SQL(FORMULA).format(
        e=sql.SQL(expr),  # constant expressions of this module
        pattern=sql.Literal(CELL_FORMULA),
        replacement=sql.Literal(CELL_FORMULA_REPLACEMENT),
    )


def _json_cell(expr: str) -> str:
    """A JSON text with the characters a spreadsheet may split at as JSON escapes: the same JSON, in one piece."""
    for char, escape in JSON_CELL_ESCAPES.items():
        literal = escape.replace("\\", "\\\\")
        expr = f"replace({expr}, chr({ord(char)}), E'{literal}')"  # constant: ASCII escapes of this module
    return expr


_READY = "s.ready_scorecard_version is not null"
CSV_SELECT: list[tuple[str, sql.Composable]] = [
    ("session_id", sql.SQL("s.id")),
    ("status", sql.SQL("s.status")),
    ("created_at", sql.SQL("to_json(s.created_at) #>> '{}'")),
    ("started_at", sql.SQL("to_json(s.started_at) #>> '{}'")),
    ("ended_at", sql.SQL("to_json(s.ended_at) #>> '{}'")),
    ("end_reason", _text("s.end_reason")),
    ("language", sql.SQL("s.language")),
    ("duration_minutes", sql.SQL("s.duration_minutes")),
    ("question_id", sql.SQL("s.question_id")),
    ("question_slug", _text("q.slug")),
    ("question_title", _text("q.title")),
    ("candidate_name", _text("c.name")),
    ("candidate_email", _text("c.email")),
    ("candidate_external_id", _text("c.external_id")),
    ("scorecard_version", sql.SQL("s.latest_scorecard_version")),
    ("scorecard_status", sql.SQL("s.latest_scorecard_status")),
    ("recommendation", sql.SQL("case when " + _READY + " then s.recommendation end")),
    ("overall_score", sql.SQL("case when " + _READY + " then s.overall_score end")),
    (
        "problem_solving_score",
        sql.SQL("case when " + _READY + " then s.dimension_scores ->> 'problem_solving' end"),
    ),
    ("coding_score", sql.SQL("case when " + _READY + " then s.dimension_scores ->> 'coding' end")),
    (
        "verification_score",
        sql.SQL("case when " + _READY + " then s.dimension_scores ->> 'verification' end"),
    ),
    (
        "communication_score",
        sql.SQL("case when " + _READY + " then s.dimension_scores ->> 'communication' end"),
    ),
    ("needs_human_review", sql.SQL("case when " + _READY + " then s.needs_human_review::text end")),
    (
        "metadata",
        _text(_json_cell("(case when s.metadata = '{}'::jsonb then null else s.metadata::text end)")),
    ),
]

if tuple(name for name, _ in CSV_SELECT) != CSV_COLUMNS:  # the documented contract (api/history.py)
    raise RuntimeError("CSV_SELECT and CSV_COLUMNS disagree")

JSON_SELECT = sql.SQL("""
  json_build_object(
    'id', s.id, 'status', s.status, 'created_at', s.created_at, 'started_at', s.started_at,
    'ended_at', s.ended_at, 'end_reason', s.end_reason, 'language', s.language,
    'duration_minutes', s.duration_minutes,
    'question', json_build_object('id', s.question_id, 'slug', q.slug, 'title', q.title),
    'candidate', json_build_object('name', c.name, 'email', c.email, 'external_id', c.external_id),
    'metadata', s.metadata,
    'scorecard', case when s.latest_scorecard_version is null then null else json_build_object(
      'version', s.latest_scorecard_version, 'status', s.latest_scorecard_status,
      'ready_version', s.ready_scorecard_version,
      'recommendation', case when s.ready_scorecard_version is not null then s.recommendation end,
      'overall_score', case when s.ready_scorecard_version is not null then s.overall_score end,
      'dimensions', case when s.ready_scorecard_version is not null then s.dimension_scores end,
      'needs_human_review', case when s.ready_scorecard_version is not null then s.needs_human_review end
    ) end
  )::text
""")


def _export_query(
    columns: sql.Composable, organization_id: UUID, f: SessionFilters, sort: Sort
) -> tuple[sql.Composed, dict[str, Any]]:
    where, params = _where(organization_id, f, sort, None)
    return (
        sql.SQL(
            "select {columns} from sessions s left join candidates c on c.id = s.candidate_id "
            "left join questions q on q.id = s.question_id where {where} order by {order}"
        ).format(columns=columns, where=where, order=_order_by(sort)),
        params,
    )


async def export_count(conn: Conn, organization_id: UUID, f: SessionFilters, sort: Sort) -> int:
    """How many sessions an export with these filters writes (no joins, no ordering: what its budget counts)."""
    where, params = _where(organization_id, f, sort, None)
    cur = await conn.execute(sql.SQL("select count(*) as n from sessions s where {}").format(where), params)
    row = await cur.fetchone()
    return int(row["n"]) if row is not None else 0


async def export_csv(
    conn: Conn, organization_id: UUID, f: SessionFilters, sort: Sort
) -> AsyncIterator[bytes]:
    """Every matching session as CSV with a header row, from one COPY in one transaction: a consistent snapshot,
    written by PostgreSQL and forwarded block by block (constant memory)."""
    columns = sql.SQL(", ").join(sql.SQL("{} as {}").format(e, sql.Identifier(n)) for n, e in CSV_SELECT)
    query, params = _export_query(columns, organization_id, f, sort)
    statement = sql.SQL("copy ({}) to stdout with (format csv, header true)").format(query)
    async with conn.transaction():
        await conn.execute("set local timezone = 'UTC'")
        async with conn.cursor() as cur, cur.copy(statement, params) as copy:
            async for block in copy:
                yield bytes(block)


async def export_json(
    conn: Conn, organization_id: UUID, f: SessionFilters, sort: Sort, *, batch: int = 2000
) -> AsyncIterator[list[str]]:
    """Every matching session as one JSON text each, `batch` at a time, from one server-side cursor in one
    transaction (a consistent snapshot, constant memory)."""
    query, params = _export_query(JSON_SELECT, organization_id, f, sort)
    async with conn.transaction():
        await conn.execute("set local timezone = 'UTC'")
        async with conn.cursor(name="shadows_export", row_factory=tuple_row) as cur:
            cur.itersize = batch
            await cur.execute(query, params)
            while rows := await cur.fetchmany(batch):
                yield [str(r[0]) for r in rows]
