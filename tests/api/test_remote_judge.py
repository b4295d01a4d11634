"""The API with `SHADOWS_JUDGE_BACKEND=remote` in front of two real judge services (subprocesses, real sandbox): a
full service's runs go to the other, and killing one mid-load loses and duplicates no run."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from pydantic import SecretStr

from api.app import create_app
from api.db.orgs_repo import create_org
from api.db.pool import connection
from api.settings import ApiSettings
from judge.bank import load_question
from judge.schemas import RunLimits, RunRequest
from judge.settings import JudgeSettings
from tests.conftest import ApiServer, free_port
from tests.judge import judge_service
from tests.judge.judge_service import TOKEN, JudgeService, auth, envelope
from tests.served import InProcessServer

pytestmark = pytest.mark.sandbox

ROOT = Path(__file__).resolve().parents[2]
RUNS = 8
# The reference, sleeping 1 s in its first test: long enough to be caught in flight, well within the 2 s limit.
SLOW_TWO_SUM = (
    "import time\n_slept = False\n\n"
    + (ROOT / "questions/two-sum/reference.py").read_text()
    .replace("def two_sum(nums: list[int], target: int) -> list[int]:\n",
             "def two_sum(nums: list[int], target: int) -> list[int]:\n    global _slept\n"
             "    if not _slept:\n        _slept = True\n        time.sleep(1.0)\n")
)  # fmt: skip

# Occupies a judge's slot for 4 s (sent to it directly).
FILLER = RunRequest.for_question(
    load_question(ROOT / "tests/judge/questions/sum-pair"),
    language="python",
    source="import time\n\ndef sum_pair(a, b):\n    if a == 0:\n        time.sleep(4)\n    return a + b\n",
    limits=RunLimits(time_limit_s=8),
)


@asynccontextmanager
async def _api(api_settings: ApiSettings, judge_settings: JudgeSettings) -> AsyncIterator[ApiServer]:
    port = free_port()
    settings = api_settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    app = create_app(settings, judge_settings)
    server = InProcessServer(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(60):
            while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to await
                await asyncio.sleep(0.01)
        async with connection(app.state.pool) as conn:
            org_id, key = await create_org(conn, "Acme Hiring")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=180) as client:
            yield ApiServer(
                url=f"http://127.0.0.1:{port}", settings=settings, org_id=str(org_id), org_key=key, client=client,
                app=app,
            )  # fmt: skip
    finally:
        server.should_exit = True
        await task


async def _started_session(api: ApiServer, question_id: str) -> dict:
    created = await api.create_session(question_id=question_id)
    r = await api.agent_start(created)
    assert r.status_code == 200, r.text
    return created


async def _run(api: ApiServer, session: dict) -> httpx.Response:
    return await api.client.post(
        f"/v1/sessions/{session['id']}/runs",
        json={"language": "python", "code": SLOW_TWO_SUM},
        headers={"Authorization": f"Bearer {session['invite']}"},
    )


def _in_flight(service: JudgeService) -> set[str]:
    """Run ids the service started and neither finished nor refused as busy."""
    started = set(service.run_ids("judge.run.started"))
    return started - set(service.run_ids("judge.run.finished")) - set(service.run_ids("judge.run.busy"))


async def test_runs_avoid_a_full_judge_and_survive_one_killed_mid_load(api_settings, db, tmp_path) -> None:
    a = judge_service.launch(tmp_path, "a", SHADOWS_JUDGE_QUEUE_SIZE="0")  # full with one run
    b = judge_service.launch(tmp_path, "b", SHADOWS_JUDGE_QUEUE_SIZE=str(2 * RUNS))
    try:
        for service in (a, b):
            service.url = service.wait_for("judge.serve.listening")["url"]
            service.wait_for("judge.serve.ready")
        judge_settings = JudgeSettings(
            _env_file=None,  # type: ignore[call-arg]
            backend="remote",
            remote_urls=f"{a.url},{b.url}",
            remote_token=SecretStr(TOKEN),
            remote_poll_s=0.2,
            slots=RUNS,  # the API admits this many runs at once (its judges have the slots)
        )
        cur = await db.execute("select id from questions where slug = 'two-sum'")
        question_id = str((await cur.fetchone())["id"])
        async with _api(api_settings, judge_settings) as api:
            # 1. A is full: the API's run goes to B, and A never runs it.
            async with httpx.AsyncClient(base_url=a.url, timeout=120, headers=auth()) as direct:
                filler_id = secrets.token_hex(16)
                filler = asyncio.create_task(direct.post("/v1/runs", json=envelope(filler_id, FILLER)))
                async with asyncio.timeout(60):
                    while (await direct.get("/readyz")).json()["running"] != 1:  # noqa: ASYNC110
                        await asyncio.sleep(0.02)
                a_before, b_before = a.run_ids("judge.run.finished"), b.run_ids("judge.run.finished")
                r = await _run(api, await _started_session(api, question_id))
                assert r.status_code == 200, r.text
                assert (r.json()["verdict"], r.json()["backend"]) == ("accepted", "remote")
                assert sum((b.run_ids("judge.run.finished") - b_before).values()) == 1
                # A ran nothing but the filler, which may finish meanwhile (its 4 s are less than a loaded host's run).
                assert set(a.run_ids("judge.run.finished") - a_before) <= {filler_id}
                assert (await filler).status_code == 200

            # 2. Under load, A is killed (SIGKILL) while it runs one of them: every run still gets its report, once.
            sessions = [await _started_session(api, question_id) for _ in range(RUNS)]
            a_before, b_before = a.run_ids("judge.run.finished"), b.run_ids("judge.run.finished")
            runs = [asyncio.create_task(_run(api, s)) for s in sessions]
            async with asyncio.timeout(120):
                while not _in_flight(a):  # noqa: ASYNC110 - A's log is another process's
                    await asyncio.sleep(0.01)
            a.kill()
            killed = _in_flight(a)
            responses = await asyncio.gather(*runs)
    finally:
        a.kill()
        b.stop()

    assert [r.status_code for r in responses] == [200] * RUNS, [
        r.text for r in responses if r.status_code != 200
    ]
    assert {r.json()["verdict"] for r in responses} == {"accepted"}
    finished = (a.run_ids("judge.run.finished") - a_before) + (b.run_ids("judge.run.finished") - b_before)
    assert sum(finished.values()) == RUNS and set(finished.values()) == {1}  # none lost, none run twice
    assert killed and killed <= set(
        b.run_ids("judge.run.finished")
    )  # what died with A was run by B, by its id
    cur = await db.execute(
        "select verdict, count(*) as n from submissions where session_id = any(%s) group by verdict",
        ([s["id"] for s in sessions],),
    )
    assert await cur.fetchall() == [{"verdict": "accepted", "n": RUNS}]
    assert Counter(e["run_id"] for e in b.events("judge.run.started"))[next(iter(killed))] == 1


async def test_with_submit_hosts_every_hidden_test_runs_there_and_nothing_shown_ever_does(
    api_settings, db, tmp_path
) -> None:
    # R: the run host (127.0.0.1); S: the Submit host (127.0.0.2). A Submit's process could leave hidden inputs in
    # its host's page cache; the Runs, custom input, the agent's runs and the Submits' visible tests (resubmission
    # allowed here, so the API accepts them), all of whose output is shown, run on R, which never held them.
    # Counted from each host's own log.
    r = judge_service.launch(tmp_path, "r")
    s = judge_service.launch(tmp_path, "s", "--host", "127.0.0.2")
    try:
        for service in (r, s):
            service.url = service.wait_for("judge.serve.listening")["url"]
            service.wait_for("judge.serve.ready")
        judge_settings = JudgeSettings(
            _env_file=None,  # type: ignore[call-arg]
            backend="remote",
            remote_urls=r.url,
            remote_submit_urls=s.url,
            remote_token=SecretStr(TOKEN),
            remote_poll_s=0.2,
        )
        cur = await db.execute("select id from questions where slug = 'two-sum'")
        question_id = str((await cur.fetchone())["id"])
        code = (ROOT / "questions/two-sum/reference.py").read_text()
        async with _api(api_settings, judge_settings) as api:
            r_patch = await api.client.patch(
                "/v1/organization", json={"allow_resubmission": True}, headers=api.org_headers()
            )
            assert r_patch.status_code == 200, r_patch.text
            session = await _started_session(api, question_id)
            sid, candidate = session["id"], {"Authorization": f"Bearer {session['invite']}"}
            body = {"language": "python", "code": code}
            calls = [
                ("submissions", body, candidate),
                ("runs", body, candidate),
                ("custom-runs", {**body, "inputs": [[[3, 3], 6]]}, candidate),
                ("submissions", body, candidate),
            ]
            statuses = []
            for path, payload, headers in calls:
                resp = await api.client.post(f"/v1/sessions/{sid}/{path}", json=payload, headers=headers)
                statuses.append(resp.status_code)
            for mode in ("run", "submit"):
                resp = await api.client.post(
                    f"/v1/internal/sessions/{sid}/runs",
                    json={**body, "mode": mode},
                    headers=api.internal_headers(),
                )
                statuses.append(resp.status_code)
    finally:
        r.stop()
        s.stop()
    assert statuses == [201, 200, 200, 201, 200, 200]
    finished = {name: svc.events("judge.run.finished") for name, svc in (("r", r), ("s", s))}
    modes = {name: Counter(e["mode"] for e in events) for name, events in finished.items()}
    # Each Submit is two runs: its visible tests (their values are shown) on R, its hidden tests on S.
    assert modes == {"r": Counter({"run": 3, "submit": 3}), "s": Counter({"submit": 3})}
    assert all(e["hidden"] == 0 for e in finished["r"]), "R never ran a hidden test"
    assert all(e["hidden"] == e["tests"] > 0 for e in finished["s"]), "S ran nothing whose output is shown"
