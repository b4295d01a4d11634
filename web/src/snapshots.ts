// When to push the editor to the agent: ~500 ms after typing stops, and at least every ~2 s while typing goes on.

export interface Timers {
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
};

/** A debounce with a maximum wait: bursts of `changed()` produce one `send()` per pause, and one per `maxWaitMs`. */
export class SnapshotScheduler {
  private quiet: number | null = null;
  private ceiling: number | null = null;

  constructor(
    private readonly send: () => void,
    private readonly quietMs = 500,
    private readonly maxWaitMs = 2000,
    private readonly timers: Timers = browserTimers,
  ) {}

  get pending(): boolean {
    return this.quiet !== null;
  }

  changed(): void {
    if (this.quiet !== null) this.timers.clearTimeout(this.quiet);
    this.quiet = this.timers.setTimeout(() => this.flush(), this.quietMs);
    if (this.ceiling === null) this.ceiling = this.timers.setTimeout(() => this.flush(), this.maxWaitMs);
  }

  /** Send now if a change is waiting. */
  flush(): void {
    const due = this.quiet !== null;
    this.cancel();
    if (due) this.send();
  }

  cancel(): void {
    if (this.quiet !== null) this.timers.clearTimeout(this.quiet);
    if (this.ceiling !== null) this.timers.clearTimeout(this.ceiling);
    this.quiet = null;
    this.ceiling = null;
  }
}
