import { describe, expect, it } from "vitest";
import { ARROW_STEP_S, PAGE_STEP_S, type ScrubKey, scrubTarget } from "./scrubkeys";

const press = (key: string, mods: Partial<ScrubKey> = {}): ScrubKey => ({
  key,
  shiftKey: false,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
});

describe("scrubTarget", () => {
  it("moves by whole seconds whatever the interview's length, not by the range's 0.1 s step", () => {
    for (const duration of [600, 2700, 10_800]) {
      expect(scrubTarget(press("ArrowRight"), 100, duration)).toBe(100 + ARROW_STEP_S);
      expect(scrubTarget(press("ArrowUp"), 100, duration)).toBe(100 + ARROW_STEP_S);
      expect(scrubTarget(press("ArrowLeft"), 100, duration)).toBe(100 - ARROW_STEP_S);
      expect(scrubTarget(press("ArrowDown"), 100, duration)).toBe(100 - ARROW_STEP_S);
      // A minute, not a tenth of the interview (4.5 minutes of 45, 18 of 3 hours).
      expect(scrubTarget(press("PageUp"), 100, duration)).toBe(100 + PAGE_STEP_S);
      expect(scrubTarget(press("PageDown"), 100, duration)).toBe(100 - PAGE_STEP_S);
      expect(scrubTarget(press("ArrowRight", { shiftKey: true }), 100, duration)).toBe(100 + PAGE_STEP_S);
      expect(scrubTarget(press("ArrowLeft", { shiftKey: true }), 100, duration)).toBe(100 - PAGE_STEP_S);
    }
    expect(ARROW_STEP_S).toBeGreaterThanOrEqual(1);
    expect(PAGE_STEP_S).toBe(60);
  });

  it("stays within the interview", () => {
    expect(scrubTarget(press("ArrowLeft"), 2, 2700)).toBe(0);
    expect(scrubTarget(press("PageDown"), 30, 2700)).toBe(0);
    expect(scrubTarget(press("ArrowRight"), 2698, 2700)).toBe(2700);
    expect(scrubTarget(press("PageUp"), 2690, 2700)).toBe(2700);
    expect(scrubTarget(press("PageUp"), 0, 0)).toBe(0);
  });

  it("leaves the browser's own keys to it", () => {
    for (const key of ["Home", "End", "Tab", "Enter", " ", "a"]) expect(scrubTarget(press(key), 100, 2700)).toBeNull();
    for (const mod of ["altKey", "ctrlKey", "metaKey"] as const)
      expect(scrubTarget(press("ArrowRight", { [mod]: true }), 100, 2700)).toBeNull();
  });
});
