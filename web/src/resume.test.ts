// @vitest-environment jsdom
// The workspace opened again after a reload (or in a new tab): the saved drafts asked again while they cannot be
// read, the latest results (each in its pane, asked again when refused), and a run that was out followed to its report.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiClient, ApiError, type LatestResults, type RunReport } from "./api";
import { RESULTS_RETRIES } from "./latestresults";
import { FOLLOW_RUN_MS, reportOf } from "./pendingrun";
import {
  ago,
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

describe("resuming after a reload", () => {
  it("says the saved code is loading while the editor shows the starter, read-only, on a slow network", async () => {
    loadPage();
    let answer: (drafts: unknown) => void = () => undefined;
    const api = {
      drafts: () => new Promise((resolve) => (answer = resolve)),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => ({ revision: 1 }),
    } as unknown as ApiClient;
    const workspace = openWorkspace(api, joined);
    const resumed = workspace.resume();
    const status = document.getElementById("save-status");
    expect(status?.textContent).toBe("Loading your saved code…");
    expect(document.querySelector("#editor .cm-content")?.getAttribute("aria-readonly")).toBe("true");
    answer({ drafts: { python: { code: "my saved work", revision: 2 } }, submitted: false });
    await resumed;
    expect(status?.textContent).toBe("");
    expect(workspace.code).toBe("my saved work");
  });

  it("does not hand the starter to the candidate when the saved drafts could not be fetched", async () => {
    loadPage();
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
    loadPage();
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
    loadPage();
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
    loadPage();
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

    loadPage();
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

describe("a reload while a Run is out", () => {
  it("shows that Run's results once the judge has finished it, not only the run before", async () => {
    loadPage(true);
    const before = storedRun({ verdict: "wrong_answer", passed: 1, created_at: ago(60_000) });
    let stored = before;
    const api = fakeApi({
      results: async () => ({ run: stored, submit: null }),
      run: () => new Promise(() => undefined), // the page reloads before the answer comes
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const first = await resumeSession(api, "s-reload-run");
    void first.judge("run");
    await vi.advanceTimersByTimeAsync(0);

    loadPage(); // the reload: the request goes with the page, the judge runs the code on
    await resumeSession(api, "s-reload-run");
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("Your Run from before the page reloaded is still running");
    expect(results?.querySelector(".report-summary")?.textContent).toBe("Run: 1 of 3 tests passed"); // the one before
    stored = storedRun(); // the judge is done
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(results?.querySelector(".report-summary")?.textContent).toBe("Run: 3 of 3 tests passed");
    expect(results?.textContent).not.toContain("still running");
  });
});

describe("a reload while a Run is out, the latest results refused at first", () => {
  it("shows that Run's results once stored, though the results read late showed the run before meanwhile", async () => {
    loadPage(true);
    let stored = storedRun({ verdict: "wrong_answer", passed: 1, created_at: ago(60_000) });
    let reads = 0;
    const api = fakeApi({
      results: async () => {
        reads += 1;
        if (reads === 2) throw new ApiError(429, "rate_limited", "Too many reads of the latest results.", 1000);
        return { run: stored, submit: null, custom: null };
      },
      run: () => new Promise(() => undefined), // the page reloads before the answer comes
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const first = await resumeSession(api, "s-reload-run-refused");
    void first.judge("run");
    await vi.advanceTimersByTimeAsync(0);

    loadPage(); // the reload; its read of the latest results is refused (429)
    await resumeSession(api, "s-reload-run-refused");
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("Your Run from before the page reloaded is still running");
    await vi.advanceTimersByTimeAsync(1000); // asked again after the server's wait: the run before, shown
    expect(reads).toBe(3);
    expect(results?.querySelector(".report-summary")?.textContent).toBe("Run: 1 of 3 tests passed");
    stored = storedRun(); // the judge is done
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(results?.querySelector(".report-summary")?.textContent).toBe("Run: 3 of 3 tests passed");
  });
});

describe("a reload while a custom input is out", () => {
  const earlier = storedRun({ verdict: "wrong_answer", passed: 1, created_at: ago(60_000) });
  const returned = (createdAt: string) => storedCustom(42, { created_at: createdAt });

  it("brings its pane forward, says it is still running, and shows what the function returned once stored", async () => {
    loadPage(true);
    let stored = earlier;
    const api = fakeApi({
      results: async () => ({ run: stored, submit: null }),
      customRun: () => new Promise(() => undefined), // the page reloads before the answer comes
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    await resumeSession(api, "s-reload-custom");
    document.getElementById("custom-run")?.click();
    await vi.advanceTimersByTimeAsync(0);
    expect(document.getElementById("custom-output")?.textContent).toBe("Running your function…");
    // Busy where its report will show, for a screen reader: not the results pane, which this run leaves alone.
    expect(document.getElementById("custom-output")?.hasAttribute("aria-busy")).toBe(true);
    expect(document.getElementById("results")?.hasAttribute("aria-busy")).toBe(false);

    loadPage(); // the reload: the request goes with the page, the judge runs the code on
    await resumeSession(api, "s-reload-custom");
    const output = document.getElementById("custom-output");
    expect(document.getElementById("custom")?.hidden).toBe(false);
    expect(document.getElementById("out-custom")?.getAttribute("aria-selected")).toBe("true");
    expect(output?.textContent).toContain("Your custom input from before the page reloaded is still running");
    const said = [...(document.getElementById("announcer")?.children ?? [])].map((p) => p.textContent ?? "");
    expect(said.some((t) => t.includes("custom input from before the page reloaded"))).toBe(true);
    stored = returned(new Date().toISOString()); // the judge is done: stored as a Run, marked custom
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(output?.querySelector(".report-summary")?.textContent).toBe("Custom input: 1 call");
    expect(output?.querySelector(".custom-result")?.textContent).toContain("42");
    expect(output?.textContent).not.toContain("still running");
    const heard = [...(document.getElementById("announcer")?.children ?? [])].map((p) => p.textContent);
    expect(heard).toContain("Custom input: returned 42"); // what it returned, read out
    // The results pane keeps the Run shown on the reload: a custom input's report is never shown as a Run's.
    expect(document.querySelector("#results .report-summary")?.textContent).toBe("Run: 1 of 3 tests passed");
  });

  it("never takes a custom input's report for a Run's, nor a Run's for a custom input's", () => {
    const sentAt = Date.now() - 10_000;
    const custom = returned(new Date().toISOString());
    const run = { ...custom, custom: undefined } as unknown as typeof custom;
    expect(reportOf({ mode: "custom", sentAt }, { run: custom, submit: null }, undefined)).toBe(custom);
    expect(reportOf({ mode: "run", sentAt }, { run: custom, submit: null }, undefined)).toBeUndefined();
    expect(reportOf({ mode: "custom", sentAt }, { run, submit: null }, undefined)).toBeUndefined();
    expect(reportOf({ mode: "run", sentAt }, { run, submit: null }, undefined)).toBe(run);
    expect(reportOf({ mode: "custom", sentAt }, { run: custom, submit: null }, custom.created_at)).toBeUndefined();
    // The one shown before it left, stored a moment before (within the allowance for the page's clock), is not its.
    const shown = { ...custom, submission_id: "sub-1" };
    expect(reportOf({ mode: "custom", sentAt, before: "sub-1" }, { run: shown, submit: null }, undefined)).toBe(
      undefined,
    );
  });

  it("never takes the custom input run just before it for its own, though stored a moment before it left", async () => {
    loadPage(true);
    const earlier = { ...returned(new Date().toISOString()), submission_id: "sub-earlier" };
    let calls = 0;
    const api = fakeApi({
      results: async () => ({ run: earlier, submit: null }),
      customRun: () => (++calls === 1 ? Promise.resolve(earlier) : new Promise(() => undefined)),
    });
    await resumeSession(api, "s-custom-twice");
    document.getElementById("custom-run")?.click();
    const button = document.getElementById("custom-run") as HTMLButtonElement;
    await vi.waitUntil(() => calls === 1 && !button.disabled); // its answer in
    document.getElementById("custom-run")?.click(); // again at once: out when the page reloads
    await vi.waitUntil(() => calls === 2);
    loadPage();
    await resumeSession(api, "s-custom-twice");
    expect(document.getElementById("custom-output")?.textContent).toContain("is still running");
  });
});

describe("the latest results on a reload", () => {
  it("show a custom input in its pane and the Submit before it in the results, not only the newest of the two", async () => {
    loadPage();
    const submit = storedRun({
      verdict: "wrong_answer",
      mode: "submit",
      passed: 9,
      total: 12,
      created_at: ago(120_000),
    });
    const custom = storedCustom(7, { created_at: ago(60_000) });
    const api = fakeApi({ results: async () => ({ run: custom, submit }) });
    await resumeSession(api, joined.session.id, true);
    expect(document.querySelector("#results .report-summary")?.textContent).toBe("Submission: 9 of 12 tests passed");
    expect(document.querySelector("#custom-output .report-summary")?.textContent).toBe("Custom input: 1 call");
  });
});

describe("the latest results on a reload, with the newest custom input apart from the Run", () => {
  const run = (createdAt: string) => storedRun({ verdict: "wrong_answer", passed: 2, created_at: createdAt });
  const custom = (createdAt: string) => storedCustom(7, { created_at: createdAt });

  it("show the Run made before the newest custom input in the results, and the custom input in its pane", async () => {
    loadPage(true);
    const api = fakeApi({
      results: async () => ({ run: run(ago(120_000)), submit: null, custom: custom(ago(60_000)) }),
    });
    await resumeSession(api, joined.session.id);
    expect(document.querySelector("#results .report-summary")?.textContent).toBe("Run: 2 of 3 tests passed");
    expect(document.querySelector("#custom-output .report-summary")?.textContent).toBe("Custom input: 1 call");
  });

  it("follow a custom input out at the reload to the report returned as `custom`, never the Run's", () => {
    const sentAt = Date.now() - 10_000;
    const stored = custom(ago(0));
    const plain = run(ago(0));
    expect(reportOf({ mode: "custom", sentAt }, { run: plain, submit: null, custom: stored }, undefined)).toBe(stored);
    expect(reportOf({ mode: "run", sentAt }, { run: plain, submit: null, custom: stored }, undefined)).toBe(plain);
    expect(reportOf({ mode: "custom", sentAt }, { run: plain, submit: null, custom: null }, undefined)).toBeUndefined();
  });
});

describe("a Run out when the page reloaded, done before the page opened again read the results", () => {
  it("is shown, and nothing says it is still running", async () => {
    loadPage(true);
    let stored: RunReport | null = null;
    const api = fakeApi({
      results: async () => ({ run: stored, submit: null }),
      run: () => new Promise(() => undefined),
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const first = await resumeSession(api, "s-reload-done");
    void first.judge("run");
    await vi.advanceTimersByTimeAsync(0);
    stored = storedRun();

    loadPage();
    await resumeSession(api, "s-reload-done");
    const results = document.getElementById("results");
    expect(results?.querySelector(".report-summary")?.textContent).toBe("Run: 3 of 3 tests passed");
    expect(results?.textContent).not.toContain("still running");
    await vi.advanceTimersByTimeAsync(200_000); // past the longest a Run may take: nothing more is said
    expect(results?.textContent).not.toContain("did not finish");
  });
});

describe("a run whose request failed without an answer", () => {
  const open = async (run: () => Promise<unknown>) => {
    loadPage(true);
    const api = fakeApi({ customRun: run });
    await resumeSession(api, "s-unanswered");
    document.getElementById("custom-run")?.click();
    // Answered: refused, or followed as a network drop while the page stays.
    await vi.waitUntil(() => document.querySelector("#custom-output .report-error, #custom-output .results-later"));
    loadPage();
    await resumeSession(api, "s-unanswered");
    return document.getElementById("custom-output")?.textContent ?? "";
  };

  it("is still followed by the page opened next: the reload that cancelled it may be what failed it", async () => {
    const seen = await open(async () => {
      throw new ApiError(0, "network_error", "Could not reach the server.");
    });
    expect(seen).toContain("Your custom input from before the page reloaded is still running");
  });

  it("is forgotten once the server has answered, even with a refusal", async () => {
    const seen = await open(async () => {
      throw new ApiError(429, "run_in_progress", "A run of this session is already in progress.", 2000);
    });
    expect(seen).not.toContain("still running");
  });
});

// Whose run a stored report is (`GET .../results` `by`): after a reload the interviewer's run is labelled theirs, and a
// follow of the candidate's own lost Run never takes the interviewer's run, stored a moment later, for it.
const summaryLine = () => document.querySelector("#results .report-summary")?.textContent;

describe("the latest results after a reload", () => {
  it("labels the interviewer's run as theirs, and the candidate's and one not known as the candidate's Run", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    loadPage(true);
    await resumeSession(
      fakeApi({ results: async () => ({ run: storedRun({ by: "agent" }), submit: null }) }),
      "s-by-1",
    );
    expect(summaryLine()).toBe("Interviewer's run: 3 of 3 tests passed");

    for (const by of ["candidate", null, undefined]) {
      closeWorkspaces(); // each page its own: the one before goes, its editor with it
      loadPage(true);
      await resumeSession(fakeApi({ results: async () => ({ run: storedRun({ by }), submit: null }) }), "s-by-2");
      expect(summaryLine()).toBe("Run: 3 of 3 tests passed");
    }
    closeWorkspaces();
  });
});

describe("a reload while the candidate's Run is out and the interviewer runs the tests", () => {
  it("shows the candidate's own Run once stored, never the interviewer's newer one as theirs", async () => {
    loadPage(true);
    const before = storedRun({ verdict: "wrong_answer", passed: 0, by: "candidate", created_at: ago(60_000) });
    let mine = before;
    const reads: boolean[] = [];
    const api = fakeApi({
      // The interviewer's `run_tests` is the newest Run of all; the candidate's own are asked for with `own`.
      results: async (_id: string, own = false): Promise<LatestResults> => {
        reads.push(own);
        const run = own ? mine : storedRun({ by: "agent", created_at: new Date().toISOString() });
        return { run, submit: null, custom: null };
      },
      run: () => new Promise(() => undefined), // the page reloads before the answer comes
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const first = await resumeSession(api, "s-by-follow");
    void first.judge("run");
    await vi.advanceTimersByTimeAsync(0);

    loadPage(); // the reload
    await resumeSession(api, "s-by-follow");
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("Your Run from before the page reloaded is still running");
    expect(summaryLine()).toBe("Interviewer's run: 3 of 3 tests passed");
    mine = storedRun({ verdict: "wrong_answer", passed: 1, by: "candidate" }); // the judge is done with it
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(reads.at(-1)).toBe(true);
    expect(summaryLine()).toBe("Run: 1 of 3 tests passed");
    expect(results?.textContent).not.toContain("still running");
    closeWorkspaces(); // while the timers are fake: the editors' work it schedules never outlives the file
  });

  it("never takes a report the interviewer or the grading job ran; one whose runner is not known goes by time", () => {
    const sentAt = Date.now() - 1000;
    for (const by of ["agent", "grader"] as const) {
      const theirs = storedRun({ by, created_at: ago(0) });
      expect(reportOf({ mode: "run", sentAt }, { run: theirs, submit: null }, undefined)).toBeUndefined();
      const submit = storedRun({ mode: "submit", by, created_at: ago(0) });
      expect(reportOf({ mode: "submit", sentAt }, { run: null, submit }, undefined)).toBeUndefined();
    }
    for (const by of ["candidate", null, undefined]) {
      const run = storedRun({ by, created_at: ago(0) });
      expect(reportOf({ mode: "run", sentAt }, { run, submit: null }, undefined)).toBe(run);
    }
  });
});

describe("a Run whose answer is lost after a reload showed the interviewer's run", () => {
  it("never takes the candidate's Run hidden behind the interviewer's for it, though stored a moment before", async () => {
    loadPage(true);
    // The candidate's Run, then the interviewer's `run_tests`, a moment apart; the page reloads and shows theirs.
    const mine = storedRun({
      verdict: "wrong_answer",
      passed: 0,
      by: "candidate",
      submission_id: "sub-mine",
      created_at: ago(2000),
    });
    const theirs = storedRun({ by: "agent", submission_id: "sub-theirs", created_at: ago(1000) });
    let own = mine; // the candidate's newest Run, as `?by=candidate` reads it
    const api = fakeApi({
      results: async (_id: string, ownOnly = false): Promise<LatestResults> => ({
        run: ownOnly ? own : theirs,
        submit: null,
        custom: null,
      }),
      run: async () => {
        throw new ApiError(0, "network_error", "Could not reach the server.");
      },
    });
    const workspace = await resumeSession(api, "s-hidden-behind");
    expect(summaryLine()).toBe("Interviewer's run: 3 of 3 tests passed");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    await workspace.judge("run"); // its answer lost: followed
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("The connection to the server dropped while your Run was out");
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(summaryLine()).toBeUndefined(); // the Run before the interviewer's is not this one's
    expect(results?.textContent).toContain("It may still be running");
    own = storedRun({ verdict: "wrong_answer", passed: 2, by: "candidate", submission_id: "sub-next" });
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(summaryLine()).toBe("Run: 2 of 3 tests passed");
    closeWorkspaces(); // while the timers are fake: the editors' work it schedules never outlives the file
  });
});
