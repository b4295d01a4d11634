def running_median(nums: list[int]) -> list[float]:
    # medians[i] is the median of nums[0..i].
    return []
