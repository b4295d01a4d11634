"""History queries: an organisation's sessions under the history filters, in one of the sort orders, one keyset
page at a time (the list) or as a stream from a server-side cursor (the export). Only the conditions a request
uses are in its SQL, so every filter can use its index."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg import sql

from api.db.pool import Conn
from api.history import Cursor, SessionFilters, Sort

LIST_COLUMNS = sql.SQL("""
  s.id, s.status, s.question_id, s.language, s.duration_minutes, s.created_at, s.started_at, s.ended_at,
  s.expires_at, s.end_reason, s.metadata, s.latest_scorecard_version, s.latest_scorecard_status,
  s.ready_scorecard_version, s.recommendation, s.overall_score, s.needs_human_review, s.dimension_scores,
  c.name as candidate_name, c.email as candidate_email, c.external_id as candidate_external_id
""")


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
    organization_id: UUID, f: SessionFilters, sort: Sort, cursor: Cursor | None, *, export: bool
) -> tuple[sql.Composed, dict[str, Any]]:
    where, params = _where(organization_id, f, sort, cursor)
    question = sql.SQL(", q.slug as question_slug, q.title as question_title") if export else sql.SQL("")
    join = sql.SQL("left join questions q on q.id = s.question_id") if export else sql.SQL("")
    return (
        sql.SQL(
            "select {columns}{question}, {key} as sort_key from sessions s "
            "left join candidates c on c.id = s.candidate_id {join} where {where} order by {order}"
        ).format(
            columns=LIST_COLUMNS,
            question=question,
            key=ORDERS[sort].key,
            join=join,
            where=where,
            order=_order_by(sort),
        ),
        params,
    )


async def page(
    conn: Conn, organization_id: UUID, f: SessionFilters, sort: Sort, cursor: Cursor | None, limit: int
) -> list[dict[str, Any]]:
    query, params = _query(organization_id, f, sort, cursor, export=False)
    cur = await conn.execute(query + sql.SQL(" limit %(limit)s"), {**params, "limit": limit})
    return await cur.fetchall()


async def stream(
    conn: Conn, organization_id: UUID, f: SessionFilters, sort: Sort, *, batch: int = 2000
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every matching session in order, `batch` rows at a time, from one server-side cursor in one transaction
    (a consistent snapshot, constant memory). The caller's connection must not be in use otherwise."""
    query, params = _query(organization_id, f, sort, None, export=True)
    async with conn.transaction(), conn.cursor(name="shadows_export") as cur:
        cur.itersize = batch
        await cur.execute(query, params)
        while rows := await cur.fetchmany(batch):
            yield rows
