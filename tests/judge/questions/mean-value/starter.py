def mean_value(values: list[float]) -> float:
    return sum(values) / len(values) * 0
