// The server's time, as the page can know it: the interview ends at the server's `ends_at`, and a device clock that
// is off (never synchronised, set by hand) would count down to the wrong moment. Every API answer carries the
// server's time in its `Date` header, to the second, which bounds how far the device's clock is from the server's.

/** Below this the device's clock is left as it is: the header's one-second steps would make the clock jitter. */
const IGNORED_SKEW_MS = 2000;

export class ServerClock {
  /** What the answers so far say of (server time - device time): it lies in [low, high]. */
  private low = -Infinity;
  private high = Infinity;

  constructor(private readonly deviceNow: () => number = () => Date.now()) {}

  /** One answer: its `Date` header, and the device's time as the request left and as its answer came back. */
  observe(dateHeader: string | null, sentAt: number, receivedAt: number): void {
    const server = dateHeader ? Date.parse(dateHeader) : NaN;
    if (!Number.isFinite(server) || receivedAt < sentAt) return;
    // The server wrote the header between the request leaving and its answer arriving, and truncated its time to
    // the second.
    const low = server - receivedAt;
    const high = server + 1000 - sentAt;
    if (low > this.high || high < this.low) {
      // Not what the answers before said: the device's clock was changed meanwhile (a sync after sleep).
      this.low = low;
      this.high = high;
    } else {
      this.low = Math.max(this.low, low);
      this.high = Math.min(this.high, high);
    }
  }

  /** How far the server's clock is ahead of the device's (0 when unknown or within a couple of seconds). */
  get offset(): number {
    if (!Number.isFinite(this.low) || !Number.isFinite(this.high)) return 0;
    const offset = (this.low + this.high) / 2;
    return Math.abs(offset) < IGNORED_SKEW_MS ? 0 : offset;
  }

  /** The server's time now, in milliseconds since the epoch. */
  now(): number {
    return this.deviceNow() + this.offset;
  }
}

/** The page's one estimate, fed by every API answer (`ApiClient`) and read by the interview clock. */
export const serverClock = new ServerClock();
