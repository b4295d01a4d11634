# expect: runtime_error
import os


def two_sum(nums, target):
    os._exit(0)
