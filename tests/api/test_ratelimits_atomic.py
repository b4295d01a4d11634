"""`RateLimits.hit_all` counts a request in every bucket or in none, as one step of the store (api/ratelimits.py), and
`hit` in every part of its limit or in none.
It tested every bucket, then counted each: two round trips a bucket. Requests racing on two replicas all found room
in the test, then all counted the widest bucket before the narrower one refused most of them; a Redis failure between
two counts left the buckets before it counted. Real Redis (the suite's), two `RateLimits` on their own connections as
two API replicas have; the failure is a real one: the connection to Redis cut, and Redis unreachable after."""

from __future__ import annotations

import asyncio
import contextlib
import math
import secrets
from collections.abc import Awaitable
from urllib.parse import urlsplit

import pytest
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

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


def _limits_on(store: str, settings: ApiSettings, prefix: str = "") -> RateLimits:
    """A `RateLimits` as one API replica has it: on a store of its own in this process's memory, or on the suite's
    Redis through a connection of its own, under the test's prefix plus `prefix` (replicas under one prefix share
    their buckets)."""
    if store == "memory":
        return RateLimits(MemoryStorage())
    return RateLimits.from_settings(
        settings.model_copy(update={"redis_prefix": settings.redis_prefix + prefix})
    )


async def _refusal(call: Awaitable[None]) -> RateLimitedError | None:
    """What a `hit` or `hit_all` call refused with, or None: it was admitted."""
    try:
        await call
    except RateLimitedError as e:
        return e
    return None


async def _counted(ratelimits: RateLimits, count: Count) -> int:
    """How many requests `count`'s bucket holds, read through `limits`' own moving window."""
    item = parse(count.spec)
    stats = await MovingWindowRateLimiter(ratelimits.storage).get_window_stats(item, count.scope, count.key)
    return item.amount - stats.remaining


async def test_requests_racing_on_two_replicas_are_admitted_by_the_narrowest_bucket_and_counted_only_if_admitted(
    api_settings: ApiSettings,
) -> None:
    replicas = [_limits_on("redis", api_settings), _limits_on("redis", api_settings)]
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


async def test_in_memory_a_request_refused_by_a_contended_bucket_counts_nothing_in_the_others(
    api_settings: ApiSettings,
) -> None:
    # The in-process store (a deployment without Redis): a concurrent request takes the site's last place while this
    # one waits for the site's lock (held as the store's own sweep holds it, across an await). Tested first and
    # counted after, this one had found room everywhere and counted everyone's bucket before the site refused it.
    ratelimits = _limits_on("memory", api_settings)
    storage = ratelimits.storage
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
    direct = _limits_on("redis", api_settings)
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


# (seconds the clock moves first, cost, who): "all" is hit_all over both counts, "own" and "site" `hit` on one.
# Costs above 1 and up to the limit and past it; windows of a minute ending inside an hour's; an hour's ending.
_STEPS = [
    (0, 1, "all"),
    (1, 2, "all"),
    (1, 3, "all"),
    (2, 1, "own"),
    (5, 1, "all"),
    (50, 2, "all"),
    (3, 6, "all"),
    (1, 1, "site"),
    (9, 5, "all"),
    (61, 3, "all"),
    (0, 2, "all"),
    (30, 1, "own"),
    (31, 4, "all"),
    (1, 1, "all"),
    (600, 5, "all"),
    (59, 1, "all"),
    (1, 2, "site"),
    (2999, 1, "all"),
    (1, 5, "all"),
    (3600, 2, "all"),
    (1, 6, "site"),
    (1, 1, "all"),
    (58, 1, "all"),
]


async def _fits_in(
    limiter: MovingWindowRateLimiter, clock: list[float], item: RateLimitItem, count: Count, cost: int
) -> int:
    """The whole seconds from now until `limits`' own `test` passes `cost` requests of `count`'s `item` (the
    Retry-After to expect), found by moving the clock; the clock is left as it was."""
    now = clock[0]
    if cost > item.amount:  # never: the window's own reset time, as `limits` reads it
        stats = await limiter.get_window_stats(item, count.scope, count.key)
        return max(1, math.floor(stats.reset_time - now) + 1)
    low, high = 1, item.get_expiry() + 1
    try:
        while low < high:
            clock[0] = now + (low + high) // 2
            if await limiter.test(item, count.scope, count.key, cost=cost):
                high = (low + high) // 2
            else:
                low = (low + high) // 2 + 1
    finally:
        clock[0] = now
    return low


@pytest.mark.parametrize("store", ["memory", "redis"])
async def test_hit_all_agrees_with_limits_own_moving_window_step_by_step(
    store: str, api_settings: ApiSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # hit_all copies `limits`' moving window (its keys, its entries, its test) rather than calling it. The same
    # requests against a store of its own, made only through `limits`' own `test` and `hit` (all tested, then all
    # hit), must admit and refuse alike, and `limits`' `get_window_stats` (Retry-After's source) must read the same
    # from both, at every step: what fails here when an upgrade of `limits` (uv.lock) changes what was copied.
    clock = [1_800_000_000.0]
    monkeypatch.setattr("time.time", lambda: clock[0])
    ours, theirs = _limits_on(store, api_settings), _limits_on(store, api_settings, "r")
    own = Count("agree", "5/minute;20/hour", "198.51.100.7", "Too many from this address.")
    site = Count("agree_site", "8/minute;30/hour", "site", "Too many from this network.")
    limiter = MovingWindowRateLimiter(theirs.storage)
    checks = [(count, item) for count in (own, site) for item in ours._items(count.spec)]
    outcomes: list[str] = []
    for moved, cost, who in _STEPS:
        # Never a whole number of seconds between two steps: `limits`' own memory store counts an entry exactly a
        # window old as in it when it hits and out of it when it tests (its `hit` and `test` disagree there).
        clock[0] += moved + 0.013
        counts = {"all": [own, site], "own": [own], "site": [site]}[who]
        first = counts[0]
        refused = await _refusal(
            ours.hit_all(counts, cost=cost)
            if who == "all"
            else ours.hit(first.scope, first.spec, first.key, message=first.message, cost=cost)
        )
        got = "admitted" if refused is None else f"refused {refused.message} {refused.retry_after}"
        mine = [(count, item) for count, item in checks if count in counts]
        refusing = [
            (count, item)
            for count, item in mine
            if not await limiter.test(item, count.scope, count.key, cost=cost)
        ]
        if refusing:
            count, item = refusing[0]
            expected = f"refused {count.message} {await _fits_in(limiter, clock, item, count, cost)}"
        else:
            for count, item in mine:
                assert await limiter.hit(item, count.scope, count.key, cost=cost)
            expected = "admitted"
        assert got == expected, (moved, cost, who)
        outcomes.append(got)
        for count, item in checks:
            read = [
                await MovingWindowRateLimiter(rl.storage).get_window_stats(item, count.scope, count.key)
                for rl in (ours, theirs)
            ]
            # `limits`' own reset time of a window holding nothing is any expired entry's (in memory, the last its
            # list keeps): only a window with requests in it has one to agree on (and only such a one refuses).
            same = read[0] == read[1] or read[0].remaining == read[1].remaining == item.amount
            assert same, (moved, cost, who, str(item), read)
    # The steps mean something: both admitted and refused by either count, and a cost past the limit refused.
    assert (
        "admitted" in outcomes
        and any("address" in o for o in outcomes)
        and any("network" in o for o in outcomes)
    )


@pytest.mark.parametrize("store", ["memory", "redis"])
async def test_retry_after_of_a_refused_cost_is_when_that_cost_fits_again(
    store: str, api_settings: ApiSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bucket of 5 a minute holding requests 45, 35, 25, 15 and 5 s old refuses a request of cost 2 until the
    # second oldest leaves the window, 25 s on. `limits`' reset time is the oldest's (15 s on): the client told to
    # come back then was refused again, for a request that never fit sooner.
    clock = [1_800_000_000.3]
    monkeypatch.setattr("time.time", lambda: clock[0])
    ratelimits = _limits_on(store, api_settings)
    spec, key = "5/minute", "198.51.100.9"
    for _ in range(5):
        await ratelimits.hit("retry", spec, key, message="")
        clock[0] += 10
    clock[0] -= 4.5

    async def retry_after(cost: int, *, use_all: bool = False) -> int | None:
        refused = await _refusal(
            ratelimits.hit_all([Count("retry", spec, key, "Too many.")], cost=cost)
            if use_all
            else ratelimits.hit("retry", spec, key, message="Too many.", cost=cost)
        )
        return None if refused is None else refused.retry_after

    assert (
        await retry_after(1) == 15 and await retry_after(2, use_all=True) == 25 and await retry_after(3) == 35
    )
    clock[0] += 15  # the time a cost of 1 was told: one place, not two
    assert await retry_after(2) == 10
    clock[0] += 10
    assert await retry_after(2) is None  # admitted when it was told it would be


@pytest.mark.parametrize("store", ["memory", "redis"])
async def test_a_request_one_part_of_a_limit_refuses_counts_in_none_of_its_parts(
    store: str, api_settings: ApiSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A limit of a day and a minute (an operator may write its parts in any order). A client retrying through its
    # minute's refusals was counted in the day's part each time, before the minute's refused it: served once, it was
    # then refused for the rest of the day.
    clock = [1_800_000_000.3]
    monkeypatch.setattr("time.time", lambda: clock[0])
    ratelimits = _limits_on(store, api_settings)
    spec, key = "3/day;1/minute", "198.51.100.10"

    async def refused() -> RateLimitedError | None:
        return await _refusal(ratelimits.hit("parts", spec, key, message="Too many."))

    assert await refused() is None
    retries = [await refused() for _ in range(3)]
    assert all(r is not None and r.retry_after <= 61 for r in retries)  # the minute's part, each time
    clock[0] += 61
    assert await refused() is None  # the second of the day's three
    held = [await _counted(ratelimits, Count("parts", part, key, "")) for part in ("3/day", "1/minute")]
    assert held == [2, 1]


@pytest.mark.parametrize("store", ["memory", "redis"])
async def test_a_count_given_back_leaves_room_in_each_of_its_buckets_and_others_counts_in_place(
    store: str, api_settings: ApiSettings
) -> None:
    # A practice request counted, then given no database connection (a 503), gives its count back: its retries
    # through an outage spent its address's hour and the offering's otherwise.
    ratelimits = _limits_on(store, api_settings)

    def counts(address: str) -> list[Count]:
        return [Count("own", "1/hour", address, "Too many."), Count("all", "5/hour", "all", "Busy.")]

    await ratelimits.hit_all(counts("198.51.100.7"))
    await ratelimits.hit_all(counts("198.51.100.8"))
    assert await _refusal(ratelimits.hit_all(counts("198.51.100.7"))) is not None
    await ratelimits.give_back_all(counts("198.51.100.7"))
    held = [await _counted(ratelimits, c) for c in counts("198.51.100.7") + counts("198.51.100.8")[:1]]
    assert held == [0, 1, 1]  # its own bucket empty, the shared one still holding the other address's
    assert await _refusal(ratelimits.hit_all(counts("198.51.100.7"))) is None


async def _lpush_calls(client: Redis) -> int:
    """How many LPUSH commands the Redis server has run, a script's own included."""
    stats = await client.info("commandstats")
    return int(stats.get("cmdstat_lpush", {}).get("calls", 0))


async def test_an_export_s_whole_cost_is_counted_in_a_few_pushes_of_the_shared_redis(
    api_settings: ApiSettings,
) -> None:
    # An export counts its rows, up to 99,900 entries in each part of SHADOWS_API_EXPORT_ROWS_RATE_LIMIT, in one script
    # of the Redis every replica's limits share, and Redis runs nothing else while a script runs. Pushed one entry a
    # command, that is 199,800 commands in one script (about 85 ms of Redis here, against 30 ms 5,000 to a push, as
    # `limits`' own script pushes them).
    ratelimits = _limits_on("redis", api_settings)
    spec = ApiSettings.model_fields["export_rows_rate_limit"].default
    key, cost = "an-organisation", 99_900

    async def refused(rows: int) -> bool:
        counted = ratelimits.hit("export_cost", spec, key, message="Too many.", cost=rows)
        return await _refusal(counted) is not None

    client = Redis.from_url(api_settings.redis_url)
    try:
        before = await _lpush_calls(client)
        assert not await refused(cost)
        pushes = await _lpush_calls(client) - before
    finally:
        await client.aclose()
    assert pushes <= 2 * math.ceil(cost / 5000), pushes
    held = [await _counted(ratelimits, Count("export_cost", part, key, "")) for part in spec.split(";")]
    assert held == [cost, cost]
    # Counted entry for entry: the hour's part has room for 100 more and no more.
    assert await refused(101) and not await refused(100)


async def test_in_memory_a_bucket_counted_only_with_others_is_swept_once_its_entries_expire(
    api_settings: ApiSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `limits`' in-memory store drops a list whose entries have all expired in a sweep that its own acquisitions
    # start; the atomic step is not one of them. With no sweep started, the list of every address that ever called
    # (the practice route counts only in that step) was kept for the life of the process.
    clock = [1_800_000_000.0]
    monkeypatch.setattr("time.time", lambda: clock[0])
    ratelimits = _limits_on("memory", api_settings)
    storage = ratelimits.storage
    once = Count("sweep", "5/minute", "198.51.100.11", "Too many from this address.")
    await ratelimits.hit_all([once, Count("sweep_all", "50/minute", "all", "At capacity.")])
    key = parse(once.spec).key_for(once.scope, once.key)
    assert key in storage.events
    clock[0] += 61  # every entry of that address's list has left its window
    await ratelimits.hit_all([Count("sweep", once.spec, "198.51.100.12", once.message)])
    assert storage.timer is not None
    await storage.timer  # the sweep the count started
    assert key not in storage.events and "198.51.100.12" in " ".join(storage.events)
