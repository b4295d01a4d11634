# expect: output_limit
# class: parser-bomb
# 20 MB on the results channel without a newline: a line longer than any record may be.
import os, sys


def two_sum(nums, target):
    results = sys._getframe(1).f_globals.get("_RES", 3)
    chunk = b"[" * (1 << 20)
    for _ in range(20):
        os.write(results, chunk)
    return [0, 1]
