"""Webhook endpoint writes that resolve a URL's host (a create, an update with a `url`) are counted per organisation
(`SHADOWS_API_WEBHOOK_ENDPOINT_RATE_LIMIT`) before the lookup, in the shared rate-limit store: a loop of them made
the API's resolver look up names without bound for one organisation. Names resolve through the test resolver, never
real DNS, and nothing is ever called (no worker runs here)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow
from pydantic import ValidationError

from api import egress
from api.db.orgs_repo import create_org
from api.metrics import ORG_LIMITED
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.api.integration_support import ALL_TYPES
from tests.api.test_webhook_ssrf import staging_settings
from tests.fakes.resolver import MappedResolver

Conn = psycopg.AsyncConnection[DictRow]
PUBLIC = "93.184.216.34"  # resolved to, never connected to
HOST = "hooks.public.test"


@pytest.fixture
def resolver(tmp_path: Path) -> Iterator[MappedResolver]:
    r = MappedResolver(tmp_path / "dns.json")
    r.write({HOST: [PUBLIC], "other.public.test": [PUBLIC]})
    egress.use_resolver(r)
    try:
        yield r
    finally:
        egress.use_resolver(None)


async def test_url_writes_past_the_organisations_limit_are_429_before_any_lookup_on_every_replica(
    db_url: str, db: Conn, tmp_path: Path, redis_url: str, resolver: MappedResolver
) -> None:
    settings, _ = staging_settings(db_url, tmp_path)
    settings = settings.model_copy(
        update={
            "webhook_endpoint_rate_limit": "3/hour",
            "redis_url": redis_url,
            "redis_prefix": "t" + secrets.token_hex(6),
        }
    )
    _, key = await create_org(db, "Looping Org")
    _, other_key = await create_org(db, "Other Org")
    headers = {"Authorization": f"Bearer {key}"}
    body = {"url": f"https://{HOST}/hook", "event_types": ALL_TYPES}

    limited = ORG_LIMITED.labels(kind="webhook_endpoint")
    before = limited._value.get()
    # Two replicas on one Redis: what one counts, the other sees.
    async with serve(settings) as a, serve(settings) as b:
        first = await a.post("/v1/webhook-endpoints", json=body, headers=headers)
        assert first.status_code == 201, first.text
        endpoint = first.json()["id"]
        assert (await b.post("/v1/webhook-endpoints", json=body, headers=headers)).status_code == 201
        moved = await a.patch(
            f"/v1/webhook-endpoints/{endpoint}",
            json={"url": "https://other.public.test/hook"},
            headers=headers,
        )
        assert moved.status_code == 200, moved.text
        assert len(resolver.lookups) == 3

        for client, method, path, sent in (
            (b, "POST", "/v1/webhook-endpoints", body),
            (a, "POST", "/v1/webhook-endpoints", {**body, "url": "https://nowhere.public.test/hook"}),
            (a, "PATCH", f"/v1/webhook-endpoints/{endpoint}", {"url": f"https://{HOST}/again"}),
        ):
            refused = await client.request(method, path, json=sent, headers=headers)
            assert refused.status_code == 429, (method, refused.text)
            assert refused.json()["error"]["code"] == "rate_limited"
            assert 0 < int(refused.headers["retry-after"]) <= 3600
        assert len(resolver.lookups) == 3  # refused before the lookup
        assert limited._value.get() == before + 3

        # An update that resolves nothing (disabling a broken endpoint) is not counted and not refused.
        disabled = await b.patch(
            f"/v1/webhook-endpoints/{endpoint}", json={"enabled": False}, headers=headers
        )
        assert disabled.status_code == 200 and disabled.json()["enabled"] is False
        # Another organisation has its own count.
        theirs = await a.post(
            "/v1/webhook-endpoints", json=body, headers={"Authorization": f"Bearer {other_key}"}
        )
        assert theirs.status_code == 201, theirs.text
        assert len(resolver.lookups) == 4

    cur = await db.execute("select count(*) as n from webhook_endpoints")
    assert await cur.fetchone() == {"n": 3}


def _settings(**extra: str) -> ApiSettings:
    return ApiSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg: ignore a developer's .env
        environment="test",
        internal_token="x" * 32,
        livekit_api_key="key",
        livekit_api_secret="s" * 32,
        **extra,  # type: ignore[arg-type]  # only str fields here
    )


def test_the_limit_is_configurable_and_checked_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _settings().webhook_endpoint_rate_limit == "60/hour"
    monkeypatch.setenv("SHADOWS_API_WEBHOOK_ENDPOINT_RATE_LIMIT", "10/minute;100/day")
    assert _settings().webhook_endpoint_rate_limit == "10/minute;100/day"
    monkeypatch.setenv("SHADOWS_API_WEBHOOK_ENDPOINT_RATE_LIMIT", "often")
    with pytest.raises(ValidationError, match="webhook_endpoint_rate_limit"):
        _settings()
