# expect: time_limit runtime_error memory_limit
# limits: time_limit_s=0.5
import os


def two_sum(nums, target):
    while True:
        try:
            os.fork()
        except OSError:
            pass
