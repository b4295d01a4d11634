// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { chooseTheme, chosenTheme, loadFontSize, saveFontSize } from "./prefs";

afterEach(() => vi.restoreAllMocks());

describe("display preferences", () => {
  it("are kept in this browser", () => {
    saveFontSize(18);
    chooseTheme("dark");
    expect(loadFontSize()).toBe(18);
    expect(chosenTheme()).toBe("dark");
  });

  it("still change the page when the browser will not store them (storage full, or refused)", () => {
    vi.spyOn(Storage.prototype, "setItem").mockImplementation(() => {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    });
    expect(() => saveFontSize(20)).not.toThrow();
    expect(() => chooseTheme("light")).not.toThrow();
  });
});
