def two_sum(nums: list[int], target: int) -> list[int]:
    # Return the two indices, in increasing order.
    return []
