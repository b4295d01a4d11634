def coin_change(coins: list[int], amount: int) -> int:
    # Return the fewest coins that make up amount, or -1.
    return 0
