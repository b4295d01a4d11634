// The page's own waits and intervals, timed on a clock that only moves forward.

/**
 * Milliseconds on the page's monotonic clock (`performance.now()`), for what the page times itself: a wait to
 * hold a button, the pace of its checks, how long the window was away, how fast code went in. The device's clock
 * (`Date.now()`) is set by the device and jumps: a laptop waking syncs it, a clock minutes off is corrected. Set back
 * ten minutes, a wait "until" a moment on it lasts ten minutes more, and an interval measured across the change is
 * ten minutes off. Time the device spends asleep may not count here. Times of day (the countdown, a result's age)
 * stay on the server's clock (`web/src/serverclock.ts`).
 */
export function monotonicNow(): number {
  return performance.now();
}
