"""The two caches of tests by digest: the remote backend's memo of encodings (by the identity of TestCase objects,
never shared by equal or reborn ones) and a judge service's cache of parsed tests (bounded by their JSON)."""

from __future__ import annotations

from judge import remote_protocol as wire
from judge.bank import TestCase as Case
from judge.tests_cache import TestsCache, TestsMemo


def _tests(seed: int, count: int = 3, size: int = 3_000) -> list[Case]:
    return [
        Case(id=f"t{n}", args=[[(seed + n + i) % 97 for i in range(size)]], expected=seed, hidden=True)
        for n in range(count)
    ]


def test_one_set_of_objects_is_encoded_once_and_equal_objects_are_not_taken_for_it() -> None:
    memo = TestsMemo(min_bytes=1024)
    tests = _tests(1)
    first = memo.get(tests)
    assert (
        memo.get(list(tests)) is first
    )  # another list of the same objects, as every run of a question builds
    assert memo.encoded == 1
    assert first.data == wire.encode_tests(tests) and first.digest == wire.tests_digest(first.data)
    copies = [t.model_copy(deep=True) for t in tests]
    assert memo.get(copies).digest == first.digest  # equal content, encoded again: identity is the only key
    assert memo.encoded == 2


def test_tests_whose_objects_are_gone_are_never_answered_from_their_old_encoding() -> None:
    memo = TestsMemo(min_bytes=1024)
    for seed in range(50):  # CPython reuses a freed object's address for the next of its size: ids come back
        tests = _tests(seed)
        assert memo.get(tests).data == wire.encode_tests(tests), seed
        # Freed here: a TestCase holds no cycle, so no collection is needed (a full one per seed took up to 2 s in a
        # pytest worker that had run much of the suite: 111 s for this test).
        del tests
    assert memo.encoded == 50
    assert len(memo) == 1  # the encodings of tests that are gone are forgotten, not kept until pushed out


def test_small_tests_are_not_remembered_and_the_memo_is_bounded_by_bytes() -> None:
    memo = TestsMemo(max_bytes=100_000, min_bytes=1024)
    small = [Case(id="s", args=[[1]], expected=1)]
    memo.get(small)
    memo.get(small)
    assert memo.encoded == 2  # under min_bytes: sent whole, nothing kept
    kept = [_tests(seed) for seed in range(10)]  # about 27 KB of JSON each
    for tests in kept:
        memo.get(tests)
    assert memo._bytes <= 100_000
    encoded = memo.encoded
    memo.get(kept[-1])  # the most recent stay
    assert memo.encoded == encoded
    memo.get(kept[0])  # the oldest went first
    assert memo.encoded == encoded + 1


def test_the_service_keeps_tests_by_bytes_least_recently_used_first_and_always_the_last() -> None:
    cache = TestsCache(max_bytes=1000)
    a, b, c = (tuple(_tests(seed, count=1, size=1)) for seed in range(3))
    cache.put("a", a, 400)
    cache.put("b", b, 400)
    assert cache.get("a") == a  # a is now the more recent
    cache.put("c", c, 400)  # over 1000: b, the least recently used, goes
    assert cache.get("b") is None and cache.get("a") == a and cache.get("c") == c
    assert cache.bytes == 800 and len(cache) == 2
    cache.put("big", a, 5000)  # larger than the whole cache: kept alone
    assert len(cache) == 1 and cache.get("big") == a and cache.bytes == 5000
    cache.put("big", a, 5000)  # again: nothing counted twice
    assert cache.bytes == 5000
