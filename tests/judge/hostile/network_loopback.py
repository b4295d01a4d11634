# expect: accepted
import socket


def _solve(nums, target):
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []


def two_sum(nums, target):
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(0.5)
        try:
            s.connect((host, __PORT__))
            s.sendall(b"exfiltrated")
            return []  # connected: fail loudly
        except OSError:
            pass
        finally:
            s.close()
    return _solve(nums, target)
