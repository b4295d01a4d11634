import heapq


def running_median(nums: list[int]) -> list[float]:
    low: list[int] = []  # max-heap (negated) holding the smaller half; may hold one extra element
    high: list[int] = []  # min-heap holding the larger half
    medians: list[float] = []
    for x in nums:
        heapq.heappush(low, -x)
        heapq.heappush(high, -heapq.heappop(low))  # the largest of the small half moves up
        if len(high) > len(low):
            heapq.heappush(low, -heapq.heappop(high))
        if len(low) > len(high):
            medians.append(float(-low[0]))
        else:
            medians.append((-low[0] + high[0]) / 2)
    return medians
