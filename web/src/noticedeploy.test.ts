// @vitest-environment jsdom
/// <reference types="vite/client" />
// The notice during a rolling deploy: replicas of two releases answer the page in turn, one refusing the other's
// notice (409 `notice_changed`, or 503 `notice_updating` for a version newer than it ships). The page had shown
// whatever the next join brought, asked for a new tick, and sent the candidate back and forth between the two
// releases' notices (the older version's text too) for as long as the deploy ran. Now each refusal costs a bounded
// number of joins, the text on screen never goes back to an older version or to the text a server just refused (one
// refused before that only when every join hands it out: in force again), and a clear line says the service is being
// updated; Continue (or Start) comes back after a short hold.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ApiClient, ApiError, type NoticeView } from "./api";
import { view } from "./testing/joinviews";
import html from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(html)?.[1] ?? "";
document.body.innerHTML = body;
const { page } = await import("./pagestate");
const { deviceFlow, START_UPDATING } = await import("./startscreen");
const { askConsent, NOTICE_CHANGED, NOTICE_UPDATING, NOTICE_WAITS_MS, renderBrand, UPDATING_HOLD_MS } =
  await import("./welcome");
const { stepFailure } = await import("./messages");

const NEW = view("v3", "Version 3 of the new release.");
const OLD = view("v2", "Version 2 of the release being replaced.");
const el = (id: string) => document.getElementById(id)!;
const continueButton = () => el("consent-continue") as HTMLButtonElement;
const ticked = () => (el("consent-check") as HTMLInputElement).checked;
const submitConsent = () => {
  (el("consent-check") as HTMLInputElement).checked = true;
  el("consent-form").dispatchEvent(new Event("submit", { cancelable: true }));
};
const ALL_WAITS = NOTICE_WAITS_MS.reduce((a, b) => a + b, 0);

describe("the consent during a rolling deploy", () => {
  beforeEach(() => {
    document.body.innerHTML = body;
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps the text shown and the tick, says the service is being updated, and asks a bounded number of times", async () => {
    // The page shows the new release's notice; the consent lands on an old replica, which refuses it as changed,
    // and every join is answered by new replicas with that same text.
    let joins = 0;
    const consents: string[] = [];
    let accept = false;
    const api = {
      consent: async (_id: string, notice: NoticeView) => {
        consents.push(notice.version);
        if (!accept) throw new ApiError(409, "notice_changed", "The notice has changed; read it again.");
        return { notice_version: notice.version, seq: 1 };
      },
      join: async () => {
        joins += 1;
        return NEW;
      },
    } as unknown as ApiClient;
    const agreed = askConsent(api, NEW, () => undefined);
    submitConsent();
    await vi.advanceTimersByTimeAsync(ALL_WAITS);
    expect(joins).toBe(NOTICE_WAITS_MS.length + 1); // bounded: no loop of joins
    expect(consents).toEqual(["v3"]); // nothing sent again by itself
    expect(el("consent-error").textContent).toBe(NOTICE_UPDATING);
    expect(el("welcome-notice").textContent).toBe(""); // never re-rendered: the text on screen is the one agreed to
    expect(ticked()).toBe(true); // the agreement to the unchanged text stands
    expect(continueButton().disabled).toBe(true); // held a moment: pressing at once would ask the same replicas
    await vi.advanceTimersByTimeAsync(UPDATING_HOLD_MS);
    expect(continueButton().disabled).toBe(false);
    expect(continueButton().getAttribute("aria-busy")).toBeNull();

    accept = true; // the deploy moved on: the next consent lands on a replica that takes it
    submitConsent();
    await expect(agreed).resolves.toBe(NEW);
    expect(consents).toEqual(["v3", "v3"]);
  });

  it("never shows an older release's notice in place of a newer one, and sends the newer one again", async () => {
    const consents: string[] = [];
    let joins = 0;
    const api = {
      consent: async (_id: string, notice: NoticeView) => {
        consents.push(notice.version);
        if (consents.length === 1) throw new ApiError(409, "notice_changed", "The notice has changed; read it again.");
        return { notice_version: notice.version, seq: 1 };
      },
      join: async () => {
        joins += 1;
        return OLD; // every join reaches the release being replaced
      },
    } as unknown as ApiClient;
    const agreed = askConsent(api, NEW, () => undefined);
    submitConsent();
    await vi.advanceTimersByTimeAsync(ALL_WAITS + UPDATING_HOLD_MS);
    expect(joins).toBe(NOTICE_WAITS_MS.length + 1);
    expect(el("welcome-notice").textContent).not.toContain("Version 2");
    expect(el("consent-error").textContent).toBe(NOTICE_UPDATING);
    submitConsent();
    await expect(agreed).resolves.toBe(NEW);
    expect(consents).toEqual(["v3", "v3"]);
  });

  it("shows a text that did change, once, and stops bouncing when the servers alternate between two texts", async () => {
    // One version, two texts (two deploys rendering it differently): each server refuses the other's.
    const A = view("v3", "Text A.");
    const B = view("v3", "Text B.");
    let joins = 0;
    const consents: string[] = [];
    const api = {
      consent: async (_id: string, notice: NoticeView) => {
        consents.push(notice.html);
        throw new ApiError(409, "notice_changed", "The notice has changed; read it again.");
      },
      join: async () => {
        joins += 1;
        return joins % 2 === 1 ? B : A;
      },
    } as unknown as ApiClient;
    void askConsent(api, A, () => undefined);
    submitConsent();
    await vi.advanceTimersByTimeAsync(0);
    expect(el("welcome-notice").textContent).toBe("Text B."); // a changed text is shown, for a new tick
    expect(el("consent-error").textContent).toBe(NOTICE_CHANGED);
    expect(ticked()).toBe(false);
    submitConsent(); // refused again, by the other server
    await vi.advanceTimersByTimeAsync(ALL_WAITS);
    expect(el("welcome-notice").textContent).toBe("Text B."); // not back to A, refused before
    expect(el("consent-error").textContent).toBe(NOTICE_UPDATING);
    expect(joins).toBe(1 + NOTICE_WAITS_MS.length + 1);
    expect(consents).toEqual(["<p>Text A.</p>", "<p>Text B.</p>"]);
  });

  it("shows a text refused earlier again once every join hands it out: the organisation changed a value back", async () => {
    // One server, no deploy: the organisation changes what the notice states (text-only allowed) while it is read,
    // then changes it back. The text refused first is the one in force again; excluded for the rest of the ask, the
    // page said "being updated" at every Continue, and the candidate could never agree until they reloaded.
    const A = view("v3", "Text A.");
    const B = view("v3", "Text B.");
    let current = B;
    let joins = 0;
    const consents: string[] = [];
    const api = {
      consent: async (_id: string, notice: NoticeView) => {
        consents.push(notice.html);
        if (notice.html !== current.notice.html) {
          throw new ApiError(409, "notice_changed", "The notice has changed; read it again.");
        }
        return { notice_version: notice.version, seq: 1 };
      },
      join: async () => {
        joins += 1;
        return current;
      },
    } as unknown as ApiClient;
    const agreed = askConsent(api, A, () => undefined);
    submitConsent(); // A, refused: B is in force
    await vi.advanceTimersByTimeAsync(0);
    expect(el("welcome-notice").textContent).toBe("Text B.");
    current = A; // changed back while B was read
    submitConsent(); // B, refused: A is in force again
    await vi.advanceTimersByTimeAsync(ALL_WAITS);
    expect(joins).toBe(1 + NOTICE_WAITS_MS.length + 1); // still bounded, and A only once every join said so
    expect(el("welcome-notice").textContent).toBe("Text A.");
    expect(el("consent-error").textContent).toBe(NOTICE_CHANGED);
    expect(ticked()).toBe(false); // agreeing to it takes a new tick
    await vi.advanceTimersByTimeAsync(UPDATING_HOLD_MS);
    submitConsent();
    await expect(agreed).resolves.toBe(A);
    expect(consents).toEqual(["<p>Text A.</p>", "<p>Text B.</p>", "<p>Text A.</p>"]);
  });

  it("says a newer release's notice refused by an older replica (503 notice_updating) as an update, and waits", () => {
    const refused = new ApiError(503, "notice_updating", "The interview service is being updated.", 5_000);
    expect(stepFailure("Your agreement was not saved", refused)).toBe(
      "Your agreement was not saved: The interview service is being updated. Try again in 5 seconds.",
    );
  });
});

describe("the start during a rolling deploy", () => {
  beforeEach(() => {
    document.body.innerHTML = body;
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    page.sessionWatch = null;
  });

  it("stays on the device check with a clear line when the notice agreed to is still the one handed out", async () => {
    // Agreed on a replica of the release being replaced; the start reaches a new one (409 notice_changed), and the
    // joins the old ones again, with the very text agreed to.
    let joins = 0;
    let starts = 0;
    const api = {
      start: async () => {
        starts += 1;
        throw new ApiError(409, "notice_changed", "The notice has changed since you agreed to it; read it again.");
      },
      join: async () => {
        joins += 1;
        return OLD;
      },
    } as unknown as ApiClient;
    deviceFlow(api, OLD);
    el("start-text").click();
    await vi.advanceTimersByTimeAsync(ALL_WAITS);
    expect(starts).toBe(1);
    expect(joins).toBe(NOTICE_WAITS_MS.length + 1);
    expect(el("device-check").hidden).toBe(false); // not sent back to agree to the same text again
    expect(el("welcome").hidden).toBe(true);
    expect(el("start-problem").textContent).toBe(START_UPDATING);
    expect((el("start-text") as HTMLButtonElement).disabled).toBe(true);
    await vi.advanceTimersByTimeAsync(UPDATING_HOLD_MS);
    expect((el("start-text") as HTMLButtonElement).disabled).toBe(false);
  });
});

describe("the logo on a reload of a running interview", () => {
  it("shows though the notice agreed to was replaced since the start (the join's `consented` is false then)", () => {
    document.body.innerHTML = body;
    const running = view("v3", "Version 3.", { consented: false });
    running.session = { ...running.session, status: "in_progress" };
    running.organization = { ...running.organization, logo_url: "https://logos.example.com/acme.png" };
    renderBrand(running);
    const logo = el("org-logo") as HTMLImageElement;
    expect(logo.getAttribute("src")).toBe("https://logos.example.com/acme.png");
    expect(logo.hidden).toBe(false);
  });
});
