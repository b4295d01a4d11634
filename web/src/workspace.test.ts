// @vitest-environment jsdom
/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiClient, ApiError, type JoinResponse, MAX_CODE_CHARS } from "./api";
import type * as codelang from "./codelang";
import { RESULTS_RETRIES } from "./latestresults";
import { FOLLOW_RUN_MS, STALE_FOLLOW_MS } from "./workspace";
import { closeWorkspaces, openWorkspace } from "./testing/workspaces";
import page from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";

afterEach(closeWorkspaces); // test files share a document: no workspace outlives its test

/** A language mode's chunk held back while a test says (a slow network loading it the first time); the real one. */
const chunk = vi.hoisted(() => ({ hold: null as Promise<void> | null }));
vi.mock("./codelang", async (real: () => Promise<typeof codelang>) => {
  const { languageSupport } = await real();
  return {
    languageSupport: async (language: string | null) => {
      if (chunk.hold) await chunk.hold;
      return languageSupport(language);
    },
  };
});

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
    const workspace = openWorkspace(api, joined);
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
    const workspace = openWorkspace(api, joined);
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
    const workspace = openWorkspace(api, joined);
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
    const workspace = openWorkspace(api, joined);
    await workspace.resume();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reads).toBe(RESULTS_RETRIES + 1);
    expect(document.getElementById("results")?.textContent).toContain(
      "could not be loaded. Run your code again to see them.",
    );

    document.body.innerHTML = body;
    reads = 0;
    const again = openWorkspace(api, joined);
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
    openWorkspace(api, withParams("s-typed"));
    const typed = document.getElementById("custom-arg-0") as HTMLInputElement;
    typed.value = "[5, 6, 7, 8]";
    typed.dispatchEvent(new Event("input", { bubbles: true }));

    document.body.innerHTML = body; // the reload: a new page, the same tab
    openWorkspace(api, withParams("s-typed"));
    expect((document.getElementById("custom-arg-0") as HTMLInputElement).value).toBe("[5, 6, 7, 8]");
    expect((document.getElementById("custom-arg-1") as HTMLInputElement).value).toBe("3"); // untouched: the example

    document.body.innerHTML = body;
    openWorkspace(api, withParams("s-other")); // another interview starts from its own example
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
    const workspace = openWorkspace(api, joined);
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
    const workspace = openWorkspace(api, joined);
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
    const workspace = openWorkspace(api, joined);
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
    document.body.innerHTML = body;
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

describe("a language switch and a Run pressed together", () => {
  const twoLanguages = {
    ...joined,
    session: { ...joined.session, id: "s-switch", languages: ["python", "javascript"] },
    question: {
      ...joined.question,
      starter_code: { python: "def solve():\n    pass\n", javascript: "function solve() {}\n" },
    },
  } as unknown as JoinResponse;
  const accepted = (language: string) => ({
    verdict: "accepted",
    language,
    mode: "run",
    tests: [],
    passed: 0,
    total: 0,
    created_at: "2026-12-03T10:00:00Z",
  });

  it("runs the language shown with that language's code, never one language's code under the other's name", async () => {
    document.body.innerHTML = body;
    const saves: [string, string][] = [];
    const runs: [string, string][] = [];
    let land: () => void = () => undefined;
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: (_s: string, language: string, code: string) => {
        saves.push([language, code]);
        return new Promise((resolve) => (land = () => resolve({ revision: saves.length })));
      },
      run: async (_s: string, language: string, code: string) => {
        runs.push([language, code]);
        return accepted(language);
      },
    } as unknown as ApiClient;
    const workspace = openWorkspace(api, twoLanguages);
    await workspace.resume();
    const python = "def solve():\n    return 'python'\n";
    workspace.editor.setCode(python);
    const switched = workspace.switchLanguage("javascript"); // saves the Python code first: a slow network
    await vi.waitUntil(() => saves.length === 1);
    expect(saves).toEqual([["python", python]]);
    const ran = workspace.judge("run"); // Run pressed with JavaScript chosen, while that save is on its way
    land();
    await Promise.all([switched, ran]);
    expect(runs).toEqual([["javascript", "function solve() {}\n"]]);
    expect(workspace.language).toBe("javascript");
    expect(workspace.code).toBe("function solve() {}\n");
  });

  it("never names the editor's language before its code is in it: a Run or a keystroke then pairs them", async () => {
    document.body.innerHTML = body;
    const saves: [string, string][] = [];
    const runs: [string, string][] = [];
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async (_s: string, language: string, code: string) => {
        saves.push([language, code]);
        return { revision: saves.length };
      },
      run: async (_s: string, language: string, code: string) => {
        runs.push([language, code]);
        return accepted(language);
      },
    } as unknown as ApiClient;
    const workspace = openWorkspace(api, { ...twoLanguages, session: { ...twoLanguages.session, id: "s-typed" } });
    await workspace.resume();
    const python = "def solve():\n    return 'python'\n";
    workspace.editor.setCode(python);
    let release: () => void = () => undefined;
    chunk.hold = new Promise((resolve) => (release = resolve)); // the JavaScript mode is slow to load
    try {
      const switched = workspace.switchLanguage("javascript");
      await vi.waitUntil(() => workspace.language === "javascript", { interval: 1, timeout: 5000 });
      expect(workspace.code).toBe("function solve() {}\n"); // named JavaScript: JavaScript's code is in
      workspace.editor.setCode(`${workspace.code}// typed\n`); // a keystroke before the mode has loaded
      await workspace.judge("run");
      await switched;
    } finally {
      chunk.hold = null;
      release();
    }
    await workspace.flush();
    expect(runs).toEqual([["javascript", "function solve() {}\n// typed\n"]]);
    expect(saves.filter(([language, code]) => language === "javascript" && code.includes("python"))).toEqual([]);
    expect(saves).toContainEqual(["javascript", "function solve() {}\n// typed\n"]);
    expect(saves).toContainEqual(["python", python]);
  });
});

describe("custom input's first arguments", () => {
  const api = {
    drafts: async () => ({ drafts: {}, submitted: false }),
    results: async () => ({ run: null, submit: null }),
    saveDraft: async () => ({ revision: 1 }),
  } as unknown as ApiClient;
  const withExamples = (id: string, tests: { args: unknown[] }[]) =>
    ({
      ...joined,
      session: { ...joined.session, id },
      question: {
        ...joined.question,
        signature: {
          params: [
            { name: "nums", type: "int[]" },
            { name: "target", type: "int" },
          ],
        },
        visible_tests: tests.map((t, i) => ({ id: `t${i}`, expected: 0, ...t })),
      },
    }) as unknown as JoinResponse;
  const values = () =>
    [0, 1].map((i) => document.getElementById(`custom-arg-${i}`) as HTMLInputElement).map((input) => input.value);
  const large = Array.from({ length: 4000 }, (_, i) => i * 1000); // about 20,000 characters of JSON

  it("come from an example small enough to copy whole, as valid JSON", () => {
    document.body.innerHTML = body;
    openWorkspace(api, withExamples("s-large-first", [{ args: [large, 7] }, { args: [[2, 7, 11], 9] }]));
    expect(values()).toEqual(["[2,7,11]", "9"]); // the whole second example, not the first cut short
    for (const value of values()) expect(() => JSON.parse(value) as unknown).not.toThrow();
  });

  it("are left empty, saying what to type, when every example is too large to copy", () => {
    document.body.innerHTML = body;
    openWorkspace(api, withExamples("s-large-only", [{ args: [large, 7] }]));
    expect(values()).toEqual(["", ""]); // never half of one: an example cut short is not JSON
    const placeholders = [0, 1].map((i) => document.getElementById(`custom-arg-${i}`)?.getAttribute("placeholder"));
    expect(placeholders).toEqual(["for example [1, 2, 3]", "for example 7"]);
    expect(document.getElementById("custom")?.textContent).toContain("too large to copy here");
  });
});

describe("End interview from a tab another tab has saved over since it last saved", () => {
  const setUp = async (drafts: () => Promise<unknown>) => {
    document.body.innerHTML = body;
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

describe("a reload while a Run is out", () => {
  it("shows that Run's results once the judge has finished it, not only the run before", async () => {
    document.body.innerHTML = body;
    window.sessionStorage.clear();
    const before = {
      verdict: "wrong_answer",
      language: "python",
      mode: "run",
      tests: [],
      passed: 1,
      total: 3,
      created_at: new Date(Date.now() - 60_000).toISOString(),
    };
    let stored = before;
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: stored, submit: null }),
      saveDraft: async () => ({ revision: 1 }),
      run: () => new Promise(() => undefined), // the page reloads before the answer comes
    } as unknown as ApiClient;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const first = openWorkspace(api, { ...joined, session: { ...joined.session, id: "s-reload-run" } });
    await first.resume();
    void first.judge("run");
    await vi.advanceTimersByTimeAsync(0);

    document.body.innerHTML = body; // the reload: the request goes with the page, the judge runs the code on
    const again = openWorkspace(api, { ...joined, session: { ...joined.session, id: "s-reload-run" } });
    await again.resume();
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("Your Run from before the page reloaded is still running");
    expect(results?.querySelector(".report-summary")?.textContent).toBe("Run: 1 of 3 tests passed"); // the one before
    stored = { ...before, verdict: "accepted", passed: 3, created_at: new Date().toISOString() }; // the judge is done
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(results?.querySelector(".report-summary")?.textContent).toBe("Run: 3 of 3 tests passed");
    expect(results?.textContent).not.toContain("still running");
  });
});
