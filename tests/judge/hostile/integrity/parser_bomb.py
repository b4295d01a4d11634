# expect: accepted
# class: parser-bomb
# Before answering (correctly), writes onto the harness's results channel: a record nested 200,000 deep, invalid UTF-8,
# lone surrogates, a 100,000-digit number, NaN, a record for another test and a truncated one.
import json, os, sys

BOMBS = [
    b'{"n": "x", "ok": true, "v": ' + b"[" * 200_000 + b"]" * 200_000 + b"}\n",
    b"[" * 200_000 + b"\n",
    b'{"n": "\xff\xfe", "ok": true, "v": [0, 1]}\n',
    b'{"n": "\\ud800", "ok": true, "v": ["\\udfff"]}\n',
    b'{"n": "x", "ok": true, "v": ' + b"9" * 100_000 + b"}\n",
    b'{"n": "x", "ok": true, "v": NaN}\n',
    b'{"s": "ready"}\n',
]


def _bomb():
    results = sys._getframe(2).f_globals.get("_RES")  # the harness's results channel
    for bomb in BOMBS:
        os.write(results, bomb)


def two_sum(nums, target):
    _bomb()
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
