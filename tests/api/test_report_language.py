"""One language for an interview wherever it is stated: the language of the final code (grader/facts.py,
`answer_language`). A candidate who switched language mid-interview was reported in the report's header as one
language and in its facts as another: the header stated the session's `language`, the facts of a graded report the
last snapshot's, though the final code (a Submit that locked the answer, before the candidate switched the editor)
was in the first; and a session that ended with no final code printed the last snapshot's code as the answer under
a header naming the scheduled language."""

from __future__ import annotations

import io
import re
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb
from pypdf import PdfReader

from api.db import bundle_repo, events_repo, scorecards_repo
from grader.facts import compute_facts
from tests.api.report_support import Seeded, scorecard_for
from tests.conftest import ApiServer

pytestmark = pytest.mark.usefixtures("web_dist")

Conn = psycopg.AsyncConnection[DictRow]
PYTHON = "def two_sum(nums, target):\n    return [0, 1]\n"
JAVA = "class Solution {\n  int[] twoSum(int[] nums, int target) { return new int[] {0, 1}; }\n}\n"
HEADER_META = re.compile(r'<p class="meta">(.*?)</p>', re.DOTALL)
FACT_LANGUAGE = re.compile(r"<dt>Language</dt><dd>(\w+)</dd>")


async def _switched(server: ApiServer, db: Conn, *, submit_first: bool) -> str:
    """An interview scheduled in python (java allowed) whose editor switched to java. `submit_first`: the candidate
    submitted their python first, which locks the final answer; else the session ends with no code handed in and
    no draft, so it has no final code and the report prints the last snapshot's."""
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    qid = (await cur.fetchone())["id"]  # type: ignore[index]  # the bank is loaded
    session = await server.create_session(
        question_id=str(qid), language="python", languages=["python", "java"]
    )
    sid = str(session["id"])
    base = f"/v1/internal/sessions/{sid}"
    assert (await server.agent_start(session)).status_code == 200
    events: list[events_repo.EventIn] = [
        events_repo.EventIn("snap:py", "editor_snapshot", {"language": "python", "code": PYTHON}, 60.0)
    ]
    if submit_first:
        result = {"verdict": "accepted", "passed": 1, "total": 1, "mode": "submit", "timings": {},
                  "tests": [{"id": "example_0", "verdict": "accepted", "hidden": False, "time_ms": 1}]}  # fmt: skip
        cur = await db.execute(
            """
            insert into submissions (question_id, session_id, language, code, result_json, kind, verdict)
            values (%s, %s, 'python', %s, %s, 'submit', 'accepted') returning id
            """,
            (qid, sid, PYTHON, Jsonb(result)),
        )
        sub = await cur.fetchone()
        assert sub is not None
        events.append(
            events_repo.EventIn(
                "submit:py",
                "submission",
                {
                    "submission_id": str(sub["id"]),
                    "by": "candidate",
                    "mode": "submit",
                    "language": "python",
                    "verdict": "accepted",
                    "passed": 1,
                    "total": 1,
                    "tests": result["tests"],
                    "timings": {},
                },
                90.0,
            )
        )
    events.append(
        events_repo.EventIn("snap:java", "editor_snapshot", {"language": "java", "code": JAVA}, 120.0)
    )
    assert await events_repo.append_events(db, sid, events) is not None
    ending: dict[str, Any] = {"final_code": JAVA, "language": "java"} if submit_first else {}
    r = await server.client.post(f"{base}/complete", json=ending, headers=server.internal_headers())
    assert r.status_code == 200, r.text
    return sid


async def _grade_with_the_graders_facts(db: Conn, sid: str) -> str | None:
    """Store a ready version 1 carrying the facts the grader computes from the session's record."""
    bundle = await bundle_repo.load_bundle_input(db, sid)
    assert bundle is not None
    facts = compute_facts(bundle)
    cur = await db.execute(
        "select seq from session_events where session_id = %s and type = 'editor_snapshot' order by seq limit 1",
        (sid,),
    )
    snap = (await cur.fetchone())["seq"]  # type: ignore[index]  # the session has one
    card = scorecard_for(Seeded({"id": sid}, {"plan": snap, "snap3": snap, "run": snap}))
    assert await scorecards_repo.store_outcome(
        db, sid, 1, status="ready", reason=None, scorecard=card.model_dump(mode="json"),
        recommendation=card.recommendation, overall_score=card.overall_score(),
        facts=facts.model_dump(mode="json"), needs_human_review=False, model="fake-grader", prompt_version="p1",
        rubric_version="r1", input_tokens=1, output_tokens=1, cost_usd=0.0, samples=1, duration_ms=1,
    )  # fmt: skip
    return facts.language


async def _stated(server: ApiServer, sid: str) -> dict[str, Any]:
    """The language every place states for the session."""
    headers = server.org_headers()
    page = (await server.client.get(f"/v1/sessions/{sid}/report", headers=headers)).text
    meta = HEADER_META.search(page)
    assert meta is not None
    spans = re.findall(r"<span>(\w+)</span>", meta.group(1))
    facts = FACT_LANGUAGE.findall(page)
    pdf = await server.client.get(f"/v1/sessions/{sid}/report.pdf", headers=headers)
    assert pdf.status_code == 200, pdf.text[:300]
    printed = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    scorecard = (await server.client.get(f"/v1/sessions/{sid}/scorecard", headers=headers)).json()
    return {
        "header": spans,
        "facts": facts,
        "pdf_facts": re.findall(r"Language (\w+)", printed),
        "scorecard": (scorecard.get("facts") or {}).get("language"),
        "session": (await server.client.get(f"/v1/sessions/{sid}", headers=headers)).json()["language"],
    }


async def test_an_answer_locked_before_the_switch_is_stated_in_its_own_language_everywhere(
    api_server: ApiServer, db: Conn
) -> None:
    sid = await _switched(api_server, db, submit_first=True)
    pending = await _stated(api_server, sid)
    assert pending["header"][-1:] == ["python"] and pending["facts"] == ["python"], pending
    assert pending["session"] == "python"
    assert await _grade_with_the_graders_facts(db, sid) == "python"  # the last snapshot's java before
    graded = await _stated(api_server, sid)
    assert graded["header"][-1:] == ["python"], graded
    assert graded["facts"] == ["python"] and graded["pdf_facts"] == ["python"], graded
    assert graded["scorecard"] == "python" and graded["session"] == "python", graded


async def test_a_session_without_final_code_is_stated_in_the_language_of_the_code_it_prints(
    api_server: ApiServer, db: Conn
) -> None:
    sid = await _switched(api_server, db, submit_first=False)
    pending = await _stated(api_server, sid)
    # The report prints the last snapshot's java as the final code: its header and facts say java (python before).
    assert pending["header"][-1:] == ["java"] and pending["facts"] == ["java"], pending
    assert await _grade_with_the_graders_facts(db, sid) == "java"
    graded = await _stated(api_server, sid)
    assert graded["header"][-1:] == ["java"], graded
    assert graded["facts"] == ["java"] and graded["pdf_facts"] == ["java"] and graded["scorecard"] == "java"
