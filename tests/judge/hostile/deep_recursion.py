# expect: runtime_error memory_limit time_limit
import sys


def _down(n):
    return _down(n + 1) + 1


def two_sum(nums, target):
    sys.setrecursionlimit(10**9)
    return [_down(0)]
