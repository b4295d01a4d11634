# expect: output_limit
import os


def two_sum(nums, target):
    chunk = "x" * (1 << 20)
    for _ in range(100):  # 100 MB through the harness's stdout, then straight to fd 1
        print(chunk)
    for _ in range(100):
        os.write(1, chunk.encode())
    return [0, 1]
