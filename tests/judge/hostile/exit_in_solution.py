# expect: runtime_error
import sys


def two_sum(nums, target):
    sys.exit(0)
