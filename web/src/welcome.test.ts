// @vitest-environment jsdom
/// <reference types="vite/client" />
import { beforeEach, describe, expect, it, vi } from "vitest";
import { type ApiClient, ApiError, type JoinResponse } from "./api";
import type { Notice } from "./messages";
import { pasteInto } from "./testing/clipboard";
import { askConsent, bindAccommodation, renderBrand, renderWelcome, REQUESTS_RECEIVED } from "./welcome";
import page from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";
const RLO = "\u202e"; // right-to-left override: what follows it reads backwards until a pop or the paragraph's end

function joined(name: string, role: string): JoinResponse {
  return {
    session: { role, duration_minutes: 45, extra_time_minutes: 0, languages: ["python"] },
    organization: { name, logo_url: null },
    notice: { version: "v2", sha256: "x", html: "<p>The interviewer is an AI.</p>" },
  } as unknown as JoinResponse;
}

/** The element whose direction a piece of text takes: the nearest isolating ancestor (bdi), or the paragraph. */
function isolatedIn(container: HTMLElement, needle: string): string {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.textContent?.includes(needle)) return node.parentElement?.closest("bdi") ? "bdi" : "paragraph";
  }
  return "absent";
}

describe("what the organisation wrote, on the welcome", () => {
  beforeEach(() => {
    document.body.innerHTML = body;
  });

  it("keeps a role's or a name's direction to itself: an override cannot reverse the AI disclosure after it", () => {
    const data = joined(`Acme${RLO}`, `Engineer${RLO}`);
    renderBrand(data);
    renderWelcome(data);
    const role = document.getElementById("welcome-role")!;
    expect(role.textContent).toContain("with an AI interviewer");
    // The role is isolated (its override ends with it); the disclosure is in the paragraph's own direction.
    expect(isolatedIn(role, `Engineer${RLO}`)).toBe("bdi");
    expect(isolatedIn(role, "with an AI interviewer")).toBe("paragraph");
    expect(isolatedIn(document.getElementById("welcome-title")!, `Acme${RLO}`)).toBe("bdi");
    expect(isolatedIn(document.getElementById("org-name")!, `Acme${RLO}`)).toBe("bdi");
  });
});

describe("consent when the link itself is refused", () => {
  it("leaves for a notice saying why (the interview was cancelled) instead of asking to try again", async () => {
    document.body.innerHTML = body;
    const data = joined("Acme", "Engineer");
    (data as unknown as { session: { id: string } }).session.id = "s1";
    const api = {
      consent: async () => {
        throw new ApiError(409, "session_cancelled", "This interview was cancelled.");
      },
    } as unknown as ApiClient;
    const gone: Notice[] = [];
    void askConsent(api, data, (notice) => gone.push(notice));
    (document.getElementById("consent-check") as HTMLInputElement).checked = true;
    document.getElementById("consent-form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(gone.map((n) => n.title)).toEqual(["This interview was cancelled"]));
    expect(document.getElementById("consent-error")?.textContent).not.toContain("Try again");
  });

  it("leaves for the notice too when the link is refused as the changed notice is fetched", async () => {
    document.body.innerHTML = body;
    const api = {
      consent: async () => {
        throw new ApiError(409, "notice_changed", "The notice has changed; read it again.");
      },
      join: async () => {
        throw new ApiError(410, "invite_expired", "This invite has expired.");
      },
    } as unknown as ApiClient;
    const gone: Notice[] = [];
    void askConsent(api, joined("Acme", "Engineer"), (notice) => gone.push(notice));
    (document.getElementById("consent-check") as HTMLInputElement).checked = true;
    document.getElementById("consent-form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(gone.map((n) => n.title)).toEqual(["This interview link has expired"]));
  });

  it("says a network failure where it happened, and lets the candidate try again", async () => {
    document.body.innerHTML = body;
    const api = {
      consent: async () => {
        throw new ApiError(0, "network_error", "Could not reach the server.");
      },
    } as unknown as ApiClient;
    const gone: Notice[] = [];
    void askConsent(api, joined("Acme", "Engineer"), (notice) => gone.push(notice));
    (document.getElementById("consent-check") as HTMLInputElement).checked = true;
    document.getElementById("consent-form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(document.getElementById("consent-error")?.textContent).toContain("Try again"));
    expect(gone).toEqual([]);
    // Given back a task after the error is shown (`giveBack`'s timer, web/src/stepbutton.ts): a busy machine ran this
    // check between the two.
    await vi.waitFor(() =>
      expect((document.getElementById("consent-continue") as HTMLButtonElement).disabled).toBe(false),
    );
  });
});

describe("consent once agreed", () => {
  it("keeps cancelling the form's submit, so a last Enter as the agreement lands never navigates the page away", async () => {
    document.body.innerHTML = body;
    let posted = 0;
    const api = {
      consent: async () => {
        posted += 1;
      },
    } as unknown as ApiClient;
    const agreed = askConsent(api, joined("Acme", "Engineer"), () => undefined);
    (document.getElementById("consent-check") as HTMLInputElement).checked = true;
    const form = document.getElementById("consent-form")!;
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await agreed;
    const late = new Event("submit", { cancelable: true });
    form.dispatchEvent(late);
    expect(late.defaultPrevented).toBe(true); // not the browser's own submission (a navigation)
    expect(posted).toBe(1);
  });
});

describe("the accommodation request", () => {
  it("refuses, with a word, a pasted message longer than the API takes, rather than cutting it", () => {
    document.body.innerHTML = body;
    bindAccommodation({} as ApiClient, "s1");
    const message = document.getElementById("accommodation-message") as HTMLTextAreaElement;
    expect(pasteInto(message, "I use a screen reader. ".repeat(100))).toBe(true); // 2,300 characters
    expect(message.value).toBe("");
    expect(document.getElementById("accommodation-status")?.textContent).toMatch(/2,300 characters.*at most 2,000/);
    expect(pasteInto(message, "I use a screen reader.")).toBe(false);
    expect(message.maxLength).toBe(4_000); // a backstop in UTF-16 units: the bound is the API's, in characters
    expect(pasteInto(message, "🦻".repeat(2_000))).toBe(false); // 2,000 characters as the API counts them: they fit
  });

  it("says the earlier requests were received when the cap is reached, not that this one failed", async () => {
    document.body.innerHTML = body;
    const api = {
      requestAccommodation: async () => {
        throw new ApiError(429, "rate_limited", "Too Many Requests"); // a proxy's status line, or the API's text
      },
    } as unknown as ApiClient;
    (HTMLDialogElement.prototype as unknown as { showModal: () => void }).showModal ??= function (this: HTMLElement) {
      this.setAttribute("open", "");
    };
    bindAccommodation(api, "s1");
    (document.querySelector(".accommodation-link") as HTMLButtonElement).click();
    (document.getElementById("accommodation-send") as HTMLButtonElement).click();
    const status = document.getElementById("accommodation-status")!;
    await vi.waitFor(() => expect(status.textContent).toBe(REQUESTS_RECEIVED));
    expect(status.textContent).toContain("received");
  });

  it("never says a request was received when a proxy refused it (a bare 429 of its own stored nothing)", async () => {
    document.body.innerHTML = body;
    const api = {
      requestAccommodation: async () => {
        throw new ApiError(429, "http_429", "Too Many Requests");
      },
    } as unknown as ApiClient;
    (HTMLDialogElement.prototype as unknown as { showModal: () => void }).showModal ??= function (this: HTMLElement) {
      this.setAttribute("open", "");
    };
    bindAccommodation(api, "s1");
    (document.querySelector(".accommodation-link") as HTMLButtonElement).click();
    (document.getElementById("accommodation-send") as HTMLButtonElement).click();
    const status = document.getElementById("accommodation-status")!;
    await vi.waitFor(() => expect(status.textContent).toMatch(/^The request was not sent/));
    expect(status.textContent).not.toContain("received");
  });

  it("sends a retry as the same request (its id), and a changed or a later request as another", async () => {
    document.body.innerHTML = body;
    const ids: string[] = [];
    let lose = true; // the first answer is lost on the way back (the API may have stored it)
    const api = {
      requestAccommodation: async (_s: string, _k: string, _m: string | null, id: string) => {
        ids.push(id);
        if (lose) throw new ApiError(0, "network", "Failed to fetch");
      },
    } as unknown as ApiClient;
    (HTMLDialogElement.prototype as unknown as { showModal: () => void }).showModal ??= function (this: HTMLElement) {
      this.setAttribute("open", "");
    };
    bindAccommodation(api, "s1");
    (document.querySelector(".accommodation-link") as HTMLButtonElement).click();
    const send = document.getElementById("accommodation-send") as HTMLButtonElement;
    const message = document.getElementById("accommodation-message") as HTMLTextAreaElement;
    const sent = async (n: number) => {
      send.click();
      await vi.waitFor(() => expect(ids).toHaveLength(n));
      await vi.waitFor(() => expect(send.disabled).toBe(!lose)); // answered: Send back after a failure only
    };
    message.value = "Captions, please.";
    await sent(1);
    await sent(2); // Try again: the same request
    message.value = "Captions and extra time, please.";
    await sent(3); // changed after the failure: another request
    lose = false;
    await sent(4); // its retry, answered this time
    (document.querySelector(".accommodation-link") as HTMLButtonElement).click(); // opened again: a new request
    await sent(5);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[1]);
    expect(ids[3]).toBe(ids[2]);
    expect(ids[4]).not.toBe(ids[3]);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{16,64}$/.test(id))).toBe(true);
  });
});

describe("the organisation's logo", () => {
  it("is not fetched from the organisation's host before the candidate has agreed to the notice", () => {
    document.body.innerHTML = body;
    const data = { ...joined("Acme", "Engineer"), consented: false } as JoinResponse;
    data.organization = { ...data.organization, logo_url: "https://logos.example.com/acme.png" };
    renderBrand(data);
    const logo = document.getElementById("org-logo") as HTMLImageElement;
    expect(logo.getAttribute("src")).toBeNull(); // no request to a host the notice does not name, before consent
    expect(logo.hidden).toBe(true);
    renderBrand({ ...data, consented: true });
    expect(logo.getAttribute("src")).toBe("https://logos.example.com/acme.png");
    expect(logo.hidden).toBe(false);
  });
});
