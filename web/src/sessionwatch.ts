// Keeping up with the session while the page sits idle: a recruiter cancels it, the server or the interviewer ends
// it, its time and grace run out, or extra time moves its end. Before, the page learnt of any of it only at the next
// save or Run, so a candidate reading the problem or thinking went on as though the interview still ran. The page
// now asks the API (POST /v1/join, the session's whole view, its most frequent and cheapest call) every little while,
// and at once when there is a reason to think something changed (the page shown again, the network back, the call's
// room closed), never sooner than a `Retry-After` it was given, and backing off while the network or server fails.
import { ApiError, type JoinResponse, retryAfterMs } from "./api";
import { linkRefused, type Notice } from "./messages";
import { monotonicNow } from "./monotonic";
import type { Timers } from "./snapshots";

/** How often the session is asked for while the page is visible, and while it is hidden (another tab, asleep). */
export const WATCH_MS = 15_000;
export const WATCH_HIDDEN_MS = 60_000;
/** The longest pause between checks while they fail without a `Retry-After` (no network, a 5xx). */
export const WATCH_MAX_MS = 5 * 60_000;
/** The least time between two checks that a reason to look (`soon`) asks for: a tab flicked back and forth, or a
 * flapping network, asks once. */
export const WATCH_SOON_MS = 2_000;
/** The least time between two checks that the candidate turning to the page (`glance`) asks for: clicks and keys
 * come many a second, and a check per 5 s of them is still far from a polling storm. */
export const WATCH_GLANCE_MS = 5_000;

export interface SessionWatchHooks {
  /** The session as the server has it now (the interview may have been started in another tab, or given extra
   * time: its `ends_at` moved). */
  seen(joined: JoinResponse): void;
  /** The link can no longer be used (cancelled, ended, its time and grace spent, expired, erased): said by `notice`;
   * `error` is the refusal. Called once; the watch stops. */
  over(notice: Notice, error: ApiError): void;
}

export interface WatchEnv {
  timers: Timers;
  now(): number;
  /** The page is hidden: the session is asked for less often (it is asked at once when it is shown again). */
  hidden(): boolean;
}

const browserEnv: WatchEnv = {
  timers: {
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (id) => globalThis.clearTimeout(id),
  },
  now: monotonicNow, // never the device's clock: set back, it put the next check off by as long
  hidden: () => typeof document !== "undefined" && document.visibilityState === "hidden",
};

export class SessionWatch {
  private timer: number | null = null;
  private running = false;
  private checking = false;
  private failures = 0;
  /** Before this moment nothing is asked: the server named the wait (`Retry-After`). */
  private holdUntil = 0;
  private lastCheck = Number.NEGATIVE_INFINITY;
  /** When the scheduled check is due (env.now()), or null when none is. */
  private dueAt: number | null = null;

  constructor(
    private readonly probe: () => Promise<JoinResponse>,
    private readonly hooks: SessionWatchHooks,
    private readonly env: WatchEnv = browserEnv,
  ) {}

  /** Start watching; the first check comes after the usual pause (the page has just read the session). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastCheck = this.env.now();
    this.schedule(this.interval());
  }

  stop(): void {
    this.running = false;
    this.cancel();
  }

  get watching(): boolean {
    return this.running;
  }

  /** A reason to look now (the page shown again, the network back, the call's room closed): a check at once, or as
   * soon as a wait the server asked for is over; at most one per WATCH_SOON_MS. */
  soon(): void {
    if (!this.running || this.checking) return;
    const now = this.env.now();
    const at = Math.max(this.holdUntil, this.lastCheck + WATCH_SOON_MS, now);
    this.failures = 0; // the backoff of a failing network starts over: the reason may be that it is back
    this.schedule(at - now);
  }

  /** The candidate turned to the page (its window focused, a click, a key): nothing tells this page of a start on
   * another device, so a check is made now, at most one per WATCH_GLANCE_MS and never sooner than a `Retry-After`.
   * Unlike `soon`, it neither brings forward a failing network's backoff (a key pressed is no sign the network is
   * back) nor puts off a check already due sooner. */
  glance(): void {
    if (!this.running || this.checking || this.failures > 0) return;
    const now = this.env.now();
    const at = Math.max(this.holdUntil, this.lastCheck + WATCH_GLANCE_MS, now);
    if (this.dueAt !== null && this.dueAt <= at) return;
    this.schedule(at - now);
  }

  private interval(): number {
    return this.env.hidden() ? WATCH_HIDDEN_MS : WATCH_MS;
  }

  private schedule(ms: number): void {
    this.cancel();
    this.dueAt = this.env.now() + ms;
    this.timer = this.env.timers.setTimeout(() => {
      this.timer = null;
      this.dueAt = null;
      void this.check();
    }, ms);
  }

  private cancel(): void {
    if (this.timer !== null) this.env.timers.clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = null;
  }

  private async check(): Promise<void> {
    if (!this.running || this.checking) return;
    this.checking = true;
    this.lastCheck = this.env.now();
    let next: number;
    try {
      const joined = await this.probe();
      if (!this.running) return;
      this.failures = 0;
      this.hooks.seen(joined);
      next = this.interval();
    } catch (error) {
      if (!this.running) return;
      const notice = linkRefused(error);
      if (notice && error instanceof ApiError) {
        this.stop();
        this.hooks.over(notice, error);
        return;
      }
      this.failures += 1;
      const asked = retryAfterMs(error);
      if (asked !== null) this.holdUntil = this.env.now() + asked;
      // Failing without a named wait (no network, a 5xx, a proxy's page): doubling, up to WATCH_MAX_MS.
      const backoff = Math.min(this.interval() * 2 ** (this.failures - 1), WATCH_MAX_MS);
      next = Math.max(asked ?? 0, backoff);
    } finally {
      this.checking = false;
    }
    if (this.running) this.schedule(next);
  }
}
