"""The per-session budget on code stored with runs and submissions (SHADOWS_API_RUN_CODE_BUDGET_BYTES): past it a
run is still judged and recorded, only its code is left out and marked; the newest Submit always keeps its code
(the budget's one reserved slot); every reader (timeline, grader's bundle, session dump) says which code was not
kept."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow, dict_row

from api.artifacts import build_dump
from api.db import bundle_repo, runs_repo, sessions_repo
from api.settings import ApiSettings
from grader.bundle import build_bundle
from grader.facts import compute_facts
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

BUDGET = 10_000
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(update={"run_code_budget_bytes": BUDGET})


def _report() -> dict[str, Any]:
    return {
        "verdict": "accepted",
        "passed": 1,
        "total": 1,
        "tests": [{"id": "example-1", "verdict": "accepted", "hidden": False}],
        "timings": {},
    }


async def _store(db: Conn, sid: str, code: str, mode: str = "run", budget: int | None = BUDGET) -> str:
    cur = await db.execute("select question_id from sessions where id = %s", (sid,))
    question_id = (await cur.fetchone())["question_id"]
    submission_id, seq = await runs_repo.store_run(
        db,
        runs_repo.FinishedRun(
            session_id=sid,
            question_id=question_id,
            caller="candidate",
            lease=None,
            mode=mode,
            language="python",
            code=code,
            verdict="accepted",
            report=_report(),
        ),
        code_budget=budget,
    )
    assert seq is not None  # the run's event is recorded whether or not its code is kept
    return submission_id


async def _rows(db: Conn, sid: str) -> list[dict]:
    cur = await db.execute(
        "select id::text, kind, case when code_omitted then null else code end as code, code_omitted, code_bytes, "
        "code_sha256, verdict from submissions "
        "where session_id = %s order by created_at, id",
        (sid,),
    )
    return await cur.fetchall()


async def _used(db: Conn, sid: str) -> int:
    cur = await db.execute("select run_code_bytes from sessions where id = %s", (sid,))
    return int((await cur.fetchone())["run_code_bytes"])


def _sha(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def test_runs_past_the_budget_are_recorded_without_their_code_and_marked(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    ids = [await _store(db, s["id"], f"# {i:03d}\n" + "é" * 496 + "xx") for i in range(15)]  # 1 000 bytes

    rows = await _rows(db, s["id"])
    assert [r["id"] for r in rows] == ids and all(r["verdict"] == "accepted" for r in rows)
    assert [r["code"] is not None for r in rows] == [True] * 10 + [False] * 5
    assert [r["code_omitted"] for r in rows] == [False] * 10 + [True] * 5
    cur = await db.execute("select code from submissions where id = %s", (rows[10]["id"],))
    # The design note's `code` stays not null; nothing of the code is kept.
    assert (await cur.fetchone())["code"] == ""
    omitted = rows[10]
    assert omitted["code_bytes"] == 1000
    assert omitted["code_sha256"] == _sha("# 010\n" + "é" * 496 + "xx")
    assert await _used(db, s["id"]) == BUDGET
    cur = await db.execute(
        "select count(*) as n from session_events where session_id = %s and type = 'test_run'", (s["id"],)
    )
    assert (await cur.fetchone())["n"] == 15


async def test_the_newest_submit_past_the_budget_keeps_its_code_and_an_older_one_gives_its_room_back(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await _store(db, s["id"], "r" * BUDGET)  # the budget is spent on runs
    first = await _store(db, s["id"], "a" * 3_000, mode="submit")
    assert {r["id"]: r["code"] for r in await _rows(db, s["id"])}[first] == "a" * 3_000

    await _store(db, s["id"], "late run")  # a run past the budget: no code
    last = await _store(db, s["id"], "b" * 2_000, mode="submit")

    rows = {r["id"]: r for r in await _rows(db, s["id"])}
    assert rows[last]["code"] == "b" * 2_000  # the final Submit: what the grader and the reader need
    # The earlier over-budget Submit gave its room back (at most one such is ever held), marked like any other.
    assert rows[first]["code"] is None and rows[first]["code_omitted"] is True
    assert (rows[first]["code_bytes"], rows[first]["code_sha256"]) == (3_000, _sha("a" * 3_000))
    assert sum(1 for r in rows.values() if r["kind"] == "run" and r["code"] is None) == 1
    assert await _used(db, s["id"]) == BUDGET


async def test_a_submit_within_the_budget_is_counted_like_a_run(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    await _store(db, s["id"], "s" * 6_000, mode="submit")
    await _store(db, s["id"], "r" * 5_000)  # would pass the budget

    rows = await _rows(db, s["id"])
    assert [r["code"] is not None for r in rows] == [True, False]
    assert await _used(db, s["id"]) == 6_000


async def test_concurrent_stores_cannot_both_take_the_last_room(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    s = await api_server.create_session()
    await _store(db, s["id"], "a" * 7_000)

    async def one(i: int) -> None:
        async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as c:
            await _store(c, s["id"], f"{i:02d}" + "b" * 2_998)

    await asyncio.gather(*(one(i) for i in range(8)))

    rows = await _rows(db, s["id"])
    assert sum(1 for r in rows if r["code"] is not None) == 2  # the first, and exactly one of the eight
    assert await _used(db, s["id"]) == 10_000


async def test_timeline_dump_and_grading_bundle_say_which_run_code_was_not_kept(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    for i in range(10):  # 60 KB runs, many times over a 10 000-byte budget
        await _store(db, s["id"], f"# {i}\n" + "z" * 60_000)
    await _store(db, s["id"], "def f():\n    return 1\n", mode="submit")

    r = await api_server.client.get(f"/v1/sessions/{s['id']}/timeline", headers=api_server.org_headers())
    assert r.status_code == 200
    assert len(r.content) < BUDGET + 10_000  # not 600 KB
    runs = [e for e in r.json()["events"] if e["type"] in ("test_run", "submission")]
    assert len(runs) == 11
    assert all(
        e["code"] is None and e["code_omitted"] is True and e["code_bytes"] == 60_000 + len(f"# {i}\n")
        for i, e in enumerate(runs[:10])
    )
    assert runs[10]["code"] == "def f():\n    return 1\n" and "code_omitted" not in runs[10]

    bundle_in = await bundle_repo.load_bundle_input(db, s["id"])
    assert bundle_in is not None
    assert [run.code is None for run in bundle_in.runs] == [True] * 10 + [False]
    assert all(run.code_bytes == 60_000 + len(f"# {i}\n") for i, run in enumerate(bundle_in.runs[:10]))
    text = build_bundle(bundle_in, compute_facts(bundle_in)).interview
    assert "z" * 100 not in text
    assert "code not kept: this session exceeded its recording budget" in text

    session = await sessions_repo.get_session(db, s["id"])
    dump = json.loads(await build_dump(db, session))
    assert len(dump["runs"]) == 11
    first = dump["runs"][0]
    assert first["code"] is None and first["code_omitted"] is True
    assert (first["code_bytes"], first["code_sha256"]) == (60_004, _sha("# 0\n" + "z" * 60_000))
    assert dump["runs"][10]["code_omitted"] is False


async def test_without_a_budget_every_runs_code_is_kept(api_server: ApiServer, db: Conn) -> None:
    # The grader's own final submission stores with no budget (it is one Submit, after the interview).
    s = await api_server.create_session()
    for i in range(3):
        await _store(db, s["id"], f"{i}" + "x" * 9_000, budget=None)
    assert all(r["code"] is not None for r in await _rows(db, s["id"]))
    assert await _used(db, s["id"]) == 27_003


async def test_an_honest_session_keeps_all_its_run_code_under_the_default_budget() -> None:
    # 300 runs an hour (the default run rate limit) over a 90-minute interview at 10 KB of code each: 4.5 MB.
    assert ApiSettings.model_fields["run_code_budget_bytes"].default == 8 * 1024 * 1024
    assert 450 * 10_000 < 8 * 1024 * 1024


@pytest.mark.sandbox
async def test_a_candidate_run_past_the_budget_is_judged_and_answered_in_full(
    api_server: ApiServer, db: Conn
) -> None:
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    qid = str((await cur.fetchone())["id"])
    s = await api_server.create_session(question_id=qid)
    r = await api_server.agent_start(s)
    assert r.status_code == 200, r.text
    await db.execute("update sessions set run_code_bytes = %s where id = %s", (BUDGET, s["id"]))
    code = (ROOT / "questions/two-sum/reference.py").read_text()

    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/runs",
        json={"language": "python", "code": code},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )

    assert r.status_code == 200, r.text
    assert r.json()["verdict"] == "accepted"
    rows = await _rows(db, s["id"])
    assert [(row["kind"], row["code"], row["code_sha256"]) for row in rows] == [("run", None, _sha(code))]
