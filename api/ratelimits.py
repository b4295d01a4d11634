"""Rate limits (the `limits` library): counters in Redis when `SHADOWS_API_REDIS_URL` is set, so every API process
and replica shares them; in this process's memory otherwise.

A limit is `limits` notation ("5/hour", several separated by ";"); `hit` counts one request against every part
and raises RateLimitedError (429, with Retry-After) when any part is exhausted; `hit_all` counts a request in
several buckets (an address, its site, everyone) only if none refuses it, everyone's first. A Redis failure is a
retryable 503, never a silently unlimited route.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

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
        over any part of `spec`."""
        count = Count(scope, spec, key, message, code)
        try:
            for item in self._items(spec):
                if not await self._limiter.hit(item, scope, key, cost=cost):
                    raise await self._refusal(item, count)
        except StorageError as e:
            raise _unavailable(scope, e) from e

    async def hit_all(self, counts: Sequence[Count], *, cost: int = 1) -> None:
        """Count `cost` requests in every one of `counts`, or in none: each is tested first, and the first that has
        no room left is raised (RateLimitedError) with nothing counted anywhere. Counted one by one, a request that
        the last bucket refused had spent its place in the ones before: a client retrying while the practice
        offering was at capacity (429 `practice_busy`) used up its own address's allowance, and was refused for an
        hour once the offering had room again.

        `counts` go from the caller's own bucket to everyone's; they are counted the other way round, everyone's
        first. At capacity every place the shared bucket frees is contended: the callers retrying all find room in
        the test, and all but one are refused as they count. Counted own bucket first, each of those had spent its
        own allowance all the same. Counted shared first, a request refused there has counted nothing; only one
        racing a request of its own (its own bucket refusing after the shared one counted it), or a store failure
        between two counts (a 503), leaves a wider bucket counted, never the caller's own for a refusal elsewhere."""
        for count in counts:
            try:
                for item in self._items(count.spec):
                    if not await self._limiter.test(item, count.scope, count.key, cost=cost):
                        raise await self._refusal(item, count)
            except StorageError as e:
                raise _unavailable(count.scope, e) from e
        for count in reversed(counts):
            await self.hit(
                count.scope, count.spec, count.key, message=count.message, cost=cost, code=count.code
            )

    async def _refusal(self, item: RateLimitItem, count: Count) -> RateLimitedError:
        stats = await self._limiter.get_window_stats(item, count.scope, count.key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return RateLimitedError(count.message, code=count.code, retry_after=retry_after)


def _unavailable(scope: str, e: StorageError) -> RateLimiterUnavailableError:
    log.error("ratelimit.storage_error", scope=scope, error_type=type(e.storage_error).__name__)
    return RateLimiterUnavailableError("Rate limiting is unavailable; try again shortly.")
