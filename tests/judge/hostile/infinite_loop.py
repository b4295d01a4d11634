# expect: time_limit
def two_sum(nums, target):
    n = 0
    while True:
        n += 1
