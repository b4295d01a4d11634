// @vitest-environment jsdom
// Switching languages in the workspace: a Run pressed during a switch runs the language chosen with its own code,
// and a language's name never goes with another's code, even while its mode's chunk is still loading.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ApiClient, JoinResponse } from "./api";
import type * as codelang from "./codelang";
import { closeWorkspaces, joined, openWorkspace, pageBody } from "./testing/workspaces";

afterEach(closeWorkspaces); // test files share a document: no workspace outlives its test
afterEach(() => {
  vi.useRealTimers();
});

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
    document.body.innerHTML = pageBody;
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
    document.body.innerHTML = pageBody;
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
