// @vitest-environment jsdom
// The workspace as an interview goes wrong: a Submit whose answer was lost, saves refused because the interview is
// over or another tab saved newer code, code longer than the API keeps, and the interview ended elsewhere.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiClient, ApiError, MAX_CODE_CHARS, RUN_TIMEOUT_MS } from "./api";
import { FOLLOW_RUN_MS } from "./pendingrun";
import { STALE_FOLLOW_MS } from "./staletab";
import {
  closeWorkspaces,
  fakeApi,
  joined,
  loadPage,
  openWorkspace,
  resumeSession,
  storedCustom,
  storedRun,
} from "./testing/workspaces";

afterEach(closeWorkspaces); // test files share a document: no workspace outlives its test
afterEach(() => {
  vi.useRealTimers();
});

describe("a Submit whose answer was lost", () => {
  it("learns from the server that the final answer is in: its results, and the editor read-only", async () => {
    loadPage();
    let stored = false;
    const report = storedRun({ mode: "submit", passed: 12, total: 12, created_at: "2026-12-03T10:00:00Z" });
    const api = fakeApi({
      drafts: async () => ({ drafts: {}, submitted: stored }),
      results: async () => ({ run: null, submit: stored ? report : null }),
      submit: async () => {
        stored = true; // the judge ran it and the API stored it; the connection dropped before the answer came
        report.created_at = new Date().toISOString();
        throw Object.assign(new Error("Could not reach the server."), { status: 0, network: true });
      },
    });
    const workspace = await resumeSession(api, joined.session.id);
    await workspace.judge("submit");
    expect(document.getElementById("results")?.textContent).toContain("12");
    expect(document.getElementById("final-state")?.hidden).toBe(false);
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("true");
  });

  it("shows an earlier final answer when the Submit is refused as already in", async () => {
    loadPage();
    const earlier = { verdict: "wrong_answer", language: "python", mode: "submit", tests: [], passed: 3, total: 12 };
    let submitted = false;
    const api = {
      drafts: async () => ({ drafts: {}, submitted }),
      results: async () => ({
        run: null,
        submit: submitted ? { ...earlier, created_at: "2026-12-03T09:00:00Z" } : null,
      }),
      saveDraft: async () => ({ revision: 1 }),
      submit: async () => {
        throw Object.assign(new Error("already"), { status: 409, code: "already_submitted" });
      },
    } as unknown as ApiClient;
    const workspace = openWorkspace(api, joined);
    await workspace.resume();
    submitted = true; // another tab submitted meanwhile
    await workspace.judge("submit");
    expect(document.getElementById("results")?.textContent).toContain("3");
    expect(document.getElementById("final-state")?.hidden).toBe(false);
  });

  it("never takes the Submit shown a moment before for a resubmission that got no answer", async () => {
    loadPage(true);
    const first = storedRun({
      verdict: "wrong_answer",
      mode: "submit",
      passed: 3,
      total: 12,
      submission_id: "sub-first",
    });
    let submits = 0;
    const api = fakeApi({
      drafts: async () => ({ drafts: {}, submitted: submits > 0 }),
      results: async () => ({ run: null, submit: submits > 0 ? first : null, custom: null }),
      submit: async () => {
        submits += 1;
        if (submits === 1) return first;
        throw new ApiError(0, "network_error", "Could not reach the server."); // never reached the server
      },
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = await resumeSession(api, "s-resubmit-lost", true);
    await workspace.judge("submit");
    expect(document.querySelector("#results .report-summary")?.textContent).toBe("Submission: 3 of 12 tests passed");
    await workspace.judge("submit"); // again at once, with the first stored within the allowance for the clock
    const results = document.getElementById("results");
    expect(results?.querySelector(".report-summary")).toBeNull(); // not the first Submit's report, as this one's
    expect(results?.textContent).toContain("The connection to the server dropped while your submission was out");
  });

  it("says it may still be running, and that no results came back once a Submit's time is spent", async () => {
    loadPage(true);
    const api = fakeApi({
      submit: async () => {
        throw new ApiError(0, "network_error", "Could not reach the server.");
      },
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const workspace = await resumeSession(api, "s-lost-submit");
    await workspace.judge("submit");
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("The connection to the server dropped while your submission was out");
    expect(document.getElementById("final-state")?.hidden).toBe(true);
    await vi.advanceTimersByTimeAsync(RUN_TIMEOUT_MS + FOLLOW_RUN_MS);
    expect(results?.textContent).toContain("No results came back for your submission.");
    expect(document.getElementById("final-state")?.hidden).toBe(true);
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("false");
  });
});

describe("a Run, Submit or custom input whose answer is lost on a network drop, the page staying", () => {
  const report = (mode: "run" | "submit", custom = false) =>
    custom
      ? storedCustom(42, { mode, submission_id: `sub-${mode}-${custom}` })
      : storedRun({ mode, passed: 12, total: 12, submission_id: `sub-${mode}-${custom}` });
  const dropped = async () => {
    throw new ApiError(0, "network_error", "Could not reach the server.");
  };
  const open = async (id: string, stored: { run: unknown; submit: unknown }, calls: Partial<ApiClient>) => {
    loadPage(true);
    const api = fakeApi({ results: async () => ({ ...stored }), ...calls });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    return resumeSession(api, id);
  };
  const heard = () => [...(document.getElementById("announcer")?.children ?? [])].map((p) => p.textContent ?? "");

  it("follows a Run to its report as after a reload, and says so plainly", async () => {
    const stored: { run: unknown; submit: unknown } = { run: null, submit: null };
    const workspace = await open("s-lost-run", stored, { run: dropped });
    await workspace.judge("run");
    const results = document.getElementById("results");
    const said = "The connection to the server dropped while your Run was out. It may still be running";
    expect(results?.textContent).toContain(said);
    expect(results?.textContent).not.toContain("try again");
    expect(heard().some((t) => t.includes(said))).toBe(true);
    stored.run = report("run"); // the judge finished it and the API stored it
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(results?.querySelector(".report-summary")?.textContent).toBe("Run: 12 of 12 tests passed");
    expect(results?.textContent).not.toContain("dropped");
    expect(window.sessionStorage.getItem("shadows.running.s-lost-run")).toBeNull(); // found: a reload follows nothing
  });

  it("shows a Submit stored meanwhile as the final answer", async () => {
    const stored: { run: unknown; submit: unknown } = { run: null, submit: null };
    const workspace = await open("s-lost-submit-late", stored, { submit: dropped });
    await workspace.judge("submit"); // the server asked at once: not stored yet (the judge still runs the tests)
    expect(document.getElementById("results")?.textContent).toContain("its results show here (as your final answer)");
    expect(document.getElementById("final-state")?.hidden).toBe(true);
    stored.submit = report("submit");
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(document.querySelector("#results .report-summary")?.textContent).toBe("Submission: 12 of 12 tests passed");
    expect(document.getElementById("final-state")?.hidden).toBe(false);
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("true");
  });

  it("follows a custom input to what the function returned, in its own pane", async () => {
    const stored: { run: unknown; submit: unknown } = { run: null, submit: null };
    await open("s-lost-custom", stored, { customRun: dropped });
    document.getElementById("custom-run")?.click();
    const output = document.getElementById("custom-output");
    await vi.waitUntil(() => output?.textContent?.includes("dropped while your custom input was out"));
    stored.run = report("run", true);
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(output?.querySelector(".report-summary")?.textContent).toBe("Custom input: 1 call");
    expect(heard()).toContain("Custom input: returned 42");
  });

  it("forgets only itself once found: a Run started while a custom input was followed is followed after a reload", async () => {
    const stored: { run: unknown; submit: unknown } = { run: null, submit: null };
    const id = "s-lost-custom-then-run";
    const workspace = await open(id, stored, { customRun: dropped, run: () => new Promise(() => undefined) });
    document.getElementById("custom-run")?.click();
    const output = document.getElementById("custom-output");
    await vi.waitUntil(() => output?.textContent?.includes("dropped while your custom input was out"));
    void workspace.judge("run"); // out while the custom input is followed
    await vi.waitUntil(() => window.sessionStorage.getItem(`shadows.running.${id}`)?.includes('"mode":"run"'));
    stored.run = report("run", true); // the custom input is stored
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(output?.querySelector(".report-summary")?.textContent).toBe("Custom input: 1 call");
    const kept = JSON.parse(window.sessionStorage.getItem(`shadows.running.${id}`) ?? "null") as { mode?: string };
    expect(kept?.mode).toBe("run"); // the Run still out: a reload now follows it
  });

  it("follows a Run and a custom input answered by a gateway's 502, 504, 520 or 524: the run may have started behind it", async () => {
    // 524: Cloudflare's "A timeout occurred", the origin took the request and did not answer within 100 s. 520: its
    // "Web server returned an unknown error", the origin's reply was empty or cut off, after it took the request.
    const statusLine = { 502: "Bad Gateway", 504: "Gateway Timeout", 520: "", 524: "" };
    for (const [status, custom] of [
      [502, false],
      [504, true],
      [520, false],
      [524, false],
      [524, true],
    ] as const) {
      const id = `s-gateway-${status}-${custom}`;
      const stored: { run: unknown; submit: unknown } = { run: null, submit: null };
      const gateway = async () => {
        throw new ApiError(status, `http_${status}`, statusLine[status]);
      };
      const workspace = await open(id, stored, { run: gateway, customRun: gateway });
      if (custom) document.getElementById("custom-run")?.click();
      else await workspace.judge("run");
      const pane = document.getElementById(custom ? "custom-output" : "results");
      const what = custom ? "custom input" : "Run";
      const said = `The server's answer to your ${what} was lost on the way (not a problem with your code). It may still be running`;
      await vi.waitUntil(() => pane?.textContent?.includes(said));
      expect(pane?.textContent).not.toContain("try again");
      expect(heard().some((t) => t.includes(said))).toBe(true);
      expect(window.sessionStorage.getItem(`shadows.running.${id}`)).toContain(custom ? "custom" : '"run"'); // a reload follows it
      stored.run = custom ? report("run", true) : report("run");
      await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
      expect(pane?.querySelector(".report-summary")?.textContent).toBe(
        custom ? "Custom input: 1 call" : "Run: 12 of 12 tests passed",
      );
      expect(window.sessionStorage.getItem(`shadows.running.${id}`)).toBeNull();
      vi.useRealTimers();
    }
  });

  it("is not followed when the browser was offline as it was sent: it never left, and trying again is the way", async () => {
    const offline = vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    try {
      const workspace = await open("s-lost-offline", { run: null, submit: null }, { submit: dropped });
      await workspace.judge("submit");
    } finally {
      offline.mockRestore();
    }
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("Could not reach the server. Your code is safe here; try again.");
    expect(results?.textContent).not.toContain("may still be running");
    expect(document.getElementById("final-state")?.hidden).toBe(true);
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("false");
  });

  it("is not followed past the page's own 3-minute bound: the run's time is spent", async () => {
    const timedOut = async () => {
      throw new ApiError(0, "timeout", "The server did not answer in time.");
    };
    const workspace = await open("s-lost-timeout", { run: null, submit: null }, { run: timedOut });
    await workspace.judge("run");
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("No answer within 3 minutes");
    expect(results?.textContent).not.toContain("may still be running");
  });
});

describe("a workspace an earlier test left behind, the document shared", () => {
  it("never re-enables the next page's Run when a Run it had out is answered late", async () => {
    loadPage(true);
    const held: { answer?: (report: unknown) => void } = {};
    const earlier = await resumeSession(
      fakeApi({ run: () => new Promise((resolve) => (held.answer = resolve)) }),
      "s-left-behind",
    );
    void earlier.judge("run");
    await vi.waitUntil(() => held.answer !== undefined); // the Run is out
    closeWorkspaces(); // the teardown between two tests
    loadPage(true);
    const next = await resumeSession(fakeApi(), "s-next");
    next.over("The interview's time is up.");
    const run = document.getElementById("run") as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    held.answer?.(storedRun());
    await new Promise((resolve) => setTimeout(resolve, 0)); // the earlier Run's answer taken in
    expect(run.disabled).toBe(true);
  });

  it("never re-enables the next page's Run when a busy server's wait it held ends", async () => {
    loadPage(true);
    const busy = async () => {
      throw new ApiError(429, "rate_limited", "Too many runs.", 30_000);
    };
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const earlier = await resumeSession(fakeApi({ run: busy }), "s-held-behind");
    await earlier.judge("run"); // refused: Run held for the server's 30 s
    closeWorkspaces(); // the teardown between two tests
    loadPage(true);
    const next = await resumeSession(fakeApi(), "s-next-held");
    next.over("The interview's time is up.");
    const run = document.getElementById("run") as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000); // the earlier wait ends
    expect(run.disabled).toBe(true);
  });
});

describe("a save refused because the interview is over", () => {
  it("stops the editor and says why, rather than letting the candidate type into nothing", async () => {
    loadPage();
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => {
        throw Object.assign(new Error("This interview's time is up."), { status: 409, code: "session_time_up" });
      },
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = openWorkspace(api, joined);
    await workspace.resume();
    workspace.editor.setCode("def solve():\n    return 'typed after the grace'\n");
    await vi.advanceTimersByTimeAsync(2000);
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("true");
    const banner = document.getElementById("ended-banner");
    expect(banner?.hidden).toBe(false);
    expect(banner?.textContent).toContain("time is up");
    expect((document.getElementById("run") as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("a tab whose code another tab has replaced since", () => {
  it("stops taking keystrokes and runs, offers a reload, and hands in no stale code at the end", async () => {
    loadPage();
    const saves: string[] = [];
    let server = { code: "older code", revision: 1 }; // the newest draft, as the other tab saves it
    const api = {
      drafts: async () => ({ drafts: { python: server }, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async (_s: string, _l: string, code: string) => {
        saves.push(code);
        throw Object.assign(new Error("changed in another tab"), { status: 409, code: "draft_conflict" });
      },
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = openWorkspace(api, joined);
    await workspace.resume();
    expect(workspace.finalCode).toBe("older code"); // nothing stale known yet: the editor's code is the answer
    workspace.editor.setCode("typed in the older tab");
    server = { code: "typed in the other tab", revision: 2 };
    await vi.advanceTimersByTimeAsync(2000); // its save is refused: another tab saved since
    expect(saves).toEqual(["typed in the older tab"]);
    // The call (and the interviewer reading this editor) may still be here: the editor shows the newest saved code,
    // and follows the other tab's saves, without saving any of it back.
    expect(workspace.editor.code).toBe("typed in the other tab");
    server = { code: "typed in the other tab, then more", revision: 3 };
    await vi.advanceTimersByTimeAsync(STALE_FOLLOW_MS);
    expect(workspace.editor.code).toBe("typed in the other tab, then more");
    expect(saves).toEqual(["typed in the older tab"]);
    // Typing on would go nowhere (and a reload would drop it without asking): the editor stops, as do Run and
    // Submit, which would run (or hand in) code older than the candidate's newest.
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("true");
    for (const id of ["run", "submit", "custom-run", "reset-code"]) {
      expect((document.getElementById(id) as HTMLButtonElement).disabled, id).toBe(true);
    }
    const banner = document.getElementById("stale-banner")!;
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain("another tab or window");
    const reload = document.getElementById("stale-reload") as HTMLButtonElement;
    expect(banner.contains(reload) && !reload.hidden).toBe(true); // a button: keyboard and screen reader reach it
    // End interview from this tab hands in no code: the server keeps the newest saved draft (the other tab's).
    expect(workspace.finalCode).toBeNull();
    workspace.end(); // the interview is over: nothing more is read
    server = { code: "after the end", revision: 4 };
    await vi.advanceTimersByTimeAsync(STALE_FOLLOW_MS * 2);
    expect(workspace.editor.code).toBe("typed in the other tab, then more");
  });
});

describe("End interview from a tab another tab has saved over since it last saved", () => {
  const setUp = async (drafts: () => Promise<unknown>) => {
    loadPage();
    const saves: string[] = [];
    const api = {
      drafts,
      results: async () => ({ run: null, submit: null }),
      saveDraft: async (_s: string, _l: string, code: string) => {
        saves.push(code);
        return { revision: 1 + saves.length };
      },
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = openWorkspace(api, joined);
    await workspace.resume();
    return { workspace, saves };
  };

  it("learns it before handing in its code: it hands in none, and its confirmation says the code saved last is kept", async () => {
    let server = { code: "older code", revision: 1 };
    const { workspace, saves } = await setUp(async () => ({ drafts: { python: server }, submitted: false }));
    expect(workspace.finalWords).toBe("Your current code is kept as your final code.");
    server = { code: "newer code, saved in the other tab", revision: 2 }; // this tab has not saved since: no 409
    await workspace.beforeEnd();
    expect(saves).toEqual([]);
    expect(workspace.finalCode).toBeNull(); // the newer code stays final, not this tab's older code over it
    expect(workspace.finalWords).toContain("the code saved last is kept as your final code");
    expect(document.getElementById("stale-banner")?.hidden).toBe(false);
    workspace.end();
  });

  it("hands in its own code when nothing newer was saved elsewhere, or when the server cannot be asked", async () => {
    let reads = 0;
    const { workspace, saves } = await setUp(async () => {
      reads += 1;
      if (reads > 2) throw new ApiError(0, "network", "Could not reach the server.");
      return { drafts: { python: { code: "saved code", revision: 1 } }, submitted: false };
    });
    workspace.editor.setCode("typed here");
    await workspace.beforeEnd(); // saved here (revision 2); the server's draft is this tab's
    expect(saves).toEqual(["typed here"]);
    expect(workspace.finalCode).toBe("typed here");
    workspace.editor.setCode("typed again");
    await workspace.beforeEnd(); // saved; the check is not reached: End goes on as before
    expect(workspace.finalCode).toBe("typed again");
    expect(document.getElementById("stale-banner")?.hidden).toBe(true);
  });
});

describe("code longer than the API keeps (a huge paste)", () => {
  it("says so in plain words before sending it, and End interview hands in the newest saved draft instead", async () => {
    loadPage();
    const sent: string[] = [];
    const api = {
      drafts: async () => ({ drafts: { python: { code: "saved work", revision: 2 } }, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => {
        throw new ApiError(422, "validation_error", "code: String should have at most 200000 characters");
      },
      run: async (_s: string, _l: string, code: string) => {
        sent.push(code);
        throw new ApiError(422, "validation_error", "code: String should have at most 200000 characters");
      },
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = openWorkspace(api, joined);
    await workspace.resume();
    workspace.editor.setCode("x".repeat(MAX_CODE_CHARS + 1));
    await vi.advanceTimersByTimeAsync(2000);
    expect(document.getElementById("save-status")?.textContent).toContain("200,000 characters");
    await workspace.judge("run");
    expect(sent).toEqual([]); // never sent: it cannot run
    expect(document.getElementById("results")?.textContent).toContain("200,000 characters");
    // An End that handed in this code would be refused on every try: the newest saved draft is final instead.
    expect(workspace.finalCode).toBeNull();
    workspace.editor.setCode("def solve():\n    return 1\n");
    expect(workspace.finalCode).toBe("def solve():\n    return 1\n");
  });
});

describe("an interview ended elsewhere while the page is open", () => {
  it("keeps the code on screen with why, and asks before a reload throws away what was not saved", async () => {
    loadPage();
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => {
        throw Object.assign(new Error("Could not reach the server."), { status: 0 });
      },
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = openWorkspace(api, joined);
    let over = 0;
    workspace.onOver = () => (over += 1);
    await workspace.resume();
    workspace.editor.setCode("def solve():\n    return 'typed on a failing network'\n");
    await vi.advanceTimersByTimeAsync(2000);
    expect(document.getElementById("save-status")?.dataset.state).toBe("retrying");
    workspace.over("This interview was cancelled.");
    workspace.over("This interview was cancelled."); // learnt twice (the watch, then a refused save): said once
    expect(over).toBe(1);
    const banner = document.getElementById("ended-banner");
    expect(banner?.hidden).toBe(false);
    expect(banner?.textContent).toContain("This interview was cancelled.");
    expect(banner?.textContent).toContain("Changes not saved yet stay in the editor");
    // Read out once, from the page's one live region: the banner itself is not one (it would say it twice, and
    // nothing at all from a pane hidden on a narrow screen).
    expect(banner?.closest("[role=status], [role=alert], [aria-live]")).toBeNull();
    const said = [...(document.getElementById("announcer")?.children ?? [])].map((p) => p.textContent);
    expect(said.filter((t) => t?.includes("This interview was cancelled."))).toHaveLength(1);
    expect(document.getElementById("save-status")?.textContent).toBe("");
    expect(workspace.code).toContain("typed on a failing network");
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("true");
    const event = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
  });
});
