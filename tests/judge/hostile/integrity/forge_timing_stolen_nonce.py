# expect: time_limit
# class: forged-timing
# tests: pair-at-ends=time_limit example-1=accepted
# A helper thread does the slow work and writes the answer's record itself, with the nonce stolen from the
# harness's frame, onto the harness's own results descriptor: the record still comes 2.5 s after the input.
import json, os, sys, threading, time


def _solve(nums, target):
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []


def two_sum(nums, target):
    if nums == [1, 5, 6, 7, 20]:
        frame = sys._getframe(1)
        nonce, results_fd = frame.f_locals.get("nonce"), frame.f_globals.get("_RES")

        def work():
            end = time.monotonic() + 2.5
            while time.monotonic() < end:
                pass
            os.write(results_fd, (json.dumps({"n": nonce, "ok": True, "v": _solve(nums, target)}) + "\n").encode())

        t = threading.Thread(target=work)
        t.start()
        t.join()
    return _solve(nums, target)
