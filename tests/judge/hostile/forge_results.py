# expect: wrong_answer runtime_error
import os

# Claim success for every test index up front, with a plausible-looking answer, then crash.
for i in range(1000):
    os.write(3, ('{"i": %d, "ok": true, "v": [0, 1], "ms": 0.1, "out": "", "err": ""}\n' % i).encode())


def two_sum(nums, target):
    os.write(3, b'{"i": 0, "ok": true, "v": [0, 1]}\n{"verdict": "accepted"}\n')
    os._exit(0)
