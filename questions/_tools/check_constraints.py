"""Check that every test input respects the constraints its statement.md promises (sizes and value ranges).

    .venv/bin/python questions/_tools/check_constraints.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I32 = (-(2**31), 2**31 - 1)


def ok_two_sum(nums, target):
    return 2 <= len(nums) <= 10**5 and all(-(10**9) <= x <= 10**9 for x in nums) and -(10**9) <= target <= 10**9


def ok_palindrome(s):
    return len(s) <= 2 * 10**5 and all(32 <= ord(c) <= 126 for c in s)


def ok_parentheses(s):
    return len(s) <= 10**5 and set(s) <= set("()[]{}")


def ok_merge(iv):
    return len(iv) <= 10**5 and all(len(x) == 2 and -(10**9) <= x[0] <= x[1] <= 10**9 for x in iv)


def ok_islands(g):
    return len(g) <= 100 and all(1 <= len(r) <= 100 and len(r) == len(g[0]) and set(r) <= set("01") for r in g)


def ok_top_k(nums, k):
    return 1 <= len(nums) <= 10**5 and all(-(10**4) <= x <= 10**4 for x in nums) and 1 <= k <= len(set(nums))


def ok_coins(coins, amount):
    return 1 <= len(coins) <= 12 and all(1 <= c <= 2**31 - 1 for c in coins) and 0 <= amount <= 3000


def ok_median(nums):
    return len(nums) <= 10**5 and all(I32[0] <= x <= I32[1] for x in nums)


CHECKS = {
    "two-sum": ok_two_sum,
    "valid-palindrome": ok_palindrome,
    "valid-parentheses": ok_parentheses,
    "merge-intervals": ok_merge,
    "number-of-islands": ok_islands,
    "top-k-frequent-elements": ok_top_k,
    "coin-change": ok_coins,
    "running-median": ok_median,
}

if __name__ == "__main__":
    bad = 0
    for slug, check in CHECKS.items():
        for test in json.loads((ROOT / slug / "tests.json").read_text()):
            if not check(*test["args"]):
                print(f"{slug}/{test['id']}: input violates the statement's constraints")
                bad += 1
    missing = {d.name for d in ROOT.iterdir() if d.is_dir() and not d.name.startswith(("_", "."))} - set(CHECKS)
    for slug in sorted(missing):
        print(f"{slug}: no constraint check written")
    print("all inputs within constraints" if not bad and not missing else f"{bad + len(missing)} problem(s)")
    sys.exit(1 if bad or missing else 0)
