// @vitest-environment jsdom
/// <reference types="vite/client" />
// Continue while the consent is out: it says so on its status line, the button is disabled and aria-busy, a second
// submission sends nothing, and the line empties with the answer (the reason shows in its place on a failure).
import { describe, expect, it } from "vitest";
import { type ApiClient, ApiError, type JoinResponse } from "./api";
import { holdStep, statusLine } from "./stepbutton";
import { askConsent, SAVING_CONSENT } from "./welcome";
import page from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";
const data = {
  session: { id: "s1", role: null, duration_minutes: 45, extra_time_minutes: 0, languages: ["python"] },
  organization: { name: "Acme", logo_url: null },
  notice: { version: "v2", sha256: "x", html: "<p>The interviewer is an AI.</p>" },
} as unknown as JoinResponse;

function held() {
  let settle: { ok: () => void; fail: (e: Error) => void } = { ok: () => undefined, fail: () => undefined };
  let asked = 0;
  const api = {
    consent: () => {
      asked += 1;
      return new Promise<void>((ok, fail) => (settle = { ok, fail }));
    },
  } as unknown as ApiClient;
  return { api, asked: () => asked, settle: () => settle };
}

const submit = () => document.getElementById("consent-form")!.dispatchEvent(new Event("submit", { cancelable: true }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("a step while its request is out", () => {
  it("says so, sends once, and empties its line with the answer", async () => {
    document.body.innerHTML = body;
    const consent = held();
    const agreed = askConsent(consent.api, data, () => undefined);
    (document.getElementById("consent-check") as HTMLInputElement).checked = true;
    const button = document.getElementById("consent-continue") as HTMLButtonElement;
    button.focus();
    submit();
    const line = document.getElementById("consent-status")!;
    expect(line.getAttribute("role")).toBe("status");
    expect(line.textContent).toBe(SAVING_CONSENT);
    expect(button.disabled).toBe(true);
    expect(button.getAttribute("aria-busy")).toBe("true");
    expect(document.activeElement).toBe(line); // not the page
    submit(); // again, while it is out
    expect(consent.asked()).toBe(1);
    consent.settle().fail(new ApiError(500, "internal_error", "Internal error."));
    await tick();
    await tick();
    expect(line.textContent).toBe("");
    expect(button.getAttribute("aria-busy")).toBeNull();
    expect(document.getElementById("consent-error")!.textContent).toContain("Your agreement was not saved");
    expect(button.disabled).toBe(false);
    expect(document.activeElement).toBe(button); // back on the button pressed
    submit(); // a new press after the failure goes
    expect(consent.asked()).toBe(2);
    consent.settle().ok();
    await expect(agreed).resolves.toBe(data);
    expect(line.textContent).toBe("");
  });

  it("never says what it was doing after the answer", () => {
    document.body.innerHTML = body;
    const start = document.getElementById("start-voice") as HTMLButtonElement;
    const line = statusLine("start-status", start.closest(".actions")!);
    const step = holdStep([start], start, null, { line, text: "Opening the microphone…" });
    step.say("Starting the interview…");
    expect(line.textContent).toBe("Starting the interview…");
    step.done();
    step.say("Starting the interview…"); // a late word from the step
    expect(line.textContent).toBe("");
    expect(start.getAttribute("aria-busy")).toBeNull();
  });
});
