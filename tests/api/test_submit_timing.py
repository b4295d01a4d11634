"""How long a Submit takes tells nothing its program chose: its end is held to a doubling grid (api/submit_padding.py).

A Submit's program holds the hidden inputs and chooses how long each test takes; the report shows times as buckets,
but the HTTP response came the moment the judge finished, so a program sleeping a number of milliseconds read out of
a hidden input told it to the caller by the response's duration (about 10 bits a Submit)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, get_args

import psycopg
import pytest
from psycopg.rows import DictRow

from agent.api_client import SUBMIT_TIMEOUT_S, ApiClient
from api.settings import ApiSettings
from api.submit_padding import GRID_START_S, LINEAR_FROM_S, padded_s
from judge.bank import load_bank
from judge.limits import run_bound_s
from judge.schemas import Language, RunRequest
from judge.settings import JudgeSettings
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
LINEAR_FROM_S_MS = int(LINEAR_FROM_S * 1000)


def _sleeps_once(seconds: float) -> str:
    """Two-sum that sleeps `seconds` in its first call (as a program would by the value of a hidden input)."""
    return (
        f"import time\n_slept = False\ndef two_sum(nums, target):\n    global _slept\n"
        f"    if not _slept:\n        _slept = True\n        time.sleep({seconds})\n    return [0, 1]\n"
    )


def test_padded_end_is_the_next_grid_point_and_never_past_the_bound() -> None:
    assert padded_s(0.01, 300) == GRID_START_S
    assert padded_s(GRID_START_S, 300) == GRID_START_S
    assert padded_s(GRID_START_S * 1.01, 300) == GRID_START_S * 2
    assert padded_s(GRID_START_S * 5, 300) == GRID_START_S * 8
    assert padded_s(GRID_START_S * 5, GRID_START_S * 6) == GRID_START_S * 6  # capped at the longest possible
    assert padded_s(500, 300) == 500  # past the bound: not held at all
    # Every duration under 32 s lands on one of 8 points (3 bits); past it, one every 8 s.
    assert len({padded_s(i / 1000, 300) for i in range(1, LINEAR_FROM_S_MS, 7)}) == 8
    assert padded_s(33, 300) == 40
    assert padded_s(55.9, 300) == 56
    assert padded_s(56.1, 300) == 64


def test_the_agent_waits_for_a_submit_as_long_as_the_api_may_take_to_answer_it() -> None:
    # The API answers a Submit once its wait for a judge slot and the judge's bound have passed at the latest (its
    # held end never passes them), and it has stored it: the agent waiting less (its Run timeout, 60 s) gave up on a
    # Submit judged in 56-60 s, held to 64 s and stored. Every question of the bank, every language, at the defaults.
    judge = JudgeSettings.model_construct()
    queue_wait_s = ApiSettings.model_construct().run_queue_wait_s
    longest = max(
        queue_wait_s
        + run_bound_s(RunRequest.for_question(q, language=lang, source="x", mode="submit"), judge)
        for q in load_bank(Path(__file__).resolve().parents[2] / "questions")
        for lang in get_args(Language)
    )
    assert padded_s(longest - 1, longest) == longest
    assert longest + 30 <= SUBMIT_TIMEOUT_S, longest


@pytest.mark.sandbox
async def test_submit_duration_does_not_show_how_long_its_program_slept(
    api_server: ApiServer, db: Conn
) -> None:
    r = await api_server.client.patch(
        "/v1/organization", json={"allow_resubmission": True}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    row = await (await db.execute("select id from questions where slug = 'two-sum'")).fetchone()
    assert row is not None
    s = await api_server.create_session(question_id=str(row["id"]))
    r = await api_server.agent_start(s)
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {s['invite']}"}

    async def submit(code: str) -> tuple[float, dict[str, Any]]:
        t0 = time.monotonic()
        r = await api_server.client.post(
            f"/v1/sessions/{s['id']}/submissions", json={"language": "python", "code": code}, headers=auth
        )
        assert r.status_code == 201, r.text
        return time.monotonic() - t0, r.json()

    # The judge starts on its first use (seconds): a Run first, so that neither Submit waits for it.
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/runs", json={"language": "python", "code": _sleeps_once(0)}, headers=auth
    )
    assert r.status_code == 200, r.text
    # Unheld, these took about 1.45 s and 1.55 s here (the sleep, the harness and 15 tests), read to the millisecond:
    # each half way between two points of the grid (1 s and 2 s).
    short, short_report = await submit(_sleeps_once(1.15))
    long, long_report = await submit(_sleeps_once(1.25))
    assert short_report["verdict"] == long_report["verdict"] == "wrong_answer"
    # Held, each ends at a point of the grid at or after its judge's end: both past 1 s, so neither before 2 s (the
    # point after), whatever else the host was doing. How soon after the point each ends is the host's, not the
    # program's: the lease, the store and the way back are not held (test_padded_end_... checks the points).
    assert min(short, long) >= 2 * 4 * GRID_START_S, (short, long)
    # Stored once held, like any other Submit: the latest result is the second.
    r = await api_server.client.get(f"/v1/sessions/{s['id']}/results", headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["submit"]["submission_id"] == long_report["submission_id"]
    # The agent's Submit on the candidate's behalf too (the candidate hears its result), through the agent's own
    # client: held to 2 s, past the agent's timeout for a Run (1 s here, 60 s by default), it is still answered.
    async with ApiClient(api_server.url, api_server.internal_token, run_timeout=1.0, retries=0) as agent_api:
        t0 = time.monotonic()
        agent_report = await agent_api.run_tests(s["id"], "python", _sleeps_once(1.2), mode="submit")
        agent = time.monotonic() - t0
    assert agent_report["verdict"] == "wrong_answer"
    assert agent >= 2 * 4 * GRID_START_S, agent
