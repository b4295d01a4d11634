// @vitest-environment jsdom
/// <reference types="vite/client" />
// A consent refused as busy (429/503 with Retry-After) says how long to wait and holds Continue until then.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiClient, ApiError, type JoinResponse } from "./api";
import { askConsent } from "./welcome";
import page from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";

describe("consent against a busy server", () => {
  afterEach(() => vi.useRealTimers());

  it("names the wait and keeps Continue disabled until it is over", async () => {
    document.body.innerHTML = body;
    vi.useFakeTimers();
    let asked = 0;
    const api = {
      consent: async () => {
        asked += 1;
        throw new ApiError(503, "service_unavailable", "The database is unavailable.", 20_000);
      },
    } as unknown as ApiClient;
    const data = {
      session: { id: "s1", role: null, duration_minutes: 45, extra_time_minutes: 0, languages: ["python"] },
      organization: { name: "Acme", logo_url: null },
      notice: { version: "v2", sha256: "x", html: "<p>The interviewer is an AI.</p>" },
    } as unknown as JoinResponse;
    void askConsent(api, data, () => undefined);
    (document.getElementById("consent-check") as HTMLInputElement).checked = true;
    const button = document.getElementById("consent-continue") as HTMLButtonElement;
    document.getElementById("consent-form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.advanceTimersByTimeAsync(10);
    expect(document.getElementById("consent-error")?.textContent).toContain("Try again in 20 seconds.");
    expect(button.disabled).toBe(true);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(button.disabled).toBe(true);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(button.disabled).toBe(false);
    expect(asked).toBe(1);
  });
});
