# expect: accepted
# class: exfiltration
# Encodes the first input in how long each test takes (up to 0.5 s), then answers correctly.
import time


def two_sum(nums, target):
    time.sleep((abs(nums[0]) % 500) / 1000)
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
