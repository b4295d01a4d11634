// @vitest-environment jsdom
// Two tabs of one candidate after a reload or a lost answer: each run carries the id its page gave it, and a tab shows
// exactly its own run's report (by that id where reports carry one, by time where an older API's do not).
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiClient, ApiError, CLIENT_RUN_HEADER, type LatestResults } from "./api";
import { FOLLOW_RUN_MS, newRunId, reportOf } from "./pendingrun";
import { ago, closeWorkspaces, fakeApi, loadPage, resumeSession, storedCustom, storedRun } from "./testing/workspaces";

afterEach(closeWorkspaces); // test files share a document: no workspace outlives its test
afterEach(() => {
  vi.useRealTimers();
});

const summaryLine = () => document.querySelector("#results .report-summary")?.textContent;

// Two tabs of one candidate: each run carries the id its page gave it (`client_run_id`), so a tab that lost its run's
// answer shows exactly that run's report, never the one the other tab ran meanwhile. Before, the two were told apart
// by time and the last report shown alone, and the other tab's Run, stored after this one left, was taken for it.
describe("two tabs of one candidate, each with a Run whose answer one lost", () => {
  const ID = /^[A-Za-z0-9_-]{22}$/;
  const other = "other-tab-run-id-000001";

  it("shows the tab's own Run after a reload, never the other tab's stored after it", async () => {
    loadPage(true);
    let sent: string | undefined;
    let mine: StoredReportWithId | null = null;
    const asked: (string | undefined)[] = [];
    const theirs = storedRun({ passed: 0, verdict: "wrong_answer", by: "candidate", client_run_id: other });
    const api = fakeApi({
      results: async (_id: string, _own = false, clientRunId?: string): Promise<LatestResults> => {
        asked.push(clientRunId);
        const client = clientRunId === undefined ? {} : { client_run: clientRunId === sent ? mine : null };
        return { run: { ...theirs, created_at: new Date().toISOString() }, submit: null, custom: null, ...client };
      },
      run: (_s: string, _l: string, _c: string, clientRunId?: string) => {
        sent = clientRunId;
        return new Promise(() => undefined); // the page reloads before the answer comes
      },
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const first = await resumeSession(api, "s-two-tabs-reload");
    void first.judge("run");
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toMatch(ID);
    expect(window.sessionStorage.getItem("shadows.running.s-two-tabs-reload")).toContain(`"id":"${sent}"`);

    loadPage(); // the reload; the other tab's Run is the newest, stored after this tab's left
    await resumeSession(api, "s-two-tabs-reload");
    const results = document.getElementById("results");
    expect(results?.textContent).toContain("Your Run from before the page reloaded is still running");
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(asked.at(-1)).toBe(sent); // the follow asks for its own run by its id
    expect(results?.textContent).toContain("still running"); // the other tab's is not this one's
    // This tab's Run is stored (before the other tab's: it left first), and found by its id.
    mine = storedRun({
      passed: 2,
      verdict: "wrong_answer",
      by: "candidate",
      client_run_id: sent,
      created_at: ago(9000),
    });
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(summaryLine()).toBe("Run: 2 of 3 tests passed");
    expect(results?.textContent).not.toContain("still running");
    closeWorkspaces(); // while the timers are fake: the editors' work it schedules never outlives the file
  });

  it("shows the tab's own custom input after a network drop, never the other tab's", async () => {
    loadPage(true);
    let sent: string | undefined;
    let mine: StoredReportWithId | null = null;
    const api = fakeApi({
      results: async (_id: string, _own = false, clientRunId?: string): Promise<LatestResults> => ({
        run: null,
        submit: null,
        custom: storedCustom(7, { client_run_id: other }),
        ...(clientRunId === undefined ? {} : { client_run: clientRunId === sent ? mine : null }),
      }),
      customRun: async (_s: string, _l: string, _c: string, _i: unknown, clientRunId?: string) => {
        sent = clientRunId;
        throw new ApiError(0, "network_error", "Could not reach the server.");
      },
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    await resumeSession(api, "s-two-tabs-custom");
    document.getElementById("custom-run")?.click();
    const output = document.getElementById("custom-output");
    await vi.waitUntil(() => output?.textContent?.includes("dropped while your custom input was out"));
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(output?.querySelector(".report-summary")).toBeNull(); // the other tab's returned 7: not this one's
    mine = storedCustom(42, { client_run_id: sent, created_at: ago(3000) });
    await vi.advanceTimersByTimeAsync(FOLLOW_RUN_MS);
    expect(output?.querySelector(".report-summary")?.textContent).toBe("Custom input: 1 call");
    expect(output?.textContent).toContain("42");
    closeWorkspaces();
  });

  it("matches by id where the reports carry one, and by time where they do not (a rolling deploy)", () => {
    const sentAt = Date.now() - 1000;
    const id = "this-tab-run-id-0000001";
    const later = storedRun({ client_run_id: other, created_at: ago(0) });
    // Another tab's, stored after this one left: never this one's.
    expect(reportOf({ mode: "run", sentAt, id }, { run: later, submit: null }, undefined)).toBeUndefined();
    // This one's, found by its id though stored before the newest shown and shown before (another tab's newer).
    const own = storedRun({ client_run_id: id, submission_id: "sub-own", created_at: ago(60_000) });
    const latest = { run: later, submit: null, custom: null, client_run: own };
    expect(reportOf({ mode: "run", sentAt, id, before: "sub-own" }, latest, later.created_at)).toBe(own);
    expect(reportOf({ mode: "submit", sentAt, id }, latest, undefined)).toBeUndefined(); // a Run is not a Submit's
    expect(reportOf({ mode: "custom", sentAt, id }, latest, undefined)).toBeUndefined();
    // Stored by a replica from before the ids (none on the row), or read from one (none in the answer): by time.
    for (const unknown of [null, undefined]) {
      const run = storedRun({ client_run_id: unknown, created_at: ago(0) });
      expect(reportOf({ mode: "run", sentAt, id }, { run, submit: null, client_run: null }, undefined)).toBe(run);
      expect(reportOf({ mode: "run", sentAt, id }, { run, submit: null }, undefined)).toBe(run);
    }
    // A run kept by a page from before the ids: by time, whatever id the report carries.
    expect(reportOf({ mode: "run", sentAt }, { run: later, submit: null }, undefined)).toBe(later);
  });

  it("sends the id as a header an older API ignores, and asks for that run's report by it", async () => {
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const fetchImpl: typeof fetch = async (url, init) => {
      // ApiClient passes a path and a plain object of headers.
      seen.push({ url: url as string, headers: (init?.headers ?? {}) as Record<string, string> });
      return new Response(JSON.stringify({ run: null, submit: null }), { status: 200 });
    };
    const api = new ApiClient("invite", "", fetchImpl);
    await api.run("s1", "python", "x = 1", "this-tab-run-id-0000001");
    await api.customRun("s1", "python", "x = 1", [[1]], "this-tab-run-id-0000002");
    await api.results("s1", true, "this-tab-run-id-0000001");
    await api.submit("s1", "python", "x = 1");
    expect(seen[0].headers[CLIENT_RUN_HEADER]).toBe("this-tab-run-id-0000001");
    expect(seen[1].headers[CLIENT_RUN_HEADER]).toBe("this-tab-run-id-0000002");
    expect(seen[2].url).toBe("/v1/sessions/s1/results?by=candidate&client_run_id=this-tab-run-id-0000001");
    expect(CLIENT_RUN_HEADER in seen[3].headers).toBe(false);
    expect(newRunId()).toMatch(ID);
    expect(newRunId()).not.toBe(newRunId());
  });
});

type StoredReportWithId = ReturnType<typeof storedRun>;
