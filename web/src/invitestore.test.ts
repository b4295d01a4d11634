// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { takeInvite } from "./invite";

afterEach(() => vi.restoreAllMocks());

describe("taking the invite", () => {
  it("opens the interview even when the tab's storage refuses to keep it", () => {
    window.history.replaceState(null, "", "/join#invite=inv_abc");
    vi.spyOn(Storage.prototype, "setItem").mockImplementation(() => {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    });
    expect(takeInvite()).toBe("inv_abc");
    expect(window.location.hash).toBe(""); // still off the address bar
  });
});
