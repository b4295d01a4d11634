// An interview cancelled or ended elsewhere while the page sits idle is noticed within a check, not at the next save
// or Run; a busy server is asked no sooner than it said, a failing network less and less often.
import { describe, expect, it } from "vitest";
import { ApiError, type JoinResponse } from "./api";
import type { Notice } from "./messages";
import { SessionWatch, WATCH_GLANCE_MS, WATCH_HIDDEN_MS, WATCH_MAX_MS, WATCH_MS, WATCH_SOON_MS } from "./sessionwatch";
import { ManualTimers } from "./testing/manualtimers";

const session = (endsAt: string) =>
  ({ session: { status: "in_progress", ends_at: endsAt } }) as unknown as JoinResponse;

function setup(answers: (n: number) => JoinResponse | Error, hidden = false) {
  const timers = new ManualTimers();
  const asked: number[] = [];
  const seen: JoinResponse[] = [];
  const over: { notice: Notice; code: string }[] = [];
  const env = { timers, now: () => timers.now, hidden: () => hidden };
  const watch = new SessionWatch(
    async () => {
      asked.push(timers.now);
      const answer = answers(asked.length);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    { seen: (j) => seen.push(j), over: (notice, error) => over.push({ notice, code: error.code }) },
    env,
  );
  return { watch, timers, asked, seen, over, setHidden: (h: boolean) => (hidden = h) };
}

const cancelled = new ApiError(409, "session_cancelled", "This interview was cancelled.");

describe("watching the session while the page is idle", () => {
  it("notices a cancellation within one check, says it once, and stops asking", async () => {
    const { watch, timers, asked, over } = setup((n) => (n < 3 ? session("2030-01-01T00:00:00Z") : cancelled));
    watch.start();
    await timers.advance(WATCH_MS - 1);
    expect(asked).toEqual([]); // the page has just read the session
    await timers.advance(3 * WATCH_MS);
    expect(asked).toEqual([WATCH_MS, 2 * WATCH_MS, 3 * WATCH_MS]);
    expect(over).toEqual([
      {
        notice: expect.objectContaining({ title: "This interview was cancelled" }) as Notice,
        code: "session_cancelled",
      },
    ]);
    expect(watch.watching).toBe(false);
    await timers.advance(10 * WATCH_MS);
    expect(asked).toHaveLength(3);
  });

  it.each(["session_finished", "session_time_up", "session_expired", "invalid_invite"])(
    "takes %s as the end of the interview",
    async (code) => {
      const status = code === "session_expired" ? 410 : code === "invalid_invite" ? 401 : 409;
      const { watch, timers, over } = setup(() => new ApiError(status, code, "no"));
      watch.start();
      await timers.advance(WATCH_MS);
      expect(over.map((o) => o.code)).toEqual([code]);
    },
  );

  it("passes on the session as the server has it (extra time moves its end)", async () => {
    const { watch, timers, seen } = setup(() => session("2030-01-01T00:10:00Z"));
    watch.start();
    await timers.advance(WATCH_MS);
    expect(seen.map((j) => j.session.ends_at)).toEqual(["2030-01-01T00:10:00Z"]);
  });

  it("asks no sooner than a Retry-After said, even when there is a reason to look", async () => {
    const busy = new ApiError(429, "rate_limited", "Slow down.", 90_000);
    const { watch, timers, asked } = setup((n) => (n === 1 ? busy : session("x")));
    watch.start();
    await timers.advance(WATCH_MS);
    expect(asked).toEqual([WATCH_MS]);
    watch.soon(); // the page shown again: still inside the wait the server named
    await timers.advance(89_000);
    expect(asked).toEqual([WATCH_MS]);
    await timers.advance(1000);
    expect(asked).toEqual([WATCH_MS, WATCH_MS + 90_000]);
  });

  it("backs off while the network fails, up to a bound, and looks at once when it is back", async () => {
    const down = new ApiError(0, "network_error", "Could not reach the server.");
    let online = false;
    const { watch, timers, asked } = setup(() => (online ? session("x") : down));
    watch.start();
    await timers.advance(40 * 60_000);
    const gaps = asked.slice(1).map((t, i) => t - asked[i]);
    expect(gaps.slice(0, 3)).toEqual([WATCH_MS, 2 * WATCH_MS, 4 * WATCH_MS]);
    expect(Math.max(...gaps)).toBe(WATCH_MAX_MS);
    online = true;
    const before = asked.length;
    watch.soon(); // the browser's `online`
    await timers.advance(0);
    expect(asked).toHaveLength(before + 1);
    await timers.advance(WATCH_MS);
    expect(asked).toHaveLength(before + 2); // the usual pace again
  });

  it("asks less often while the page is hidden, and at once (but not twice in a row) when it is shown", async () => {
    const { watch, timers, asked, setHidden } = setup(() => session("x"), true);
    watch.start();
    await timers.advance(WATCH_MS);
    expect(asked).toEqual([]);
    await timers.advance(WATCH_HIDDEN_MS - WATCH_MS);
    expect(asked).toEqual([WATCH_HIDDEN_MS]);
    setHidden(false);
    await timers.advance(10_000);
    watch.soon();
    await timers.advance(0);
    expect(asked).toEqual([WATCH_HIDDEN_MS, WATCH_HIDDEN_MS + 10_000]);
    watch.soon(); // flicked away and back at once
    watch.soon();
    await timers.advance(WATCH_SOON_MS);
    expect(asked).toHaveLength(3);
  });

  it("asks nothing once stopped (the interview ended here)", async () => {
    const { watch, timers, asked } = setup(() => session("x"));
    watch.start();
    watch.stop();
    watch.soon();
    await timers.advance(10 * WATCH_MS);
    expect(asked).toEqual([]);
  });

  it("asks at once when the candidate turns to the page, at most once per WATCH_GLANCE_MS of clicks and keys", async () => {
    // A start on another device reaches a page before the interview only by a check: the candidate coming back to it
    // (a focus, a click, a key) is when what it shows matters, and nothing else would tell it for up to WATCH_MS.
    const { watch, timers, asked } = setup(() => session("x"));
    watch.start();
    await timers.advance(WATCH_GLANCE_MS);
    watch.glance();
    await timers.advance(0);
    expect(asked).toEqual([WATCH_GLANCE_MS]);
    for (let i = 0; i < 60; i += 1) {
      watch.glance(); // keys typed, many a second
      await timers.advance(100);
    }
    expect(asked).toEqual([WATCH_GLANCE_MS, 2 * WATCH_GLANCE_MS]); // one more, WATCH_GLANCE_MS after the first
    // The keys stop (at 2.2 * WATCH_GLANCE_MS): the one they asked for last, then the usual pace.
    await timers.advance(WATCH_MS + WATCH_GLANCE_MS);
    expect(asked).toEqual([1, 2, 3, 6].map((n) => n * WATCH_GLANCE_MS));
  });

  it("never brings a check forward by a glance while the network fails or the server asked for a wait", async () => {
    const down = new ApiError(0, "network_error", "Could not reach the server.");
    const failing = setup(() => down);
    failing.watch.start();
    await failing.timers.advance(WATCH_MS);
    for (let i = 0; i < 100; i += 1) {
      failing.watch.glance();
      await failing.timers.advance(100);
    }
    expect(failing.asked).toEqual([WATCH_MS]); // the backoff's next check is 2 * WATCH_MS after the first
    const busy = new ApiError(429, "rate_limited", "Slow down.", 90_000);
    const held = setup((n) => (n === 1 ? busy : session("x")));
    held.watch.start();
    await held.timers.advance(WATCH_MS);
    held.watch.glance();
    await held.timers.advance(89_000);
    expect(held.asked).toEqual([WATCH_MS]);
  });

  it("never puts off a check already due sooner than a glance would make one", async () => {
    const { watch, timers, asked } = setup(() => session("x"));
    watch.start();
    await timers.advance(WATCH_MS);
    await timers.advance(500);
    watch.soon(); // the network back: WATCH_SOON_MS after the last check
    await timers.advance(100);
    watch.glance(); // would be WATCH_GLANCE_MS after it: the sooner one stands
    await timers.advance(WATCH_SOON_MS - 600);
    expect(asked).toEqual([WATCH_MS, WATCH_MS + WATCH_SOON_MS]);
  });
});
