// @vitest-environment jsdom
// What goes as the page goes shares the browser's 64 KiB allowance for `keepalive` bodies: the small signals first
// (integrity observations), the drafts after, and only what fits is sent. A draft near 64 KiB sent first had the
// observations after it refused, lost with the page.
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, ApiError } from "./api";
import { DraftSaver } from "./drafts";
import { IntegrityObserver, watchPage } from "./integrity";
import { KEEPALIVE_BUDGET_BYTES, keepaliveLeft, onLeave } from "./leaving";

const clock = { observe: () => undefined } as unknown as ConstructorParameters<typeof ApiClient>[3];

interface Call {
  url: string;
  bytes: number;
  keepalive: boolean;
}

/** A fetch that, as a browser does, refuses a `keepalive` request whose body would take the page's keepalive bodies
 * on their way over 64 KiB; the ones it takes stay on their way (the page is going) unless `answer` is set. */
function browserFetch(answer = false) {
  const calls: Call[] = [];
  const refused: Call[] = [];
  let inFlight = 0;
  const impl = (async (url: string, init: RequestInit) => {
    const bytes = new TextEncoder().encode((init.body as string | undefined) ?? "").length;
    const call = { url, bytes, keepalive: init.keepalive === true };
    if (call.keepalive && inFlight + bytes > KEEPALIVE_BUDGET_BYTES) {
      refused.push(call);
      throw new TypeError("Failed to fetch");
    }
    calls.push(call);
    if (!answer) {
      if (call.keepalive) inFlight += bytes;
      return new Promise<Response>(() => {});
    }
    return new Response(JSON.stringify({ stored: 1, revision: 1 }), { status: 200 });
  }) as unknown as typeof fetch;
  return { impl, calls, refused };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  sessionStorage.clear();
});

describe("the order as the page goes", () => {
  it("runs every signal before any bulk sender, whatever the order they were registered in", () => {
    const ran: string[] = [];
    cleanups.push(onLeave("bulk", () => ran.push("draft")));
    cleanups.push(onLeave("signals", () => ran.push("observations")));
    cleanups.push(onLeave("bulk", () => ran.push("other draft")));
    window.dispatchEvent(new Event("pagehide"));
    expect(ran).toEqual(["observations", "draft", "other draft"]);
  });

  it("goes on after a sender that throws", () => {
    const ran: string[] = [];
    cleanups.push(
      onLeave("signals", () => {
        throw new Error("broken");
      }),
    );
    cleanups.push(onLeave("bulk", () => ran.push("draft")));
    window.dispatchEvent(new Event("pagehide"));
    expect(ran).toEqual(["draft"]);
  });
});

describe("the keepalive budget", () => {
  it("sends a keepalive body only when it fits, and gives its bytes back once answered", async () => {
    const browser = browserFetch(true);
    const api = new ApiClient("inv", "", browser.impl, clock);
    const big = "x".repeat(KEEPALIVE_BUDGET_BYTES);
    const tooBig = api.saveDraft("s1", "python", big, 0, true);
    await expect(tooBig).rejects.toMatchObject({ status: 0, code: "keepalive_budget" });
    expect(browser.calls).toHaveLength(0); // refused here, not sent for the browser to refuse
    expect(keepaliveLeft()).toBe(KEEPALIVE_BUDGET_BYTES);
    await api.saveDraft("s1", "python", "x".repeat(60_000), 0, true);
    expect(keepaliveLeft()).toBe(KEEPALIVE_BUDGET_BYTES); // answered: back
    await api.saveDraft("s1", "python", big, 0); // not keepalive: no bound here
    expect(browser.calls.map((c) => c.keepalive)).toEqual([true, false]);
  });

  it("counts UTF-8 bytes, not characters", async () => {
    const browser = browserFetch();
    const api = new ApiClient("inv", "", browser.impl, clock);
    // 30,000 characters of three bytes each: 90,000 bytes, over the allowance though under it in characters.
    const sent = api.saveDraft("s1", "python", "€".repeat(30_000), 0, true);
    await expect(sent).rejects.toBeInstanceOf(ApiError);
    expect(browser.calls).toHaveLength(0);
  });

  it("sends the observations and keeps a draft near 64 KiB for the reload", async () => {
    const browser = browserFetch();
    const api = new ApiClient("inv", "", browser.impl, clock);
    // The page's own order of registration: the workspace (drafts) before the integrity watch.
    const kept: string[] = [];
    const saver = new DraftSaver(
      { save: (lang, code, base, keepalive) => api.saveDraft("s1", lang, code, base, keepalive) },
      () => undefined,
    );
    saver.local = { keep: (_lang, code) => kept.push(code), drop: () => undefined };
    saver.revisionIs("python", 0);
    cleanups.push(onLeave("bulk", () => saver.leaving()));
    const observer = new IntegrityObserver();
    cleanups.push(watchPage(observer, (batch, keepalive) => api.reportIntegrity("s1", batch, keepalive)));
    const code = "# ".padEnd(KEEPALIVE_BUDGET_BYTES - 40, "x"); // fits alone, not after the observations
    saver.changed("python", code);
    observer.paste(code.length, 1);
    observer.devtools("keyboard_shortcut");
    window.dispatchEvent(new Event("pagehide"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(browser.refused).toEqual([]); // nothing sent for the browser to refuse
    expect(browser.calls.map((c) => c.url)).toEqual(["/v1/sessions/s1/integrity"]);
    expect(kept).toEqual([code]); // the draft: in the browser's storage, for the page opened again to restore and save
    saver.stop();
  });
});
