import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SnapshotScheduler, type Timers } from "./snapshots";

const timers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};

describe("SnapshotScheduler", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends once, 500 ms after the last change", () => {
    const send = vi.fn();
    const s = new SnapshotScheduler(send, 500, 2000, timers);
    s.changed();
    vi.advanceTimersByTime(300);
    s.changed();
    vi.advanceTimersByTime(499);
    expect(send).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(send).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("sends at least every 2 s while typing never pauses", () => {
    const send = vi.fn();
    const s = new SnapshotScheduler(send, 500, 2000, timers);
    for (let t = 0; t < 5000; t += 100) {
      s.changed();
      vi.advanceTimersByTime(100);
    }
    expect(send).toHaveBeenCalledTimes(2); // at 2 s and 4 s
  });

  it("flush sends only when a change is waiting, and cancel drops it", () => {
    const send = vi.fn();
    const s = new SnapshotScheduler(send, 500, 2000, timers);
    s.flush();
    expect(send).not.toHaveBeenCalled();
    s.changed();
    s.flush();
    expect(send).toHaveBeenCalledTimes(1);
    s.changed();
    s.cancel();
    vi.advanceTimersByTime(5000);
    expect(send).toHaveBeenCalledTimes(1);
  });
});
