"""`RateLimits.hit_all` counts a request in every bucket or in none, as one step of the store (api/ratelimits.py).
It tested every bucket, then counted each: two round trips a bucket. Requests racing on two replicas all found room
in the test, then all counted the widest bucket before the narrower one refused most of them; a Redis failure between
two counts left the buckets before it counted. Real Redis (the suite's), two `RateLimits` on their own connections as
two API replicas have; the failure is a real one: the connection to Redis cut, and Redis unreachable after."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from urllib.parse import urlsplit

import pytest
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from api.errors import RateLimitedError
from api.ratelimits import Count, RateLimiterUnavailableError, RateLimits
from api.settings import ApiSettings


@pytest.fixture
def api_settings(redis_url: str) -> ApiSettings:
    """The suite's Redis under a key prefix of this test's own; no database (rate limits never touch it)."""
    return ApiSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg: ignore a developer's .env
        environment="test",
        redis_url=redis_url,
        redis_prefix="t" + secrets.token_hex(6),
        redis_timeout_s=10,  # a loaded box's stall is not a Redis failure
    )


async def _counted(ratelimits: RateLimits, count: Count) -> int:
    """How many requests `count`'s bucket holds, read through `limits`' own moving window."""
    item = parse(count.spec)
    stats = await MovingWindowRateLimiter(ratelimits.storage).get_window_stats(item, count.scope, count.key)
    return item.amount - stats.remaining


async def test_requests_racing_on_two_replicas_are_admitted_by_the_narrowest_bucket_and_counted_only_if_admitted(
    api_settings: ApiSettings,
) -> None:
    replicas = [RateLimits.from_settings(api_settings), RateLimits.from_settings(api_settings)]
    site = Count("race_site", "4/hour", "2001:db8::/48", "Too many from this network.")
    everyone = Count("race_all", "50/hour", "all", "At capacity.", code="practice_busy")

    async def request(i: int) -> bool:
        own = Count("race", "5/hour", f"2001:db8:0:{i}::/64", "Too many from this address.")
        try:
            await replicas[i % 2].hit_all([own, site, everyone])
        except RateLimitedError as e:
            assert e.code == "rate_limited" and e.message == "Too many from this network."
            return False
        return True

    admitted = await asyncio.gather(*(request(i) for i in range(24)))

    assert sum(admitted) == 4  # the site's four places, whichever replica
    # Everyone's bucket holds the four admitted requests, not the twenty the site refused after they found room.
    assert await _counted(replicas[0], everyone) == 4
    assert await _counted(replicas[1], site) == 4
    refused = [i for i, ok in enumerate(admitted) if not ok]
    own_of_refused = Count("race", "5/hour", f"2001:db8:0:{refused[0]}::/64", "")
    assert await _counted(replicas[0], own_of_refused) == 0


async def test_in_memory_a_request_refused_by_a_contended_bucket_counts_nothing_in_the_others() -> None:
    # The in-process store (a deployment without Redis): a concurrent request takes the site's last place while this
    # one waits for the site's lock (held as the store's own sweep holds it, across an await). Tested first and
    # counted after, this one had found room everywhere and counted everyone's bucket before the site refused it.
    storage = MemoryStorage()
    ratelimits = RateLimits(storage)
    own = Count("mem", "5/hour", "198.51.100.7", "Too many from this address.")
    site = Count("mem_site", "1/hour", "site", "Too many from this network.")
    everyone = Count("mem_all", "10/hour", "all", "At capacity.", code="practice_busy")

    lock = storage.locks[parse(site.spec).key_for(site.scope, site.key)]
    await lock.acquire()
    concurrent = asyncio.create_task(ratelimits.hit(site.scope, site.spec, site.key, message=site.message))
    this = asyncio.create_task(ratelimits.hit_all([own, site, everyone]))
    await asyncio.sleep(0)  # both wait for the site's lock, the concurrent request first
    assert not concurrent.done() and not this.done()
    lock.release()
    await concurrent
    with pytest.raises(RateLimitedError) as refused:
        await this

    assert refused.value.message == "Too many from this network."
    assert [await _counted(ratelimits, count) for count in (own, site, everyone)] == [0, 1, 0]


class _CuttingRelay:
    """A TCP relay on loopback to Redis that passes on `cut_after` writes of its client, then cuts every connection
    and stops listening: Redis gone mid-call, and unreachable for the client's reconnects and retries."""

    def __init__(self, host: str, port: int, cut_after: int) -> None:
        self.host, self.port, self.left = host, port, cut_after
        self.cut = asyncio.Event()
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def __aexit__(self, *exc: object) -> None:
        self._cut()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _cut(self) -> None:
        self.cut.set()
        if self._server is not None:
            self._server.close()
        for writer in self._writers:
            writer.transport.abort()

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        if self.cut.is_set():
            client_w.transport.abort()
            return
        server_r, server_w = await asyncio.open_connection(self.host, self.port)
        self._writers += [client_w, server_w]

        async def pump(r: asyncio.StreamReader, w: asyncio.StreamWriter, upstream: bool) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await r.read(65536):
                    if upstream and self.left == 0:
                        self._cut()  # this write, and every one after it, never reaches Redis
                        return
                    w.write(data)
                    await w.drain()
                    if upstream:
                        self.left -= 1

        pumps = [
            asyncio.create_task(pump(client_r, server_w, upstream=True)),
            asyncio.create_task(pump(server_r, client_w, upstream=False)),
        ]
        self._tasks.update(pumps)
        await asyncio.gather(*pumps, return_exceptions=True)


async def test_redis_failing_at_any_point_of_the_call_leaves_every_bucket_counted_or_none(
    api_settings: ApiSettings,
) -> None:
    assert api_settings.redis_url is not None
    redis = urlsplit(api_settings.redis_url)
    assert redis.hostname is not None and redis.port is not None
    direct = RateLimits.from_settings(api_settings)
    failures = 0
    # Every point of the call's traffic: connecting, each test, each count (the old way's round trips; the script's
    # one); past the last, the call completes.
    for cut_after in range(16):
        counts = [
            Count("cut", "5/hour", f"198.51.100.{cut_after}", "Too many from this address."),
            Count("cut_site", "20/hour", f"site-{cut_after}", "Too many from this network."),
            Count("cut_all", "100/hour", f"all-{cut_after}", "At capacity.", code="practice_busy"),
        ]
        relay = _CuttingRelay(redis.hostname, redis.port, cut_after)
        async with relay as port:
            settings = api_settings.model_copy(
                update={"redis_url": f"redis://127.0.0.1:{port}{redis.path}", "redis_timeout_s": 2}
            )
            try:
                await RateLimits.from_settings(settings).hit_all(counts)
            except RateLimiterUnavailableError:
                failures += 1
                assert relay.cut.is_set()
            completed = not relay.cut.is_set()
        held = [await _counted(direct, count) for count in counts]
        assert held in ([0, 0, 0], [1, 1, 1]), (cut_after, held)
        if completed:
            assert held == [1, 1, 1]
            break
    else:
        pytest.fail("the call never completed: more round trips than the points tried")
    assert failures >= 1  # Redis did fail mid-call
