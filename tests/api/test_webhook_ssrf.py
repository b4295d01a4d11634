"""The SSRF guard turned on the way a deployment turns it on (SHADOWS_API_ENVIRONMENT=staging, real secrets), in
the API at registration and in a real worker at delivery. Names resolve through the test resolver, never real DNS,
and no request leaves loopback: a name that resolves to a public address is only ever registered, never called."""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from cryptography.fernet import Fernet
from psycopg.rows import DictRow

from api import egress
from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.api.grading_support import wait_until
from tests.api.integration_support import ALL_TYPES
from tests.conftest import LIVEKIT_KEY, StartWorker
from tests.fakes.resolver import MappedResolver
from tests.fakes.webhook_receiver import webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]
PUBLIC = "93.184.216.34"  # resolved to, never connected to


@dataclass
class Staging:
    client: httpx.AsyncClient
    settings: ApiSettings
    key: str
    env: dict[str, str]  # the same configuration for a worker


def staging_settings(db_url: str, tmp_path: Path) -> tuple[ApiSettings, dict[str, str]]:
    env = {
        "SHADOWS_API_ENVIRONMENT": "staging",
        "SHADOWS_API_INTERNAL_TOKEN": secrets.token_urlsafe(32),
        "SHADOWS_API_SHARE_SIGNING_KEY": secrets.token_urlsafe(32),
        "SHADOWS_API_SEALING_KEYS": Fernet.generate_key().decode(),
        "LIVEKIT_API_KEY": LIVEKIT_KEY,
        "LIVEKIT_API_SECRET": secrets.token_urlsafe(32),
        "SHADOWS_API_METRICS_TOKEN": secrets.token_urlsafe(32),
    }
    settings = ApiSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg: ignore a developer's .env
        environment="staging",
        database_url=db_url,
        internal_token=env["SHADOWS_API_INTERNAL_TOKEN"],
        share_signing_key=env["SHADOWS_API_SHARE_SIGNING_KEY"],
        sealing_keys=env["SHADOWS_API_SEALING_KEYS"],
        livekit_api_key=LIVEKIT_KEY,
        livekit_api_secret=env["LIVEKIT_API_SECRET"],
        metrics_token=env["SHADOWS_API_METRICS_TOKEN"],
        log_json=False,
        data_dir=tmp_path / "data",
        gc_freeze_on_start=False,  # the app runs inside the test process: a full collection walks all of it
    )
    return settings, env


@pytest.fixture
def resolver(tmp_path: Path) -> Iterator[MappedResolver]:
    r = MappedResolver(tmp_path / "dns.json")
    r.write({})
    egress.use_resolver(r)
    try:
        yield r
    finally:
        egress.use_resolver(None)


@pytest.fixture
async def staging(db_url: str, db: Conn, tmp_path: Path, resolver: MappedResolver) -> AsyncIterator[Staging]:
    settings, env = staging_settings(db_url, tmp_path)
    _, key = await create_org(db, "Acme Hiring")
    async with serve(settings) as client:
        yield Staging(client, settings, key, env)


async def _register(s: Staging, url: str) -> httpx.Response:
    return await s.client.post(
        "/v1/webhook-endpoints",
        json={"url": url, "event_types": ALL_TYPES},
        headers={"Authorization": f"Bearer {s.key}"},
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://public.test/hook", "scheme_not_allowed"),
        ("https://127.0.0.1/hook", "address_not_allowed"),
        ("https://localhost.test/hook", "address_not_allowed"),
        ("https://[::1]/hook", "address_not_allowed"),
        ("https://10.0.0.8/hook", "address_not_allowed"),
        ("https://169.254.169.254/latest/meta-data/", "address_not_allowed"),
        ("https://[::ffff:169.254.169.254]/", "address_not_allowed"),
        ("https://2130706433/hook", "address_not_allowed"),
        ("https://mixed.test/hook", "address_not_allowed"),
        ("https://nowhere.test/hook", "host_unresolvable"),
        ("https://user:pw@public.test/hook", "credentials_in_url"),
    ],
)
async def test_registration_refuses_urls_the_guard_forbids(
    staging: Staging, resolver: MappedResolver, url: str, code: str
) -> None:
    resolver.write(
        {"localhost.test": ["127.0.0.1"], "mixed.test": [PUBLIC, "192.168.0.10"], "public.test": [PUBLIC]}
    )
    r = await _register(staging, url)
    assert (r.status_code, r.json()["error"]["code"]) == (422, code), r.text


async def test_registration_accepts_a_public_https_url_and_patch_rechecks(
    staging: Staging, resolver: MappedResolver
) -> None:
    resolver.write({"hooks.public.test": [PUBLIC], "inside.test": ["10.1.2.3"]})
    r = await _register(staging, "https://hooks.public.test/shadows")
    assert r.status_code == 201, r.text
    patch = await staging.client.patch(
        f"/v1/webhook-endpoints/{r.json()['id']}",
        json={"url": "https://inside.test/shadows"},
        headers={"Authorization": f"Bearer {staging.key}"},
    )
    assert (patch.status_code, patch.json()["error"]["code"]) == (422, "address_not_allowed")


async def test_a_name_that_rebinds_to_loopback_after_registration_is_refused_at_delivery(
    staging: Staging, resolver: MappedResolver, start_worker: StartWorker, db: Conn, tmp_path: Path
) -> None:
    async with webhook_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        resolver.write({"rebind.test": [PUBLIC]})
        r = await _register(staging, f"https://rebind.test:{port}/hooks/shadows")
        assert r.status_code == 201, r.text
        endpoint_id = r.json()["id"]
        # The attacker's DNS now answers with the address of something on the inside, before any delivery exists.
        resolver.write({"rebind.test": ["127.0.0.1"]})
        start_worker(
            **staging.env,
            SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.resolver",
            SHADOWS_TEST_RESOLVER_FILE=str(resolver.path),
        )
        created = await staging.client.post(
            "/v1/sessions",
            json={"candidate": {"name": "Ada", "email": "ada@example.com"}},
            headers={"Authorization": f"Bearer {staging.key}"},
        )
        assert created.status_code == 201

        async def attempted() -> dict[str, object] | None:
            cur = await db.execute(
                "select status, attempts, last_error, last_status_code from webhook_deliveries where endpoint_id = %s",
                (endpoint_id,),
            )
            row = await cur.fetchone()
            return row if row and row["attempts"] >= 1 else None

        row = await wait_until(attempted, what="a delivery attempt")
    assert row["last_error"] == "address_not_allowed" and row["last_status_code"] is None
    assert row["status"] == "pending"  # tried again later, checked again then
    assert receiver.deliveries == []  # nothing reached the address behind the rebound name


async def test_greenhouse_callback_urls_must_be_greenhouse_hosts_over_https(staging: Staging) -> None:
    r = await staging.client.post(
        "/v1/integrations/greenhouse/keys", headers={"Authorization": f"Bearer {staging.key}"}
    )
    key = r.json()["key"]
    auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}
    candidate = {"first_name": "Harry", "last_name": "Potter", "email": "hp@example.com"}
    for url, code in [
        ("https://evil.example.com/integrations/testing_partners/take_home_tests/1", "address_not_allowed"),
        ("https://greenhouse.io.evil.example/take_home_tests/1", "address_not_allowed"),
        ("https://evilgreenhouse.io/take_home_tests/1", "address_not_allowed"),
        ("http://app.greenhouse.io/integrations/testing_partners/take_home_tests/1", "scheme_not_allowed"),
    ]:
        r = await staging.client.post(
            "/integrations/greenhouse/send_test",
            json={"partner_test_id": "difficulty:easy", "candidate": candidate, "url": url},
            headers=auth,
        )
        assert (r.status_code, r.json()["error"]["code"]) == (422, code), url
    ok = await staging.client.post(
        "/integrations/greenhouse/send_test",
        json={
            "partner_test_id": "difficulty:easy",
            "candidate": candidate,
            "url": "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/12345",
        },
        headers=auth,
    )
    assert ok.status_code == 200, ok.text  # scheduled; nothing is called until a scorecard exists


async def test_a_slow_name_server_holds_no_database_connection(
    db_url: str, db: Conn, tmp_path: Path, resolver: MappedResolver
) -> None:
    # Registering (or re-pointing) an endpoint resolves its host; an organisation's name server that answers slowly
    # held a pooled connection for the whole lookup. With a pool of one, another request now still gets through.
    settings, _ = staging_settings(db_url, tmp_path)
    settings = settings.model_copy(update={"db_pool_min": 1, "db_pool_max": 1, "db_pool_timeout_s": 2.0})
    _, key = await create_org(db, "Slow DNS Org")
    headers = {"Authorization": f"Bearer {key}"}
    resolver.write({"public.test": [PUBLIC]})
    answer = asyncio.Event()
    asked = asyncio.Event()

    async def slow(host: str, port: int) -> list[str]:
        if host == "slow.test":
            asked.set()
            await answer.wait()
            return [PUBLIC]
        return await resolver(host, port)

    async with serve(settings) as client:
        created = await client.post(
            "/v1/webhook-endpoints",
            json={"url": "https://public.test/hook", "event_types": ALL_TYPES},
            headers=headers,
        )
        assert created.status_code == 201
        egress.use_resolver(slow)
        for method, path in [
            ("POST", "/v1/webhook-endpoints"),
            ("PATCH", f"/v1/webhook-endpoints/{created.json()['id']}"),
        ]:
            asked.clear()
            answer.clear()
            body = {"url": "https://slow.test/hook", "event_types": ALL_TYPES}
            pending = asyncio.create_task(client.request(method, path, json=body, headers=headers))
            try:
                async with asyncio.timeout(30):
                    await asked.wait()
                meanwhile = await client.get("/v1/webhook-endpoints", headers=headers)
            finally:
                answer.set()
            assert meanwhile.status_code == 200, (method, meanwhile.text)
            assert (await pending).status_code in (200, 201), method


async def test_a_name_server_that_never_answers_is_host_unresolvable_within_the_request_timeout(
    db_url: str, db: Conn, tmp_path: Path, resolver: MappedResolver
) -> None:
    # At delivery a lookup ends with its request's deadline; at registration nothing bounded it but the resolver's
    # own lifetime (30 s), so an organisation's silent name server held each registering request that long.
    settings, _ = staging_settings(db_url, tmp_path)
    settings = settings.model_copy(update={"webhook_timeout_s": 0.5})
    _, key = await create_org(db, "Silent DNS Org")
    never = asyncio.Event()

    async def silent(host: str, port: int) -> list[str]:
        await never.wait()
        return [PUBLIC]

    egress.use_resolver(silent)
    async with serve(settings) as client:
        try:
            async with asyncio.timeout(60):  # generous; without the bound the request waits for ever
                r = await client.post(
                    "/v1/webhook-endpoints",
                    json={"url": "https://silent.test/hook", "event_types": ALL_TYPES},
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=60,
                )
        finally:
            never.set()  # lets a request still waiting end, so the server can stop
    assert (r.status_code, r.json()["error"]["code"]) == (422, "host_unresolvable"), r.text
