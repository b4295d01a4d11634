def pair_sums(nums: list[int], target: int) -> list[list[int]]:
    return [[nums[i], nums[j]] for i in range(len(nums)) for j in range(i + 1, len(nums)) if nums[i] + nums[j] == target]
