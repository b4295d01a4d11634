"""Input and protocol hygiene: ids and cursors validated, lone surrogates refused, one Content-Type, a bounded
request head, JSON logs that never carry request data, and error responses declared in the OpenAPI document."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import sessions_repo
from tests.api.conftest import RESUME_FORM_TYPE, minimal_pdf, resume_form, serve
from tests.conftest import ApiServer
from tests.shared_api import SharedApi, shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`) reach that database. A test that needs other settings
# serves its own app (`serve`) from a copy of the file's settings, on the file's database, for its duration.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()

BAD_IDS = [
    "ses_%00",
    "%00",
    "ses_0123456789abcdef01234567%00",
    "ses_" + "a" * 3000,
    "ses_%ED%A0%80",  # a UTF-16 surrogate, UTF-8-encoded (invalid UTF-8)
    "ses_%FF%FE",
    "SES_0123456789ABCDEF01234567",
    "ses_0123456789abcdef0123456",
    "..%2F..%2Fetc%2Fpasswd",
    "ses_%E2%80%AE",
]


def _routes(server: ApiServer, invite: str) -> list[tuple[str, str, dict[str, str], Any]]:
    org, internal = server.org_headers(), server.internal_headers()
    cand = {"Authorization": f"Bearer {invite}"}
    run = {"language": "python", "code": "x = 1"}
    return [
        ("GET", "/v1/sessions/{}", org, None),
        ("POST", "/v1/sessions/{}/cancel", org, None),
        ("POST", "/v1/sessions/{}/runs", cand, run),
        ("POST", "/v1/sessions/{}/submissions", cand, run),
        ("GET", "/v1/internal/sessions/{}/context", internal, None),
        ("POST", "/v1/internal/sessions/{}/start", internal, None),
        (
            "POST",
            "/v1/internal/sessions/{}/events",
            internal,
            {"events": [{"idempotency_key": "k", "type": "note"}]},
        ),
        ("POST", "/v1/internal/sessions/{}/complete", internal, {}),
        ("POST", "/v1/internal/sessions/{}/runs", internal, run),
    ]


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_malformed_session_ids_are_404_on_every_route(
    api_server: ApiServer, db: Conn, bad: str
) -> None:
    s = await api_server.create_session()
    for method, template, headers, body in _routes(api_server, s["invite"]):
        url = api_server.url + template.format(bad)
        r = await api_server.client.request(method, httpx.URL(url), headers=headers, json=body)
        assert r.status_code in (404, 422), (template, r.status_code, r.text)
        assert r.json()["error"]["code"] in ("session_not_found", "not_found", "validation_error"), template
    # The connection survived every one of them, and nothing changed.
    assert (await api_server.client.get("/readyz")).status_code == 200
    cur = await db.execute("select status from sessions where id = %s", (s["id"],))
    assert (await cur.fetchone())["status"] == "scheduled"  # type: ignore[index]  # the session exists


def _cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64-!!",
        _cursor(b"not json"),
        _cursor(b"[]"),
        _cursor(b'["2026-01-01T00:00:00+00:00"]'),
        _cursor(b'["2026-01-01T00:00:00+00:00", "ses_\\u0000"]'),
        _cursor(b'["2026-01-01T00:00:00+00:00", "ses_\\ud800"]'),
        _cursor(b'["2026-01-01T00:00:00", "ses_0123456789abcdef01234567"]'),
        _cursor(b'["yesterday", "ses_0123456789abcdef01234567"]'),
        _cursor(b'[12, "ses_0123456789abcdef01234567"]'),
        _cursor(b'["2026-01-01T00:00:00+00:00", 5]'),
        _cursor(b"[" * 60 + b"]" * 60),
        _cursor(b"\xff\xfe\x00"),
        "é" * 10,
        "%00",
    ],
)
async def test_broken_cursor_is_400_invalid_cursor(api_server: ApiServer, cursor: str) -> None:
    r = await api_server.client.get(
        "/v1/sessions", params={"cursor": cursor}, headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_cursor"), r.text


async def test_a_cursor_the_api_issued_still_pages(api_server: ApiServer) -> None:
    ids = [(await api_server.create_session())["id"] for _ in range(3)]
    first = await api_server.client.get("/v1/sessions", params={"limit": 2}, headers=api_server.org_headers())
    second = await api_server.client.get(
        "/v1/sessions",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=api_server.org_headers(),
    )
    listed = [s["id"] for s in first.json()["data"] + second.json()["data"]]
    assert sorted(listed) == sorted(ids)


def _raw_event(text_json: str) -> bytes:
    return (
        '{"events": [{"idempotency_key": "k1", "type": "transcript", "payload": {"text": '
        + text_json
        + "}}]}"
    ).encode()


@pytest.mark.parametrize(
    "text_json",
    [r'"a\ud800b"', r'"\udc00"', r'"x\ud83d"', r'"\ud83d\ud83d\ude00x\ud800"', r'"\\\ud800"'],
)
async def test_lone_surrogate_in_an_event_payload_is_422_naming_the_field(
    api_server: ApiServer, db: Conn, text_json: str
) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        content=_raw_event(text_json),
        headers={**api_server.internal_headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "validation_error"
    assert r.json()["error"]["message"].startswith("events.0.payload.text:")
    cur = await db.execute("select count(*) as n from session_events")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row
    again = await api_server.client.get("/readyz")  # same keep-alive connection, still usable
    assert again.status_code == 200


@pytest.mark.parametrize(
    ("text_json", "stored"), [(r'"\ud83d\ude00"', "\U0001f600"), (r'"\\ud800"', "\\ud800")]
)
async def test_surrogate_pairs_and_escaped_backslashes_are_ordinary_text(
    api_server: ApiServer, db: Conn, text_json: str, stored: str
) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        content=_raw_event(text_json),
        headers={**api_server.internal_headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text
    cur = await db.execute("select payload from session_events where session_id = %s", (s["id"],))
    assert (await cur.fetchone())["payload"] == {"text": stored}  # type: ignore[index]  # one event stored


@pytest.mark.parametrize(
    ("path", "raw", "field"),
    [
        ("/v1/join", r'{"invite": "inv_\udfff"}', "invite"),
        ("/v1/sessions", r'{"candidate": {"name": "A\ud800", "email": "a@example.com"}}', "candidate"),
        ("/v1/practice", r'{"name": "\ud800"}', "name"),
        ("/v1/internal/sessions/{sid}/complete", r'{"final_code": "x\ud800"}', "final_code"),
        (
            "/v1/internal/sessions/{sid}/events",
            r'{"events": [{"idempotency_key": "\ud800", "type": "note"}]}',
            "events",
        ),
        (
            "/v1/internal/sessions/{sid}/events",
            r'{"events": [{"idempotency_key": "k", "type": "note", "payload": {"\ud800": 1}}]}',
            "events.0.payload",
        ),
    ],
)
async def test_lone_surrogates_are_422_on_every_json_route(
    api_server: ApiServer, path: str, raw: str, field: str
) -> None:
    s = await api_server.create_session()
    headers = {"Content-Type": "application/json"}
    if "internal" in path:
        headers.update(api_server.internal_headers())
    elif path == "/v1/sessions":
        headers.update(api_server.org_headers())
    r = await api_server.client.post(path.format(sid=s["id"]), content=raw.encode(), headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"].startswith(field), r.text


@pytest.mark.sandbox
async def test_surrogates_no_escape_shows_are_422_too_and_leave_runs_open(
    api_server: ApiServer, db: Conn
) -> None:
    # Python's JSON parser also reads a lone surrogate written as UTF-8 bytes (ED A0 80) and any escape in a UTF-16
    # or UTF-32 body, where the byte scan for escapes sees none. In a custom run's inputs (free JSON) one reached
    # the database as a 500, and the run's lease stayed held: the session's runs were refused for minutes.
    cur = await db.execute("select id from questions where slug = 'valid-palindrome'")
    s = await api_server.create_session(question_id=str((await cur.fetchone())["id"]))  # type: ignore[index]
    started = await api_server.agent_start(s)
    assert started.status_code == 200, started.text
    code = "def is_palindrome(s):\n    return s == s[::-1]\n"
    custom = json.dumps({"language": "python", "code": code, "inputs": [["ok"], ["x@"]]})
    run = json.dumps({"language": "python", "code": "# @\n" + code})
    bodies = [
        (custom.replace("@", "\\udcff").encode("utf-16"), "custom-runs", "inputs.1.0"),
        (custom.replace("@", "\\ud800").encode("utf-32"), "custom-runs", "inputs.1.0"),
        (custom.encode().replace(b"@", b"\xed\xa0\x80"), "custom-runs", "inputs.1.0"),
        (run.replace("@", "\\ud800").encode("utf-16-le"), "runs", "code"),  # no BOM: valid UTF-8 bytes (NULs)
        (run.replace("@", "\\ud800").encode("utf-32-be"), "runs", "code"),
        (run.encode().replace(b"@", b"\xed\xbf\xbf"), "submissions", "code"),
    ]
    candidate = {"Authorization": f"Bearer {s['invite']}", "Content-Type": "application/json"}
    for body, route, field in bodies:
        r = await api_server.client.post(f"/v1/sessions/{s['id']}/{route}", content=body, headers=candidate)
        assert r.status_code == 422, (route, field, r.text)
        assert r.json()["error"]["message"].startswith(f"{field}:"), (route, field, len(body), r.text)
    agent = {**api_server.internal_headers(), "Content-Type": "application/json"}
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/runs", content=bodies[3][0], headers=agent
    )
    assert (r.status_code, r.json()["error"]["message"].split(":")[0]) == (422, "code"), r.text
    # The session's runs are still open: a valid custom run right after is judged.
    ok = await api_server.client.post(
        f"/v1/sessions/{s['id']}/custom-runs",
        json={"language": "python", "code": code, "inputs": [["ab"]]},
        headers=candidate,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["tests"][0]["actual"] is False


async def test_a_nul_in_any_query_parameter_of_any_route_is_422_naming_it(api_server: ApiServer) -> None:
    # PostgreSQL text never holds U+0000: a filter or partner id carrying one used to reach a query and fail there
    # (a 500). Every query parameter the OpenAPI document declares, on every operation, with the route's own
    # credentials or none: the edge refuses it before authentication or the route read it.
    s = await api_server.create_session()
    doc = (await api_server.client.get("/openapi.json", headers=api_server.internal_headers())).json()
    checked = set()
    for path, item in doc["paths"].items():
        url = re.sub(r"\{[^}]+\}", s["id"], path)
        for method, op in item.items():
            for param in op.get("parameters", []):
                if param["in"] != "query":
                    continue
                for headers in ({}, api_server.org_headers(), {"Authorization": f"Bearer {s['invite']}"}):
                    r = await api_server.client.request(
                        method.upper(), url, params={param["name"]: "ok\x00; drop"}, headers=headers
                    )
                    assert r.status_code == 422, (method, path, param["name"], r.status_code)
                    assert r.json()["error"]["message"] == (
                        f"query.{param['name']}: must not contain the NUL character (U+0000)"
                    )
                checked.add((path, param["name"]))
    # The filters and ids that used to reach PostgreSQL are among them.
    assert {
        ("/v1/questions", "topic"),
        ("/v1/sessions", "candidate_external_id"),
        ("/v1/sessions/export", "candidate_external_id"),
        ("/integrations/greenhouse/test_status", "partner_interview_id"),
    } <= checked
    # An undeclared parameter, and a NUL in a parameter's name, are refused the same way.
    r = await api_server.client.get("/v1/sessions?x%00y=1", headers=api_server.org_headers())
    assert (r.status_code, r.json()["fields"][0]["field"]) == (422, "query.x\\0y")


async def test_deeply_nested_event_payload_is_refused_without_a_server_error(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    deep = '{"a":' * 5000 + "1" + "}" * 5000
    raw = '{"events": [{"idempotency_key": "k", "type": "note", "payload": ' + deep + "}]}"
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        content=raw.encode(),
        headers={**api_server.internal_headers(), "Content-Type": "application/json"},
    )
    assert r.status_code in (400, 422), r.text
    assert (await api_server.client.get("/readyz")).status_code == 200


@pytest.mark.parametrize("depth", [100, 450, 650])
async def test_json_nested_within_the_parsers_limit_but_past_ours_is_422_and_never_stored(
    api_server: ApiServer, db: Conn, depth: int
) -> None:
    # Python's parser takes nesting up to its recursion limit; the checks after it (and the reads of what was
    # stored) recursed further: a 500 on the candidate's custom run and the agent's events, and a stored payload
    # 450 deep made the session's own reads (its detail, the agent's context) 500 for good.
    s = await api_server.create_session()
    await db.execute(
        "update sessions set status = 'in_progress', started_at = now() where id = %s", (s["id"],)
    )
    deep = "[" * depth + "1" + "]" * depth
    sent = [
        (
            f"/v1/sessions/{s['id']}/custom-runs",
            {"Authorization": f"Bearer {s['invite']}"},
            '{"language": "python", "code": "x", "inputs": [[' + deep + ", 1]]}",
        ),
        (
            f"/v1/internal/sessions/{s['id']}/events",
            api_server.internal_headers(),
            '{"events": [{"idempotency_key": "k", "type": "note", "payload": {"a": ' + deep + "}}]}",
        ),
    ]
    for url, headers, raw in sent:
        r = await api_server.client.post(
            url, content=raw.encode(), headers={**headers, "Content-Type": "application/json"}
        )
        assert r.status_code == 422, (url, r.status_code, r.text)
    cur = await db.execute("select count(*) as n from session_events where session_id = %s", (s["id"],))
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*)
    assert (
        await api_server.client.get(f"/v1/sessions/{s['id']}", headers=api_server.org_headers())
    ).status_code == 200


async def test_two_content_type_headers_are_400_before_the_body_is_read(api_server: ApiServer) -> None:
    # The body cap must not depend on which header wins: multipart lifts it on this route, JSON would parse it.
    big = json.dumps({"candidate": {"name": "A", "email": "a@example.com"}, "job_description": "x" * 40_000})
    for order in (
        ("multipart/form-data; boundary=x", "application/json"),
        ("application/json", "multipart/form-data; boundary=x"),
    ):
        r = await api_server.client.post(
            "/v1/sessions",
            content=big.encode(),
            headers=[
                ("Authorization", f"Bearer {api_server.org_key}"),
                ("Content-Type", order[0]),
                ("Content-Type", order[1]),
            ],
        )
        assert (r.status_code, r.json()["error"]["code"]) == (400, "duplicate_content_type"), r.text
    r = await api_server.client.post(
        "/v1/join",
        content=b'{"invite": "x"}',
        headers=[("Content-Type", "application/json"), ("content-type", "application/json")],
    )
    assert (r.status_code, r.json()["error"]["code"]) == (400, "duplicate_content_type")


async def test_the_multipart_cap_applies_only_to_multipart_bodies(api_server: ApiServer) -> None:
    caps = {"max_body_bytes": 16 * 1024, "max_resume_bytes": 256 * 1024}
    async with serve(api_server.settings.model_copy(update=caps)) as client:
        big_json = json.dumps(
            {"candidate": {"name": "A", "email": "a@example.com"}, "metadata": {"x": "y" * 60_000}}
        )
        as_json = await client.post(
            "/v1/sessions",
            content=big_json.encode(),
            headers={**api_server.org_headers(), "Content-Type": "Application/JSON"},
        )
        upload = await client.post(
            "/v1/sessions",
            data={"payload": json.dumps({"candidate": {"name": "A", "email": "a@example.com"}})},
            files={"resume": ("r.pdf", minimal_pdf("Engineer") + b"%" + b"p" * 60_000, "application/pdf")},
            headers=api_server.org_headers(),
        )
    assert as_json.status_code == 413
    assert upload.status_code == 201, upload.text


@pytest.mark.parametrize(
    ("shape", "status"), [("just_over", 431), ("many_headers", 431), ("one_megabyte", 400)]
)
async def test_request_head_over_the_cap_is_refused_and_the_server_keeps_serving(
    api_server: ApiServer, shape: str, status: int
) -> None:
    cap = api_server.settings.max_header_bytes
    headers = {
        "just_over": {"X-Big": "a" * cap},
        "many_headers": {f"X-H{i}": "b" * 100 for i in range(cap // 100 + 5)},
        "one_megabyte": {"X-Big": "c" * (1 << 20)},  # refused by the server while it is still arriving
    }[shape]
    async with httpx.AsyncClient(base_url=api_server.url) as fresh:
        try:
            r = await fresh.get("/healthz", headers=headers)
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
            assert status == 400  # the server answered 400 and closed while the client was still sending
        else:
            assert r.status_code == status
            if status == 431:
                assert r.json()["error"]["code"] == "headers_too_large"
    async with httpx.AsyncClient(base_url=api_server.url) as after:  # the refused connection may be closed
        ok = await after.get("/healthz", headers={"X-Small": "a" * (cap // 2)})
    assert ok.status_code == 200


async def _closed_while_sending(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pieces: list[bytes]
) -> bool:
    """Send `pieces`, waiting 0.25 s for the server before each after the first: True when the server closed (or
    reset) the connection while some were still unsent. Closes the writer."""
    try:
        for i, piece in enumerate(pieces):
            if i:
                try:
                    if await asyncio.wait_for(reader.read(1 << 16), 0.25) == b"":
                        return True
                except TimeoutError:
                    pass
            writer.write(piece)
            await writer.drain()
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True
    finally:
        writer.close()


async def test_a_connection_that_never_completes_a_request_head_is_closed(api_server: ApiServer) -> None:
    # uvicorn timed only the idle wait after a response: a connection that sent nothing, or trickled a head a
    # byte at a time, was held for ever (slowloris). Each request head now has the keep-alive timeout to arrive.
    # Asserted by order, not time: the server closes while the client still has bytes to trickle.
    settings = api_server.settings.model_copy(update={"keep_alive_s": 1})
    head = b"POST /v1/join HTTP/1.1\r\nHost: shadows\r\nX-Pad: " + b"a" * 200

    async def closed_while_trickling(first: bytes, trickle: bytes) -> bool:
        reader, writer = await asyncio.open_connection(client.base_url.host, client.base_url.port)
        try:
            writer.write(first)
            await writer.drain()
            if first:
                await reader.readuntil(b"\r\n\r\n")  # the first request's answer (its body follows)
        except BaseException:
            writer.close()
            raise
        # 0.25 s a byte: 50 s of head, far past the 1 s deadline
        return await _closed_while_sending(reader, writer, [bytes([byte]) for byte in trickle])

    async with serve(settings) as client:
        assert await closed_while_trickling(b"", head)  # a new connection
        served = b"GET /healthz HTTP/1.1\r\nHost: shadows\r\n\r\n"
        assert await closed_while_trickling(served, head)  # a kept-alive one, after its first answer
        ok = await client.get("/healthz")  # a whole head in time is served as ever
    assert ok.status_code == 200


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_a_request_body_trickled_after_a_complete_head_is_closed(
    api_server: ApiServer, framing: str
) -> None:
    # The head deadline ended with the head: a body then trickled a byte every few seconds held the connection and
    # the handler waiting on it for ever. A body now has a grace from its head plus 1 s per minimum-rate's worth of
    # bytes it delivers. Asserted by order: the server closes while the client still has body to trickle.
    settings = api_server.settings.model_copy(update={"body_grace_s": 1, "body_min_bytes_per_s": 64})
    if framing == "chunked":
        head = b"POST /v1/join HTTP/1.1\r\nHost: shadows\r\nTransfer-Encoding: chunked\r\n\r\n"
        trickle = [b"1\r\n" + bytes([c]) + b"\r\n" for c in b'{"invite": "' + b"a" * 200]
    else:
        head = b"POST /v1/join HTTP/1.1\r\nHost: shadows\r\nContent-Length: 213\r\n\r\n"
        trickle = [bytes([c]) for c in b'{"invite": "' + b"a" * 200]

    async def closed_while_trickling(client: httpx.AsyncClient) -> bool:
        reader, writer = await asyncio.open_connection(client.base_url.host, client.base_url.port)
        # the head and a first piece at once, then 0.25 s a piece: 50 s of body for a deadline of about 1 s
        return await _closed_while_sending(reader, writer, [head + trickle[0], *trickle[1:]])

    async with serve(settings) as client:
        assert await closed_while_trickling(client)
        ok = await client.post(
            "/v1/join", json={"invite": "a" * 40}
        )  # a body sent at once is answered as ever
    assert ok.status_code == 401


async def _answered_while_sending(client: httpx.AsyncClient, pieces: list[bytes]) -> tuple[bytes, bool]:
    """Send `pieces` on a new connection, 0.25 s apart, while reading: everything the server sent until it closed
    (or reset), and whether some pieces were still unsent when it did."""
    reader, writer = await asyncio.open_connection(client.base_url.host, client.base_url.port)
    received = bytearray()

    async def read_all() -> None:
        while chunk := await reader.read(1 << 16):
            received.extend(chunk)

    reading = asyncio.create_task(read_all())
    unsent = len(pieces)
    try:
        for piece in pieces:
            if reading.done():
                break
            writer.write(piece)
            await writer.drain()
            unsent -= 1
            await asyncio.wait([reading], timeout=0.25)
        async with asyncio.timeout(60):  # generous: a loaded machine is slow
            await asyncio.wait([reading])
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        writer.close()
        reading.cancel()
    if reading.done() and not reading.cancelled() and reading.exception() is not None:
        assert isinstance(reading.exception(), ConnectionResetError)
    return bytes(received), unsent > 0


def _assert_request_timeout(answer: bytes) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 408"), answer[:200]
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert headers["connection"] == "close" and headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(body)
    assert json.loads(body) == {
        "error": {"code": "request_timeout", "message": "The request did not arrive in time."}
    }


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_a_request_body_that_misses_its_deadline_is_answered_408_before_the_close(
    api_server: ApiServer, framing: str
) -> None:
    # The body deadline closed the connection with no answer: a client (or a proxy in front) saw a reset or an
    # empty reply and could not tell a timeout from a crash. It is now a 408 in the error shape, then the close;
    # the 408 arrives while the client still has body to send (asserted by order, not time).
    settings = api_server.settings.model_copy(update={"body_grace_s": 1, "body_min_bytes_per_s": 64})
    if framing == "chunked":
        head = b"POST /v1/join HTTP/1.1\r\nHost: shadows\r\nTransfer-Encoding: chunked\r\n\r\n"
        trickle = [b"1\r\n" + bytes([c]) + b"\r\n" for c in b'{"invite": "' + b"a" * 200]
    else:
        head = b"POST /v1/join HTTP/1.1\r\nHost: shadows\r\nContent-Length: 213\r\n\r\n"
        trickle = [bytes([c]) for c in b'{"invite": "' + b"a" * 200]
    async with serve(settings) as client:
        answer, cut_short = await _answered_while_sending(client, [head + trickle[0], *trickle[1:]])
        stalled, _ = await _answered_while_sending(client, [head + trickle[0]])  # then nothing more
        ok = await client.post("/v1/join", json={"invite": "a" * 40})  # the server serves on
    assert cut_short
    _assert_request_timeout(answer)
    _assert_request_timeout(stalled)
    assert ok.status_code == 401


async def test_a_request_head_that_misses_its_deadline_is_answered_408_and_an_idle_one_closed_silently(
    api_server: ApiServer,
) -> None:
    settings = api_server.settings.model_copy(update={"keep_alive_s": 1})
    partial = b"POST /v1/join HTTP/1.1\r\nHost: shadows\r\nX-Pad: " + b"a" * 200
    served = b"GET /healthz HTTP/1.1\r\nHost: shadows\r\n\r\n"
    async with serve(settings) as client:
        trickled, cut_short = await _answered_while_sending(client, [bytes([b]) for b in partial])
        after_one, _ = await _answered_while_sending(client, [served, *(bytes([b]) for b in partial)])
        idle, _ = await _answered_while_sending(client, [b""])
        kept_idle, _ = await _answered_while_sending(client, [served])
    assert cut_short
    _assert_request_timeout(trickled)
    first, _, rest = after_one.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200") and rest.endswith(b"}")
    _assert_request_timeout(rest[rest.index(b"HTTP/1.1 408") :])
    # Nothing of a next request arrived: an idle keep-alive connection, closed without an unsolicited answer.
    assert idle == b""
    assert kept_idle.startswith(b"HTTP/1.1 200") and b"408" not in kept_idle


async def test_the_largest_uploads_at_a_reasonable_rate_pass_the_body_deadline(
    api_server: ApiServer,
) -> None:
    # A 5 MiB résumé and a 2 MiB event batch (the API's largest bodies), each sent in pieces over longer than the
    # body's grace but well above its minimum rate: the rate, not a fixed deadline, bounds them, so both pass.
    settings = api_server.settings.model_copy(update={"body_grace_s": 1, "body_min_bytes_per_s": 64 * 1024})
    created = await api_server.create_session()
    pdf = minimal_pdf("Engineer")
    pdf += b"%" + b"p" * (settings.max_resume_bytes - len(pdf) - 2) + b"\n"
    upload = b"".join(resume_form({"name": "Large Upload", "email": "large@example.com"}, pdf))
    event = {"idempotency_key": "", "type": "note", "payload": {"text": "n" * (250 * 1024)}}
    batch = json.dumps({"events": [{**event, "idempotency_key": f"big-{i}"} for i in range(8)]}).encode()
    assert len(batch) <= settings.max_body_bytes < len(batch) + 64 * 1024

    async def paced(client: httpx.AsyncClient, target: str, auth: str, ctype: str, body: bytes) -> bytes:
        reader, writer = await asyncio.open_connection(client.base_url.host, client.base_url.port)
        try:
            writer.write(
                f"POST {target} HTTP/1.1\r\nHost: shadows\r\nAuthorization: Bearer {auth}\r\n"
                f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            )
            step = max(1, len(body) // 20)  # 20 pieces, 0.1 s apart: 2 s, twice the grace
            for i in range(0, len(body), step):
                writer.write(body[i : i + step])
                await writer.drain()
                await asyncio.sleep(0.1)
            return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
        finally:
            writer.close()

    async with serve(settings) as client:
        uploaded = await paced(client, "/v1/sessions", api_server.org_key, RESUME_FORM_TYPE, upload)
        appended = await paced(
            client,
            f"/v1/internal/sessions/{created['id']}/events",
            api_server.internal_token,
            "application/json",
            batch,
        )
    assert uploaded.startswith(b"HTTP/1.1 201"), uploaded
    assert appended.startswith(b"HTTP/1.1 200"), appended


async def test_a_pipelined_request_that_runs_past_the_head_deadline_is_answered(
    api_server: ApiServer,
) -> None:
    # The head deadline is re-armed as each answer completes, and uvicorn starts a pipelined request right then:
    # that request's head has arrived, so however long it runs (here a PDF waiting for Chromium past the keep-alive
    # timeout), its connection stays open for its answer.
    from api.pdf import PdfRenderer

    renderer = PdfRenderer(api_server.settings.chromium_bin, timeout_s=60, concurrency=1)
    api_server.app.state.pdf = renderer
    s = await api_server.create_session()
    auth = f"Authorization: Bearer {api_server.org_key}\r\n"
    pipelined = (
        "GET /healthz HTTP/1.1\r\nHost: shadows\r\n\r\n"
        f"GET /v1/sessions/{s['id']}/report.pdf HTTP/1.1\r\nHost: shadows\r\n{auth}\r\n"
    ).encode()
    url = httpx.URL(api_server.url)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    try:
        async with renderer._slots:  # the PDF waits past the keep-alive timeout for its slot
            writer.write(pipelined)
            await writer.drain()
            first = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            await asyncio.sleep(api_server.settings.keep_alive_s + 1)
        rest = await asyncio.wait_for(reader.readuntil(b"%PDF-"), 60)
    finally:
        writer.close()
    assert first.startswith(b"HTTP/1.1 200")
    assert b"HTTP/1.1 200" in rest and b"application/pdf" in rest


async def test_app_state_a_test_replaced_is_put_back_for_the_next_test(
    api_server: ApiServer, shared_api: SharedApi
) -> None:
    # The test above swaps the file's app's PDF renderer: the next test starts with the app's own again, and what a
    # test added to the app's state is gone (`tests.shared_api`).
    started = api_server.app.state.pdf
    api_server.app.state.pdf = object()
    api_server.app.state.added_by_a_test = object()
    fresh = await shared_api.fresh_server()
    assert fresh.app.state.pdf is started
    assert "added_by_a_test" not in set(fresh.app.state)


async def test_logs_are_json_with_structured_tracebacks_and_no_request_data(
    api_server: ApiServer, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    secret = "ses_0123456789abcdef0fedcba9"

    async def broken_lookup(conn: Conn, session_id: str, **_: Any) -> None:
        # A real database error whose text quotes the request's value, as constraint and cast errors do.
        await conn.execute("select %s::int", (session_id,))

    monkeypatch.setattr(sessions_repo, "get_session", broken_lookup)
    settings = api_server.settings.model_copy(update={"log_json": True})
    async with serve(settings) as client:
        r = await client.get(f"/v1/sessions/{secret}", headers=api_server.org_headers())
        logging.getLogger("judge.pool").error("stdlib record %s", "with args")
    out = capfd.readouterr()
    # This process also runs the test's own HTTP client: its request lines (whole URLs) are not logged either.
    text = out.out + out.err
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "internal_error", "message": "Internal error."}}
    assert secret not in r.text
    assert secret not in text, "request data reached the logs"
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    unhandled = [rec for rec in records if rec.get("event") == "unhandled_error"]
    assert len(unhandled) == 1, text[-3000:]
    error = unhandled[0]["error"]
    assert error["type"] == "psycopg.errors.InvalidTextRepresentation"
    assert error["sqlstate"] == "22P02"
    assert error["frames"] and all({"file", "line", "function"} == set(f) for f in error["frames"])
    assert unhandled[0]["route"] == "/v1/sessions/{session_id}"
    assert any(
        rec.get("event") == "stdlib record with args" and rec.get("logger") == "judge.pool" for rec in records
    )
    assert "Traceback" not in text
