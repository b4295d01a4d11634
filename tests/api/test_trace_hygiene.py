"""What a trace backend receives from the API: everything exported over OTLP, scanned whole (attributes, events,
statuses), holds no exception text. A database error's text quotes the values that broke it (`Key (slug)=(...)
already exists`, `invalid input syntax ... "<value>"`): another organisation's data, or the caller's request."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.fakes.otlp_receiver import OtlpReceiver

Conn = psycopg.AsyncConnection[DictRow]

# Where OpenTelemetry's semantic conventions (old and new) put a caller's address and browser.
CALLER_ATTRIBUTES = frozenset({
    "client.address", "client.port", "http.client_ip", "net.peer.ip", "net.peer.port", "net.sock.peer.addr",
    "net.sock.peer.port", "network.peer.address", "network.peer.port", "user_agent.original", "http.user_agent",
})  # fmt: skip


async def test_a_database_errors_text_never_reaches_a_trace(api_settings: ApiSettings, db: Conn) -> None:
    # The slug of another organisation: the conflict's DETAIL names it, and the query span records the error.
    other_slug = "planted-slug-q7xw3k"
    other_id, _ = await create_org(db, "Planted Slug Q7xw3k")
    await db.execute("update organizations set slug = %s where id = %s", (other_slug, other_id))
    _, key = await create_org(db, "Traced Org")
    headers = {"Authorization": f"Bearer {key}"}
    async with OtlpReceiver() as receiver:
        settings = api_settings.model_copy(update={"otlp_endpoint": receiver.endpoint})
        async with serve(settings) as client:
            r = await client.patch("/v1/organization", json={"slug": other_slug}, headers=headers)
            assert r.status_code == 409, r.text
            assert other_slug not in r.text
    assert receiver.bodies and any(
        s.attributes.get("http.route") == "/v1/organization" for s in receiver.spans
    ), "the request was not traced"
    exported = b"".join(receiver.bodies)
    assert b"UniqueViolation" in exported, "the failed query's span is not in the export"
    assert other_slug.encode() not in exported, "another organisation's slug reached the trace backend"


async def test_captured_headers_never_carry_a_credential(
    api_settings: ApiSettings, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # OpenTelemetry's own switch, read by the instrumentation from the environment: an operator following a
    # collector's guide sets it to capture every header. The API key, the internal token, a share link in the
    # Referer (a report page's own requests send it) and cookies must still not reach the trace backend.
    for name, value in (
        ("OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST", ".*"),
        ("OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_RESPONSE", ".*"),
    ):
        monkeypatch.setenv(name, value)
    _, key = await create_org(db, "Traced Org")
    referer = "https://shadows.example/v1/reports/shr_planted-referer-token"
    sent = {
        "Authorization": f"Bearer {key}",
        "Cookie": "sb-session=planted-cookie-value",
        "Referer": referer,
        "X-Shadows-Internal-Token": "planted-internal-token",
        "User-Agent": "planted-user-agent/1.0",
        "X-Forwarded-For": "198.51.100.71",  # who called, as a proxy in front of the API reports it
        "X-Real-IP": "198.51.100.72",
        "X-Probe": "kept-as-sent",
    }
    async with OtlpReceiver() as receiver:
        settings = api_settings.model_copy(update={"otlp_endpoint": receiver.endpoint})
        async with serve(settings) as client:
            assert (await client.get("/v1/organization", headers=sent)).status_code == 200
    exported = b"".join(receiver.bodies)
    assert b"kept-as-sent" in exported, "headers were not captured at all"
    for secret in (key, "planted-cookie-value", "planted-referer-token", "planted-internal-token",
                   "planted-user-agent", "198.51.100.71", "198.51.100.72"):  # fmt: skip
        assert secret.encode() not in exported, secret


async def test_query_spans_never_carry_the_database_password_or_a_querys_values(
    api_settings: ApiSettings, db: Conn
) -> None:
    # Holds (pinned): the psycopg instrumentation records the connection's host, user and database and the SQL
    # with its placeholders; never the password (the test server trusts local connections, so it is never asked)
    # nor the parameters.
    assert api_settings.database_url
    dsn = str(psycopg.conninfo.make_conninfo(api_settings.database_url, password="planted-db-password"))
    _, key = await create_org(db, "Traced Org")
    async with OtlpReceiver() as receiver:
        settings = api_settings.model_copy(update={"otlp_endpoint": receiver.endpoint, "database_url": dsn})
        async with serve(settings) as client:
            r = await client.post(
                "/v1/sessions",
                json={"candidate": {"name": "Planted Name", "email": "planted@example.com"}},
                headers={"Authorization": f"Bearer {key}"},
            )
            assert r.status_code == 201, r.text
    assert any(s.attributes.get("db.system") == "postgresql" for s in receiver.spans)
    exported = b"".join(receiver.bodies)
    for secret in ("planted-db-password", "Planted Name", "planted@example.com", key):
        assert secret.encode() not in exported, secret


async def test_spans_never_carry_who_called_the_api(api_settings: ApiSettings, db: Conn) -> None:
    # A candidate's address and browser are personal data the trace backend has no use for: the instrumentation
    # records the peer's address and port and the User-Agent on every server span.
    _, key = await create_org(db, "Traced Org")
    agent = "Planted-Candidate-Browser/7.7 (planted-device-q3z)"
    async with OtlpReceiver() as receiver:
        settings = api_settings.model_copy(update={"otlp_endpoint": receiver.endpoint})
        async with serve(settings) as client:
            headers = {"Authorization": f"Bearer {key}", "User-Agent": agent}
            assert (await client.get("/v1/organization", headers=headers)).status_code == 200
    server = [s for s in receiver.spans if s.attributes.get("http.route") == "/v1/organization"]
    assert server, "the request was not traced"
    exported = b"".join(receiver.bodies)
    assert b"planted-device-q3z" not in exported, "the caller's User-Agent reached the trace backend"
    for span in receiver.spans:
        kept = {k for k in span.attributes if k in CALLER_ATTRIBUTES}
        assert not kept, (span.name, kept)
