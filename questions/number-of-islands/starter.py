def num_islands(grid: list[str]) -> int:
    # Write your solution here.
    return 0
