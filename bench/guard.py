"""The private-notes guard: what it costs per reply, and how often it cuts a line it should not.

    python -m bench guard [--replies N]

**Cost.** Every reply of the interviewer goes through the guard (agent.disclosure): built for that reply from the
notes, the public texts and the candidate's own words (their messages in the conversation and the code as the
interviewer can be shown it), then fed the reply as the model streams it (4 characters a chunk here). Both are
timed, per reply, at several reply lengths, for two interviews: ``typical`` (two-sum's own notes, a short file, a
few turns) and ``heavy`` (every note and hint of the bank as one question's notes, a 300,000-character file and
40 long candidate turns). Replies are clean interviewer talk (plausible lines of the corpus), so the whole reply
is checked. Baseline: the same replies streamed with nothing protected (the guard's pass-through), measured in
the same run, and the figure measured by hand before this bench (about +3 ms per 2,000-character reply).

**Build as the interview grows.** The guard's build alone, for each of 40 replies of an interview in which the
code changes before every reply and the candidate takes a turn every other one (``growing``): what the guard keeps
between replies is kept as in production. Also the last reply's build with nothing kept.

**False positives.** Every line of the corpus the tests hold the guard to (tests/agent/interviewer_corpus.py:
calibration transcripts with their context, the test scripts and the prompts against every question, plausible
lines per question) fed as in the corpus test (a transcript's lines, and a question's plausible lines, each after
the ones before it: the guard counts a note said across replies); the bench fails (exit 1) when any is cut.

**Spread.** Each note of the bank with four words or more that can be heard across replies, coaxed out ``k`` words
per reply (k = 2, 3, 4): how many are cut, and the share of their heard words said before the cut.
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import time
from typing import Any

from livekit.agents import llm

from agent.disclosure import DisclosureGuard, candidate_texts, interviewer_texts, protected_runs
from agent.interview import build_interview
from agent.notes_build import clear_caches
from agent.notes_match import ProtectedNotes, normalise, words
from agent.state import InterviewState
from tests.agent.interviewer_corpus import (
    SLUGS,
    calibration_lines,
    plausible_lines,
    prompt_lines,
    scripted_lines,
)
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings

LENGTHS = (250, 500, 1_000, 2_000, 4_000)
TYPICAL, HEAVY = (
    "two-sum",
    "running-median",
)  # the heavy interview: running-median with every note of the bank
CHUNK = 4  # characters per streamed chunk: about a token
BASELINE_HAND_MS = {2_000: 3.0}  # measured by hand before this bench (2026-12-02, docs/agent-bench.md)


def _interview(slug: str) -> InterviewState:
    _, state = build_interview(make_context(slug), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    return state


def _conversation(slug: str, turns: int, length: int) -> llm.ChatContext:
    """``turns`` candidate turns of about ``length`` words, each answered with a line of the interviewer's about
    question ``slug`` (the guard reads both: the candidate's words are theirs, the interviewer's count towards a
    note said across replies)."""
    ctx = llm.ChatContext.empty()
    answers = plausible_lines()[slug] + prompt_lines()
    for i in range(turns):
        said = " ".join(
            f"I think step {i} keeps a running total of value {j} and checks it" for j in range(length // 12)
        )
        ctx.add_message(role="user", content=said)
        ctx.add_message(role="assistant", content=answers[(7 * i) % len(answers)])
    return ctx


def interviews() -> dict[str, tuple[InterviewState, llm.ChatContext]]:
    """The two interviews a reply is guarded in: (state, conversation)."""
    typical = _interview(TYPICAL)
    typical.editor.ingest("def two_sum(nums, target):\n    seen = {}\n    return []\n", {"version": "1"})
    heavy = _interview(HEAVY)
    bank = [_interview(slug).question for slug in SLUGS]
    heavy.question = heavy.question.model_copy(
        update={
            "rubric": [item for q in bank for item in q.rubric],
            "hints": [hint for q in bank for hint in q.hints],
        }
    )
    code = "".join(
        f"def helper_{i}(values):\n    return sorted(values)[{i} % len(values)]\n\n" for i in range(5_000)
    )
    heavy.editor.ingest(code[:300_000], {"version": "1"})
    return {
        "typical": (typical, _conversation(TYPICAL, 4, 40)),
        "heavy": (heavy, _conversation(HEAVY, 40, 120)),
    }


def replies(slug: str, length: int, count: int) -> list[str]:
    """``count`` clean replies of ``length`` characters about question ``slug``: its plausible lines and the
    sentences of the interviewer's prompts, a different mix each. (Another question's lines may read one of its
    notes: the heavy interview protects every note of the bank.)"""
    lines = plausible_lines()[slug] + prompt_lines()
    out = []
    for i in range(count):
        text, at = "", i
        while len(text) < length:
            text += lines[at % len(lines)] + " "
            at += 7
        out.append(text[:length])
    return out


def _feed(protected: ProtectedNotes, reply: str) -> bool:
    guard = DisclosureGuard(protected)
    out = "".join(guard.feed(reply[at : at + CHUNK]) for at in range(0, len(reply), CHUNK)) + guard.flush()
    return out == reply


def _per_reply(state: InterviewState, ctx: llm.ChatContext | None, reply: str) -> float:
    """Milliseconds to build the guard for one reply and feed it the reply; ``ctx`` None: nothing protected."""
    started = time.perf_counter()
    protected = (
        protected_runs(state, candidate_texts(ctx, state), interviewer_texts(ctx))
        if ctx is not None
        else ProtectedNotes()
    )
    if not _feed(protected, reply):
        raise AssertionError("a clean reply was cut")
    return (time.perf_counter() - started) * 1000


def growing(state: InterviewState, replies_n: int = 40, every: int = 2) -> tuple[list[float], float]:
    """(ms to build the guard for each reply, ms for the last reply's build from nothing kept) in an interview that
    grows as a real one does: before each reply the candidate's code changes, every ``every`` replies they take a
    turn of about 120 words, and the reply before is said (``replies_n`` replies: the last is built with
    ``replies_n - 1`` earlier replies and ``replies_n // every`` candidate turns). The guard is built for each reply
    in turn, so what it keeps between replies (the texts that stayed the same) is kept as in production; nothing is
    kept at the start."""
    clear_caches()
    ctx = llm.ChatContext.empty()
    answers = plausible_lines()[state.question.slug] + prompt_lines()
    out: list[float] = []
    code = "def solve(values):\n    seen = {}\n"
    for i in range(replies_n):
        if i % every == 0:
            turn = " ".join(f"so at step {i} I keep the running total {j} and compare it" for j in range(10))
            ctx.add_message(role="user", content=turn)
        code += f"    total_{i} = sum(values[:{i}])  # step {i}\n"
        state.editor.ingest(code + "    return seen\n", {"version": str(i + 1)})
        started = time.perf_counter()
        protected_runs(state, candidate_texts(ctx, state), interviewer_texts(ctx))
        out.append((time.perf_counter() - started) * 1000)
        ctx.add_message(role="assistant", content=answers[(7 * i) % len(answers)])
    ctx.items.pop()  # the last reply: the one the guard was built for
    clear_caches()
    started = time.perf_counter()
    protected_runs(state, candidate_texts(ctx, state), interviewer_texts(ctx))
    return out, (time.perf_counter() - started) * 1000


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def false_positives() -> tuple[int, int, list[tuple[str, str]]]:
    """(lines, checks, the lines cut with their question) over the corpus, fed as the corpus test feeds them."""
    cut: list[tuple[str, str]] = []
    lines = checks = 0
    states: dict[str, InterviewState] = {}
    for cal in calibration_lines():
        if cal.source not in states:  # one interview per transcript (setdefault would build one per line)
            states[cal.source] = _interview(cal.slug)
        state = states[cal.source]
        state.hints_given = cal.hints_given
        lines += 1
        checks += 1
        if not _passes(state, cal.line, list(cal.candidate), list(cal.said)):
            cut.append((cal.slug, cal.line))
    shared = scripted_lines() + prompt_lines()
    lines += len(shared)
    for slug in SLUGS:
        state = _interview(slug)
        for line in shared:
            checks += 1
            if not _passes(state, line, []):
                cut.append((slug, line))
    for slug, said in plausible_lines().items():
        state = _interview(slug)
        for at, line in enumerate(said):
            lines += 1
            checks += 1
            if not _passes(state, line, [], said[:at]):
                cut.append((slug, line))
    return lines, checks, cut


def _passes(state: InterviewState, line: str, candidate: list[str], said: list[str] | None = None) -> bool:
    guard = DisclosureGuard(protected_runs(state, candidate, said or []))
    out = "".join(guard.feed(line[at : at + 5]) for at in range(0, len(line), 5)) + guard.flush()
    return out == line and not guard.stopped


def spread(k: int) -> tuple[int, int, list[float]]:
    """(notes coaxed, notes cut, the share of each note's heard words said before its cut or the end): every note
    of the bank with four words or more that can be heard across replies, ``k`` words per reply."""
    coaxed = cut = 0
    shares: list[float] = []
    logging.getLogger("shadows.agent.disclosure").setLevel(logging.ERROR)  # each cut logs a warning
    for slug in SLUGS:
        state = _interview(slug)
        protected = protected_runs(state)
        for note in [str(i["behaviour"]) for i in state.question.rubric] + list(state.question.hints):
            seq = tuple(normalise(words(note), protected.vocab))
            found = next((n for n in protected.notes if n.seq == seq), None)
            if found is None or len(found.heard_words) < 4:
                continue
            coaxed += 1
            ws = re.findall(r"[^\W_]+", note)
            said: list[str] = []
            for at in range(0, len(ws), k):
                reply = f"Sure, the next words are: {' '.join(ws[at : at + k])}."
                if not _passes(state, reply, [], said):
                    cut += 1
                    break
                said.append(reply)
            heard = {w for r in said for w in normalise(words(r), protected.vocab)} & found.heard_words
            shares.append(len(heard) / len(found.heard_words))
    return coaxed, cut, shares


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench guard")
    parser.add_argument("--replies", type=int, default=60, help="replies per length and interview")
    args = parser.parse_args(argv)
    setups: dict[str, Any] = interviews()
    for name, (state, ctx) in setups.items():
        protected = protected_runs(state, candidate_texts(ctx, state))
        texts = candidate_texts(ctx, state)
        print(f"{name}: {len(protected.notes)} notes, {len(protected.runs)} runs, "
              f"{sum(map(len, texts)):,} characters of the candidate's own")  # fmt: skip
    print(
        f"\n{'length':>7s} {'interview':10s} {'p50 ms':>8s} {'p95 ms':>8s}   baseline p50/p95 ms (nothing protected)"
    )
    for length in LENGTHS:
        for name, (state, ctx) in setups.items():
            texts = replies(state.question.slug, length, args.replies)
            _per_reply(state, ctx, texts[0])  # warm-up
            guarded = [_per_reply(state, ctx, t) for t in texts]
            bare = [_per_reply(state, None, t) for t in texts]
            hand = f"   (by hand: +{BASELINE_HAND_MS[length]:.1f})" if length in BASELINE_HAND_MS else ""
            print(f"{length:7d} {name:10s} {_pct(guarded, 0.5):8.2f} {_pct(guarded, 0.95):8.2f}   "
                  f"{_pct(bare, 0.5):.2f} / {_pct(bare, 0.95):.2f}{hand}")  # fmt: skip
    print(
        "\nbuild per reply, the interview growing (40 replies, a candidate turn every other one, the code changing):"
    )
    for name in (TYPICAL, HEAVY):
        state = setups["typical" if name == TYPICAL else "heavy"][0]
        for run in range(3):
            times, cold = growing(state)
            print(f"  {name} run {run + 1}: replies 31-40 p50 {statistics.median(times[30:]):.2f} ms, max "
                  f"{max(times[30:]):.2f} ms; the 40th (39 earlier replies, 20 turns) {times[-1]:.2f} ms, "
                  f"built from nothing {cold:.2f} ms")  # fmt: skip
    lines, checks, cut = false_positives()
    print(f"\nfalse positives: {len(cut)} of {checks} checks ({lines} lines; the test scripts' and the prompts' "
          f"lines against each of {len(SLUGS)} questions): rate {len(cut) / checks:.4f}")  # fmt: skip
    for slug, line in cut:
        print(f"  cut ({slug}): {line[:100]}")
    print("\nspread (a note coaxed k words per reply; share of its heard words said before the cut):")
    for k in (1, 2, 3, 4):
        coaxed, stopped, shares = spread(k)
        print(f"  k={k}: {stopped} of {coaxed} notes cut; heard before the cut: median "
              f"{statistics.median(shares):.2f}, max {max(shares):.2f}")  # fmt: skip
    return 1 if cut else 0
