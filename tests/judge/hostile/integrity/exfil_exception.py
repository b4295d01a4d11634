# expect: runtime_error
# class: exfiltration
# Every test fails with its input (and every input seen before it) in the exception's message.
SEEN = []


def two_sum(nums, target):
    SEEN.append([nums, target])
    raise ValueError("inputs so far: %r" % SEEN)
