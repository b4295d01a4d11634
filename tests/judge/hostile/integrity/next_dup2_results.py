# expect: time_limit runtime_error
# class: next-attack
# tests: example-3=accepted
# Points every descriptor above 2 at /dev/null: the harness's record for this test goes nowhere, and its next
# read finds no input: this test fails (its time runs out or its process ends), a fresh process runs the rest.
import os


def two_sum(nums, target):
    if nums == [3, 2, 4]:
        null = os.open("/dev/null", os.O_WRONLY)
        for fd in range(3, 256):
            if fd != null:
                try:
                    os.dup2(null, fd)
                except OSError:
                    pass
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
