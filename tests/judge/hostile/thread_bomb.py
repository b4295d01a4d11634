# expect: time_limit runtime_error memory_limit
import threading
import time


def two_sum(nums, target):
    threads = []
    while True:
        t = threading.Thread(target=time.sleep, args=(60,), daemon=True)
        t.start()
        threads.append(t)
