# expect: time_limit
# class: forged-timing
# tests: pair-at-ends=time_limit example-1=accepted
import signal, sys, time

_real = time.monotonic


def _silence():
    # Everything a self-timing harness could rely on: clocks, timers, signals.
    for name in ("time", "monotonic", "perf_counter", "process_time", "thread_time"):
        setattr(time, name, lambda: 0.0)
        setattr(time, name + "_ns", lambda: 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    signal.setitimer(signal.ITIMER_PROF, 0)
    for sig in (signal.SIGALRM, signal.SIGXCPU, signal.SIGTERM, signal.SIGINT, signal.SIGVTALRM):
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP})
    sys.setswitchinterval(1000)


def two_sum(nums, target):
    if nums == [1, 5, 6, 7, 20]:
        _silence()
        end = _real() + 2.5
        while _real() < end:  # the "real computation"
            pass
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
