def coin_change(coins: list[int], amount: int) -> int:
    unreachable = amount + 1  # more coins than any real answer can use
    best = [0] + [unreachable] * amount  # best[a]: fewest coins summing to a
    for a in range(1, amount + 1):
        for c in coins:
            if c <= a and best[a - c] + 1 < best[a]:
                best[a] = best[a - c] + 1
    return best[amount] if best[amount] != unreachable else -1
