# expect: runtime_error
# class: internal-error-forgery
# Says, on every channel, what a judge failure looks like (bwrap's exec failure, a status line, a fatal record),
# then ends the process before any test.
import os, sys

LIES = [
    b"bwrap: execvp /usr/bin/python3: No such file or directory\n",
    b'{ "exit-code": 127 }\n',
    b'{"fatal": "internal", "msg": "sandbox failure"}\n',
    b'{"s": "hello"}\n',
]
for fd in range(0, 64):
    for lie in LIES:
        try:
            os.write(fd, lie)
        except OSError:
            pass
sys.stderr.write(LIES[0].decode())
sys.stderr.flush()
os._exit(127)


def two_sum(nums, target):
    return [0, 1]
