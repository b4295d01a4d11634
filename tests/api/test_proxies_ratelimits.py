"""Rate-limit buckets and their storage: X-Forwarded-For picks the bucket only when the peer is a trusted proxy;
counters live in Redis, so two API instances share the practice limit and the per-session run rate."""

from __future__ import annotations

import asyncio

import pytest

from api.ratelimits import storage_for
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.conftest import ApiServer, free_port


def _limit(server: ApiServer) -> int:
    return int(server.settings.practice_rate_limit.split("/")[0])


async def test_untrusted_peer_cannot_choose_its_bucket_with_x_forwarded_for(api_server: ApiServer) -> None:
    limit = _limit(api_server)
    statuses = [
        (
            await api_server.client.post(
                "/v1/practice",
                json={},
                headers={"X-Forwarded-For": f"198.51.100.{i}", "Forwarded": f"for=10.0.0.{i}"},
            )
        ).status_code
        for i in range(limit + 3)
    ]
    assert statuses == [201] * limit + [429] * 3


async def test_trusted_proxy_gives_each_forwarded_client_its_own_bucket(api_server: ApiServer) -> None:
    limit = _limit(api_server)
    settings = api_server.settings.model_copy(update={"forwarded_allow_ips": "127.0.0.1"})
    async with serve(settings) as client:
        distinct = [
            (
                await client.post("/v1/practice", json={}, headers={"X-Forwarded-For": f"203.0.113.{i}"})
            ).status_code
            for i in range(limit + 2)
        ]
        # A client behind the proxy prepends its own header; the proxy appends the address it saw. The bucket is
        # the address the trusted proxy saw, whatever the client wrote before it.
        spoofed = [
            (
                await client.post(
                    "/v1/practice", json={}, headers={"X-Forwarded-For": f"192.0.2.{i}, 203.0.113.200"}
                )
            ).status_code
            for i in range(limit + 2)
        ]
    assert distinct == [201] * (limit + 2)
    assert spoofed == [201] * limit + [429] * 2


async def test_an_ipv6_client_gets_one_bucket_for_its_whole_slash_64(api_server: ApiServer) -> None:
    # Every subscriber holds a /64 (2^64 addresses): bucketed per address, one new address per request was
    # unlimited practice sessions, each an interview on the house's model and speech bills.
    limit = _limit(api_server)
    settings = api_server.settings.model_copy(update={"forwarded_allow_ips": "127.0.0.1"})
    async with serve(settings) as client:

        async def practice(address: str) -> int:
            r = await client.post("/v1/practice", json={}, headers={"X-Forwarded-For": address})
            return r.status_code

        rotated = [await practice(f"2001:db8:1:2:{i:x}::{i + 1:x}") for i in range(limit + 2)]
        neighbour = await practice("2001:db8:1:3::1")  # the next /64 is another subscriber
        mapped = [await practice(a) for a in ("198.51.100.7", "::ffff:198.51.100.7")]
    assert rotated == [201] * limit + [429] * 2
    assert neighbour == 201
    assert mapped == [201, 201]  # one bucket: the IPv4-mapped form is the same client


async def test_an_ipv6_client_rotating_its_slash_64s_meets_the_limit_of_its_site(
    api_server: ApiServer,
) -> None:
    # An end site is handed a /48 or a /56 (65,536 or 256 /64s): one new /64 per request was a fresh bucket each
    # time. The site's /48 has its own, larger, limit.
    settings = api_server.settings.model_copy(
        update={
            "forwarded_allow_ips": "127.0.0.1",
            "practice_rate_limit": "2/hour",
            "practice_site_rate_limit": "5/hour",
        }
    )
    async with serve(settings) as client:

        async def practice(address: str) -> int:
            r = await client.post("/v1/practice", json={}, headers={"X-Forwarded-For": address})
            return r.status_code

        rotated = [await practice(f"2001:db8:7:{i:x}::1") for i in range(7)]
        other_site = await practice("2001:db8:8::1")
        ipv4 = [await practice(f"198.51.100.{i}") for i in range(7)]  # each IPv4 address is its own site
    assert rotated == [201] * 5 + [429] * 2
    assert other_site == 201
    assert ipv4 == [201] * 7


async def test_clients_on_many_networks_together_meet_the_practice_offerings_own_limit(
    api_server: ApiServer,
) -> None:
    # Each address and each site within its own limits, but many of them (a botnet, a pool of cloud addresses):
    # every practice session is an interview on the house's model and speech bills, which the offering as a whole
    # must bound. Past the limit: 429 with its own code.
    settings = api_server.settings.model_copy(
        update={"forwarded_allow_ips": "127.0.0.1", "practice_global_rate_limit": "4/hour"}
    )
    async with serve(settings) as client:

        async def practice(address: str) -> tuple[int, str]:
            r = await client.post("/v1/practice", json={}, headers={"X-Forwarded-For": address})
            return r.status_code, r.json().get("error", {}).get("code", "") if r.status_code != 201 else ""

        statuses = [await practice(f"198.51.{100 + i}.{i + 1}") for i in range(6)]
    assert statuses == [(201, "")] * 4 + [(429, "practice_busy")] * 2


async def test_a_proxy_that_is_not_in_the_trusted_list_is_not_believed(api_server: ApiServer) -> None:
    limit = _limit(api_server)
    settings = api_server.settings.model_copy(update={"forwarded_allow_ips": "10.1.2.3,192.168.0.0/16"})
    async with serve(settings) as client:
        statuses = [
            (
                await client.post("/v1/practice", json={}, headers={"X-Forwarded-For": f"203.0.113.{i}"})
            ).status_code
            for i in range(limit + 1)
        ]
    assert statuses == [201] * limit + [429]


async def test_two_api_instances_sharing_redis_share_the_practice_limit(api_server: ApiServer) -> None:
    limit = _limit(api_server)
    async with serve(api_server.settings) as second:
        clients = [api_server.client, second]
        statuses = [
            (await clients[i % 2].post("/v1/practice", json={})).status_code for i in range(limit + 2)
        ]
    assert statuses == [201] * limit + [429, 429]


async def test_without_redis_the_limit_holds_in_memory(api_server: ApiServer) -> None:
    limit = _limit(api_server)
    async with serve(api_server.settings.model_copy(update={"redis_url": None})) as client:
        statuses = [(await client.post("/v1/practice", json={})).status_code for _ in range(limit + 1)]
    assert statuses == [201] * limit + [429]


async def test_unreachable_redis_is_a_retryable_503_not_an_unlimited_route(api_server: ApiServer) -> None:
    settings = api_server.settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    async with serve(settings) as client:
        r = await client.post("/v1/practice", json={})
    assert (r.status_code, r.json()["error"]["code"]) == (503, "rate_limiter_unavailable")
    assert r.headers["retry-after"] == "1"


async def test_a_redis_that_never_answers_is_a_503_after_the_configured_timeout(
    api_server: ApiServer,
) -> None:
    # Connection refused is quick; a Redis (or a proxy, or a full network buffer) that accepts and never answers is
    # only ever ended by the timeout, which is the operator's to choose.
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the API gives up and closes

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = api_server.settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{port}/0", "redis_timeout_s": 0.2}
    )
    assert storage_for(settings).options == {"socket_timeout": 0.2, "socket_connect_timeout": 0.2}
    async with server, serve(settings) as client:
        r = await client.post("/v1/practice", json={})
    assert (r.status_code, r.json()["error"]["code"]) == (503, "rate_limiter_unavailable")
    assert ApiSettings.model_fields["redis_timeout_s"].default == 2.0


@pytest.mark.sandbox
async def test_two_api_instances_sharing_redis_share_the_per_session_run_rate(api_server: ApiServer) -> None:
    settings = api_server.settings.model_copy(update={"run_rate_limit": "2/minute"})
    s = await api_server.create_session()
    start = await api_server.agent_start(s)
    assert start.status_code == 200
    body = {"language": "python", "code": "def two_sum(nums, target):\n    return [0, 1]\n"}
    headers = {"Authorization": f"Bearer {s['invite']}"}
    async with serve(settings) as one, serve(settings) as two:
        statuses = [
            (await client.post(f"/v1/sessions/{s['id']}/runs", json=body, headers=headers)).status_code
            for client in (one, two, one, two)
        ]
    assert statuses == [200, 200, 429, 429]
