// A server that says "busy, come back in N seconds" (429 or 503 with Retry-After) is waited for, and the candidate
// is told how long: the autosave, the interviewer's call-back and the page's own notices.
import { describe, expect, it, vi } from "vitest";
import { AgentWatch } from "./agentwatch";
import { ApiClient, ApiError, MAX_RETRY_AFTER_MS, parseRetryAfter, RUN_TIMEOUT_MS, waitWords } from "./api";
import { DraftSaver } from "./drafts";
import { joinNotice, runNotice, startNotice } from "./messages";
import { ManualTimers } from "./testing/manualtimers";

const busy = (seconds: number, status = 429, code = "rate_limited") =>
  new ApiError(status, code, "Too many requests.", seconds * 1000);

describe("Retry-After", () => {
  it("reads seconds and HTTP dates, bounded, and nothing else", () => {
    expect(parseRetryAfter("30")).toBe(30_000);
    expect(parseRetryAfter(" 0 ")).toBe(0);
    expect(parseRetryAfter(new Date(1_000_000 + 12_000).toUTCString(), 1_000_000)).toBe(12_000);
    expect(parseRetryAfter("99999999")).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter("-5")).toBeNull();
    expect(waitWords(1)).toBe("1 second");
    expect(waitWords(29_500)).toBe("30 seconds");
    expect(waitWords(61_000)).toBe("2 minutes");
  });

  it("is said in the notices, and 'a moment' only when the server named no wait", () => {
    expect(joinNotice(busy(30)).detail).toContain("30 seconds");
    expect(joinNotice(busy(2, 503, "service_unavailable")).detail).toContain("2 seconds");
    expect(joinNotice(new ApiError(503, "service_unavailable", "down")).detail).toContain("in a moment");
    expect(runNotice(busy(4, 503, "judge_busy"))).toContain("4 seconds");
    expect(runNotice(busy(2, 429, "run_in_progress"))).toContain("2 seconds");
    expect(startNotice(busy(7))).toContain("7 seconds");
  });
});

describe("the autosave against a busy server", () => {
  it("sends nothing before the Retry-After is over, however much is typed, and says how long", async () => {
    const timers = new ManualTimers();
    const sent: number[] = [];
    const said: (string | undefined)[] = [];
    let limited = true;
    const saver = new DraftSaver(
      {
        save: async () => {
          sent.push(timers.now);
          if (limited) throw busy(30);
          return { revision: sent.length };
        },
      },
      (state, detail) => {
        if (state === "retrying") said.push(detail);
      },
      timers,
    );
    saver.known("python", "", 0);
    saver.changed("python", "a");
    await timers.advance(900); // the first save: refused, wait 30 s
    expect(sent).toHaveLength(1);
    expect(said.at(-1)).toBe("Not saved yet; trying again in 30 seconds");
    for (let i = 0; i < 28; i++) {
      saver.changed("python", "a" + "b".repeat(i + 1)); // the candidate types on
      await timers.advance(1000);
    }
    expect(sent).toHaveLength(1); // not one request into the limit while it lasts
    limited = false;
    await timers.advance(3000);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBeGreaterThanOrEqual(sent[0] + 30_000);
    expect(saver.unsaved).toBe(false);
  });

  it("backs off on a failing network instead of asking every 800 ms, and starts over once a save lands", async () => {
    const timers = new ManualTimers();
    const sent: number[] = [];
    let down = true;
    const saver = new DraftSaver(
      {
        save: async () => {
          sent.push(timers.now);
          if (down) throw new ApiError(0, "network_error", "Could not reach the server.");
          return { revision: 1 };
        },
      },
      () => undefined,
      timers,
    );
    saver.known("python", "", 0);
    saver.changed("python", "x");
    for (let i = 0; i < 60; i++) {
      saver.changed("python", "x".repeat(i + 2));
      await timers.advance(1000);
    }
    // Over a minute of typing on a dead network: 0.8, 1.6, 3.2, 6.4, 12.8, 25.6 s apart, not 75 tries.
    expect(sent.length).toBeLessThanOrEqual(8);
    const gaps = sent.slice(1).map((t, i) => t - sent[i]);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]);
    down = false;
    await timers.advance(31_000);
    expect(saver.unsaved).toBe(false);
  });

  it("still saves at once when the candidate causes it (a Run, the end), during the wait", async () => {
    const timers = new ManualTimers();
    let n = 0;
    const saver = new DraftSaver(
      {
        save: async () => {
          if (n++ === 0) throw busy(60);
          return { revision: n };
        },
      },
      () => undefined,
      timers,
    );
    saver.known("python", "", 0);
    saver.changed("python", "a");
    await timers.advance(900);
    saver.changed("python", "ab");
    await saver.flush();
    expect(n).toBe(2);
    expect(saver.unsaved).toBe(false);
  });
});

describe("calling the interviewer back while the API is busy", () => {
  function watch(answers: (ApiError | null)[]) {
    const calls: string[] = [];
    const timers = new ManualTimers();
    const w = new AgentWatch(
      20_000,
      {
        late: () => calls.push("late"),
        redispatch: async () => {
          calls.push("redispatch");
          const answer = answers.shift() ?? null;
          if (answer) throw answer;
        },
        gaveUp: () => calls.push("gave_up"),
        busy: (ms) => calls.push(`busy ${ms}`),
      },
      timers,
    );
    return { w, calls, timers };
  }

  it("waits the Retry-After, says so, calls again, and only then waits for the interviewer", async () => {
    const { w, calls, timers } = watch([busy(45), null]);
    w.connected(false);
    await timers.advance(20_000);
    expect(calls).toEqual(["late", "redispatch", "busy 45000"]);
    await timers.advance(30_000); // the old code gave up here, without a call-back ever made
    expect(calls).not.toContain("gave_up");
    await timers.advance(15_000);
    expect(calls).toEqual(["late", "redispatch", "busy 45000", "redispatch"]);
    w.agent(true);
    await timers.advance(60_000);
    expect(calls).not.toContain("gave_up");
  });

  it("gives up as before when the limit is final or stays busy, and never calls sooner than asked", async () => {
    const final = watch([new ApiError(429, "redispatch_limit", "already called", null)]);
    final.w.connected(false);
    await final.timers.advance(40_000);
    expect(final.calls).toEqual(["late", "redispatch", "gave_up"]);

    const always = watch(Array.from({ length: 10 }, () => busy(5, 503, "livekit_unavailable")));
    always.w.connected(false);
    await always.timers.advance(20_000 + 4_000);
    expect(always.calls.filter((c) => c === "redispatch")).toHaveLength(1);
    await always.timers.advance(600_000);
    expect(always.calls.filter((c) => c === "redispatch")).toHaveLength(4); // 1 + MAX_BUSY_RETRIES
    expect(always.calls.at(-1)).toBe("gave_up");
  });
});

describe("the network coming back", () => {
  it("ends the autosave's own backoff at once, but never a wait the server asked for", async () => {
    for (const serverAsked of [false, true]) {
      const timers = new ManualTimers();
      let n = 0;
      let failing = true;
      const saver = new DraftSaver(
        {
          save: async () => {
            n += 1;
            if (failing) throw serverAsked ? busy(60) : new ApiError(0, "network_error", "offline");
            return { revision: n };
          },
        },
        () => undefined,
        timers,
      );
      saver.known("python", "", 0);
      for (let i = 0; i < 20; i++) {
        saver.changed("python", "y".repeat(i + 1));
        await timers.advance(1000); // a long backoff builds up
      }
      const before = n;
      failing = false;
      saver.online();
      await timers.advance(10);
      expect(n).toBe(serverAsked ? before : before + 1);
      expect(saver.unsaved).toBe(serverAsked);
    }
  });
});

describe("a request the page gave up waiting for", () => {
  it("is a timeout, not 'could not reach', and a Run says the runner may be busy", async () => {
    vi.useFakeTimers();
    try {
      const never: typeof fetch = (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
        );
      const api = new ApiClient("invite", "", never);
      const run = api.run("s1", "python", "x = 1").catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(RUN_TIMEOUT_MS);
      const error = (await run) as ApiError;
      expect(error.code).toBe("timeout");
      expect(error.network).toBe(true); // still handled as the network everywhere else
      expect(runNotice(error)).toContain("may be busy");
      const offline: typeof fetch = () => Promise.reject(new TypeError("Failed to fetch"));
      const failed = (await new ApiClient("invite", "", offline)
        .run("s1", "python", "")
        .catch((e: unknown) => e)) as ApiError;
      expect(failed.code).toBe("network_error");
    } finally {
      vi.useRealTimers();
    }
  });
});
