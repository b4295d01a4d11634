// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { forgetInvite, takeInvite } from "./invite";

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

  it("forgets a refused invite wherever a reload would read it: the tab's storage and the address", () => {
    window.history.replaceState(null, "", "/join#invite=inv_refused");
    expect(takeInvite()).toBe("inv_refused");
    expect(takeInvite()).toBe("inv_refused"); // a reload: from the tab's storage
    window.history.replaceState(null, "", "/join#invite=inv_refused"); // back in the address (history, a paste)
    forgetInvite();
    expect(window.location.hash).toBe("");
    expect(window.sessionStorage.getItem("shadows.invite")).toBeNull();
    expect(takeInvite()).toBeNull(); // a reload asks for the link instead of sending it again
  });
});
