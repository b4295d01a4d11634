# expect: accepted
import os

TARGETS = ["__CANARY_PATH__", "__PROJECT_ENV__", "/etc/passwd", "/usr/bin/python3", "/work/../escaped", "/root/x"]


def _solve(nums, target):
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []


def two_sum(nums, target):
    for path in TARGETS:
        try:
            with open(path, "a") as f:
                f.write("pwned\n")
            if not path.startswith("/work/../"):
                return []  # the write worked: fail loudly with a wrong answer
        except OSError:
            pass
    return _solve(nums, target)
