# expect: time_limit
# limits: time_limit_s=0.5
import signal


def two_sum(nums, target):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    while True:
        pass
