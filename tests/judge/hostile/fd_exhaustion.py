# expect: accepted runtime_error
import os

_hoard = []


def _solve(nums, target):
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []


def two_sum(nums, target):
    try:
        while True:
            _hoard.append(os.open("/dev/null", os.O_RDONLY))
    except OSError:
        pass
    return _solve(nums, target)
