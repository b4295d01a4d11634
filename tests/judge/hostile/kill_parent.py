# expect: wrong_answer runtime_error time_limit
import os
import signal


def two_sum(nums, target):
    os.kill(os.getppid(), signal.SIGKILL)
    os.kill(-1, signal.SIGKILL)
    return [0, 1]
