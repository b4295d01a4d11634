# expect: memory_limit runtime_error
def two_sum(nums, target):
    hoard = []
    while True:
        hoard.append(bytearray(32 << 20))
