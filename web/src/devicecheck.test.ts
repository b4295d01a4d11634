import { describe, expect, it } from "vitest";
import { problemFor } from "./devicecheck";
import { clampSizes } from "./layout";

const error = (name: string) => Object.assign(new Error(name), { name });

describe("device check", () => {
  it("names the cause of a refused microphone", () => {
    expect(problemFor(error("NotAllowedError"), false, null)).toBe("denied");
    expect(problemFor(error("NotAllowedError"), true, false)).toBe("blocked_by_embed");
    expect(problemFor(error("NotAllowedError"), true, null)).toBe("blocked_by_embed");
    expect(problemFor(error("NotAllowedError"), true, true)).toBe("denied");
    expect(problemFor(error("NotFoundError"), false, null)).toBe("no_device");
    expect(problemFor(error("NotReadableError"), false, null)).toBe("in_use");
    expect(problemFor(error("TypeError"), false, null)).toBe("unsupported");
  });
});

describe("pane sizes", () => {
  it("keep every pane usable", () => {
    expect(clampSizes(5, 5)).toEqual({ left: 15, right: 15 });
    expect(clampSizes(90, 90)).toEqual({ left: 60, right: 20 });
    expect(clampSizes(30, 22)).toEqual({ left: 30, right: 22 });
  });
});
