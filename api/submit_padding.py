"""How long a Submit is seen to take: the judge's duration rounded up to a coarse grid before anything of it shows.

A Submit's process holds the hidden tests' inputs, and its program chooses how long each hidden test takes (any time
under the limit; a test that sleeps is still judged on its answer). The report shows each test's time only as a
bucket (docs/judge.md, "Times"), but the moment the Submit ends was seen to the millisecond: the HTTP response, the
session's run lease coming free (a second run's 429 `run_in_progress` turning into a run), the stored report
(`GET .../results`) and its event (the agent's reply). A program sleeping `k` ms in its last hidden test sent back
about 10 bits of that test's input a Submit. So the end of a Submit is held to the next point of a grid counted
from when it asked for the judge: doubling from GRID_START_S to LINEAR_FROM_S (0.25, 0.5, ... 32 s), then every
LINEAR_STEP_S, never past the longest the judge could have taken (`run_bound_s` and the queue wait, the same for every
Submit of the question). What the program can choose is which point it lands on: one of 8 under 32 s (3 bits a
Submit), a few bits more only by making the Submit slower than that. Whoever asked waits for a Submit as long as
this may take (the agent: agent/api_client.py, SUBMIT_TIMEOUT_S): a caller that gave up sooner, as the agent did at
its minute for a Run, lost a Submit judged in 56-60 s and held to 64 s, which was stored all the same. A Submit waits
at most as long again as it took, with no connection or judge slot held (the session's run lease stays: nothing of
the session runs until the Submit is stored). Runs and custom input hold no hidden input and are not held.
"""

from __future__ import annotations

import asyncio
import math
import time

GRID_START_S = 0.25  # the first point: a Submit of a small question in Python takes about 0.1-0.2 s
LINEAR_FROM_S = 32.0
LINEAR_STEP_S = 8.0


def padded_s(elapsed_s: float, bound_s: float) -> float:
    """The grid point a Submit that took `elapsed_s` ends at: the first point at or after it, capped at `bound_s`
    (the longest any Submit of the request may take; past it, `elapsed_s` itself)."""
    point = GRID_START_S
    while point < elapsed_s and point < LINEAR_FROM_S:
        point *= 2
    if point < elapsed_s:
        point += math.ceil((elapsed_s - point) / LINEAR_STEP_S) * LINEAR_STEP_S
    return max(elapsed_s, min(point, bound_s))


async def hold_until_grid(started: float, bound_s: float) -> None:
    """Sleep until the grid point of a Submit that began at `started` (`time.monotonic()`) and has ended now."""
    elapsed = time.monotonic() - started
    await asyncio.sleep(padded_s(elapsed, bound_s) - elapsed)
