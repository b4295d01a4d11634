"""Regenerate `questions/<slug>/tests.json` from hand-written cases plus seeded random/large cases.

Expected values come from the question's own `reference.py`; every test whose input is small enough is also
checked against an independent brute force written here, so a wrong reference cannot silently produce wrong
expectations. Deterministic: run it twice and the files are byte-identical.

    .venv/bin/python questions/_tools/gen_tests.py [slug ...]
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import random
import sys
from collections import Counter, deque
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_reference(slug: str, function: str) -> Callable:
    spec = importlib.util.spec_from_file_location(f"ref_{slug.replace('-', '_')}", ROOT / slug / "reference.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return getattr(mod, function)


def t(id_: str, *args, hidden: bool = False, note: str | None = None) -> dict:
    d: dict = {"id": id_, "args": list(args)}
    d["hidden"] = hidden
    if note:
        d["note"] = note
    return d


# ----------------------------------------------------------------------------------------------- two-sum
def two_sum_instance(rng: random.Random, n: int, lo: int, hi: int, positions: tuple[int, int] | None = None):
    """n values in [lo, hi] with exactly one pair summing to the target."""
    while True:
        target = rng.randint(lo, hi)
        a = rng.randint(max(lo, target - hi), min(hi, target - lo))
        b = target - a
        vals: list[int] = []
        present: set[int] = {a, b}
        while len(vals) < n - 2:
            v = rng.randint(lo, hi)
            if (target - v) in present or 2 * v == target:
                continue
            present.add(v)
            vals.append(v)
        i, j = positions if positions else sorted(rng.sample(range(n), 2))
        out = vals[:]
        out.insert(i, a)
        out.insert(j, b)
        if -(10**9) <= target <= 10**9:
            return out, target


def two_sum_brute(nums, target):
    pairs = [[i, j] for i, j in itertools.combinations(range(len(nums)), 2) if nums[i] + nums[j] == target]
    assert len(pairs) == 1, f"not exactly one answer: {pairs[:3]}"
    return pairs[0]


def two_sum_verify(nums, target, got):
    """O(n) independent check for any size: the pair sums to target and it is the only pair."""
    cnt = Counter(nums)
    pairs = sum(cnt[v] * (cnt[target - v] - (1 if 2 * v == target else 0)) for v in cnt) // 2
    i, j = got
    assert pairs == 1 and 0 <= i < j < len(nums) and nums[i] + nums[j] == target, (pairs, got)


def two_sum_tests(rng: random.Random) -> list[dict]:
    tests = [
        t("example-1", [2, 7, 11, 15], 9),
        t("example-2", [3, 2, 4], 6),
        t("example-3", [3, 3], 6),
        t("negatives", [-1, -2, -3, -4, -5], -8),
        t("zero-target", [0, 4, 3, 0], 0),
        t("pair-at-ends", [1, 5, 6, 7, 20], 21, hidden=True, note="answer uses the first and last element"),
        t("two-elements-negative", [-1000000000, 1000000000], 0, hidden=True, note="extreme values"),
        t("same-value-not-reused", [5, 1, 5], 10, hidden=True, note="must not use index 0 twice"),
        t("half-target-once", [4, 1, 6, 8], 10, hidden=True, note="target/2 = 5 absent; 4+6"),
        t("mixed-signs", [-3, 4, 3, 90], 0, hidden=True),
        t("extreme-sum", [1000000000, 3, 999999999, -1000000000], 1999999999, hidden=True,
          note="sum near the top of the 32-bit range"),
        t("extreme-negative-sum", [-999999999, 7, -1000000000, 8], -1999999999, hidden=True),
        t("duplicates-elsewhere", [1, 1, 1, 9, 12, 1], 21, hidden=True, note="many duplicate non-answers"),
    ]
    for k in range(3):
        nums, target = two_sum_instance(rng, 12 + 4 * k, -50, 50)
        tests.append(t(f"random-small-{k + 1}", nums, target, hidden=True))
    nums, target = two_sum_instance(rng, 100000, -(10**6), 10**6, positions=(99998, 99999))
    tests.append(t("large-pair-at-end", nums, target, hidden=True,
                   note="n = 10^5, answer is the last two indices: O(n^2) times out"))
    nums, target = two_sum_instance(rng, 50000, -(10**9), 10**9)
    tests.append(t("large-random", nums, target, hidden=True, note="n = 5*10^4, full value range"))
    return tests


# ------------------------------------------------------------------------------------------- registry
QUESTIONS: dict[str, tuple[str, Callable, Callable | None, int, Callable | None]] = {
    # slug: (function, tests builder, brute force, brute force size bound on the first argument,
    #        verifier(*args, got) run on every test, including the large ones)
    "two-sum": ("two_sum", two_sum_tests, two_sum_brute, 300, two_sum_verify),
}


def size_of(x) -> int:
    return len(x) if isinstance(x, list | str) else 0


def generate(slug: str) -> None:
    function, build, brute, bound, verify = QUESTIONS[slug]
    ref = load_reference(slug, function)
    rng = random.Random(f"shadows:{slug}")
    tests = build(rng)
    checked = 0
    for test in tests:
        got = ref(*json.loads(json.dumps(test["args"])))
        if "expected" in test:
            assert test["expected"] == got, f"{slug}/{test['id']}: hand-written {test['expected']} != ref {got}"
        test["expected"] = got
        if verify:
            verify(*json.loads(json.dumps(test["args"])), got)
        if brute and size_of(test["args"][0]) <= bound:
            want = brute(*json.loads(json.dumps(test["args"])))
            assert want == got, f"{slug}/{test['id']}: brute {want} != reference {got}"
            checked += 1
    # visible first, stable key order
    tests.sort(key=lambda d: d["hidden"])
    ordered = []
    for d in tests:
        o = {"id": d["id"], "args": d["args"], "expected": d["expected"]}
        if d["hidden"]:
            o["hidden"] = True
        if d.get("note"):
            o["note"] = d["note"]
        ordered.append(o)
    text = "[\n" + ",\n".join(json.dumps(o, separators=(", ", ": ")) for o in ordered) + "\n]\n"
    (ROOT / slug / "tests.json").write_text(text)
    vis = sum(1 for o in ordered if not o.get("hidden"))
    print(f"{slug}: {len(ordered)} tests ({vis} visible), {checked} cross-checked by brute force, "
          f"{len(text) / 1e6:.2f} MB")


if __name__ == "__main__":
    for s in sys.argv[1:] or list(QUESTIONS):
        generate(s)
