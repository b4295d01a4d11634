def merge(intervals: list[list[int]]) -> list[list[int]]:
    # Return the merged intervals, sorted by start.
    return []
