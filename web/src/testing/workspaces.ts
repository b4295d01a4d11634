// Workspaces for unit tests: the candidate page's body to load into the test's document, a started one-language
// interview to open, the API it talks to and the reports that API stores, and workspaces opened so that each test
// file closes its own.
/// <reference types="vite/client" />
import type { ApiClient, JoinResponse, RunBy, RunReport } from "../api";
import { Workspace } from "../workspace";
import page from "../../index.html?raw";

/** The candidate page's body (index.html), for `document.body.innerHTML`: a test's page, or the same page reloaded. */
export const pageBody = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";

/** A started interview in Python only, whose function takes no arguments. */
export const joined = {
  session: { id: "s1", language: "python", languages: ["python"] },
  organization: { allow_resubmission: false },
  question: {
    starter_code: { python: "def solve():\n    pass\n" },
    signature: { params: [] },
    visible_tests: [],
  },
} as unknown as JoinResponse;

/** A report as the latest results hand it back: with the time it was stored. */
export type StoredReport = RunReport & { created_at: string; by?: RunBy | null };

const opened: Workspace[] = [];

/** A workspace made for a test, to be closed after it (`closeWorkspaces`, each test file's `afterEach`): test files
 * share a document in a worker, and a workspace left listening to it took the next file's keys (a Ctrl+Enter run by a
 * workspace of an earlier file never reached the next one's). This module is evaluated once per worker, so each file
 * registers the hook itself. */
export function openWorkspace(...args: ConstructorParameters<typeof Workspace>): Workspace {
  const workspace = new Workspace(...args);
  opened.push(workspace);
  return workspace;
}

/** Ends and closes every workspace `openWorkspace` made (`Workspace.end`, `Workspace.close`). A workspace finds the
 * page's buttons by their ids, so one left with a Run out (its late answer, a busy server's wait ending) sets those of
 * the page the next test loads: left running, as free to press, over that test's own; ended, only ever disabled. */
export function closeWorkspaces(): void {
  for (const workspace of opened.splice(0)) {
    workspace.end();
    workspace.close();
  }
}

/** A report as the API stores it and hands back as the latest results: a Python Run, 3 of 3 tests passed, stored
 * now, unless `fields` say otherwise. */
export function storedRun(fields: Record<string, unknown> = {}): StoredReport {
  return {
    verdict: "accepted",
    language: "python",
    mode: "run",
    tests: [],
    passed: 3,
    total: 3,
    created_at: new Date().toISOString(),
    ...fields,
  } as unknown as StoredReport;
}

/** A custom input's stored report (a Run marked custom): the function called once, returning `actual`. */
export function storedCustom(actual: unknown, fields: Record<string, unknown> = {}): StoredReport {
  const tests = [{ id: "custom-1", verdict: "accepted", args: [], actual }];
  return storedRun({ custom: true, tests, passed: 1, total: 1, ...fields });
}

/** The time a report was stored `ms` ago, as the API writes it. */
export function ago(ms: number): string {
  return new Date(Date.now() - ms).toISOString();
}

/** The API as the workspace uses it: no drafts saved, no results stored, every save taken; `calls` replace any of
 * these and add the runs a test makes. */
export function fakeApi(calls: Record<string, unknown> = {}): ApiClient {
  return {
    drafts: () => Promise.resolve({ drafts: {}, submitted: false }),
    results: () => Promise.resolve({ run: null, submit: null }),
    saveDraft: () => Promise.resolve({ revision: 1 }),
    ...calls,
  } as unknown as ApiClient;
}

/** The candidate page loaded, or loaded again: its body, and (`freshTab`) the tab's storage of runs out emptied. */
export function loadPage(freshTab = false): void {
  document.body.innerHTML = pageBody;
  if (freshTab) window.sessionStorage.clear();
}

/** The interview `id` opened, as a page load, a reload or a new tab does: a workspace made and resumed
 * (`allowResubmission`: the organisation lets the candidate submit again). */
export async function resumeSession(api: ApiClient, id: string, allowResubmission = false): Promise<Workspace> {
  const organization = { ...joined.organization, allow_resubmission: allowResubmission };
  const workspace = openWorkspace(api, { ...joined, organization, session: { ...joined.session, id } });
  await workspace.resume();
  return workspace;
}
