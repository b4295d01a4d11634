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

import yaml

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
        t("extreme-sum", [999999999, 3, 1, -1000000000], 1000000000, hidden=True,
          note="target at the top of its range"),
        t("extreme-negative-sum", [-999999999, 7, -1, 8], -1000000000, hidden=True),
        t("complement-out-of-range", [1000000000, -1000000000, 5, 2], 7, hidden=True,
          note="target - x reaches -999999993 and 1000000007"),
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

# ------------------------------------------------------------------------------------- valid-palindrome
def palindrome_brute(s):
    cleaned = [c.lower() for c in s if c.isascii() and c.isalnum()]
    return cleaned == cleaned[::-1]


PUNCT = " ,.:;!?'\"-_()[]{}@#$%^&*/\\|~`+=<>"
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def noisy_palindrome(rng: random.Random, core_len: int, noise: float) -> str:
    half = [rng.choice(ALNUM) for _ in range(core_len // 2)]
    core = half + ([rng.choice(ALNUM)] if core_len % 2 else []) + half[::-1]
    out = []
    for c in core:
        while rng.random() < noise:
            out.append(rng.choice(PUNCT))
        out.append(c.upper() if c.isalpha() and rng.random() < 0.5 else c)
    return "".join(out)


def valid_palindrome_tests(rng: random.Random) -> list[dict]:
    tests = [
        t("example-1", "A man, a plan, a canal: Panama"),
        t("example-2", "race a car"),
        t("example-3", " "),
        t("empty", ""),
        t("digit-vs-letter", "0P", note="digits count; '0' != 'p'"),
        t("single-char", "a", hidden=True),
        t("two-different", "ab", hidden=True),
        t("case-insensitive", "Aa", hidden=True),
        t("only-punctuation", ".,;: !?", hidden=True, note="no alphanumerics: true; skip loops must stay in bounds"),
        t("underscore-ignored", "ab_a", hidden=True, note="'_' is not alphanumeric"),
        t("nixon", "No 'x' in Nixon", hidden=True),
        t("cat", "Was it a car or a cat I saw?", hidden=True),
        t("digits-palindrome", "1b1 2_2 1b1", hidden=True),
        t("digits-not-palindrome", "123a21", hidden=True),
        t("punct-at-one-end", "abba!!!!!!!!", hidden=True),
        t("mismatch-at-end", "xabcbay", hidden=True),
    ]
    tests.append(t("large-palindrome", noisy_palindrome(rng, 120000, 0.4), hidden=True,
                   note="~2*10^5 chars, noisy palindrome"))
    s = list(noisy_palindrome(rng, 150000, 0.2))
    alnum_pos = [i for i, c in enumerate(s) if c.isalnum()]
    mid = alnum_pos[len(alnum_pos) // 2 - 1]
    s[mid] = "z" if s[mid].lower() != "z" else "y"
    tests.append(t("large-mismatch-middle", "".join(s), hidden=True, note="one mismatch near the middle"))
    tests.append(t("large-only-punctuation", "".join(rng.choice(PUNCT) for _ in range(200000)), hidden=True))
    return tests


# ------------------------------------------------------------------------------------ valid-parentheses
def parentheses_brute(s):
    prev = None
    while prev != s:
        prev = s
        s = s.replace("()", "").replace("[]", "").replace("{}", "")
    return s == ""


def random_balanced(rng: random.Random, n: int) -> str:
    pairs = {"(": ")", "[": "]", "{": "}"}
    out, stack = [], []
    while len(out) + len(stack) < n:
        if stack and (rng.random() < 0.5 or len(out) + len(stack) + 2 > n):
            out.append(pairs[stack.pop()])
        else:
            c = rng.choice("([{")
            stack.append(c)
            out.append(c)
    while stack:
        out.append(pairs[stack.pop()])
    return "".join(out)


def valid_parentheses_tests(rng: random.Random) -> list[dict]:
    tests = [
        t("example-1", "()[]{}"),
        t("example-2", "([)]"),
        t("example-3", "{[]}"),
        t("single-pair", "()"),
        t("mismatched-type", "(]"),
        t("empty", "", hidden=True, note="the empty string is valid"),
        t("single-open", "(", hidden=True),
        t("single-close", ")", hidden=True, note="closing bracket with an empty stack"),
        t("close-first", ")(", hidden=True),
        t("leftover-openers", "((", hidden=True),
        t("extra-closer", "(){}]", hidden=True),
        t("nested-mixed", "{[()()]}([]{})", hidden=True),
        t("counts-balance-order-wrong", "{(})", hidden=True, note="counts match but order is wrong"),
        t("closer-in-middle", "[(])[]", hidden=True),
    ]
    for k in range(3):
        s = random_balanced(rng, 20 + 10 * k)
        if k == 1:
            i = rng.randrange(len(s))
            s = s[:i] + {"(": "[", ")": "]", "[": "{", "]": "}", "{": "(", "}": ")"}[s[i]] + s[i + 1:]
        tests.append(t(f"random-small-{k + 1}", s, hidden=True))
    tests.append(t("large-valid", random_balanced(rng, 100000), hidden=True, note="n = 10^5"))
    tests.append(t("large-deep-nesting", "(" * 25000 + "[{" * 12500 + "}]" * 12500 + ")" * 25000, hidden=True,
                   note="nesting depth 5*10^4: recursion is risky"))
    s = random_balanced(rng, 99998)
    tests.append(t("large-invalid-at-end", s + ")(", hidden=True, note="valid prefix of 99998 chars, then ')('"))
    tests.append(t("large-openers-only", "{" * 99999, hidden=True))
    return tests

# -------------------------------------------------------------------------------------- merge-intervals
def merge_brute(intervals):
    ivs = [list(iv) for iv in intervals]
    changed = True
    while changed:
        changed = False
        for a, b in itertools.combinations(range(len(ivs)), 2):
            x, y = ivs[a], ivs[b]
            if max(x[0], y[0]) <= min(x[1], y[1]):
                ivs[a] = [min(x[0], y[0]), max(x[1], y[1])]
                del ivs[b]
                changed = True
                break
    return sorted(ivs)


def merge_verify(intervals, got):
    """Any size: output sorted, disjoint with gaps, every input inside one output, every output endpoint is an
    input endpoint, and the covered length matches a sweep over the input."""
    for a, b in zip(got, got[1:]):
        assert a[0] <= a[1] < b[0] <= b[1], (a, b)
    import bisect
    starts = [g[0] for g in got]
    for s_, e_ in intervals:
        k = bisect.bisect_right(starts, s_) - 1
        assert k >= 0 and got[k][0] <= s_ and e_ <= got[k][1]
    ss, es = {iv[0] for iv in intervals}, {iv[1] for iv in intervals}
    assert all(g[0] in ss and g[1] in es for g in got)


def random_intervals(rng: random.Random, n: int, lo: int, hi: int, max_len: int) -> list[list[int]]:
    out = []
    for _ in range(n):
        a = rng.randint(lo, hi)
        out.append([a, min(hi, a + rng.randint(0, max_len))])
    return out


def merge_intervals_tests(rng: random.Random) -> list[dict]:
    tests = [
        t("example-1", [[1, 3], [2, 6], [8, 10], [15, 18]]),
        t("example-2", [[4, 5], [1, 4]]),
        t("example-3", [[1, 10], [2, 3], [4, 5]]),
        t("empty", []),
        t("single", [[5, 7]]),
        t("adjacent-not-touching", [[3, 4], [1, 2]], hidden=True, note="[1,2] and [3,4] do not overlap"),
        t("duplicates", [[2, 3], [2, 3], [2, 3]], hidden=True),
        t("points", [[5, 5], [5, 5], [1, 1], [3, 3]], hidden=True, note="zero-length intervals"),
        t("negatives", [[-10, -5], [-6, -1], [0, 2], [-20, -15]], hidden=True),
        t("reverse-sorted", [[9, 10], [7, 8], [5, 6], [3, 4], [1, 2]], hidden=True),
        t("chain", [[3, 4], [1, 2], [2, 3], [4, 5]], hidden=True, note="each touches the next"),
        t("contained-then-extend", [[1, 10], [2, 3], [9, 12], [13, 13]], hidden=True,
          note="end must use max(), and [13,13] stays separate"),
        t("extreme-values", [[0, 0], [-1000000000, 1000000000], [1000000000, 1000000000]], hidden=True),
        t("same-start-different-ends", [[1, 4], [1, 2], [1, 9], [10, 11]], hidden=True),
    ]
    for k in range(4):
        tests.append(t(f"random-small-{k + 1}", random_intervals(rng, 10 + 15 * k, -30, 30, 6), hidden=True))
    tests.append(t("large-random", random_intervals(rng, 30000, -(5 * 10**5), 5 * 10**5, 60), hidden=True,
                   note="n = 3*10^4, many merges and gaps"))
    disjoint = [[3 * i, 3 * i + 1] for i in range(20000)][::-1]
    tests.append(t("large-disjoint-reversed", disjoint, hidden=True, note="n = 2*10^4, nothing merges"))
    nested = [[-i, i] for i in range(1, 20001)]
    rng.shuffle(nested)
    tests.append(t("large-nested", nested, hidden=True, note="2*10^4 nested intervals merge into one"))
    return tests

# ------------------------------------------------------------------------------------ number-of-islands
def islands_brute(grid):
    """Union-find over land cells (independent of the reference's BFS)."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r, row in enumerate(grid):
        for c, ch in enumerate(row):
            if ch == "1":
                parent[(r, c)] = (r, c)
    for r, c in list(parent):
        for nb in ((r + 1, c), (r, c + 1)):
            if nb in parent:
                parent[find(nb)] = find((r, c))
    return len({find(x) for x in parent})


def random_grid(rng: random.Random, rows: int, cols: int, land: float) -> list[str]:
    return ["".join("1" if rng.random() < land else "0" for _ in range(cols)) for _ in range(rows)]


def snake_grid(rows: int, cols: int) -> list[str]:
    out = []
    for r in range(rows):
        if r % 2 == 0:
            out.append("1" * cols)
        elif (r // 2) % 2 == 0:
            out.append("0" * (cols - 1) + "1")
        else:
            out.append("1" + "0" * (cols - 1))
    return out


def number_of_islands_tests(rng: random.Random) -> list[dict]:
    tests = [
        t("example-1", ["11110", "11010", "11000", "00000"]),
        t("example-2", ["11000", "11000", "00100", "00011"]),
        t("example-3", ["101", "010", "101"]),
        t("empty-grid", []),
        t("single-water", ["0"]),
        t("single-land", ["1"], hidden=True),
        t("all-water", ["0000", "0000", "0000"], hidden=True),
        t("all-land", ["11111"] * 5, hidden=True),
        t("single-row", ["1011101"], hidden=True),
        t("single-column", ["1", "1", "0", "1", "0", "0", "1"], hidden=True),
        t("checkerboard", ["".join("1" if (r + c) % 2 == 0 else "0" for c in range(10)) for r in range(10)],
          hidden=True, note="diagonals do not connect"),
        t("ring-with-island-inside", ["11111", "10001", "10101", "10001", "11111"], hidden=True),
        t("u-shape-joins-late", ["10001", "10001", "10001", "11111"], hidden=True,
          note="two arms meet only on the last row"),
        t("snake", snake_grid(9, 7), hidden=True),
    ]
    for k in range(3):
        tests.append(t(f"random-small-{k + 1}", random_grid(rng, 6 + 4 * k, 8 + 5 * k, 0.45), hidden=True))
    tests.append(t("large-all-land", ["1" * 100] * 100, hidden=True, note="100x100, a single island"))
    tests.append(t("large-snake", snake_grid(100, 100), hidden=True, note="one 5,050-cell winding island"))
    tests.append(t("large-random", random_grid(rng, 100, 100, 0.45), hidden=True))
    tests.append(t("large-checkerboard",
                   ["".join("1" if (r + c) % 2 == 0 else "0" for c in range(100)) for r in range(100)],
                   hidden=True, note="5,000 one-cell islands"))
    tests.append(t("large-wide-row", ["10" * 50], hidden=True, note="1x100"))
    tests.append(t("large-tall-column", ["1"] * 50 + ["0"] + ["1"] * 49, hidden=True, note="100x1"))
    return tests

# ------------------------------------------------------------------------------ top-k-frequent-elements
def top_k_brute(nums, k):
    """Sorted by (count desc, value asc); asserts that the cut-off has no tie."""
    counts = Counter(nums)
    ranked = sorted(counts, key=lambda v: (-counts[v], v))
    assert 1 <= k <= len(ranked)
    assert k == len(ranked) or counts[ranked[k - 1]] > counts[ranked[k]], "tie at the cut-off"
    return ranked[:k]


def top_k_instance(rng: random.Random, d: int, k: int, cut: int, top_max: int, lo=-(10**4), hi=10**4):
    """d distinct values in [lo, hi]; k of them occur in (cut, top_max] times, the rest in [1, cut]."""
    values = rng.sample(range(lo, hi + 1), d)
    nums = []
    for i, v in enumerate(values):
        c = rng.randint(cut + 1, top_max) if i < k else rng.randint(1, cut)
        nums += [v] * c
    rng.shuffle(nums)
    return nums


def top_k_frequent_elements_tests(rng: random.Random) -> list[dict]:
    tests = [
        t("example-1", [1, 1, 1, 2, 2, 3], 2),
        t("example-2", [1], 1),
        t("example-3", [4, -1, -1, 4, 7, 4, -1, 9], 2),
        t("k-equals-distinct", [5, 3, 5, 3, 3, 1], 3, note="every distinct value is returned"),
        t("negatives", [-5, -5, -5, -2, -2, 0, -2, -5, 8], 1),
        t("all-same", [7] * 10, 1, hidden=True),
        t("two-distinct", [2, 1, 2], 1, hidden=True),
        t("extremes", [-10000, 10000, 10000, -10000, 10000, 0], 2, hidden=True),
        t("distinct-counts", [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5], 3, hidden=True),
        t("value-is-not-count", [3, 3, 1, 1, 1, 2], 1, hidden=True, note="do not confuse values with counts"),
        t("zeros", [0, 0, 0, 1, 2, 0, 1], 2, hidden=True),
    ]
    for i in range(3):
        nums = top_k_instance(rng, 8 + 4 * i, 2 + i, 3, 7, -20, 20)
        tests.append(t(f"random-small-{i + 1}", nums, 2 + i, hidden=True))
    tests.append(t("large-k-10", top_k_instance(rng, 6000, 10, 30, 60), 10, hidden=True,
                   note="n ~ 10^5, 6000 distinct values"))
    nums = top_k_instance(rng, 20001, 3000, 1, 2)
    tests.append(t("large-many-distinct", nums, 3000, hidden=True,
                   note="20001 distinct values, 3000 occur twice"))
    nums = [42] * 50000 + [rng.randint(-(10**4), 10**4) for _ in range(50000)]
    rng.shuffle(nums)
    tests.append(t("large-k-1", nums, 1, hidden=True, note="n = 10^5, one dominant value"))
    nums = list(range(-(10**4), 10**4 + 1))
    rng.shuffle(nums)
    tests.append(t("large-all-distinct-k-all", nums, len(nums), hidden=True, note="k = d = 20001"))
    return tests

# ------------------------------------------------------------------------------------------ coin-change
def coin_change_brute(coins, amount):
    """Breadth-first search over amounts: the first level that reaches `amount` is the fewest coins."""
    dist = {0: 0}
    frontier = deque([0])
    while frontier:
        a = frontier.popleft()
        if a == amount:
            return dist[a]
        for c in coins:
            b = a + c
            if b <= amount and b not in dist:
                dist[b] = dist[a] + 1
                frontier.append(b)
    return -1


def coin_change_tests(rng: random.Random) -> list[dict]:
    big = 2**31 - 1
    tests = [
        t("example-1", [1, 2, 5], 11),
        t("example-2", [2], 3),
        t("example-3", [1, 3, 4], 6),
        t("amount-zero", [1], 0),
        t("coin-equals-amount", [7], 7),
        t("amount-zero-no-small-coin", [5, 10], 0, hidden=True),
        t("all-coins-too-large", [5, 10], 3, hidden=True),
        t("int-max-coin-unreachable", [big], 2, hidden=True, note="coin = 2^31 - 1: a + coin overflows int"),
        t("int-max-coin-with-one", [1, big], 2, hidden=True, note="coin = 2^31 - 1 next to a usable coin"),
        t("duplicate-coins", [2, 2, 5], 9, hidden=True),
        t("four-odd-coins", [186, 419, 83, 408], 2919, hidden=True),
        t("coprime-unreachable", [3, 7], 11, hidden=True),
        t("coprime-reachable", [7, 3], 13, hidden=True),
        t("greedy-fails-large", [1, 1500, 1499], 2998, hidden=True, note="1499 + 1499 beats 1500 + 1 * 1498"),
        t("only-ones-max-amount", [1], 3000, hidden=True, note="answer 3000: deep memoised recursion"),
        t("even-coins-odd-amount", [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24], 2999, hidden=True,
          note="unreachable large amount: exponential recursion times out"),
        t("small-coins-large-amount", [1, 2, 5], 3000, hidden=True),
    ]
    for i in range(3):
        coins = rng.sample(range(2, 400), 12)
        tests.append(t(f"random-large-{i + 1}", coins, rng.randint(2000, 3000), hidden=True))
    return tests


# ----------------------------------------------------------------------------------------- running-median
def running_median_brute(nums):
    """Sorted insertion (bisect.insort): independent of the reference's two heaps, fast enough in C here."""
    import bisect
    seen: list[int] = []
    out = []
    for x in nums:
        bisect.insort(seen, x)
        n = len(seen)
        out.append(float(seen[n // 2]) if n % 2 else (seen[n // 2 - 1] + seen[n // 2]) / 2)
    return out


def running_median_tests(rng: random.Random) -> list[dict]:
    big = 10**9
    imax, imin = 2**31 - 1, -(2**31)
    tests = [
        t("example-1", [5, 15, 1, 3]),
        t("example-2", [2, 3, 4]),
        t("example-3", [-1, -2, -3, -4]),
        t("empty", []),
        t("single", [7]),
        t("duplicates", [4, 4, 4, 4, 4], hidden=True),
        t("two-values-half", [1, 2], hidden=True, note="2-element median 1.5: no integer division"),
        t("increasing", list(range(1, 12)), hidden=True),
        t("decreasing", list(range(10, -11, -2)), hidden=True),
        t("alternating-extremes", [big, -big, big, -big, big, -big], hidden=True),
        t("overflow-sum", [imax, imax - 1, imax, imax - 3], hidden=True,
          note="the two middle values sum past 2^31 - 1"),
        t("negative-overflow-sum", [imin, imin + 1, imin, imin + 3], hidden=True),
        t("full-range-mix", [imin, imax, 0, imin, imax, imax, imin], hidden=True),
        t("zeros-and-negatives", [0, -1, 0, -1, 0, -1, 1], hidden=True),
        t("odd-mean", [-3, 0], hidden=True, note="-1.5: rounding toward zero or floor would be wrong"),
    ]
    for i in range(3):
        tests.append(t(f"random-small-{i + 1}", [rng.randint(-50, 50) for _ in range(15 + 20 * i)], hidden=True))
    tests.append(t("large-random", [rng.randint(-(10**5), 10**5) for _ in range(40000)], hidden=True,
                   note="n = 4*10^4: re-sorting after every arrival times out"))
    tests.append(t("large-decreasing", list(range(30000, 0, -1)), hidden=True,
                   note="each new value is the smallest so far"))
    tests.append(t("large-full-range", [rng.randint(imin, imax) for _ in range(20000)], hidden=True))
    return tests


# ------------------------------------------------------------------------------------------- registry
QUESTIONS: dict[str, tuple[str, Callable, Callable | None, int, Callable | None]] = {
    # slug: (function, tests builder, brute force, brute force size bound on the first argument,
    #        verifier(*args, got) run on every test, including the large ones)
    "two-sum": ("two_sum", two_sum_tests, two_sum_brute, 300, two_sum_verify),
    "valid-palindrome": ("is_palindrome", valid_palindrome_tests, palindrome_brute, 10**6, None),
    "coin-change": ("coin_change", coin_change_tests, coin_change_brute, 10**6, None),
    "merge-intervals": ("merge", merge_intervals_tests, merge_brute, 200, merge_verify),
    "number-of-islands": ("num_islands", number_of_islands_tests, islands_brute, 10**6, None),
    "running-median": ("running_median", running_median_tests, running_median_brute, 10**6, None),
    "top-k-frequent-elements": ("top_k_frequent", top_k_frequent_elements_tests, top_k_brute, 10**6, None),
    "valid-parentheses": ("is_valid", valid_parentheses_tests, parentheses_brute, 10**6, None),
}


def size_of(x) -> int:
    return len(x) if isinstance(x, list | str) else 0


def dump(o: dict) -> str:
    """Readable for small tests, compact for large ones."""
    text = json.dumps(o, separators=(", ", ": "))
    return text if len(text) < 10_000 else json.dumps(o, separators=(",", ":"))


def generate(slug: str) -> None:
    function, build, brute, bound, verify = QUESTIONS[slug]
    ref = load_reference(slug, function)
    rng = random.Random(f"shadows:{slug}")
    tests = build(rng)
    unordered = bool((yaml.safe_load((ROOT / slug / "question.yaml").read_text()).get("compare") or {}).get("unordered"))
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
            if unordered:
                assert sorted(want) == sorted(got), f"{slug}/{test['id']}: brute {want} != reference {got}"
                test["expected"] = want  # the brute force's canonical order reads better
            else:
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
    text = "[\n" + ",\n".join(dump(o) for o in ordered) + "\n]\n"
    (ROOT / slug / "tests.json").write_text(text)
    vis = sum(1 for o in ordered if not o.get("hidden"))
    print(f"{slug}: {len(ordered)} tests ({vis} visible), {checked} cross-checked by brute force, "
          f"{len(text) / 1e6:.2f} MB")


if __name__ == "__main__":
    for s in sys.argv[1:] or list(QUESTIONS):
        generate(s)
