# expect: accepted
# class: exfiltration
# Prints every input on stdout and stderr, straight to the descriptors too, then answers correctly.
import json, os, sys


def two_sum(nums, target):
    text = json.dumps([nums, target])[:20000]
    print(text)
    print(text, file=sys.stderr)
    os.write(1, text.encode() + b"\n")
    os.write(2, text.encode() + b"\n")
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
