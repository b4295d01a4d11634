"""A report without a scorecard's facts (not graded yet, or its grading failed) states the time used as the grader's
facts count it (`grader/time_used.py`), to the interview's own end: it read `ended_at - started_at`, and a session
the stall sweep closed an hour after the interviewer's END read as a candidate who overran by an hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo, sessions_repo, time_used_repo
from api.db.bundle_repo import bundle_session, load_bundle_input
from api.report_view import load_report
from api.web_assets import WebAssets
from grader.facts import compute_facts
from grader.schemas import BundleEvent
from grader.time_used import Record, record_time_used
from tests.api.report_support import add_events, grade, seed_interview
from tests.conftest import ApiServer

pytestmark = pytest.mark.usefixtures("web_dist")
Conn = psycopg.AsyncConnection[DictRow]

END_S = 41 * 60  # the interviewer's END
CLOSED_S = END_S + 3600  # the stall sweep's close, an hour later


@pytest.mark.parametrize("scorecard", ["pending", "failed"])
async def test_an_ungraded_report_of_a_session_closed_an_hour_late_counts_to_the_interviews_end(
    api_server: ApiServer, db: Conn, scorecard: Literal["pending", "failed"]
) -> None:
    seeded = await seed_interview(api_server, db)
    await add_events(
        db, seeded, events_repo.EventIn("seed:end", "phase_change", {"from": "wrap_up", "to": "end"}, END_S)
    )
    await grade(db, seeded, scorecard)
    # Every event stored when it happened (`t` on the database's clock), the session closed by the sweep.
    started = datetime.now(UTC) - timedelta(seconds=CLOSED_S + 60)
    await db.execute(
        "update sessions set started_at = %s, ended_at = %s, status = 'abandoned', end_reason = 'stalled' "
        "where id = %s",
        (started, started + timedelta(seconds=CLOSED_S), seeded.id),
    )
    async with db.transaction():  # the log is append-only (a trigger): lifted for this one update
        await db.execute("alter table session_events disable trigger session_events_no_update")
        await db.execute(
            "update session_events set created_at = %s + make_interval(secs => coalesce(t, 0)) "
            "where session_id = %s",
            (started, seeded.id),
        )
        await db.execute("alter table session_events enable trigger session_events_no_update")
    await db.execute(
        "update submissions set created_at = %s + interval '260 seconds' where session_id = %s",
        (started, seeded.id),
    )
    session = await sessions_repo.get_session(db, seeded.id)
    assert session is not None
    page = await load_report(
        db, session, view="org", timeline_url=None, assets=WebAssets(Path("/nonexistent"))
    )
    assert page.facts_from_grader is False
    assert page.facts.time_used_s == END_S  # not CLOSED_S
    # The grader's facts, once it grades this record, state the same time.
    bundle = await load_bundle_input(db, seeded.id)
    assert bundle is not None
    assert compute_facts(bundle).time_used_s == END_S


async def test_the_reduced_read_of_a_long_record_counts_what_the_whole_record_counts(
    api_server: ApiServer, db: Conn
) -> None:
    """`time_used_repo` hands the count only the few events it can use: on a record of hundreds of events (the
    candidate's last line well before the interviewer's, the grader's own submission the latest of all), every way
    of counting (to the END, the candidate's last activity, the record's last moment) gives what the whole record
    gives."""
    seeded = await seed_interview(api_server, db)
    started = datetime.now(UTC) - timedelta(hours=3)
    await db.execute(
        "update sessions set started_at = %s, ended_at = %s, status = 'abandoned' where id = %s",
        (started, started + timedelta(hours=2), seeded.id),
    )
    cur = await db.execute(
        "select id::text as id from submissions where session_id = %s order by created_at, id", (seeded.id,)
    )
    run, graders = [r["id"] for r in await cur.fetchall()][:2]
    async with db.transaction():  # the log is append-only (a trigger): lifted for this one update
        await db.execute("alter table session_events disable trigger session_events_no_update")
        await db.execute(
            "update session_events set created_at = %s + make_interval(secs => coalesce(t, 0)) "
            "where session_id = %s",
            (started, seeded.id),
        )
        await db.execute("alter table session_events enable trigger session_events_no_update")
    # 600 more events: the candidate types and speaks until 898 s, the interviewer goes on alone until 1500 s.
    await db.execute(
        """
        insert into session_events (session_id, seq, idempotency_key, type, t, payload, created_at)
        select %(id)s, m.seq + i, 'bulk:' || i,
          case when i %% 2 = 1 then 'transcript' when i < 300 then 'editor_snapshot' else 'turn_metrics' end,
          300 + i * 2,
          case when i %% 2 = 1
               then jsonb_build_object('role', case when i < 300 then 'user' else 'assistant' end, 'text', 'x')
               else jsonb_build_object('code', repeat('y', 200)) end,
          %(started)s + make_interval(secs => 300 + i * 2)
        from generate_series(1, 600) i, (select max(seq) as seq from session_events where session_id = %(id)s) m
        """,
        {"id": seeded.id, "started": started},
    )
    # The grader's own submission, stored after everything else, names the seeded submit (stored last too).
    await events_repo.append_events(
        db, seeded.id,
        [events_repo.EventIn("grader:final", "submission", {"by": "grader", "submission_id": graders}, 9000)],
    )  # fmt: skip
    await db.execute(
        "update submissions set created_at = %s where id::text = %s",
        (started + timedelta(seconds=7000), graders),
    )
    await db.execute(
        "update submissions set created_at = %s where id::text = %s", (started + timedelta(seconds=800), run)
    )

    async def whole(session: dict[str, object], left_out: dict[str, object]) -> float | None:
        """The count over every event and run, read the way time_used_repo read them before it picked rows."""
        cur = await db.execute(
            """
            select seq, type, t, created_at,
              jsonb_strip_nulls(jsonb_build_object(
                'role', payload->'role', 'to', payload->'to', 'by', payload->'by',
                'submission_id', payload->'submission_id'
              )) as payload
            from session_events where session_id = %s order by seq
            """,
            (seeded.id,),
        )
        events = [
            BundleEvent(
                seq=e["seq"], type=e["type"], t=e["t"], payload=e["payload"], stored_at=e["created_at"]
            )
            for e in await cur.fetchall()
        ]
        assert len(events) > 600
        cur = await db.execute("select id, created_at from submissions where session_id = %s", (seeded.id,))
        runs = [_Run(str(r["id"]), r["created_at"]) for r in await cur.fetchall()]
        return record_time_used(Record(bundle_session(session, left_out), events, runs)).seconds

    seen: list[float | None] = []
    for end_reason, record_full_s, with_end in [
        ("stalled", None, False),  # the candidate's last activity
        ("room_finished", 1800.0, False),  # record cut: the last moment the record shows
        (
            "agent_shutdown",
            None,
            False,
        ),  # the last moment the record shows, the grader's submission not counted
        ("stalled", None, True),  # the interviewer's END
    ]:
        if with_end:  # two ENDs, stored at 2400 s and 2500 s: the first counts
            await db.execute(
                """
                insert into session_events (session_id, seq, idempotency_key, type, t, payload, created_at)
                select %(id)s, m.seq + i, 'end:' || i, 'phase_change', 0, '{"to": "end"}',
                  %(started)s + make_interval(secs => 2300 + i * 100)
                from generate_series(1, 2) i, (select max(seq) as seq from session_events where session_id = %(id)s) m
                """,
                {"id": seeded.id, "started": started},
            )
        session = await sessions_repo.get_session(db, seeded.id)
        assert session is not None
        session["end_reason"] = end_reason
        left_out: dict[str, object] = {"record_full_s": record_full_s, "observations_capped_s": None}
        expected = await whole(session, left_out)
        assert await time_used_repo.time_used_s(db, session, left_out) == expected
        seen.append(expected)
    assert seen == [898.0, 1800.0, 1500.0, 2400.0]  # each way of counting, to its own moment


@dataclass(frozen=True)
class _Run:
    id: str
    created_at: datetime
