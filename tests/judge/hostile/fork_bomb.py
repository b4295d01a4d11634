# expect: time_limit runtime_error memory_limit
import os


def two_sum(nums, target):
    while True:
        try:
            os.fork()
        except OSError:
            pass
