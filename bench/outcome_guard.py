"""The outcome guard: what it costs per reply, for plain talk and for crafted worst cases.

    python -m bench outcome_guard [--size 10000]

Every reply of the interviewer goes through the outcome guard (agent.outcome_claims) on every streamed chunk. Each
case is a crafted reply of ``--size`` characters fed as the model streams it (4 characters a chunk) and as one
chunk (a reply sent whole, a realtime transcript): the total, the longest single ``feed`` (the event loop held:
``guard_outcome`` feeds a long chunk ``MAX_HELD`` characters at a time, so its longest hold is the 4-character
column's order, not the one-chunk column's), and the guard's verdict. Cases: plain clean talk (the baseline, in
the same run), one sentence with no mark, many numbers, nested quotes, hedge and joining words repeated, digits or
letters with no space, points between digits, and a claim after many short sentences (every sentence before it is
read once: reading every start whole took a minute for 10 KB sent at once, and text with no space was held whole
and scanned again at every chunk).
"""

from __future__ import annotations

import argparse
import time

from agent.lookalikes import warm
from agent.outcome_claims import OutcomeGuard


def _cases(n: int) -> dict[str, str]:
    def fill(unit: str) -> str:
        return (unit * (n // len(unit) + 1))[:n]

    return {
        "baseline: clean sentences": fill("Good thinking on the sorting step. "),
        "one sentence, no mark": fill("and then you keep the running sum of the window "),
        "numbers, no mark": fill("9 of 10 8 out of 10 7/10 a solid 8 "),
        "nested quotes": fill('\'"\'"you said "\'it returns "hire"\'" '),
        "hedge words": fill("if when whether once until unless maybe perhaps "),
        "joining words": fill("did you know that you already finally really actually "),
        "digits, no space": "7" * n,
        "letters, no space": "a" * n,
        "points between digits": fill("1.2.3.4.5."),
        "short sentences, then a claim": "Okay. " * ((n - 17) // 6) + "You passed. Bye. ",
    }


def _stream(text: str, size: int) -> tuple[float, float, str | None]:
    guard = OutcomeGuard()
    longest = 0.0
    start = time.perf_counter()
    for at in range(0, len(text), size):
        t = time.perf_counter()
        guard.feed(text[at : at + size])
        longest = max(longest, time.perf_counter() - t)
        if guard.stopped:
            break
    t = time.perf_counter()
    guard.flush()
    longest = max(longest, time.perf_counter() - t)
    return (time.perf_counter() - start) * 1000, longest * 1000, guard.kind


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench outcome_guard")
    parser.add_argument("--size", type=int, default=10_000, help="characters per reply")
    args = parser.parse_args()
    warm()  # the look-alike tables, built at worker start-up (agent/worker.py prewarm), not on a reply
    print(f"{'case':32} {'4-char total':>13} {'longest feed':>13} {'1-chunk total':>14}  claim")
    for name, text in _cases(args.size).items():
        total, longest, kind = _stream(text, 4)
        whole, _, _ = _stream(text, len(text))
        print(f"{name:32} {total:10.1f} ms {longest:10.1f} ms {whole:11.1f} ms  {kind or '-'}")


if __name__ == "__main__":
    main()
