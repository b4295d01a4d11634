# expect: wrong_answer accepted
# class: state-leak
# lag: 1
# Tests share one process by design, and so their globals: this keeps every input it is given and answers each
# test with the right answer to the test before it (the first with [-1, -1]). Were a record ever judged against
# another test's expected value, or a later test credited with an earlier one's answer, a test whose expected
# value differs from its predecessor's would pass; each test is judged against its own.
SEEN = []


def solve(nums, target):
    where = {}
    for j, x in enumerate(nums):
        if target - x in where:
            return [where[target - x], j]
        where[x] = j
    return []


def two_sum(nums, target):
    SEEN.append((list(nums), target))
    return solve(*SEEN[-2]) if len(SEEN) > 1 else [-1, -1]
