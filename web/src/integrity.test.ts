import { describe, expect, it } from "vitest";
import {
  FAST_CHARS,
  IntegrityObserver,
  isDevtoolsShortcut,
  MIN_AWAY_MS,
  SETTLE_MS,
  SettledViewport,
  ViewportGauge,
  type WindowSize,
} from "./integrity";

/** A desktop window's sizes, 1400x900 with 80 px of browser chrome, with some changed. */
function size(over: Partial<WindowSize> = {}): WindowSize {
  return {
    outerWidth: 1400,
    outerHeight: 900,
    innerWidth: 1400,
    innerHeight: 820,
    devicePixelRatio: 1,
    ...over,
  };
}

function observer() {
  const clock = {
    t: 1_000_000,
    now() {
      return this.t;
    },
  };
  return { clock, o: new IntegrityObserver(clock) };
}

describe("integrity observations", () => {
  it("reports paste sizes only", () => {
    const { o } = observer();
    o.paste(120, 4);
    o.paste(0, 0);
    const [paste, ...rest] = o.take();
    expect(paste).toMatchObject({ kind: "paste", chars: 120, lines: 4 });
    expect(Object.keys(paste).sort()).toEqual(["chars", "id", "kind", "lines"]);
    expect(rest).toEqual([]);
  });

  it("reports insertions faster than typing, not normal typing", () => {
    const { o, clock } = observer();
    for (let i = 0; i < 40; i++) {
      o.inserted(1);
      clock.t += 150; // about 6 characters a second
    }
    expect(o.size).toBe(0);
    clock.t += 5000;
    o.inserted(FAST_CHARS + 20);
    expect(o.take()).toMatchObject([{ kind: "fast_insertion", chars: FAST_CHARS + 20 }]);
  });

  it("reports durations in whole milliseconds on a clock with fractions (the API refuses a batch holding one)", () => {
    const { o, clock } = observer();
    clock.t += 0.375;
    o.inserted(1);
    clock.t += 12.5625;
    o.inserted(FAST_CHARS);
    clock.t += 5000;
    o.away("focus_lost");
    clock.t += MIN_AWAY_MS + 0.8125;
    o.back();
    const taken = o.take();
    expect(taken.map((t) => t.kind)).toEqual(["fast_insertion", "focus_lost"]);
    for (const t of taken) expect(Number.isInteger(t.duration_ms)).toBe(true);
  });

  it("reports absences with their duration, ignoring blips", () => {
    const { o, clock } = observer();
    o.away("focus_lost");
    clock.t += MIN_AWAY_MS - 1;
    o.back();
    expect(o.size).toBe(0);
    o.away("focus_lost");
    clock.t += 3000;
    o.away("page_hidden");
    clock.t += 4000;
    o.back();
    expect(o.take()).toMatchObject([{ kind: "page_hidden", duration_ms: 7000 }]);
  });

  it("notes devtools once per source and recognises its shortcuts", () => {
    const { o } = observer();
    o.devtools("keyboard_shortcut");
    o.devtools("keyboard_shortcut");
    expect(o.take()).toHaveLength(1);
    const key = (key: string, mods: Partial<KeyboardEvent> = {}) =>
      isDevtoolsShortcut({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect(key("F12")).toBe(true);
    expect(key("I", { ctrlKey: true, shiftKey: true })).toBe(true);
    expect(key("i", { metaKey: true, altKey: true })).toBe(true);
    expect(key("i", { ctrlKey: true })).toBe(false);
  });

  it("bounds what waits to be sent", () => {
    const { o } = observer();
    for (let i = 0; i < 250; i++) o.paste(1, 1);
    expect(o.size).toBe(200);
    expect(o.dropped).toBe(50);
    expect(o.take(20)).toHaveLength(20);
  });

  describe("the window-size devtools signal", () => {
    it("sees a panel docked inside the same window, to the side or below", () => {
      expect(new ViewportGauge(size()).resized(size({ innerWidth: 1000 }))).toBe(true);
      expect(new ViewportGauge(size()).resized(size({ innerHeight: 500 }))).toBe(true);
    });

    it("ignores small changes: a scrollbar, a download bar", () => {
      const gauge = new ViewportGauge(size());
      expect(gauge.resized(size({ innerWidth: 1385 }))).toBe(false);
      expect(gauge.resized(size({ innerHeight: 780 }))).toBe(false);
    });

    it("takes a window that itself changed size as a new baseline, not as devtools", () => {
      const gauge = new ViewportGauge(size());
      // The window was made smaller: its viewport shrank with it.
      expect(gauge.resized(size({ outerWidth: 900, innerWidth: 900 }))).toBe(false);
      // Then maximised again, in one step larger than a panel.
      expect(gauge.resized(size({ outerWidth: 1900, innerWidth: 1900 }))).toBe(false);
      // A panel docked in the new window still counts.
      expect(gauge.resized(size({ outerWidth: 1900, innerWidth: 1500 }))).toBe(true);
    });

    it("takes a zoom as a new baseline, comparing in device pixels", () => {
      const gauge = new ViewportGauge(size());
      // Zoomed to 200 %: CSS pixels halve, the window does not change.
      expect(gauge.resized(size({ devicePixelRatio: 2, innerWidth: 700, innerHeight: 410 }))).toBe(false);
      // At that zoom a 150-device-pixel shrink is no panel; a 500-device-pixel one is.
      expect(gauge.resized(size({ devicePixelRatio: 2, innerWidth: 625, innerHeight: 410 }))).toBe(false);
      expect(gauge.resized(size({ devicePixelRatio: 2, innerWidth: 450, innerHeight: 410 }))).toBe(true);
    });

    it("does not measure a window that is not laid out yet, and never reports the first measurement", () => {
      const gauge = new ViewportGauge(size({ outerWidth: 0, outerHeight: 0 }));
      expect(gauge.resized(size({ outerWidth: 0, outerHeight: 0, innerWidth: 10 }))).toBe(false);
      // The first real measurement (a browser sidebar already open) is the baseline.
      expect(gauge.resized(size({ innerWidth: 1000 }))).toBe(false);
      expect(gauge.resized(size({ innerWidth: 1000 }))).toBe(false);
      expect(gauge.resized(size({ innerWidth: 700 }))).toBe(true);
    });
  });

  describe("settled viewport", () => {
    /** A page whose sizes the test sets, with timers the test runs. */
    function page(initial: WindowSize) {
      let current = initial;
      let clock = 0;
      let next = 1;
      const due = new Map<number, { at: number; fn: () => void }>();
      const panels: number[] = [];
      const timers = {
        set: (fn: () => void, ms: number) => {
          due.set(next, { at: clock + ms, fn });
          return next++;
        },
        clear: (handle: number) => void due.delete(handle),
      };
      const watch = new SettledViewport(
        () => current,
        () => panels.push(clock),
        timers,
      );
      return {
        watch,
        panels,
        pending: () => due.size,
        set(over: Partial<WindowSize>, event = true) {
          current = size(over);
          if (event) watch.changed();
        },
        advance(ms: number) {
          const end = clock + ms;
          for (;;) {
            const first = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
            if (!first || first[1].at > end) break;
            due.delete(first[0]);
            clock = first[1].at;
            first[1].fn();
          }
          clock = end;
        },
      };
    }

    it("reports a docked panel once the viewport has held still, and only once it has", () => {
      const p = page(size());
      p.watch.changed();
      p.advance(SETTLE_MS);
      p.set({ innerWidth: 1000 });
      p.advance(SETTLE_MS - 1);
      expect(p.panels).toEqual([]);
      p.advance(1);
      expect(p.panels).toHaveLength(1);
    });

    it("takes no baseline from a page measured mid-change, even with no event when it ends", () => {
      // At the start the browser lays the page out taller for a moment (a full-page capture, a screen move).
      const p = page(size({ innerHeight: 2400 }));
      p.watch.changed();
      p.advance(100);
      p.set({}, false); // back to normal without a resize event
      p.advance(SETTLE_MS * 3);
      expect(p.panels).toEqual([]);
      // The settled size became the baseline: a real panel below still counts against it.
      p.set({ innerHeight: 500 });
      p.advance(SETTLE_MS);
      expect(p.panels).toHaveLength(1);
    });

    it("ignores a transient in which outer and inner sizes disagree", () => {
      const p = page(size());
      p.watch.changed();
      p.advance(SETTLE_MS);
      // Mid-resize the inner size has moved and the outer one not yet; then both settle.
      p.set({ innerWidth: 900 });
      p.advance(50);
      p.set({ outerWidth: 900, innerWidth: 900 });
      p.advance(SETTLE_MS * 2);
      expect(p.panels).toEqual([]);
      expect(p.pending()).toBe(0);
    });

    it("stops measuring when stopped", () => {
      const p = page(size());
      p.watch.changed();
      p.advance(SETTLE_MS);
      p.set({ innerWidth: 800 });
      p.watch.stop();
      p.advance(SETTLE_MS * 2);
      expect(p.panels).toEqual([]);
    });
  });
});
