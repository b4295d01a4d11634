// @vitest-environment jsdom
/// <reference types="vite/client" />
// The start's refusals: one a gateway answered may have started the interview behind it, so the server is asked at
// once; one finding the consent given to a notice since replaced shows the current notice and asks again.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiClient, ApiError } from "./api";
import { currentScreen } from "./screens";
import type { SessionWatch } from "./sessionwatch";
import { view } from "./testing/joinviews";
import { askConsent, NOTICE_REPLACED } from "./welcome";
import html from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(html)?.[1] ?? "";
// The page's state takes its clock from the page as it loads: the page first, then the modules that read it.
document.body.innerHTML = body;
const { page } = await import("./pagestate");
const { AGREED_AGAIN, deviceFlow } = await import("./startscreen");

const tick = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
};
const click = (id: string) => document.getElementById(id)!.click();
const submitConsent = () => {
  (document.getElementById("consent-check") as HTMLInputElement).checked = true;
  document.getElementById("consent-form")!.dispatchEvent(new Event("submit", { cancelable: true }));
};

describe("the start", () => {
  afterEach(() => {
    page.sessionWatch = null;
  });

  it("asks the server at once when a gateway's 502, 504, 520 or 524 answers it: it may have started behind it", async () => {
    for (const [status, asked] of [
      [502, 1],
      [504, 1],
      [520, 1], // Cloudflare: the origin's reply was empty or cut off, after it took the request
      [524, 1],
      [521, 0], // Cloudflare: the origin was never reached, trying again is the truth
      [500, 0], // the API's own answer: it did not start
    ] as const) {
      document.body.innerHTML = body;
      const soon = vi.fn();
      page.sessionWatch = { soon } as unknown as SessionWatch;
      const api = {
        start: async () => {
          throw new ApiError(status, `http_${status}`, "");
        },
      } as unknown as ApiClient;
      deviceFlow(api, view("v3", "Current notice."));
      click("start-text");
      await tick();
      expect([status, soon.mock.calls.length]).toEqual([status, asked]);
      expect(document.getElementById("start-problem")?.textContent).not.toBe("");
    }
  });

  it("refused for a consent to a replaced notice, shows the current one, asks again, then comes back to start", async () => {
    for (const [agreedTo, current] of [
      // A new version shipped after the candidate agreed.
      [view("v2", "Version 2."), view("v3", "Version 3 names the developer tools.")],
      // The same version's text changed after the candidate agreed (the organisation's name: the text is rendered
      // from it), which the API refuses as it refuses a replaced version. The page looks for a text other than the
      // one agreed to, not for a newer version: it finds this one.
      [view("v3", "Acme keeps this record."), view("v3", "Renamed Hiring keeps this record.")],
    ] as const) {
      document.body.innerHTML = body;
      const consents: string[] = [];
      const starts: string[] = [];
      const api = {
        consent: async (_id: string, notice: { version: string; sha256: string }) => {
          consents.push(notice.sha256);
          return { notice_version: notice.version, seq: consents.length };
        },
        join: async () => current,
        start: async (_id: string, mode: string) => {
          starts.push(mode);
          throw new ApiError(409, "notice_changed", "The notice has changed since you agreed to it; read it again.");
        },
      } as unknown as ApiClient;
      // The page's first consent, as web/src/main.ts asks it: to the text in force when the page opened.
      const first = askConsent(api, agreedTo, () => undefined);
      submitConsent();
      await first;
      expect(consents).toEqual([agreedTo.notice.sha256]);

      deviceFlow(api, agreedTo);
      click("start-text");
      await tick();
      expect(starts).toEqual(["text"]);
      expect(currentScreen()).toBe("welcome");
      expect(document.getElementById("welcome-notice")?.textContent).toBe(current.notice.html.slice(3, -4));
      expect((document.getElementById("consent-check") as HTMLInputElement).checked).toBe(false); // no tick carried
      expect(document.getElementById("consent-error")?.textContent).toBe(NOTICE_REPLACED);
      expect((document.getElementById("consent-continue") as HTMLButtonElement).disabled).toBe(false);

      submitConsent();
      await tick();
      // The current text only: the first ask no longer listens.
      expect(consents).toEqual([agreedTo.notice.sha256, current.notice.sha256]);
      expect(currentScreen()).toBe("device-check");
      expect(document.getElementById("start-problem")?.textContent).toBe(AGREED_AGAIN);
      const startText = document.getElementById("start-text") as HTMLButtonElement;
      expect([startText.disabled, startText.hidden]).toEqual([false, false]);
      click("start-text"); // the candidate starts again from the screen they were on
      await tick();
      expect(starts).toEqual(["text", "text"]);
    }
  });
});
