// @vitest-environment jsdom
// The integrity batches wait out a rate limit for as long as the server asked (Retry-After), not a fixed 30 s.
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
