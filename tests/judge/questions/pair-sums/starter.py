def pair_sums(nums: list[int], target: int) -> list[list[int]]:
    return []
