// @vitest-environment jsdom
/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ApiClient, JoinResponse } from "./api";
import { closeWorkspaces, openWorkspace } from "./testing/workspaces";
import page from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";

afterEach(closeWorkspaces); // test files share a document: no workspace outlives its test

const joined = {
  session: { id: "s1", language: "python", languages: ["python"] },
  organization: { allow_resubmission: false },
  question: {
    starter_code: { python: "def solve():\n    pass\n" },
    signature: { params: [{ name: "nums", type: "list[int]" }] },
    visible_tests: [],
  },
} as unknown as JoinResponse;

const report = { verdict: "accepted", language: "python", mode: "run", tests: [], passed: 0, total: 0 };

/** Ctrl+Enter pressed on `target`; whether the page took the key (prevented its default). */
function ctrlEnter(target: Element): boolean {
  const event = new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event.defaultPrevented;
}

describe("Ctrl+Enter runs the code", () => {
  it("from the page, but never from under a dialog or from a field whose Enter is its own", async () => {
    document.body.innerHTML = body;
    let runs = 0;
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => ({ revision: 1 }),
      run: async () => {
        runs += 1;
        return report;
      },
    } as unknown as ApiClient;
    const workspace = openWorkspace(api, joined);
    await workspace.resume();
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

    // "Submit your final answer?" is open: a Run started under it had the Submit confirmed next dropped as busy.
    const confirm = document.getElementById("confirm-dialog") as HTMLDialogElement;
    confirm.setAttribute("open", "");
    expect(ctrlEnter(document.getElementById("confirm-cancel")!)).toBe(false);
    expect(ctrlEnter(document.body)).toBe(false); // a modal dialog makes the whole page behind it inert
    confirm.removeAttribute("open");
    // Writing to the hiring team, or to the interviewer, or typing custom input: their Enter, not a Run.
    const accommodation = document.getElementById("accommodation-dialog") as HTMLDialogElement;
    accommodation.setAttribute("open", "");
    expect(ctrlEnter(document.getElementById("accommodation-message")!)).toBe(false);
    accommodation.removeAttribute("open");
    expect(ctrlEnter(document.getElementById("chat-input")!)).toBe(false);
    expect(ctrlEnter(document.getElementById("custom-arg-0")!)).toBe(false);
    await settle();
    expect(runs).toBe(0);
    expect(document.getElementById("results")?.querySelector(".report-summary")).toBeNull();

    // Anywhere else on the page (the results pane, a button), it runs.
    expect(ctrlEnter(document.getElementById("results")!)).toBe(true);
    await vi.waitFor(() => expect(runs).toBe(1));
    await settle();
    expect(document.getElementById("results")?.querySelector(".report-summary")?.textContent).toBe(
      "Run: 0 of 0 tests passed",
    );
  });
});
