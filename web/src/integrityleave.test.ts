// @vitest-environment jsdom
// What the page observed goes as the page goes (a reload, a close): in keepalive requests, which outlive the page, an
// absence under way included. A plain request is cancelled with the page, so a reload within the 5 s between batches
// lost a paste or the time away that had just ended, and a page closed while hidden never reported its absence.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api";
import { IntegrityObserver, MIN_AWAY_MS, watchPage } from "./integrity";
import type { IntegrityObservation } from "./api";

interface Sent {
  kinds: string[];
  ids: string[];
  keepalive: boolean;
  durations: (number | null | undefined)[];
}

function harness(answer: (batch: IntegrityObservation[]) => Promise<unknown> = async () => ({ stored: 1 })) {
  let now = 1_000;
  const observer = new IntegrityObserver({ now: () => now });
  const sent: Sent[] = [];
  const stop = watchPage(observer, (batch, keepalive) => {
    sent.push({
      kinds: batch.map((o) => o.kind),
      ids: batch.map((o) => o.id),
      keepalive: keepalive === true,
      durations: batch.map((o) => o.duration_ms),
    });
    return answer(batch);
  });
  return {
    observer,
    sent,
    stop,
    advance: (ms: number) => (now += ms),
    leave: () => window.dispatchEvent(new Event("pagehide")),
  };
}

describe("integrity observations as the page goes", () => {
  afterEach(() => vi.useRealTimers());

  it("send what is pending at once, in a keepalive request", async () => {
    vi.useFakeTimers();
    const page = harness();
    page.observer.paste(500, 12);
    await vi.advanceTimersByTimeAsync(1000); // a reload one second after the paste: before the next batch
    page.leave();
    expect(page.sent).toHaveLength(1);
    expect(page.sent[0]).toMatchObject({ kinds: ["paste"], keepalive: true });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(page.sent).toHaveLength(1); // nothing left to send twice
    page.stop();
  });

  it("report an absence still under way", async () => {
    vi.useFakeTimers();
    const page = harness();
    window.dispatchEvent(new Event("blur"));
    page.advance(9 * 60_000); // nine minutes in another window, then the tab closed from there
    page.leave();
    expect(page.sent).toHaveLength(1);
    expect(page.sent[0]).toMatchObject({ kinds: ["focus_lost"], keepalive: true, durations: [9 * 60_000] });
    page.stop();
  });

  it("but not the moment of leaving itself", async () => {
    vi.useFakeTimers();
    const page = harness();
    window.dispatchEvent(new Event("blur")); // a reload: the page is hidden as it unloads
    page.advance(MIN_AWAY_MS - 1);
    page.leave();
    expect(page.sent).toHaveLength(0);
    page.stop();
  });

  it("send the batch on its way again, since it is cancelled too", async () => {
    vi.useFakeTimers();
    const page = harness(() => new Promise(() => {})); // never answered before the page goes
    page.observer.paste(40, 2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(page.sent).toHaveLength(1);
    page.observer.paste(60, 3);
    page.leave();
    expect(page.sent.map((s) => s.keepalive)).toEqual([false, true, true]);
    expect(page.sent[1].ids).toEqual(page.sent[0].ids); // the same ids: stored once
    expect(page.sent[2].kinds).toEqual(["paste"]);
    page.stop();
  });

  it("send all of them, twenty to a request", async () => {
    vi.useFakeTimers();
    const page = harness();
    for (let i = 0; i < 45; i++) page.observer.paste(10 + i, 1);
    page.leave();
    expect(page.sent.map((s) => s.kinds.length)).toEqual([20, 20, 5]);
    expect(page.sent.every((s) => s.keepalive)).toBe(true);
    page.stop();
  });

  it("never ask into a wait the server named", async () => {
    vi.useFakeTimers();
    let limited = true;
    const page = harness(async () => {
      if (limited) throw new ApiError(429, "rate_limited", "too many", 60_000);
      return { stored: 1 };
    });
    page.observer.paste(10, 1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(page.sent).toHaveLength(1);
    page.observer.paste(20, 1);
    page.leave();
    expect(page.sent).toHaveLength(1);
    limited = false;
    await vi.advanceTimersByTimeAsync(65_000); // the wait is over: the next page leaving sends again
    const before = page.sent.length;
    page.observer.paste(30, 1);
    page.leave();
    expect(page.sent.length).toBeGreaterThan(before);
    expect(page.sent.at(-1)?.keepalive).toBe(true);
    page.stop();
  });
});
