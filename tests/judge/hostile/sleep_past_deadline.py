# expect: time_limit
# limits: time_limit_s=0.5
import time


def two_sum(nums, target):
    time.sleep(3600)
    return [0, 1]
