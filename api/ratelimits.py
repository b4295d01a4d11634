"""Rate limits (the `limits` library): counters in Redis when `SHADOWS_API_REDIS_URL` is set, so every API process
and replica shares them; in this process's memory otherwise.

A limit is `limits` notation ("5/hour", several separated by ";"); `hit` counts one request against every part
and raises RateLimitedError (429, with Retry-After) when any part is exhausted; `hit_all` counts a request in
several buckets (an address, its site, everyone). Either counts in every part of every bucket or, when one refuses,
in none, in one atomic step: one Lua script in Redis, one stretch of code with no await, under the buckets' locks,
in memory. A Redis failure is a retryable 503, never a silently unlimited route.

The moving window is `limits`' own, copied (its keys, entries and test; pyproject pins the version it is copied
from, and tests/api/test_ratelimits_atomic.py checks it step by step against that version's own).
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import structlog
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.storage.memory import Entry
from limits.aio.storage.redis.redispy import RedispyBridge
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from api.errors import RateLimitedError, ServiceUnavailableError
from api.settings import ApiSettings

log = structlog.get_logger(__name__)


class RateLimiterUnavailableError(ServiceUnavailableError):
    code = "rate_limiter_unavailable"


def storage_for(settings: ApiSettings) -> Storage:
    if not settings.redis_url:
        return MemoryStorage()
    url = settings.redis_url
    if not url.startswith("async+"):
        url = "async+" + url
    return RedisStorage(
        url,
        implementation="redispy",
        key_prefix=f"{settings.redis_prefix}:limits",
        wrap_exceptions=True,
        socket_timeout=settings.redis_timeout_s,
        socket_connect_timeout=settings.redis_timeout_s,
    )


IPV6_CLIENT_PREFIX = 64  # one subscriber's network: ISPs and clouds hand out a /64 (or more) to each


def client_bucket(address: str) -> str:
    """The rate-limit bucket of a client address: an IPv4 address itself (IPv4-mapped IPv6 read as IPv4), an IPv6
    address its /64. A client holds every address of its /64 and could otherwise take a new bucket per request."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_CLIENT_PREFIX), strict=False))
    return str(ip)


IPV6_SITE_PREFIX = 48  # one end site: registries hand a site a /48 (or a /56), so up to 65,536 /64s


def client_site(address: str) -> str | None:
    """The end site of an IPv6 client address, its /48, or None (an IPv4 address, IPv4-mapped included, is a site of
    its own). A site holds many /64s, each a bucket of `client_bucket`: rotating them took a fresh one per request,
    so the site has a bucket too, with a larger limit (several subscribers may share it)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if not isinstance(ip, ipaddress.IPv6Address) or ip.ipv4_mapped is not None:
        return None
    return str(ipaddress.IPv6Network((ip, IPV6_SITE_PREFIX), strict=False))


@dataclass(frozen=True)
class Count:
    """One bucket a request is counted in: `key`'s bucket of `scope`, limited by `spec` ("5/hour;20/day"); past it
    RateLimitedError with `message` and `code` (by default `rate_limited`)."""

    scope: str
    spec: str
    key: str
    message: str
    code: str | None = None


class RateLimits:
    """One per app: `await limits.hit("practice", "5/hour", client_address)`."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._limiter = MovingWindowRateLimiter(storage)
        self._parsed: dict[str, Sequence[RateLimitItem]] = {}
        self._acquire_all_script: AsyncScript | None = None
        self._give_back_script: AsyncScript | None = None

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> RateLimits:
        return cls(storage_for(settings))

    def _items(self, spec: str) -> Sequence[RateLimitItem]:
        items = self._parsed.get(spec)
        if items is None:
            items = self._parsed[spec] = parse_many(spec)
        return items

    async def hit(
        self, scope: str, spec: str, key: str, *, message: str, cost: int = 1, code: str | None = None
    ) -> None:
        """Count `cost` requests of `key` in `scope`; RateLimitedError (`code`, by default `rate_limited`) when
        over any part of `spec`, with nothing counted in any part. Counted part by part, a request the second part
        refuses would spend a place in the first: behind "1000/day;10/minute", a client retrying through its
        minute's refusals would spend its day's allowance on requests that were never served."""
        await self.hit_all([Count(scope, spec, key, message, code)], cost=cost)

    async def hit_all(self, counts: Sequence[Count], *, cost: int = 1) -> None:
        """Count `cost` requests in every one of `counts`, or in none: the first (in `counts`' order, the caller's
        own bucket first) that has no room left is raised (RateLimitedError) with nothing counted anywhere. Counted
        one by one, a request that the last bucket refused had spent its place in the ones before: a client retrying
        while the practice offering was at capacity (429 `practice_busy`) used up its own address's allowance, and was
        refused for an hour once the offering had room again. Tested first and counted after, two replicas (or two
        requests) could both find the last place and one be refused having counted a wider bucket; a store failure
        between two counts (a 503) left the ones before counted. So the test and the counts of every bucket are one
        step of the store: one Lua script in Redis, which Redis runs whole or not at all, and in memory one stretch
        of code with no await in it, under the buckets' locks."""
        checks = [(count, item) for count in counts for item in self._items(count.spec)]
        try:
            if isinstance(self.storage, RedisStorage):
                refused = await self._acquire_all_redis(self.storage, checks, cost)
            elif isinstance(self.storage, MemoryStorage):
                refused = await _acquire_all_memory(self.storage, checks, cost)
            else:  # pragma: no cover  # storage_for builds one of the two
                raise TypeError(f"no atomic hit_all for {type(self.storage).__name__}")
            if refused is not None:
                count, item = checks[refused]
                raise await self._refusal(item, count, cost)
        except StorageError as e:
            raise _unavailable("+".join(count.scope for count in counts), e) from e

    async def give_back_all(self, counts: Sequence[Count], *, cost: int = 1) -> None:
        """Take back `cost` requests `hit_all` counted in every one of `counts`, for a request that was then not
        served at all through no fault of its caller (the database gave it no connection: a 503 that says retry).
        Counted, the retries of an outage spent the caller's allowance and the offering's: refused for an hour once
        the database was back. The newest `cost` entries of each bucket go, one step of the store as `hit_all`'s (an
        entry newer than this request's may go in its place: the bucket holds as many, one ageing out a moment
        sooner). Best effort: a store that fails now leaves them counted, logged."""
        checks = [(count, item) for count in counts for item in self._items(count.spec)]
        try:
            if isinstance(self.storage, RedisStorage):
                bridge = self.storage.bridge
                assert isinstance(bridge, RedispyBridge)  # storage_for's implementation="redispy"
                keys = [bridge.prefixed_key(item.key_for(c.scope, c.key)) for c, item in checks]
                try:
                    if self._give_back_script is None:
                        client = cast(Redis, bridge.get_connection())
                        self._give_back_script = client.register_script(GIVE_BACK_LUA)
                    await self._give_back_script(keys=keys, args=[cost])
                except self.storage.base_exceptions as e:
                    raise StorageError(e) from e
            elif isinstance(self.storage, MemoryStorage):
                await _give_back_memory(
                    self.storage, [item.key_for(c.scope, c.key) for c, item in checks], cost
                )
        except StorageError as e:
            log.warning(
                "ratelimit.give_back_failed",
                scope="+".join(count.scope for count in counts),
                error_type=type(e.storage_error).__name__,
            )

    async def _acquire_all_redis(
        self, storage: RedisStorage, checks: Sequence[tuple[Count, RateLimitItem]], cost: int
    ) -> int | None:
        bridge = storage.bridge
        assert isinstance(bridge, RedispyBridge)  # storage_for's implementation="redispy"
        keys = [bridge.prefixed_key(item.key_for(count.scope, count.key)) for count, item in checks]
        args: list[float | int] = [time.time(), cost]
        for _, item in checks:
            args += [item.amount, item.get_expiry()]
        try:
            if self._acquire_all_script is None:
                client = cast(Redis, bridge.get_connection())
                self._acquire_all_script = client.register_script(ACQUIRE_ALL_LUA)
            refused = int(await self._acquire_all_script(keys=keys, args=args))
        except storage.base_exceptions as e:
            raise StorageError(e) from e
        return refused - 1 if refused else None

    async def _refusal(self, item: RateLimitItem, count: Count, cost: int) -> RateLimitedError:
        # A whole second past the instant: an entry exactly a window old is still in it.
        retry_after = max(1, math.floor(await self._room_at(item, count, cost) - time.time()) + 1)
        return RateLimitedError(count.message, code=count.code, retry_after=retry_after)

    async def _room_at(self, item: RateLimitItem, count: Count, cost: int) -> float:
        """When the bucket will have room for `cost` requests: when its entry `cost` places from the limit (newest
        first) leaves the window, the one the moving window tests. `limits`' reset time is its oldest entry's, the
        room for one request: a request of cost 2 refused was told to come back when one place had freed, and was
        refused again (the window's entries 0, 10, 20, 30 and 40 s old at 45 s: told 15 s, room at 25 s)."""
        if 1 < cost <= item.amount:
            key = item.key_for(count.scope, count.key)
            entry: float | None = None
            if isinstance(self.storage, MemoryStorage):
                events = self.storage.events.get(key, [])
                entry = events[item.amount - cost].atime if len(events) > item.amount - cost else None
            elif isinstance(self.storage, RedisStorage):
                bridge = self.storage.bridge
                assert isinstance(bridge, RedispyBridge)  # storage_for's implementation="redispy"
                client = cast(Redis, bridge.get_connection())
                try:
                    found = await client.lindex(bridge.prefixed_key(key), item.amount - cost)
                except self.storage.base_exceptions as e:
                    raise StorageError(e) from e
                entry = float(found) if found is not None else None
            if entry is not None:
                return entry + item.get_expiry()
        stats = await self._limiter.get_window_stats(item, count.scope, count.key)
        return stats.reset_time


# The moving window of `limits` (its acquire_moving_window.lua, the same keys and entries, so `hit` and
# `get_window_stats` read what this counts), over several keys at once. KEYS: the buckets' lists; ARGV: now, cost,
# then each bucket's limit and window (seconds). Every bucket is tested before any is written, so a refusal counts
# nothing, and Redis runs a script whole, no other client's command between its test and its counts (a connection
# lost mid-call has either run it or not). So the entries go 5,000 to a push, as `limits`' own script pushes them
# (unpack's stack bound): nothing else runs on the Redis every replica shares while the script does, and one request
# may cost up to a limit's whole amount (an export's rows, 99,900 entries in each of its buckets). Returns 0 when all
# were counted, else the 1-based index of the first bucket that refused.
ACQUIRE_ALL_LUA = """
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
for i = 1, #KEYS do
    local limit = tonumber(ARGV[1 + 2 * i])
    local expiry = tonumber(ARGV[2 + 2 * i])
    if cost > limit then
        return i
    end
    local entry = redis.call('lindex', KEYS[i], limit - cost)
    if entry and tonumber(entry) >= now - expiry then
        return i
    end
end
local entries = {}
for j = 1, cost do
    entries[j] = ARGV[1]
end
for i = 1, #KEYS do
    local limit = tonumber(ARGV[1 + 2 * i])
    for j = 1, cost, 5000 do
        redis.call('lpush', KEYS[i], unpack(entries, j, math.min(j + 4999, cost)))
    end
    redis.call('ltrim', KEYS[i], 0, limit - 1)
    redis.call('expire', KEYS[i], tonumber(ARGV[2 + 2 * i]))
end
return 0
"""


async def _acquire_all_memory(
    storage: MemoryStorage, checks: Sequence[tuple[Count, RateLimitItem]], cost: int
) -> int | None:
    """The same step on `limits`' in-memory moving window (its `events`, newest first): under the store's lock of
    every bucket (as its own `acquire_entry` takes one; its sweep holds one across an await), taken in one order, then
    with no await between the test and the counts. Each list is trimmed to its limit, as the script does; the store's
    sweep, started here as its own `acquire_entry` starts it, drops the lists whose entries have all expired."""
    keys = [item.key_for(count.scope, count.key) for count, item in checks]
    await _schedule_sweep(storage)
    async with contextlib.AsyncExitStack() as held:
        for key in sorted(set(keys)):
            await held.enter_async_context(storage.locks[key])
        now = time.time()
        for i, (key, (_, item)) in enumerate(zip(keys, checks, strict=True)):
            events = storage.events.get(key, [])
            if cost > item.amount:
                return i
            if (
                len(events) > item.amount - cost
                and events[item.amount - cost].atime >= now - item.get_expiry()
            ):
                return i
        for key, (_, item) in zip(keys, checks, strict=True):
            events = storage.events.setdefault(key, [])
            events[:0] = [Entry(item.get_expiry())] * cost
            del events[item.amount :]
    return None


# `RateLimits.give_back_all` in Redis: the newest ARGV[1] entries of each of KEYS (lists `hit_all` pushes on, newest
# first), all of them in one step.
GIVE_BACK_LUA = """
local cost = tonumber(ARGV[1])
for i = 1, #KEYS do
    redis.call('ltrim', KEYS[i], cost, -1)
end
return 0
"""


async def _give_back_memory(storage: MemoryStorage, keys: Sequence[str], cost: int) -> None:
    """`GIVE_BACK_LUA` on `limits`' in-memory moving window, under the buckets' locks as `_acquire_all_memory`."""
    async with contextlib.AsyncExitStack() as held:
        for key in sorted(set(keys)):
            await held.enter_async_context(storage.locks[key])
        for key in keys:
            if events := storage.events.get(key):
                del events[:cost]


async def _schedule_sweep(storage: MemoryStorage) -> None:
    """Start `limits`' sweep of the in-memory store (one pass in a task of its own, unless one is running), as each of
    its own acquisitions does. Without it an address's list, its entries all expired, would be kept for the life of
    the process: one list for every address that ever called."""
    # Private to the `limits` version pyproject pins; tests/api/test_ratelimits_atomic.py fails if it goes.
    schedule = getattr(storage, "_MemoryStorage__schedule_expiry")  # noqa: B009  # a mangled private name
    await schedule()


def _unavailable(scope: str, e: StorageError) -> RateLimiterUnavailableError:
    log.error("ratelimit.storage_error", scope=scope, error_type=type(e.storage_error).__name__)
    return RateLimiterUnavailableError("Rate limiting is unavailable; try again shortly.")
