# expect: accepted
# class: internal-error-forgery
# Records the candidate writes itself (with the nonce taken from the harness's frame, on the harness's own results
# descriptor) can hold any JSON in any field: a list as the kind was compared with a set of kinds and raised in the
# judge, an internal_error. A field of the wrong type is no signal: the record is just this answer (a correct one).
import json, os, sys


def two_sum(nums, target):
    seen, answer = {}, []
    for j, x in enumerate(nums):
        if target - x in seen:
            answer = [seen[target - x], j]
            break
        seen[x] = j
    frame = sys._getframe(1)
    nonce, results_fd = frame.f_locals.get("nonce"), frame.f_globals.get("_RES")
    record = {"n": nonce, "ok": True, "v": answer, "kind": [], "msg": {"a": [1]}, "s": ["ready"], "fatal": {}}
    os.write(results_fd, (json.dumps(record) + "\n").encode())
    return answer
