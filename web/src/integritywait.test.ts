// @vitest-environment jsdom
// The integrity batches wait out a rate limit for as long as the server asked (Retry-After), not a fixed 30 s, and
// never wait for, or send again, observations the API refused (they will never be taken).
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api";
import { IntegrityObserver, watchPage } from "./integrity";

describe("integrity batches against a rate limit", () => {
  afterEach(() => vi.useRealTimers());

  it("send nothing before the Retry-After is over", async () => {
    vi.useFakeTimers();
    const observer = new IntegrityObserver();
    const sent: number[] = [];
    let limited = true;
    const stop = watchPage(observer, async () => {
      sent.push(Date.now());
      if (limited) throw new ApiError(429, "rate_limited", "too many", 120_000);
      return { stored: 1, dropped: 0 };
    });
    observer.paste(10, 1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      observer.paste(10, 1);
      await vi.advanceTimersByTimeAsync(5000); // 100 s: still inside the 120 s asked for
    }
    expect(sent).toHaveLength(1);
    limited = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sent).toHaveLength(2);
    expect(sent[1] - sent[0]).toBeGreaterThanOrEqual(120_000);
    stop();
  });
});

describe("integrity batches the API refused", () => {
  afterEach(() => vi.useRealTimers());

  it("are not sent again, and the next batch goes at the next tick", async () => {
    vi.useFakeTimers();
    const observer = new IntegrityObserver();
    const sent: string[][] = [];
    let answer: "partly refused" | "all refused" | "stored" = "partly refused";
    const stop = watchPage(observer, async (batch) => {
      sent.push(batch.map((o) => o.id));
      if (answer === "all refused") throw new ApiError(422, "validation_error", "events.0.chars: invalid");
      const refused = answer === "partly refused" ? [{ index: 0, id: batch[0].id, fields: [] }] : [];
      return { stored: batch.length - refused.length, dropped: 0, refused };
    });
    const warn = vi.spyOn(console, "warn");
    observer.paste(10, 1);
    observer.paste(20, 2);
    await vi.advanceTimersByTimeAsync(5000);
    answer = "all refused";
    observer.paste(30, 3);
    await vi.advanceTimersByTimeAsync(5000);
    answer = "stored";
    observer.paste(40, 4);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.map((ids) => ids.length)).toEqual([2, 1, 1]); // the very next tick: no wait after the 422
    await vi.advanceTimersByTimeAsync(15_000);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.flat()).size).toBe(4); // nothing refused was sent again
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    stop();
  });
});
