// Integrity observations (never verdicts): paste sizes in the editor, focus loss and hidden page with their
// durations, large insertions faster than typing, and devtools where the page can tell without fingerprinting
// (its keyboard shortcuts, or the window's inner size shrinking by a docked panel and staying so). Batched, bounded,
// sent to the API; the candidate is told in the notice that these are recorded.
import { type IntegrityKind, type IntegrityObservation, retryAfterMs } from "./api";
import type { InputSignals } from "./editor";
import { onLeave } from "./leaving";
import { monotonicNow } from "./monotonic";

/** Inserting more than this many characters within FAST_WINDOW_MS without a paste is faster than anyone types. */
export const FAST_CHARS = 80;
export const FAST_WINDOW_MS = 1000;
/** Focus losses shorter than this (a click on a system dialog, a notification) are not reported. */
export const MIN_AWAY_MS = 2000;
const MAX_PENDING = 200;
const DEVTOOLS_GAP_PX = 200;

export interface Clock {
  now(): number;
}

let counter = 0;
function newId(kind: IntegrityKind): string {
  counter += 1;
  const random = Math.random().toString(36).slice(2, 10).padEnd(8, "0");
  return `${kind.slice(0, 5)}-${Date.now().toString(36)}-${counter}-${random}`.slice(0, 64);
}

/** Decides what to report; `flush` hands out at most `batch` observations at a time. */
export class IntegrityObserver implements InputSignals {
  private pending: IntegrityObservation[] = [];
  private awaySince: { kind: "focus_lost" | "page_hidden"; at: number } | null = null;
  private burst: { start: number; chars: number } | null = null;
  private devtoolsSeen = new Set<string>();
  dropped = 0;

  constructor(private readonly clock: Clock = { now: monotonicNow }) {}

  private add(observation: Omit<IntegrityObservation, "id">): void {
    if (this.pending.length >= MAX_PENDING) {
      this.dropped += 1;
      return;
    }
    this.pending.push({ id: newId(observation.kind), ...observation });
  }

  paste(chars: number, lines: number): void {
    if (chars > 0) this.add({ kind: "paste", chars, lines });
  }

  inserted(chars: number): void {
    const now = this.clock.now();
    if (!this.burst || now - this.burst.start > FAST_WINDOW_MS) this.burst = { start: now, chars: 0 };
    this.burst.chars += chars;
    if (this.burst.chars >= FAST_CHARS) {
      // Whole milliseconds, as the API takes them: the page's clock (performance.now()) has fractions, and a batch
      // holding one was refused whole (422), losing every observation in it.
      const durationMs = Math.max(0, Math.round(now - this.burst.start));
      this.add({ kind: "fast_insertion", chars: this.burst.chars, duration_ms: durationMs });
      this.burst = null;
    }
  }

  /** The window lost focus or the page was hidden. */
  away(kind: "focus_lost" | "page_hidden"): void {
    if (!this.awaySince || (kind === "page_hidden" && this.awaySince.kind === "focus_lost")) {
      this.awaySince = { kind, at: this.awaySince?.at ?? this.clock.now() };
    }
  }

  /** Focus came back (or the page became visible): report the absence with its duration. */
  back(): void {
    if (!this.awaySince) return;
    const duration = this.clock.now() - this.awaySince.at;
    if (duration >= MIN_AWAY_MS) this.add({ kind: this.awaySince.kind, duration_ms: Math.round(duration) });
    this.awaySince = null;
  }

  /** The page is going (closed, reloaded, navigated away): an absence still under way is reported as it stands. A
   *  page closed while hidden (its tab closed from another) never came back, and its absence went unreported. */
  leaving(): void {
    this.back();
  }

  devtools(source: "keyboard_shortcut" | "window_size"): void {
    if (this.devtoolsSeen.has(source)) return; // once per source is enough context
    this.devtoolsSeen.add(source);
    this.add({ kind: "devtools", source });
  }

  take(batch = 20): IntegrityObservation[] {
    return this.pending.splice(0, batch);
  }

  putBack(observations: IntegrityObservation[]): void {
    this.pending.unshift(...observations.slice(0, Math.max(0, MAX_PENDING - this.pending.length)));
  }

  get size(): number {
    return this.pending.length;
  }
}

export function isDevtoolsShortcut(
  e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">,
): boolean {
  if (e.key === "F12") return true;
  const key = e.key.toLowerCase();
  if (e.ctrlKey && e.shiftKey && ["i", "j", "c"].includes(key)) return true;
  return e.metaKey && e.altKey && ["i", "j", "c"].includes(key);
}

/** The window's sizes, as `resize` sees them. */
export interface WindowSize {
  outerWidth: number;
  outerHeight: number;
  innerWidth: number;
  innerHeight: number;
  devicePixelRatio: number;
}

function windowSize(): WindowSize {
  const { outerWidth, outerHeight, innerWidth, innerHeight, devicePixelRatio } = window;
  return { outerWidth, outerHeight, innerWidth, innerHeight, devicePixelRatio };
}

/**
 * A docked devtools panel shrinks the viewport inside an unchanged window. Only a change after the first
 * measurement counts (a browser's own sidebar at load is never taken for devtools), sizes are compared in device
 * pixels, and a zoom (a new devicePixelRatio), a window that itself changed size, or a window not laid out yet
 * (outer size 0) only re-measures.
 */
export class ViewportGauge {
  private baseline: { w: number; h: number; dpr: number; outer: string } | null;

  constructor(initial: WindowSize | null) {
    this.baseline =
      initial && initial.outerWidth > 0 && initial.outerHeight > 0 ? ViewportGauge.measure(initial) : null;
  }

  private static measure(s: WindowSize) {
    return {
      w: s.outerWidth - s.innerWidth * s.devicePixelRatio,
      h: s.outerHeight - s.innerHeight * s.devicePixelRatio,
      dpr: s.devicePixelRatio,
      outer: `${s.outerWidth}x${s.outerHeight}`,
    };
  }

  /** True when the viewport shrank by a panel's width or height inside the same window at the same zoom. */
  resized(s: WindowSize): boolean {
    if (s.outerWidth <= 0 || s.outerHeight <= 0) return false;
    const now = ViewportGauge.measure(s);
    const before = this.baseline;
    if (!before || now.dpr !== before.dpr || now.outer !== before.outer) {
      this.baseline = now;
      return false;
    }
    return now.w - before.w > DEVTOOLS_GAP_PX || now.h - before.h > DEVTOOLS_GAP_PX;
  }
}

/** How long the window's sizes must hold still before they are measured. */
export const SETTLE_MS = 600;

export interface Timers {
  set(fn: () => void, ms: number): number;
  clear(handle: number): void;
}

const sameSize = (a: WindowSize, b: WindowSize) =>
  a.outerWidth === b.outerWidth &&
  a.outerHeight === b.outerHeight &&
  a.innerWidth === b.innerWidth &&
  a.innerHeight === b.innerHeight &&
  a.devicePixelRatio === b.devicePixelRatio;

/**
 * Feeds the gauge only sizes that held still for SETTLE_MS, the baseline included. A window mid-resize, mid-zoom or
 * mid-fullscreen, or a page measured while the browser lays it out at another size for a moment (a full-page capture,
 * a move between screens), reports outer and inner sizes that disagree; taken as a measurement, that transient reads
 * as a panel that was never there. A docked panel stays, so waiting loses nothing.
 */
export class SettledViewport {
  private readonly gauge = new ViewportGauge(null);
  private pending: { size: WindowSize; handle: number } | null = null;

  constructor(
    private readonly read: () => WindowSize,
    private readonly onPanel: () => void,
    private readonly timers: Timers = {
      set: (fn, ms) => window.setTimeout(fn, ms),
      clear: (handle) => window.clearTimeout(handle),
    },
  ) {}

  /** The window changed (or the watch starts): measure once it has held still. */
  changed(): void {
    if (this.pending) this.timers.clear(this.pending.handle);
    const size = this.read();
    this.pending = { size, handle: this.timers.set(() => this.settle(size), SETTLE_MS) };
  }

  private settle(before: WindowSize): void {
    this.pending = null;
    const now = this.read();
    if (!sameSize(before, now)) {
      this.changed(); // still moving, with no event to say so
      return;
    }
    if (this.gauge.resized(now)) this.onPanel();
  }

  stop(): void {
    if (this.pending) this.timers.clear(this.pending.handle);
    this.pending = null;
  }
}

/** Touch-only devices cannot dock devtools, and their on-screen keyboards shrink the viewport. */
function canDockDevtools(): boolean {
  return typeof window.matchMedia !== "function" || window.matchMedia("(any-pointer: fine)").matches;
}

/** The other tabs of this interview in this browser (web/src/tabsignal.ts). */
export interface OtherTabs {
  /** Tell them this tab has come to the front (`front`) or is going (`left`). */
  tell(news: "front" | "left"): void;
  /** Call `listener` with what one of them tells. */
  listen(listener: (news: "front" | "left") => void): void;
}

/** Wires the observer to the window and sends batches every few seconds while `send` succeeds. With `tabs`, the
 * absence is the front tab's to measure (the last whose window had the focus): one hidden behind another of the same
 * interview measured its own, and reported "page hidden" for all the time the candidate worked in the other, the
 * record reading as twenty minutes away from an interview they were in. A tab ends its absence as another comes to
 * the front (what came before is reported), measures none while it is behind, and takes over as the front tab goes
 * (closed, reloaded), away from then on unless it has the focus. */
export function watchPage(
  observer: IntegrityObserver,
  send: (batch: IntegrityObservation[], keepalive?: boolean) => Promise<unknown>,
  tabs?: OtherTabs,
): () => void {
  let behind = false; // another tab of the interview came to the front after this one
  let watching = true;
  const away = (kind: "focus_lost" | "page_hidden") => {
    if (!behind) observer.away(kind);
  };
  const onBlur = () => away("focus_lost");
  const onFocus = () => {
    behind = false;
    observer.back();
    tabs?.tell("front");
  };
  tabs?.listen((news) => {
    if (!watching) return;
    if (news === "front") {
      behind = true;
      observer.back();
    } else if (behind) {
      behind = false;
      if (document.hidden) observer.away("page_hidden");
      else if (!document.hasFocus()) observer.away("focus_lost");
    }
  });
  // A page opened or reloaded in front says so: a reload is no focus event, and the tab it had left the absence to
  // would have measured one all the while the candidate worked in the reloaded page.
  if (!document.hidden && document.hasFocus()) tabs?.tell("front");
  const onVisibility = () => (document.hidden ? away("page_hidden") : observer.back());
  const onKey = (e: KeyboardEvent) => {
    if (isDevtoolsShortcut(e)) observer.devtools("keyboard_shortcut");
  };
  const viewport = canDockDevtools() ? new SettledViewport(windowSize, () => observer.devtools("window_size")) : null;
  viewport?.changed(); // the baseline, once the page has held still
  const onResize = () => viewport?.changed();
  window.addEventListener("blur", onBlur);
  window.addEventListener("focus", onFocus);
  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("keydown", onKey, true);
  window.addEventListener("resize", onResize);
  let sending: IntegrityObservation[] | null = null; // the batch on its way
  let backoff = 0;
  let waiting = false; // the server named a wait (429, or 503 with Retry-After) that is not over
  const failed = (batch: IntegrityObservation[], error: unknown): void => {
    const status = (error as { status?: number }).status ?? 0;
    if (status === 0 || status >= 500) observer.putBack(batch); // network trouble: try again later
    // A batch refused whole (422: none of its items could be taken) is dropped, and the next one goes at the next
    // tick: there is nothing to wait out.
    if (status === 422) return;
    // Ticks to skip: at least the wait the server named (Retry-After), never asking into its limit sooner.
    const named = retryAfterMs(error);
    const asked = Math.ceil((named ?? 0) / 5000);
    backoff = Math.max(status === 429 ? 6 : 1, asked);
    waiting = status === 429 || named !== null;
  };
  const tick = async () => {
    if (sending || observer.size === 0) return;
    if (backoff > 0) {
      backoff -= 1;
      if (backoff === 0) waiting = false;
      return;
    }
    const batch = observer.take();
    sending = batch;
    try {
      // Items the API refused (`refused` in its answer) are neither sent again nor logged: as they are, they will
      // never be taken. The rest of the batch was stored.
      await send(batch);
    } catch (error) {
      failed(batch, error);
    } finally {
      sending = null;
    }
  };
  const timer = window.setInterval(() => void tick(), 5000);
  // As the page goes (a reload, a close, a link followed), everything observed goes at once, an absence under way
  // included, in `keepalive` requests, which outlive the page: a plain request is cancelled with it, and a reload
  // within the 5 s between batches lost what was observed since the last one (a paste, the time away just ended).
  // The batch on its way goes again too, since it is cancelled as well (a retried id is stored once). Not while the
  // server's named wait runs: the page never asks into its limit.
  const flushAll = () => {
    if (!behind) tabs?.tell("left");
    observer.leaving();
    if (waiting) return;
    const batches = sending ? [sending] : [];
    while (observer.size > 0) batches.push(observer.take());
    for (const batch of batches) send(batch, true).catch((error: unknown) => failed(batch, error));
  };
  // Before the drafts (web/src/leaving.ts): a large unsaved draft sent first used up the page's 64 KiB allowance
  // for such requests, and these were refused with the page.
  const unLeave = onLeave("signals", flushAll);
  return () => {
    watching = false;
    window.clearInterval(timer);
    window.removeEventListener("blur", onBlur);
    window.removeEventListener("focus", onFocus);
    document.removeEventListener("visibilitychange", onVisibility);
    window.removeEventListener("keydown", onKey, true);
    window.removeEventListener("resize", onResize);
    unLeave();
    viewport?.stop();
  };
}
