# expect: time_limit
import time


def two_sum(nums, target):
    time.sleep(3600)
    return [0, 1]
