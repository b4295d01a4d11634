"""An Ashby answer cut off before its `success` is logged with its start (`ats_callback.answer_cut_off`), and an
answer may echo what we sent it: the candidate's join link, the report's signed link, the customer's Ashby key.
The log line carries that start cleaned as the call log's excerpt is (`ats_answers.loggable_start`); before, it
carried the answer's first 200 characters as they came, secrets and all, into the worker's log."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiohttp import web
from psycopg.rows import DictRow

from api.integrations.ats_answers import LOG_CHARS, loggable_start
from tests.api.grading_support import wait_until
from tests.api.integration_support import delivery_worker
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import FakeAshby, fake_ashby

Conn = psycopg.AsyncConnection[DictRow]
ASHBY_API_KEY = "ashby-customer-key-echoed"
ADA = {"ashby_id": "cand-echo-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
BASIC = "Basic " + base64.b64encode(f"{ASHBY_API_KEY}:".encode()).decode()
SECRETS = (ASHBY_API_KEY, BASIC, BASIC.removeprefix("Basic "))


def _leaks(text: str) -> list[str]:
    found = [s for s in (*SECRETS, "ada@example.com", "inv_", "shr_", "://", ":\\/\\/") if s in text]
    return found + [f"key start {n}" for n in range(6, len(ASHBY_API_KEY)) if ASHBY_API_KEY[:n] in text]


@pytest.mark.parametrize(
    "answer",
    [
        # Echoes in the shapes an answer may take: the header, links plain and JSON-escaped, a bare token, an
        # address, and a key cut off at the end of what was read.
        f'{{"results": {{"auth": "{BASIC}", "seen": "https://shadows.example.com/join#invite=inv_Q2x9aZ0pLm"',
        '{"echo": "https:\\/\\/shadows.example.com\\/v1\\/reports\\/shr_k3Jd8sQpWm1x", "to": "ada@example.com"',
        '{"note": "token shr_k3Jd8sQpWm1x and inv_Q2x9aZ0pLm\x00\u202e", "key": "' + ASHBY_API_KEY[:12],
    ],
)
def test_the_logged_start_of_an_answer_keeps_no_link_token_key_or_address(answer: str) -> None:
    logged = loggable_start(answer.encode(), SECRETS)
    assert _leaks(logged) == [], logged
    assert len(logged) <= LOG_CHARS and "\x00" not in logged and "\u202e" not in logged
    assert logged.startswith("{")  # the start is still there to read
    # Not a secret, not cut: an answer with nothing of ours is logged as it came, bounded.
    plain = '{"results": {"assessment_id": "ses_1"}, "note": "' + "x" * 400
    assert loggable_start(plain.encode(), SECRETS) == plain[: LOG_CHARS - 1] + "…"


async def test_an_answer_echoing_the_update_and_cut_off_leaves_no_secret_in_the_workers_log(
    api_server: ApiServer,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No mail server: the first update tells Ashby the invite was not e-mailed, with the candidate's join link.
    This Ashby answers 200, echoing the key it was sent and the update, and the rest never comes before our
    deadline: the update is delivered, and the worker logs the answer's start, without the key or the link."""
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": ASHBY_API_KEY}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    release = asyncio.Event()
    original = FakeAshby._update

    async def echo(self: FakeAshby, request: web.Request) -> web.StreamResponse:
        documented = await original(self, request)
        assert documented.status == 200 and self.updates[-1].errors == []
        seen: Any = self.updates[-1].body
        links = [m["value"] for m in seen["metadata"] if m["type"] == "url"]
        answer = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        answer.content_length = 65_536
        await answer.prepare(request)
        head = {"auth": request.headers["Authorization"], "links": links}
        start = json.dumps(head).encode()[:-1] + b', "update": ' + json.dumps(seen).encode()
        await answer.write(b'{"results": ' + start)
        async with asyncio.timeout(30):
            await release.wait()  # the rest never comes while the worker waits
        return answer

    monkeypatch.setattr(FakeAshby, "_update", echo)
    async with fake_ashby() as ashby:
        ashby.partner_url = f"{api_server.url}/integrations/ashby"
        ashby.partner_key = r.json()["key"]
        ashby.customer_api_key = ASHBY_API_KEY
        started = await ashby.start("difficulty:easy", ADA)
        assert started.status_code == 200, started.text
        session_id = started.json()["results"]["assessment_id"]
        try:
            worker = delivery_worker(
                start_worker,
                api_server,
                tmp_path,
                SHADOWS_API_ASHBY_BASE_URL=ashby.url,
                SHADOWS_API_WEBHOOK_TIMEOUT_S="1",
            )

            async def cut_off() -> list[dict[str, Any]]:
                return [e for e in worker.log_events() if e.get("event") == "ats_callback.answer_cut_off"]

            logged = (await wait_until(cut_off, within_s=30, what="the cut-off answer logged"))[0]
        finally:
            release.set()
    assert ashby.updates[0].body is not None
    assert [m["type"] for m in ashby.updates[0].body["metadata"]] == ["string", "url"]  # the join link went

    async def callbacks() -> list[tuple[str, str]] | None:
        cur = await db.execute(
            "select kind, status from ats_callbacks where session_id = %s order by created_at", (session_id,)
        )
        rows = [(c["kind"], c["status"]) for c in await cur.fetchall()]
        return None if rows == [("invite_withheld", "pending")] else rows

    # The attempt logs the cut-off answer, then records the call delivered: read once it has.
    assert await wait_until(callbacks, within_s=30, what="the call recorded") == [
        ("invite_withheld", "delivered")
    ]
    start = str(logged["answer_start"])
    assert start.startswith('{"results": {"auth": "<redacted>", "links": ["<link>'), start
    assert _leaks(json.dumps(logged)) == [], logged
