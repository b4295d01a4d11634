# expect: wrong_answer
# class: next-attack
# Steals the test's nonce and writes its own record (a wrong answer) before returning the right one: a forged
# record is nothing but an answer, and the first one counts.
import json, os, sys


def two_sum(nums, target):
    frame = sys._getframe(1)
    nonce, results = frame.f_locals.get("nonce"), frame.f_globals.get("_RES")
    os.write(results, (json.dumps({"n": nonce, "ok": True, "v": [7, 7]}) + "\n").encode())
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
