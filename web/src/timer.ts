// The interview clock: time left until `session.ends_at`, or the full duration before the interview starts, each read
// from the server's view of the session; nothing ("--:--") while the page has no view it can trust (before its first
// answer, or once another tab has said the interview started and the server has not been asked since).
import { announce } from "./announce";
import type { SessionView } from "./api";
import { serverClock } from "./serverclock";

export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mm = String(minutes).padStart(hours ? 2 : 1, "0");
  const ss = String(seconds).padStart(2, "0");
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

export interface ClockReading {
  text: string;
  /** "unknown" with no view of the session, "waiting" before the start, "running", "low" in the last five minutes,
   * "over" at zero. */
  state: "unknown" | "waiting" | "running" | "low" | "over";
  label: string;
}

type ClockSession = Pick<SessionView, "ends_at" | "duration_minutes"> & { extra_time_minutes?: number };

const UNKNOWN: ClockReading = { text: "--:--", state: "unknown", label: "not known yet" };

export function readClock(session: ClockSession | null, now: number): ClockReading {
  if (!session) return UNKNOWN;
  if (!session.ends_at) {
    const minutes = session.duration_minutes + (session.extra_time_minutes ?? 0);
    const text = formatClock(minutes * 60_000);
    return { text, state: "waiting", label: `${minutes} minutes; the clock starts with the interview` };
  }
  const left = Date.parse(session.ends_at) - now;
  if (left <= 0) return { text: "0:00", state: "over", label: "Time is up" };
  const text = formatClock(left);
  return { text, state: left <= 5 * 60_000 ? "low" : "running", label: `${text} left` };
}

/** What is read out as the clock enters a state: the clock itself is silent (a reading each second would drown
 * everything else), and the interviewer's own warnings need the call, which a text-only interview does not have. */
const SAID: Partial<Record<ClockReading["state"], string>> = {
  low: "Less than 5 minutes left.",
  over: "Time is up.",
};

/** Re-renders the clock every second; `setSession` swaps in the server's newest view of the session (one that has
 * since started, or been given extra time). Null until the page has one. */
export class InterviewClock {
  private handle: number | null = null;
  private state: ClockReading["state"] | null = null;

  constructor(
    private session: ClockSession | null,
    private readonly element: HTMLElement,
    /** The server's time: `ends_at` is the server's moment, whatever the device's clock says. */
    private readonly now: () => number = () => serverClock.now(),
  ) {}

  start(): void {
    this.render();
    this.handle ??= window.setInterval(() => this.render(), 1000);
  }

  setSession(session: ClockSession): void {
    this.session = session;
    this.render();
  }

  /** The view says the interview has not started, and that may no longer hold (another tab started it, or the page
   * waited on a screen while it could have been started elsewhere): the full time is not shown as time left; nothing
   * is, until `setSession` brings the server's view. A view of a running interview is kept (only extra time moves
   * its end, and that comes with the next view). */
  forgetUnstarted(): void {
    if (this.session?.ends_at) return;
    this.session = null;
    this.render();
  }

  /** The interview ended before its time (cancelled, ended elsewhere): the clock stops and says so. */
  halt(): void {
    if (this.handle !== null) window.clearInterval(this.handle);
    this.handle = null;
    this.state = "over";
    this.element.textContent = "Ended";
    this.element.dataset.state = "over";
    this.element.title = "The interview has ended";
    this.element.setAttribute("aria-label", "Time remaining: none, the interview has ended");
  }

  get started(): boolean {
    return Boolean(this.session?.ends_at);
  }

  private render(): void {
    const reading = readClock(this.session, this.now());
    this.element.textContent = reading.text;
    this.element.dataset.state = reading.state;
    this.element.title = reading.label;
    this.element.setAttribute("aria-label", `Time remaining: ${reading.label}`);
    const said = SAID[reading.state];
    if (reading.state !== this.state && said) announce(said);
    this.state = reading.state;
  }
}
