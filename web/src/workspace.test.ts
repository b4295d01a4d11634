// @vitest-environment jsdom
/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiClient, ApiError, type JoinResponse, MAX_CODE_CHARS } from "./api";
import { RESULTS_RETRIES } from "./latestresults";
import { STALE_FOLLOW_MS, Workspace } from "./workspace";
import page from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";

const joined = {
  session: { id: "s1", language: "python", languages: ["python"] },
  organization: { allow_resubmission: false },
  question: {
    starter_code: { python: "def solve():\n    pass\n" },
    signature: { params: [] },
    visible_tests: [],
  },
} as unknown as JoinResponse;

afterEach(() => {
  vi.useRealTimers();
});

describe("resuming after a reload", () => {
  it("does not hand the starter to the candidate when the saved drafts could not be fetched", async () => {
    document.body.innerHTML = body;
    let calls = 0;
    const saves: unknown[] = [];
    const api = {
      drafts: async () => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error("Failed to fetch"), { network: true, status: 0 });
        return { drafts: { python: { code: "my saved work", revision: 3 } }, submitted: false };
      },
      results: async () => ({ run: null, submit: null }),
      saveDraft: async (...args: unknown[]) => saves.push(args),
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = new Workspace(api, joined);
    const resumed = workspace.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(document.getElementById("save-status")?.textContent).toContain("Could not load your saved code");
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("true");
    await vi.advanceTimersByTimeAsync(1000);
    await resumed;
    expect(calls).toBe(2);
    expect(saves).toEqual([]);
    expect(workspace.code).toBe("my saved work");
  });

  it("asks before a reload or close throws away code the server does not have yet", async () => {
    document.body.innerHTML = body;
    let fail = true;
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => {
        if (fail) throw Object.assign(new Error("Could not reach the server."), { status: 0 });
        return { revision: 1 };
      },
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = new Workspace(api, joined);
    await workspace.resume();
    const leaving = () => {
      const event = new Event("beforeunload", { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(leaving()).toBe(false); // nothing typed
    workspace.editor.setCode("def solve():\n    return 42\n");
    await vi.advanceTimersByTimeAsync(2000); // the save fails: a bad network
    expect(document.getElementById("save-status")?.dataset.state).toBe("retrying");
    expect(leaving()).toBe(true);
    fail = false;
    await vi.advanceTimersByTimeAsync(6000);
    expect(document.getElementById("save-status")?.dataset.state).toBe("saved");
    expect(leaving()).toBe(false);
  });
});

describe("the latest results refused on a reload (429: their reads are limited per session)", () => {
  const report = {
    verdict: "wrong_answer",
    language: "python",
    mode: "run",
    tests: [],
    passed: 2,
    total: 3,
    created_at: "2026-12-03T10:00:00Z",
  };

  it("says so where they would be and shows them once the server's wait is over", async () => {
    document.body.innerHTML = body;
    let reads = 0;
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => {
        reads += 1;
        if (reads === 1) throw new ApiError(429, "rate_limited", "Too many reads of the latest results.", 3000);
        return { run: report, submit: null };
      },
      saveDraft: async () => ({ revision: 1 }),
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = new Workspace(api, joined);
    await workspace.resume();
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("could not be loaded yet; trying again in 3 seconds");
    await vi.advanceTimersByTimeAsync(2900);
    expect(reads).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(reads).toBe(2);
    expect(results?.querySelector(".report-summary")?.textContent).toBe("Run: 2 of 3 tests passed");
    expect(results?.textContent).not.toContain("could not be loaded");
  });

  it("never replaces a newer report with them, and stops asking after a few refusals", async () => {
    document.body.innerHTML = body;
    let reads = 0;
    const refused = () => new ApiError(429, "rate_limited", "Too many reads of the latest results.", 2000);
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => {
        reads += 1;
        throw refused();
      },
      saveDraft: async () => ({ revision: 1 }),
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = new Workspace(api, joined);
    await workspace.resume();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reads).toBe(RESULTS_RETRIES + 1);
    expect(document.getElementById("results")?.textContent).toContain(
      "could not be loaded. Run your code again to see them.",
    );

    document.body.innerHTML = body;
    reads = 0;
    const again = new Workspace(api, joined);
    await again.resume();
    again.show({ ...report, passed: 3, verdict: "accepted" } as never, "interviewer");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reads).toBe(1);
    expect(document.querySelector("#results .report-summary")?.textContent).toBe(
      "Interviewer's run: 3 of 3 tests passed",
    );
  });
});

describe("custom input across a reload", () => {
  it("keeps the arguments the candidate typed, per interview", async () => {
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => ({ revision: 1 }),
    } as unknown as ApiClient;
    const withParams = (id: string) =>
      ({
        ...joined,
        session: { ...joined.session, id },
        question: {
          ...joined.question,
          signature: {
            params: [
              { name: "nums", type: "list[int]" },
              { name: "target", type: "int" },
            ],
          },
          visible_tests: [{ id: "t1", args: [[1, 2], 3], expected: [0, 1] }],
        },
      }) as unknown as JoinResponse;
    document.body.innerHTML = body;
    new Workspace(api, withParams("s-typed"));
    const typed = document.getElementById("custom-arg-0") as HTMLInputElement;
    typed.value = "[5, 6, 7, 8]";
    typed.dispatchEvent(new Event("input", { bubbles: true }));

    document.body.innerHTML = body; // the reload: a new page, the same tab
    new Workspace(api, withParams("s-typed"));
    expect((document.getElementById("custom-arg-0") as HTMLInputElement).value).toBe("[5, 6, 7, 8]");
    expect((document.getElementById("custom-arg-1") as HTMLInputElement).value).toBe("3"); // untouched: the example

    document.body.innerHTML = body;
    new Workspace(api, withParams("s-other")); // another interview starts from its own example
    expect((document.getElementById("custom-arg-0") as HTMLInputElement).value).toBe("[1,2]");
  });
});

describe("a Submit whose answer was lost", () => {
  it("learns from the server that the final answer is in: its results, and the editor read-only", async () => {
    document.body.innerHTML = body;
    let stored = false;
    const report = {
      verdict: "accepted",
      language: "python",
      mode: "submit",
      tests: [],
      passed: 12,
      total: 12,
      created_at: "2026-12-03T10:00:00Z",
    };
    const api = {
      drafts: async () => ({ drafts: {}, submitted: stored }),
      results: async () => ({ run: null, submit: stored ? report : null }),
      saveDraft: async () => ({ revision: 1 }),
      submit: async () => {
        stored = true; // the judge ran it and the API stored it; the connection dropped before the answer came
        report.created_at = new Date().toISOString();
        throw Object.assign(new Error("Could not reach the server."), { status: 0, network: true });
      },
    } as unknown as ApiClient;
    const workspace = new Workspace(api, joined);
    await workspace.resume();
    await workspace.judge("submit");
    expect(document.getElementById("results")?.textContent).toContain("12");
    expect(document.getElementById("final-state")?.hidden).toBe(false);
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("true");
  });

  it("shows an earlier final answer when the Submit is refused as already in", async () => {
    document.body.innerHTML = body;
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
    const workspace = new Workspace(api, joined);
    await workspace.resume();
    submitted = true; // another tab submitted meanwhile
    await workspace.judge("submit");
    expect(document.getElementById("results")?.textContent).toContain("3");
    expect(document.getElementById("final-state")?.hidden).toBe(false);
  });

  it("says it could not reach the server when the Submit did not land", async () => {
    document.body.innerHTML = body;
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => ({ revision: 1 }),
      submit: async () => {
        throw Object.assign(new Error("Could not reach the server."), { status: 0, network: true });
      },
    } as unknown as ApiClient;
    const workspace = new Workspace(api, joined);
    await workspace.resume();
    await workspace.judge("submit");
    expect(document.getElementById("results")?.textContent).toContain("Could not reach the server");
    expect(document.getElementById("final-state")?.hidden).toBe(true);
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("false");
  });
});

describe("a save refused because the interview is over", () => {
  it("stops the editor and says why, rather than letting the candidate type into nothing", async () => {
    document.body.innerHTML = body;
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => {
        throw Object.assign(new Error("This interview's time is up."), { status: 409, code: "session_time_up" });
      },
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = new Workspace(api, joined);
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
    document.body.innerHTML = body;
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
    const workspace = new Workspace(api, joined);
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

describe("code longer than the API keeps (a huge paste)", () => {
  it("says so in plain words before sending it, and End interview hands in the newest saved draft instead", async () => {
    document.body.innerHTML = body;
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
    const workspace = new Workspace(api, joined);
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
    document.body.innerHTML = body;
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => {
        throw Object.assign(new Error("Could not reach the server."), { status: 0 });
      },
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const workspace = new Workspace(api, joined);
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
