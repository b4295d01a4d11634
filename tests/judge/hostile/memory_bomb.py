# expect: memory_limit runtime_error
# limits: time_limit_s=6
def two_sum(nums, target):
    hoard = []
    while True:
        hoard.append(bytearray(32 << 20))
