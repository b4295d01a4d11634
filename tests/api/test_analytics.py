"""Analytics against the database: every figure of `GET /v1/analytics/summary` for a known set of sessions, the
date range's edges and default, another organisation's sessions left out, and the HTML page."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import psycopg
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from tests.api.history_support import add_scorecard, insert_sessions, question_ids
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


def _today() -> date:
    # Read when each test starts, not at import: a suite that crossed midnight UTC compared the server's new day
    # with the day the module was imported on.
    return datetime.now(UTC).date()


def _at(day: date, hour: int = 12, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second, micro), UTC)


async def _run(db: Conn, session_id: str, kind: str, verdict: str, at: datetime) -> None:
    await db.execute(
        """
        insert into submissions (question_id, session_id, language, code, result_json, kind, verdict, created_at)
        select question_id, id, 'python', 'x', '{}', %s, %s, %s from sessions where id = %s
        """,
        (kind, verdict, at, session_id),
    )


async def _hints(db: Conn, session_id: str, n: int) -> None:
    for i in range(n):
        await db.execute(
            "insert into session_events (session_id, seq, idempotency_key, type, t, payload) "
            "values (%s, %s, %s, 'hint', %s, %s)",
            (session_id, 100 + i, f"h{i}", 10.0 * i, Jsonb({"index": i + 1})),
        )


async def _summary(server: ApiServer, key: str | None = None, **params: str) -> dict[str, Any]:
    r = await server.client.get("/v1/analytics/summary", params=params, headers=server.org_headers(key))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_summary_figures_match_the_sessions(api_server: ApiServer, db: Conn) -> None:
    today = _today()
    q = await question_ids(db)
    day = today - timedelta(days=3)
    start = _at(day, 9)
    spec = [
        # status, question, started, expired?
        ("completed", "two-sum"),
        ("completed", "two-sum"),
        ("completed", "two-sum"),
        ("abandoned", "two-sum"),
        ("completed", "valid-parentheses"),
        ("scheduled", "two-sum"),  # upcoming: not counted in the completion rate
        ("scheduled", "two-sum"),  # expired below: counted as not completed
        ("cancelled", "valid-parentheses"),
    ]
    ids = await insert_sessions(
        db,
        api_server.org_id,
        [
            {
                "question_id": q[slug],
                "status": status,
                "created_at": _at(day, 8),
                "started_at": start,
                "ended_at": start + timedelta(minutes=40) if status in ("completed", "abandoned") else None,
            }
            for status, slug in spec
        ],
    )
    await db.execute("update sessions set expires_at = now() - interval '1 hour' where id = %s", (ids[6],))
    # Scorecards: two ready on two-sum, one ready (flagged) on parentheses, one failed, one pending re-grade.
    await add_scorecard(db, ids[0], scores=(4, 4, 3, 4))  # 3.75 -> strong_hire
    await add_scorecard(db, ids[1], scores=(2, 3, 2, 1))  # 2.0 -> no_hire
    await add_scorecard(db, ids[4], scores=(3, 3, 3, 3), review=True)  # hire
    await add_scorecard(db, ids[3], status="failed")
    await add_scorecard(db, ids[1], status="pending")  # a re-grade in flight keeps version 1's figures
    # Passing: ids[0] submits accepted at 10 min (a run passed at 6 min); ids[1] runs accepted at 20 min but its
    # submission fails; ids[2] never passes; ids[3] submits accepted at 30 min; ids[4] submits accepted at 12 min.
    await _run(db, ids[0], "run", "wrong_answer", start + timedelta(minutes=3))
    await _run(db, ids[0], "run", "accepted", start + timedelta(minutes=6))
    await _run(db, ids[0], "submit", "accepted", start + timedelta(minutes=10))
    await _run(db, ids[1], "run", "accepted", start + timedelta(minutes=20))
    await _run(db, ids[1], "submit", "wrong_answer", start + timedelta(minutes=25))
    await _run(db, ids[2], "run", "compile_error", start + timedelta(minutes=5))
    await _run(db, ids[3], "submit", "accepted", start + timedelta(minutes=30))
    await _run(db, ids[4], "submit", "accepted", start + timedelta(minutes=12))
    await _hints(db, ids[0], 1)
    await _hints(db, ids[2], 3)
    await _hints(db, ids[3], 1)
    await _hints(db, ids[6], 5)  # not finished: not in the average
    # Another organisation's sessions on the same day change nothing.
    other_org, other_key = await api_server.create_org("Other")
    await insert_sessions(
        db, other_org, [{"question_id": q["two-sum"], "status": "abandoned", "created_at": _at(day)}]
    )

    body = await _summary(api_server)

    assert body["range"] == {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}
    assert body["timezone"] == "UTC"
    assert body["sessions"] == 8
    assert body["by_status"] == {
        "scheduled": 2,
        "in_progress": 0,
        "completed": 4,
        "abandoned": 1,
        "cancelled": 1,
    }
    assert body["completion_rate"] == round(4 / 6, 4)  # 4 completed of 4 + 1 abandoned + 1 expired
    assert body["recommendations"] == {"strong_no_hire": 0, "no_hire": 1, "hire": 1, "strong_hire": 1}
    assert body["graded_sessions"] == 3
    assert body["dimensions"]["problem_solving"] == {
        "average": 3.0,
        "count": 3,
        "scores": {"1": 0, "2": 1, "3": 1, "4": 1},
    }
    assert body["dimensions"]["communication"] == {
        "average": round((4 + 1 + 3) / 3, 2),
        "count": 3,
        "scores": {"1": 1, "2": 0, "3": 1, "4": 1},
    }
    assert body["questions"] == [
        {
            "question_id": str(q["two-sum"]),
            "slug": "two-sum",
            "title": "Two Sum",
            "sessions": 4,
            "passed": 2,
            "pass_rate": 0.5,
            "median_time_to_first_pass_s": 20 * 60.0,
        },  # first passes at 6, 20, 30 min
        {
            "question_id": str(q["valid-parentheses"]),
            "slug": "valid-parentheses",
            "title": "Valid Parentheses",
            "sessions": 1,
            "passed": 1,
            "pass_rate": 1.0,
            "median_time_to_first_pass_s": 12 * 60.0,
        },
    ]
    assert body["average_hints"] == 1.0  # (1 + 0 + 3 + 1 + 0) / 5 finished
    assert body["needs_human_review"] == 1
    assert body["scorecards"] == {"pending": 1, "ready": 2, "failed": 1}

    theirs = await _summary(api_server, other_key)
    assert (
        theirs["sessions"] == 1 and theirs["by_status"]["abandoned"] == 1 and theirs["completion_rate"] == 0.0
    )


async def test_date_range_is_inclusive_in_utc_and_defaults_to_the_last_30_days(
    api_server: ApiServer, db: Conn
) -> None:
    today = _today()
    q = await question_ids(db)
    first, last = date(2026, 3, 1), date(2026, 3, 31)
    edges = {
        "before": _at(first - timedelta(days=1), 23, 59, 59, 999999),
        "first": _at(first, 0, 0, 0),
        "last": _at(last, 23, 59, 59, 999999),
        "after": _at(last + timedelta(days=1), 0, 0, 0),
        "default_oldest": _at(today - timedelta(days=29), 0, 0, 1),
        "default_too_old": _at(today - timedelta(days=30), 23, 59, 59),
        "today": _at(today, 0, 0, 1),
    }
    await insert_sessions(
        db,
        api_server.org_id,
        [{"question_id": q["two-sum"], "status": "completed", "created_at": at} for at in edges.values()],
    )
    march = await _summary(api_server, **{"from": "2026-03-01", "to": "2026-03-31"})
    assert march["sessions"] == 2  # first and last, not the ones a microsecond outside
    one_day = await _summary(api_server, **{"from": "2026-03-01", "to": "2026-03-01"})
    assert one_day["sessions"] == 1
    default = await _summary(api_server)
    assert default["sessions"] == 2  # default_oldest and today
    only_to = await _summary(api_server, to="2026-03-31")
    assert only_to["range"] == {"from": "2026-03-02", "to": "2026-03-31"} and only_to["sessions"] == 1
    only_from = await _summary(api_server, **{"from": (today - timedelta(days=29)).isoformat()})
    assert only_from["range"]["to"] == today.isoformat() and only_from["sessions"] == 2
    empty = await _summary(api_server, **{"from": "2020-01-01", "to": "2020-01-02"})
    assert empty["sessions"] == 0 and empty["completion_rate"] is None and empty["average_hints"] is None
    assert empty["dimensions"]["coding"] == {
        "average": None,
        "count": 0,
        "scores": {"1": 0, "2": 0, "3": 0, "4": 0},
    }
    assert empty["questions"] == []

    for params in (
        {"from": "2026-03-02", "to": "2026-03-01"},
        {"from": "yesterday"},
        {"to": "2026-02-30"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"to": "9999-12-31"},  # the range ends at the start of the next day, past the last date there is
        {"from": "9999-12-31"},
    ):
        r = await api_server.client.get(
            "/v1/analytics/summary", params=params, headers=api_server.org_headers()
        )
        assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), params


async def test_ranges_at_the_ends_of_the_calendar_are_a_422_or_figures_never_a_server_error(
    api_server: ApiServer,
) -> None:
    h = api_server.org_headers()
    for path in ("/v1/analytics/summary", "/v1/analytics"):
        for params in ({"to": "9999-12-31"}, {"from": "9999-12-31", "to": "9999-12-31"}):
            r = await api_server.client.get(path, params=params, headers=h)
            assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), (path, params)
        # The default 30 days back from a `to` in the first days of year 1 start on 0001-01-01.
        r = await api_server.client.get(path, params={"to": "0001-01-05"}, headers=h)
        assert r.status_code == 200, path
    r = await api_server.client.get("/v1/analytics/summary", params={"to": "0001-01-05"}, headers=h)
    assert r.json()["range"] == {"from": "0001-01-01", "to": "0001-01-05"}
    r = await api_server.client.get(
        "/v1/analytics/summary", params={"from": "9999-12-30", "to": "9999-12-30"}, headers=h
    )
    assert (r.status_code, r.json()["sessions"]) == (200, 0)


async def test_analytics_page_shows_and_embeds_the_same_figures(api_server: ApiServer, db: Conn) -> None:
    q = await question_ids(db)
    ids = await insert_sessions(
        db,
        api_server.org_id,
        [
            {"question_id": q["two-sum"], "status": "completed", "name": "<img src=x onerror=alert(1)>"}
            for _ in range(3)
        ],
    )
    await add_scorecard(db, ids[0], scores=(4, 4, 4, 4))
    summary = await _summary(api_server)
    r = await api_server.client.get("/v1/analytics", headers=api_server.org_headers())
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-store" and r.headers["x-robots-tag"].startswith("noindex")
    embedded = re.search(r'<script type="application/json" id="analytics-data">(.*?)</script>', r.text, re.S)
    assert embedded and json.loads(embedded.group(1)) == summary
    assert "Acme Hiring" in r.text and "Two Sum" in r.text and "onerror" not in r.text
    assert (await api_server.client.get("/v1/analytics")).status_code == 401


async def test_figures_that_take_too_long_are_a_503_and_the_query_is_cancelled(
    api_server: ApiServer, db: Conn
) -> None:
    # An organisation's three-year range is its own to ask for, but not a query that holds a connection and a
    # backend for as long as it takes. Here a lock held elsewhere makes the figures wait: they wait no longer than
    # the timeout, and the query does not go on in PostgreSQL after the answer.
    api_server.settings.analytics_timeout_s = 0.5
    locker = await psycopg.AsyncConnection.connect(api_server.settings.database_url or "")
    async with locker, locker.transaction():
        await locker.execute("lock table sessions in access exclusive mode")
        r = await api_server.client.get("/v1/analytics/summary", headers=api_server.org_headers())
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "analytics_timeout"
        assert r.headers["retry-after"] == "30"
        waiting = await db.execute(
            "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and pid <> pg_backend_pid()"
        )
        assert (await waiting.fetchone() or {}).get("n") == 0
    api_server.settings.analytics_timeout_s = 15.0
    assert (await _summary(api_server))["sessions"] == 0
