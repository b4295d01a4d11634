import { describe, expect, it } from "vitest";
import { FAST_CHARS, IntegrityObserver, isDevtoolsShortcut, MIN_AWAY_MS } from "./integrity";

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
});
