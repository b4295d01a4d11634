// @vitest-environment jsdom
/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ApiClient, JoinResponse } from "./api";
import { Workspace } from "./workspace";
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
