"""History: `GET /v1/sessions` filters, sorting and cursor pagination (also while sessions are being inserted), and
`GET /v1/sessions/export` as CSV and JSON against the database, with formula cells escaped."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
import pytest_asyncio
from psycopg.rows import DictRow, dict_row

from api.history import CSV_COLUMNS
from tests.api.history_support import add_scorecard, insert_sessions, question_ids
from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`, and those to `db_url`) reach that database.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()
NOW = datetime.now(UTC).replace(microsecond=0)


async def _all(server: ApiServer, key: str | None = None, **params: Any) -> list[dict[str, Any]]:
    """Every page of a listing, following next_cursor."""
    out: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = await server.client.get("/v1/sessions", params=query, headers=server.org_headers(key))
        assert r.status_code == 200, r.text
        body = r.json()
        out += body["data"]
        cursor = body["next_cursor"]
        if cursor is None:
            return out
    raise AssertionError("pagination never ended")


async def _ids(server: ApiServer, **params: Any) -> list[str]:
    return [s["id"] for s in await _all(server, **params)]


@pytest_asyncio.fixture(loop_scope="module")
async def history(api_server: ApiServer, db: Conn) -> dict[str, Any]:
    """Ten sessions of one organisation over ten days, with statuses, questions, external ids and scorecards."""
    q = await question_ids(db)
    two_sum, parens = q["two-sum"], q["valid-parentheses"]
    spec = [
        # status, question, external id, scorecard (scores, review) or a state
        ("completed", two_sum, "ats-1", ((4, 4, 4, 4), False)),
        ("completed", two_sum, "ats-2", ((3, 3, 3, 3), True)),
        ("completed", parens, "ats-3", ((2, 2, 2, 2), False)),
        ("abandoned", parens, "ats-4", ((1, 1, 2, 1), False)),
        ("completed", two_sum, "ats-5", "failed"),
        ("completed", parens, "ats-6", "pending"),
        ("scheduled", two_sum, "ats-7", None),
        ("in_progress", parens, None, None),
        ("cancelled", two_sum, None, None),
        ("completed", two_sum, "ats-1", ((3, 4, 3, 3), False)),  # the same candidate, a second interview
    ]
    rows = [
        {
            "question_id": question,
            "status": status,
            "external_id": ext,
            "created_at": NOW - timedelta(days=10 - i),
            "name": f"Candidate {i}",
            "email": f"c{i}@example.com",
        }
        for i, (status, question, ext, _) in enumerate(spec)
    ]
    ids = await insert_sessions(db, api_server.org_id, rows)
    for sid, (_, _, _, card) in zip(ids, spec, strict=True):
        if card == "failed":
            await add_scorecard(db, sid, status="failed")
        elif card == "pending":
            await add_scorecard(db, sid, status="pending")
        elif card is not None:
            scores, review = card
            await add_scorecard(db, sid, scores=scores, review=review)
    return {"ids": ids, "two_sum": str(two_sum), "parens": str(parens)}


async def test_each_filter_selects_exactly_its_sessions(
    api_server: ApiServer, history: dict[str, Any]
) -> None:
    ids = history["ids"]
    newest_first = list(reversed(ids))

    def pick(*indexes: int) -> list[str]:
        return [i for i in newest_first if ids.index(i) in indexes]

    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({}, newest_first),
        ({"status": "completed"}, pick(0, 1, 2, 4, 5, 9)),
        ({"status": "abandoned"}, pick(3)),
        ({"question_id": history["parens"]}, pick(2, 3, 5, 7)),
        ({"recommendation": "strong_hire"}, pick(0)),
        ({"recommendation": "hire"}, pick(1, 9)),
        ({"recommendation": "no_hire"}, pick(2)),
        ({"recommendation": "strong_no_hire"}, pick(3)),
        ({"min_score": 3}, pick(0, 1, 9)),
        ({"min_score": 2, "max_score": 3}, pick(1, 2)),
        ({"max_score": 1.5}, pick(3)),
        ({"candidate_external_id": "ats-1"}, pick(0, 9)),
        ({"candidate_external_id": "ats-404"}, []),
        ({"needs_human_review": True}, pick(1)),
        ({"created_after": (NOW - timedelta(days=3)).isoformat()}, pick(7, 8, 9)),
        ({"created_before": (NOW - timedelta(days=8)).isoformat()}, pick(0, 1)),
        (
            {
                "created_after": (NOW - timedelta(days=6)).isoformat(),
                "created_before": (NOW - timedelta(days=4)).isoformat(),
            },
            pick(4, 5),
        ),
        # A date without an offset is UTC; combined filters are ANDed.
        ({"created_after": (NOW - timedelta(days=3)).replace(tzinfo=None).isoformat()}, pick(7, 8, 9)),
        ({"status": "completed", "question_id": history["two_sum"], "min_score": 3.2}, pick(0, 9)),
    ]
    for params, expected in cases:
        assert await _ids(api_server, limit=3, **params) == expected, params


async def test_list_carries_each_sessions_scorecard_summary(
    api_server: ApiServer, history: dict[str, Any], db: Conn
) -> None:
    ids = history["ids"]
    by_id = {s["id"]: s for s in await _all(api_server)}
    assert by_id[ids[0]]["scorecard"] == {
        "version": 1,
        "status": "ready",
        "ready_version": 1,
        "recommendation": "strong_hire",
        "overall_score": 4.0,
        "needs_human_review": False,
    }
    assert by_id[ids[4]]["scorecard"] == {
        "version": 1,
        "status": "failed",
        "ready_version": None,
        "recommendation": None,
        "overall_score": None,
        "needs_human_review": None,
    }
    assert by_id[ids[5]]["scorecard"]["status"] == "pending"
    assert by_id[ids[6]]["scorecard"] is None
    assert by_id[ids[0]]["candidate"]["external_id"] == "ats-1"
    # A failed re-grade keeps the last ready figures and says the latest version failed.
    await add_scorecard(db, ids[1], status="failed")
    regraded = {s["id"]: s for s in await _all(api_server)}[ids[1]]["scorecard"]
    assert (
        regraded["version"],
        regraded["status"],
        regraded["ready_version"],
        regraded["recommendation"],
    ) == (2, "failed", 1, "hire")
    # A ready re-grade moves the figures (and the filters) to it.
    await add_scorecard(db, ids[1], scores=(1, 1, 1, 1))
    assert ids[1] in await _ids(api_server, recommendation="strong_no_hire")
    assert ids[1] not in await _ids(api_server, recommendation="hire")


async def test_sort_orders_put_unscored_sessions_last(api_server: ApiServer, history: dict[str, Any]) -> None:
    ids = history["ids"]
    assert await _ids(api_server, sort="created_at", limit=4) == ids
    by_score = await _ids(api_server, sort="-score", limit=4)
    assert by_score[:5] == [ids[0], ids[9], ids[1], ids[2], ids[3]]  # 4.0, 3.25, 3.0, 2.0, 1.25
    assert set(by_score[5:]) == {ids[i] for i in (4, 5, 6, 7, 8)}
    assert by_score[5:] == sorted(by_score[5:], key=ids.index, reverse=True)  # ties: newest first
    by_score_up = await _ids(api_server, sort="score", limit=4)
    assert by_score_up[:5] == [ids[3], ids[2], ids[1], ids[9], ids[0]]
    assert by_score_up[5:] == sorted(by_score_up[5:], key=ids.index)


async def test_cursor_is_bound_to_its_query_and_refuses_forgeries(
    api_server: ApiServer, history: dict[str, Any]
) -> None:
    r = await api_server.client.get(
        "/v1/sessions", params={"limit": 2, "status": "completed"}, headers=api_server.org_headers()
    )
    cursor = r.json()["next_cursor"]
    assert cursor
    ok = await api_server.client.get(
        "/v1/sessions",
        params={"limit": 2, "status": "completed", "cursor": cursor},
        headers=api_server.org_headers(),
    )
    assert ok.status_code == 200
    raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))

    def forge(parts: list[Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")

    for params in (
        {"cursor": cursor},  # other filters
        {"cursor": cursor, "status": "completed", "sort": "created_at"},  # another sort
        {"cursor": "not-a-cursor", "status": "completed"},
        {"cursor": forge([2, *raw[1:]]), "status": "completed"},
        {"cursor": forge(raw[:-1]), "status": "completed"},
        {"cursor": forge([*raw[:2], "yesterday", *raw[3:]]), "status": "completed"},
        {"cursor": forge([*raw[:2], "2026-01-01T00:00:00", *raw[3:]]), "status": "completed"},  # no offset
        {"cursor": forge([*raw[:4], "x' or 1=1 --"]), "status": "completed"},
        {"cursor": forge([*raw[:4], 12]), "status": "completed"},
        {"cursor": forge([*raw[:4], "ses_" + "g" * 24]), "status": "completed"},  # not hex
        {"cursor": forge([*raw[:4], raw[4] + "' or 1=1 --"]), "status": "completed"},
        {"cursor": forge([*raw[:4], raw[4][:-1]]), "status": "completed"},  # one digit short
        {"cursor": forge([*raw[:4], "ses_\u0000" + "0" * 23]), "status": "completed"},
        {"cursor": "é" * 10, "status": "completed"},
    ):
        r = await api_server.client.get(
            "/v1/sessions", params={"limit": 2, **params}, headers=api_server.org_headers()
        )
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_cursor"), params
    r = await api_server.client.get(
        "/v1/sessions", params={"cursor": "A" * 301}, headers=api_server.org_headers()
    )
    assert r.status_code == 422
    # Another organisation replaying this cursor sees only its own (no) sessions.
    _, other = await api_server.create_org("Other")
    r = await api_server.client.get(
        "/v1/sessions",
        params={"limit": 2, "status": "completed", "cursor": cursor},
        headers=api_server.org_headers(other),
    )
    assert r.status_code == 200 and r.json()["data"] == []


async def test_a_score_cursor_with_a_key_no_score_column_holds_is_400_not_a_server_error(
    api_server: ApiServer,
) -> None:
    # The fingerprint is a hash of the query, not a secret: anyone can forge a cursor for their own query. Its score
    # key must be one the API issues (a numeric(4, 2) score, or the 0 and 5 that sort the unscored ones), not a
    # finite decimal in range whose exponent PostgreSQL's numeric cannot hold (a 500).
    for _ in range(2):
        await api_server.create_session()
    r = await api_server.client.get(
        "/v1/sessions", params={"limit": 1, "sort": "-score"}, headers=api_server.org_headers()
    )
    raw = json.loads(base64.urlsafe_b64decode(r.json()["next_cursor"] + "==="))
    for key in ("1E-999999", "0E-999999", "2.5E-20000", "3.125"):
        forged = base64.urlsafe_b64encode(json.dumps([*raw[:2], key, *raw[3:]]).encode()).decode().rstrip("=")
        r = await api_server.client.get(
            "/v1/sessions",
            params={"limit": 1, "sort": "-score", "cursor": forged},
            headers=api_server.org_headers(),
        )
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_cursor"), key
    assert (await api_server.client.get("/readyz")).status_code == 200


async def test_bad_history_parameters_are_422(api_server: ApiServer) -> None:
    for params in (
        {"limit": 101},
        {"limit": 0},
        {"sort": "name"},
        {"recommendation": "maybe"},
        {"min_score": 0},
        {"max_score": 4.5},
        {"min_score": 3, "max_score": 2},
        {"question_id": "two-sum"},
        {"candidate_external_id": "x" * 201},
        {"needs_human_review": "perhaps"},
    ):
        paths = ("/v1/sessions",) if "limit" in params else ("/v1/sessions", "/v1/sessions/export")
        for path in paths:
            r = await api_server.client.get(path, params=params, headers=api_server.org_headers())
            assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), (path, params)


async def test_time_filters_with_any_iso_offset_are_read_in_utc_by_the_list_and_both_exports(
    api_server: ApiServer, db: Conn
) -> None:
    # ISO 8601 (and Python) allow offsets up to +-23:59; PostgreSQL's text input stops at +-15:59, and the CSV
    # export binds its filters as text in a COPY. An instant that is not a year 1-9999 date in UTC is a 422.
    [sid] = await insert_sessions(
        db,
        api_server.org_id,
        [
            {
                "question_id": next(iter((await question_ids(db)).values())),
                "status": "scheduled",
                "created_at": datetime(2026, 3, 1, 12, tzinfo=UTC),
            }
        ],
    )
    h = api_server.org_headers()
    for path, fmt in [
        ("/v1/sessions", None),
        ("/v1/sessions/export", "csv"),
        ("/v1/sessions/export", "json"),
    ]:
        extra = {"format": fmt} if fmt else {}
        for params, found in [
            ({"created_after": "2026-03-02T11:59:00+23:59"}, True),  # 2026-03-01T12:00Z: inclusive
            ({"created_after": "2026-03-02T12:00:00+23:59"}, False),
            ({"created_before": "2026-02-28T12:01:00-23:59"}, False),  # 2026-03-01T12:00Z: exclusive
            ({"created_before": "2026-02-28T12:02:00-23:59"}, True),
        ]:
            r = await api_server.client.get(path, params={**params, **extra}, headers=h)
            assert r.status_code == 200, (path, fmt, params, r.text)
            assert (sid in r.text) is found, (path, fmt, params)
        for params in (
            {"created_after": "9999-12-31T23:59:59-23:59"},
            {"created_before": "0001-01-01T00:00:00+23:59"},
        ):
            r = await api_server.client.get(path, params={**params, **extra}, headers=h)
            assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), (path, params)
            assert r.json()["error"]["message"].startswith(f"query.{next(iter(params))}:")


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "-score"])
async def test_pages_neither_repeat_nor_skip_while_sessions_are_inserted(
    api_server: ApiServer, db: Conn, db_url: str, sort: str
) -> None:
    q = await question_ids(db)
    base = NOW - timedelta(hours=1)
    # 60 sessions, many sharing a created_at and a score (ties are broken by id).
    rows = [{"question_id": q["two-sum"], "created_at": base + timedelta(seconds=i // 3)} for i in range(60)]
    before = await insert_sessions(db, api_server.org_id, rows)
    for i, sid in enumerate(before):
        if i % 2:
            await add_scorecard(db, sid, scores=(2 + i % 3,) * 4)

    inserted: list[str] = []

    async def writer() -> None:
        async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as w:
            for n in range(15):
                inserted.extend(
                    await insert_sessions(w, api_server.org_id, [{"question_id": q["two-sum"]}] * 2)
                )
                if n % 3 == 0:
                    await insert_sessions(  # older than every listed session: lands behind the reader
                        w,
                        api_server.org_id,
                        [{"question_id": q["two-sum"], "created_at": base - timedelta(days=1)}],
                    )
                await asyncio.sleep(0.01)

    async def reader() -> list[str]:
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 7, "sort": sort, **({"cursor": cursor} if cursor else {})}
            r = await api_server.client.get("/v1/sessions", params=params, headers=api_server.org_headers())
            assert r.status_code == 200, r.text
            seen += [s["id"] for s in r.json()["data"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return seen
            await asyncio.sleep(0.01)

    seen, _ = await asyncio.gather(reader(), writer())

    assert len(seen) == len(set(seen)), "a session appeared twice"
    assert set(before) <= set(seen), "a session that existed before the first page was skipped"
    if sort == "-created_at":
        # Newest first: sessions created while paging sort before the first page, so none shows up late.
        assert not set(inserted) & set(seen[7:])


async def test_csv_export_has_a_header_every_matching_session_and_escaped_formula_cells(
    api_server: ApiServer, db: Conn, history: dict[str, Any]
) -> None:
    q = await question_ids(db)
    hostile = await insert_sessions(
        db,
        api_server.org_id,
        [
            {
                "question_id": q["two-sum"],
                "name": '=HYPERLINK("http://evil.example","click")',
                "email": "+1-555@example.com",
                "external_id": "@SUM(A1:A9)",
                "metadata": {"note": "=1+1"},
            },
            {
                "question_id": q["two-sum"],
                "name": "-2+3",
                "email": "\tx@example.com",
                "external_id": "\rcr",
            },
            {  # blanks before the sign, and the signs' full-width forms
                "question_id": q["two-sum"],
                "name": ' \u3000=HYPERLINK("http://evil.example")',
                "email": "\uff1dcmd@example.com",
                "external_id": "\n\u00a0\uff20SUM(A1)",
                "metadata": {"k": "\uff0b1"},
            },
        ],
    )
    r = await api_server.client.get(
        "/v1/sessions/export", params={"format": "csv"}, headers=api_server.org_headers()
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"].startswith('attachment; filename="shadows-sessions-')
    assert r.headers["cache-control"] == "no-store"
    table = list(csv.reader(io.StringIO(r.text)))
    assert tuple(table[0]) == CSV_COLUMNS
    body = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in table[1:]]
    listed = await _ids(api_server)
    assert [row["session_id"] for row in body] == listed  # the same order as the list

    evil = next(row for row in body if row["session_id"] == hostile[0])
    assert evil["candidate_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert evil["candidate_email"] == "'+1-555@example.com"
    assert evil["candidate_external_id"] == "'@SUM(A1:A9)"
    assert json.loads(evil["metadata"]) == {"note": "=1+1"}  # starts with "{": not a formula
    other = next(row for row in body if row["session_id"] == hostile[1])
    assert (other["candidate_name"], other["candidate_email"], other["candidate_external_id"]) == (
        "'-2+3",
        "'\tx@example.com",
        "'\rcr",
    )
    blanks = next(row for row in body if row["session_id"] == hostile[2])
    assert (blanks["candidate_name"], blanks["candidate_email"], blanks["candidate_external_id"]) == (
        '\' \u3000=HYPERLINK("http://evil.example")',
        "'\uff1dcmd@example.com",
        # After the line break: a reader splitting at ";" ends the row there, so the next one starts with the sign.
        "\n'\u00a0\uff20SUM(A1)",
    )
    # No cell anywhere starts a formula, after blanks or in full-width signs.
    signs = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
    assert not [
        c
        for row in table[1:]
        for c in row
        if c[:1] in ("\t", "\r") or c.lstrip(" \t\n\r\u00a0\u3000")[:1] in signs
    ]

    top = next(row for row in body if row["session_id"] == history["ids"][0])
    assert (top["recommendation"], top["overall_score"], top["coding_score"], top["scorecard_status"]) == (
        "strong_hire",
        "4.00",
        "4",
        "ready",
    )
    assert top["question_slug"] == "two-sum" and top["question_title"] == "Two Sum"
    failed = next(row for row in body if row["session_id"] == history["ids"][4])
    assert (failed["scorecard_status"], failed["recommendation"], failed["coding_score"]) == (
        "failed",
        "",
        "",
    )


async def test_json_export_is_one_array_with_the_lists_filters_and_order(
    api_server: ApiServer, history: dict[str, Any]
) -> None:
    params = {"status": "completed", "sort": "-score"}
    r = await api_server.client.get(
        "/v1/sessions/export", params={"format": "json", **params}, headers=api_server.org_headers()
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    rows = json.loads(r.text)
    assert [row["id"] for row in rows] == await _ids(api_server, **params)
    first = rows[0]
    assert first["scorecard"] == {
        "version": 1,
        "status": "ready",
        "ready_version": 1,
        "recommendation": "strong_hire",
        "overall_score": 4.0,
        "dimensions": {"problem_solving": 4, "coding": 4, "verification": 4, "communication": 4},
        "needs_human_review": False,
    }
    assert first["candidate"]["external_id"] == "ats-1" and first["question"]["slug"] == "two-sum"
    empty = await api_server.client.get(
        "/v1/sessions/export",
        params={"format": "json", "status": "abandoned", "question_id": history["two_sum"]},
        headers=api_server.org_headers(),
    )
    assert json.loads(empty.text) == []
    empty_csv = await api_server.client.get(
        "/v1/sessions/export",
        params={"status": "abandoned", "question_id": history["two_sum"]},
        headers=api_server.org_headers(),
    )
    assert empty_csv.text == ",".join(CSV_COLUMNS) + "\n"


async def test_export_shows_only_the_callers_organisation(
    api_server: ApiServer, history: dict[str, Any]
) -> None:
    _, other = await api_server.create_org("Other")
    theirs = await api_server.create_session(key=other)
    for fmt in ("csv", "json"):
        mine = await api_server.client.get(
            "/v1/sessions/export", params={"format": fmt}, headers=api_server.org_headers()
        )
        assert theirs["id"] not in mine.text and history["ids"][0] in mine.text
        r = await api_server.client.get(
            "/v1/sessions/export", params={"format": fmt}, headers=api_server.org_headers(other)
        )
        assert theirs["id"] in r.text and history["ids"][0] not in r.text


async def test_export_streams_thousands_of_rows(api_server: ApiServer, db: Conn) -> None:
    q = await question_ids(db)
    ids = await insert_sessions(db, api_server.org_id, [{"question_id": q["two-sum"]} for _ in range(5000)])
    chunks = 0
    size = 0
    async with api_server.client.stream(
        "GET", "/v1/sessions/export", params={"format": "json"}, headers=api_server.org_headers()
    ) as r:
        assert r.status_code == 200
        assert "content-length" not in r.headers  # streamed, not buffered whole
        body = bytearray()
        async for chunk in r.aiter_bytes():
            chunks += 1
            size += len(chunk)
            body += chunk
    rows = json.loads(body)
    assert len(rows) == 5000 and {row["id"] for row in rows} == set(ids)
    assert size == len(body)
