# expect: time_limit
# limits: time_limit_s=0.5
def two_sum(nums, target):
    n = 0
    while True:
        n += 1
