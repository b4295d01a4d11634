"""A citation of a run of custom input says so on the report and in its PDF, as the runs table and the replay do: the
candidate's own inputs with no expected values, so every call that returns is `accepted` and nothing was checked.
Its card read "Run · 5:00", the label of a run of the question's tests, beside the grader's claim it supports."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from api.db import events_repo, sessions_repo
from api.report_pages import report_html
from api.report_view import load_report
from api.web_assets import WebAssets
from tests.api.report_support import CODE_V3, grade, seed_interview
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
WHERE = re.compile(r'<span class="evidence-where">([^<]*)</span>')


async def test_a_cited_run_of_custom_input_is_labelled_as_one_on_the_page_and_in_print(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    tests = [{"id": f"custom-{i}", "verdict": "accepted", "hidden": False} for i in range(1, 6)]
    cur = await db.execute(
        """
        insert into submissions (question_id, session_id, language, code, result_json, kind, verdict)
        values (%s, %s, 'python', %s, %s, 'run', 'accepted') returning id
        """,
        (
            seeded.session["question_id"],
            seeded.id,
            CODE_V3,
            Jsonb({"verdict": "accepted", "passed": 5, "total": 5, "tests": tests, "custom": True}),
        ),
    )
    row = await cur.fetchone()
    assert row is not None
    payload = {
        "submission_id": str(row["id"]),
        "by": "candidate",
        "mode": "run",
        "language": "python",
        "verdict": "accepted",
        "passed": 5,
        "total": 5,
        "tests": tests,
        "custom": True,
    }
    stored = await events_repo.append_events(
        db, seeded.id, [events_repo.EventIn("custom:run", "test_run", payload, 300.0)]
    )
    assert stored is not None
    await grade(db, seeded)
    # The grader cites the custom run for verification; the seeded run of the question's tests stays cited too.
    await db.execute(
        """
        update scorecards set scorecard = jsonb_set(scorecard, '{dimensions,verification,evidence}',
          jsonb_build_array(jsonb_build_object('seq', %s::int, 'quote', ''),
            jsonb_build_object('seq', %s::int, 'quote', '')))
        where session_id = %s
        """,
        (stored[0].seq, seeded.seqs["run"], seeded.id),
    )
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200, page.text[:300]
    labels = WHERE.findall(page.text)
    assert "Run of custom input (nothing checked) · 5:00" in labels, labels
    assert "Run · 3:30" in labels, labels  # a run of the question's tests is a run
    assert "Run · 5:00" not in labels

    # Printed (the PDF is this page in print mode), the same.
    session = await sessions_repo.get_session(db, seeded.id)
    assert session is not None
    loaded = await load_report(
        db, session, view="org", timeline_url=None, assets=WebAssets(Path("/nonexistent"))
    )
    printed, _ = report_html(loaded, print_mode=True)
    assert "Run of custom input (nothing checked) · 5:00" in WHERE.findall(printed)
