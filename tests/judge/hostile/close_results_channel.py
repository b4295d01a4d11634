# expect: runtime_error
import os


def two_sum(nums, target):
    for fd in (1, 2, 3):
        os.close(fd)
    return [0, 1]
