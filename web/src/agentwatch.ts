// Waiting for the interviewer: once the call is connected (or the agent leaves a connected call), if no agent joins
// within the timeout the page says so and asks the API to dispatch it again (once); if it still has not joined after
// another timeout, the page offers the text-only path or a reschedule message.
import { ApiError, retryAfterMs } from "./api";
import type { Timers } from "./snapshots";

/** How many times a call-back the API turned away as busy (429 `rate_limited`, 503 with `Retry-After`) is asked
 * again, each after the wait it named. */
export const MAX_BUSY_RETRIES = 3;

export type WatchState = "idle" | "waiting" | "late" | "gave_up" | "present";

export interface WatchHooks {
  /** The first timeout passed: tell the candidate and call the interviewer again. `left`: it had joined this
   * interview and left the call (not: it never joined). */
  late(left: boolean): void;
  redispatch(): Promise<void>;
  /** The second timeout passed too. */
  gaveUp(): void;
  /** The API turned the call-back away as busy and named a wait: the interviewer is called again after `waitMs`. */
  busy?(waitMs: number): void;
}

const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
};

export class AgentWatch {
  private timer: number | null = null;
  private redispatched = false;
  private over = false;
  private joined = false; // the interviewer has been in the call at least once
  private busyRetries = 0;
  state: WatchState = "idle";

  constructor(
    private readonly timeoutMs: number,
    private readonly hooks: WatchHooks,
    private readonly timers: Timers = browserTimers,
  ) {}

  /** The call connected (or reconnected) with the agent present or not. */
  connected(agentPresent: boolean): void {
    if (this.over) return;
    if (agentPresent) return this.agent(true);
    if (this.state === "gave_up" || this.timer !== null) return;
    this.state = this.redispatched ? "late" : "waiting";
    this.arm();
  }

  agent(present: boolean): void {
    if (this.over) return;
    if (present) {
      this.cancel();
      this.joined = true;
      this.state = "present";
    } else if (this.state === "present") {
      // It left a connected call (a crash or a restart): wait for it as on a connect, calling it again if need be;
      // a drop reports the agent absent just before `disconnected()`, which cancels this wait.
      this.state = "idle";
      this.connected(false);
    }
  }

  /** The interview is over: the interviewer leaving is its goodbye, not something to wait for. */
  stop(): void {
    this.over = true;
    this.cancel();
  }

  disconnected(): void {
    this.cancel();
    if (this.state !== "gave_up") this.state = "idle";
  }

  private arm(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      if (!this.redispatched) {
        this.redispatched = true;
        this.state = "late";
        this.hooks.late(this.joined);
        this.dispatch();
        this.arm();
      } else {
        this.state = "gave_up";
        this.hooks.gaveUp();
      }
    }, this.timeoutMs);
  }

  /** Call the interviewer again. Turned away as busy with a wait named (the route is limited per session, LiveKit
   * may be down), it is asked again once the wait is over, and only then does the wait for it run again; asking
   * sooner would be refused too, and giving up meanwhile would leave a call-back that would have worked untried. */
  private dispatch(): void {
    this.hooks.redispatch().catch((error: unknown) => {
      const wait = retryAfterMs(error);
      const final = error instanceof ApiError && error.code === "redispatch_limit"; // no wait makes it work
      if (wait === null || final || this.over || this.state !== "late" || this.busyRetries >= MAX_BUSY_RETRIES) return;
      this.busyRetries += 1;
      this.cancel(); // the wait for the interviewer starts again after this call-back, not before it
      const ms = Math.max(wait, 1000);
      this.hooks.busy?.(ms);
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        if (this.over || this.state !== "late") return;
        this.dispatch();
        this.arm();
      }, ms);
    });
  }

  cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
