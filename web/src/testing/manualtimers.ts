// A clock for unit tests of code that takes its timers as a `Timers` (web/src/snapshots.ts): nothing fires until the
// test moves time on, so a test of a 15-second check takes no 15 seconds and never races the machine's load.
import type { Timers } from "../snapshots";

export class ManualTimers implements Timers {
  private next = 1;
  pending = new Map<number, { fn: () => void; at: number }>();
  now = 0;
  setTimeout(fn: () => void, ms: number): number {
    const id = this.next++;
    this.pending.set(id, { fn, at: this.now + ms });
    return id;
  }
  clearTimeout(id: number): void {
    this.pending.delete(id);
  }
  /** Moves time on by `ms` as a browser would: every timer due by then fires in time order, `now` set to its time,
   * those that firing sets included, with the promises it started let run after each. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    this.now = end;
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
  /** Moves `now` on by `ms` at once and fires, in the order they were set, the timers due by then that were pending
   * before (not those that firing sets), nothing awaited: the coarser clock of the older tests (drafts, agentwatch). */
  fireDue(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.pending]) {
      if (t.at <= this.now) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
}
