# expect: time_limit
# limits: time_limit_s=0.5
# A process that stops itself never answers, and stopped (not runnable) it waits for no CPU: the supervisor charges
# its wall time and ends it (SIGKILL reaches a stopped process), and the next test runs in a fresh process. Stopped
# by its own SIGSTOP, by its process group's, and by a child it forked (which exits at once).
import os
import signal


def two_sum(nums, target):
    if nums[0] == 2:
        os.kill(os.getpid(), signal.SIGSTOP)
    elif len(nums) == 3:
        if os.fork() == 0:
            os.kill(os.getppid(), signal.SIGSTOP)
            os._exit(0)
        os.wait()
    elif len(nums) == 2:
        os.kill(0, signal.SIGSTOP)
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
