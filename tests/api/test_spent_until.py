"""What a process refuses without asking the rate-limit store (api/spent_until.py), shared by the credential guess
limits (api/guess_limits.py) and the report read budget for links that open nothing (api/report_limits.py): each
key until its Retry-After, and never more keys than the bound, however many distinct addresses are spent."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from starlette.requests import Request

from api import guess_limits, report_limits
from api.errors import RateLimitedError
from api.settings import ApiSettings
from api.spent_until import SpentUntil


class Clock:
    """A monotonic clock the test moves, counting how often it is read."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


def test_a_key_is_refused_until_its_retry_after_then_forgotten() -> None:
    clock = Clock()
    spent = SpentUntil(4, clock=clock)
    assert not spent and spent.retry_after("a") is None
    spent.spend("a", 30)
    assert spent and len(spent) == 1
    assert spent.retry_after("a") == 30
    clock.now += 29.2
    assert spent.retry_after("a") == 1  # whole seconds, rounded up, never 0
    clock.now += 0.8
    assert spent.retry_after("a") is None
    assert not spent  # the passed time is forgotten: the fast "nothing spent" path is back
    for none in (None, 0):
        spent.spend("b", none)
        assert spent.retry_after("b") == 1
    spent.spend("b", 5)  # spent again: the new time stands
    assert spent.retry_after("b") == 5


@pytest.mark.parametrize("bound", [1, 2, 8, 100, 1000])
def test_many_distinct_keys_never_grow_it_past_its_bound(bound: int) -> None:
    clock = Clock()
    spent = SpentUntil(bound, clock=clock)
    for i in range(10 * bound + 7):
        spent.spend(f"client 2001:db8:{i:x}::/64", 60)
        assert len(spent) <= bound
    assert spent.retry_after(f"client 2001:db8:{10 * bound + 6:x}::/64") == 60  # the newest stays


def test_past_the_bound_passed_keys_go_before_live_ones_and_the_oldest_spent_first() -> None:
    clock = Clock()
    spent = SpentUntil(8, clock=clock)
    for i in range(4):
        spent.spend(f"short {i}", 1)
    for i in range(4):
        spent.spend(f"long {i}", 3600)
    clock.now += 2
    spent.spend("long 0", 3600)  # spent again: the newest now, not the oldest
    spent.spend("new", 3600)  # past the bound: the four passed ones go, every live one stays
    assert len(spent) == 5
    assert all(spent.retry_after(f"long {i}") is not None for i in range(4))
    for i in range(4, 8):
        spent.spend(f"long {i}", 3600)
    assert len(spent) == 7  # past the bound with all live: the oldest spent go, "long 1" first
    assert spent.retry_after("long 1") is None
    assert spent.retry_after("long 0") is not None and spent.retry_after("new") is not None


def test_a_flood_of_new_keys_pays_one_sweep_per_eighth_of_the_bound() -> None:
    # With every key live, a sweep on each new key past the bound walked all of them each time (10,000 for the
    # guess limits): the sweep leaves room for an eighth of the bound, so the next new keys read the clock once.
    clock = Clock()
    bound = 800
    spent = SpentUntil(bound, clock=clock)
    for i in range(bound + 1):
        spent.spend(f"k{i}", 3600)
    assert len(spent) == bound - bound // 8
    reads = clock.reads
    for i in range(bound // 8):
        spent.spend(f"more{i}", 3600)
    assert clock.reads - reads == bound // 8 and len(spent) == bound


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        SpentUntil(0)


class RefusingStore:
    """A rate-limit store that refuses every hit, as one past its limits does."""

    def __init__(self) -> None:
        self.hits = 0

    async def hit(
        self, scope: str, spec: str, key: str, *, message: str, cost: int = 1, code: str | None = None
    ) -> None:  # api.ratelimits.RateLimits.hit's signature
        self.hits += 1
        raise RateLimitedError(message, code=code, retry_after=60)


def _request(app: Any, address: str) -> Request:
    return Request({"type": "http", "app": app, "client": (address, 4242), "headers": [], "method": "GET"})


async def test_guessing_from_many_ipv6_sites_keeps_the_guess_guard_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(guess_limits, "SPENT_MAX", 64)
    store = RefusingStore()
    app = SimpleNamespace(state=SimpleNamespace(settings=ApiSettings(), ratelimits=store))
    for i in range(1000):  # a new /48 (and /64) each time: a spent bucket per guess
        request = _request(app, f"2001:db8:{i:x}::1")
        with pytest.raises(RateLimitedError):
            await guess_limits.failed(request, bytes([i % 256]) * 32, "invite")
    guard = guess_limits.guard(_request(app, "2001:db8::1"))
    assert len(guard.spent) <= 64 and len(guard.busy) <= 1
    # The newest address is still refused in-process, with its wait, and no store round trip.
    hits = store.hits
    with pytest.raises(RateLimitedError) as refused:
        guess_limits.admit(_request(app, f"2001:db8:{999:x}::2"), b"\x01" * 32)
    assert refused.value.retry_after is not None and 1 <= refused.value.retry_after <= 60
    assert store.hits == hits


async def test_the_report_budget_remembers_one_key() -> None:
    store = RefusingStore()
    app = SimpleNamespace(state=SimpleNamespace(ratelimits=store))
    settings = ApiSettings()
    for i in range(50):
        with pytest.raises(RateLimitedError) as refused:
            await report_limits.count_unverified(_request(app, f"198.51.100.{i}"), settings)
        assert refused.value.code == report_limits.REPORT_LINKS_BUSY
    assert store.hits == 1  # the rest refused in-process
    spent = report_limits._spent(_request(app, "198.51.100.1"))
    assert len(spent) == 1 and spent.max_keys == 1
