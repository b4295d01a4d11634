"""Gaps in what reaches Ashby's recruiter: an invite never e-mailed because no mail server is set up (told with the
join link, the reason kept), an answer Ashby compresses though asked not to (decoded, bounded), and a refusal's
reason (a bounded, secret-free excerpt of Ashby's answer kept and shown in the call log)."""

from __future__ import annotations

import zlib
from pathlib import Path

import brotli
import psycopg
import pytest
from psycopg.rows import DictRow

from api import egress
from api.integrations import ashby_answers, ats_answers
from api.sealing import sealer
from tests.api.grading_support import wait_until
from tests.api.integration_support import grading_worker, send_to_encoded_answer
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import FakeAshby, basic, fake_ashby
from tests.fakes.greenhouse import fake_greenhouse

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"ashby_id": "cand-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
HARRY = {"first_name": "Harry", "last_name": "Potter", "email": "hpotter@hogwarts.example"}


async def _ashby_key(api_server: ApiServer, ashby: FakeAshby, api_key: str = "ashby-key-1") -> None:
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": api_key}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    ashby.partner_url = f"{api_server.url}/integrations/ashby"
    ashby.partner_key = r.json()["key"]
    ashby.customer_api_key = api_key


async def test_without_a_mail_server_ashby_is_told_the_invite_was_not_emailed_with_the_join_link(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # The tests' API has no SHADOWS_API_SMTP_URL. Before, no e-mail went, nothing was recorded and Ashby got no
    # update until the candidate started, which they could not: nobody had their link.
    async with fake_ashby() as ashby:
        await _ashby_key(api_server, ashby)
        started = await ashby.start("difficulty:easy", ADA)
        assert started.status_code == 200 and started.json()["success"] is True, started.text
        session_id = started.json()["results"]["assessment_id"]
        cur = await db.execute(
            "select invite_withheld, join_url_sealed from ats_assessments where session_id = %s",
            (session_id,),
        )
        row = await cur.fetchone()
        assert row is not None and row["invite_withheld"] == "email_not_configured"
        join_url = sealer(api_server.settings).open(row["join_url_sealed"])

        grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url)
        await wait_until(lambda: _accepted(ashby), what="the invite_withheld update")
        (update,) = ashby.accepted()
        assert update["assessment_id"] == session_id
        assert "not e-mailed" in update["assessment_status"]["value"]
        meta = {m["identifier"]: m for m in update["metadata"]}
        assert meta["join_url"]["type"] == "url" and meta["join_url"]["value"] == join_url
        assert "no mail server" in meta["invite_withheld"]["value"]


async def _accepted(ashby: FakeAshby) -> bool:
    return len(ashby.accepted()) >= 1


async def test_without_a_mail_server_greenhouse_shows_why_beside_the_join_link(api_server: ApiServer) -> None:
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", r.json()["key"]) as greenhouse:
        sent = await greenhouse.send_test("difficulty:easy", HARRY)
        assert sent.status_code == 200, sent.text
        status = (await greenhouse.test_status(sent.json()["partner_interview_id"])).json()
    assert status["metadata"]["invite_withheld"] == "email_not_configured"
    assert "/join#invite=inv_" in status["metadata"]["join_url"]


async def _settled(db: Conn, session_id: str) -> list[dict[str, object]] | None:
    cur = await db.execute(
        "select kind, status, attempts, last_error, last_status_code from ats_callbacks where session_id = %s",
        (session_id,),
    )
    rows = await cur.fetchall()
    return rows if rows and all(r["status"] != "pending" for r in rows) else None


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
async def test_an_ashby_answer_compressed_though_we_asked_for_identity_is_read_and_delivered_once(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path, coding: str
) -> None:
    # Before, the compressed bytes read as not an answer (`invalid_response`): an update Ashby took was sent again
    # on every retry until it ended failed.
    async with fake_ashby() as ashby:
        await _ashby_key(api_server, ashby)
        ashby.compress = coding
        started = await ashby.start("difficulty:easy", ADA)
        session_id = started.json()["results"]["assessment_id"]
        grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url)
        rows = await wait_until(lambda: _settled(db, session_id), what="the update settled")
    assert rows == [
        {
            "kind": "invite_withheld",
            "status": "delivered",
            "attempts": 1,
            "last_error": None,
            "last_status_code": 200,
        }
    ]
    assert len(ashby.updates) == 1


async def test_a_compressed_answer_is_bounded_by_its_decoded_size() -> None:
    # 64 MiB of JSON gzipped to about 64 KiB: no more than the cap is ever decoded or kept.
    async with fake_ashby() as ashby:
        ashby.customer_api_key = "k"
        ashby.bomb_updates = 1
        reply = await egress.send(
            f"{ashby.url}/assessment.update",
            method="POST",
            guard=False,
            timeout_s=10,
            max_bytes=ashby_answers.MAX_BYTES,
            content=b"{}",
            headers={"Authorization": basic("k")},
        )
    assert reply.status_code == 200 and reply.truncated
    assert len(reply.body) == ashby_answers.MAX_BYTES
    assert reply.body.startswith(b'{"results": {"pad": "000')
    # Ashby's 2xx whose `success` lies past what we read: delivered, as for a long plain answer.
    assert ashby_answers.verdict(reply) is ashby_answers.Verdict.UNCONFIRMED


ANSWER = b'{"success": false, "errorInfo": {"code": "invalid_input", "message": "no"}}'


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=zlib.MAX_WBITS | 16)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "body", "expected", "truncated"),
    [
        ("gzip", _gzip(ANSWER), ANSWER, False),
        ("x-gzip", _gzip(ANSWER), ANSWER, False),
        ("deflate", zlib.compress(ANSWER), ANSWER, False),
        ("deflate", _raw_deflate(ANSWER), ANSWER, False),  # raw deflate, as some servers send it
        ("gzip, deflate", zlib.compress(_gzip(ANSWER)), ANSWER, False),  # undone in reverse order
        ("GZIP", _gzip(ANSWER), ANSWER, False),
        ("br", brotli.compress(ANSWER), ANSWER, False),
        ("br, gzip", _gzip(brotli.compress(ANSWER)), ANSWER, False),  # undone in reverse order
        ("zstd", b"\x28\xb5\x2f\xfd{}", b"\x28\xb5\x2f\xfd{}", False),  # not decoded: kept as it came
        ("br", b"\xffnot brotli at all", b"", False),  # corrupt: not an answer, never one cut short
        ("gzip", b"\x1f\x8bnot gzip at all", b"", False),  # corrupt: not an answer, never one cut short
        # The stream stops early (the connection closed in good order): what decoded, complete, not an answer.
        ("gzip", _gzip(ANSWER)[:40], b'{"success": false, "errorInfo', False),
    ],
    ids=[
        "gzip",
        "x-gzip",
        "deflate",
        "raw-deflate",
        "gzip-then-deflate",
        "upper-case",
        "br",
        "br-then-gzip",
        "zstd",
        "corrupt-br",
        "corrupt",
        "short",
    ],
)
async def test_compressed_answers_are_decoded_by_their_content_encoding(
    encoding: str, body: bytes, expected: bytes, truncated: bool
) -> None:
    reply = await send_to_encoded_answer(body, encoding, 4096)
    assert (reply.body, reply.truncated) == (expected, truncated)


async def test_a_refused_update_keeps_ashbys_reason_bounded_and_secret_free_in_the_call_log(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # Before, the log said `rejected` and nothing of why: Ashby's errorInfo was read and dropped.
    async with fake_ashby() as ashby:
        await _ashby_key(api_server, ashby, api_key="ashby-customer-key-77")
        ashby.refuse = True
        # An answer that echoes what it was sent: the key, the join link, an address; on several lines, long.
        ashby.refusal_message = (
            "Assessment is closed.\nSent with ashby-customer-key-77 from https://x.example/join#invite=inv_abcdef123"
            " for ada@example.com " + "x" * 2_000
        )
        started = await ashby.start("difficulty:easy", ADA)
        session_id = started.json()["results"]["assessment_id"]
        grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url)
        await wait_until(lambda: _settled(db, session_id), what="the refused update settled")
    r = await api_server.client.get(
        f"/v1/sessions/{session_id}/ats-callbacks", headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    (call,) = r.json()["data"]
    assert (call["status"], call["last_error"]) == ("failed", "rejected")
    said = call["last_response"]
    assert said.startswith(
        "invalid_input: Assessment is closed. Sent with <redacted> from <link> for <address> x"
    )
    assert len(said) == ats_answers.MAX_CHARS and said.endswith("…")
    for secret in ("ashby-customer-key-77", "inv_", "ada@", "\n"):
        assert secret not in said
    org = await api_server.client.get("/v1/ats-callbacks?status=failed", headers=api_server.org_headers())
    assert org.json()["data"][0]["last_response"] == said  # where dead letters are read


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'{"success": false, "errorInfo": {"code": "invalid_input", "message": "bad"}}',
            "invalid_input: bad",
        ),
        (b'{"success": false, "errorInfo": {"code": "not_found"}}', "not_found"),
        (b'{"message": "Unauthorized", "errors": ["a", {"message": "b"}, 3, "a"]}', "Unauthorized; a; b"),
        (b'{"errors": "one"}', "one"),
        (b'{"success": true, "results": {"assessment_id": "ses_1"}}', None),
        (b"<html>502 Bad Gateway</html>", None),
        (b"[1, 2]", None),
        (b'{"message": "key \\u0000shk_abcdefgh1234, whsec_QUJDREVGR0g="}', "key <redacted>, <redacted>"),
        (b'{"message": "\\u202etxt.exe sent with sekrit-key"}', "txt.exe sent with <redacted>"),
    ],
    ids=[
        "error-info",
        "code-only",
        "message-and-errors",
        "errors-string",
        "success",
        "html",
        "list",
        "tokens",
        "bidi",
    ],
)
def test_the_excerpt_reads_only_error_fields_and_leaves_secrets_out(
    body: bytes, expected: str | None
) -> None:
    assert ats_answers.excerpt(body, ("sekrit-key",)) == expected
