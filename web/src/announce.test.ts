// @vitest-environment jsdom
/// <reference types="vite/client" />
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ApiClient, JoinResponse, RunReport } from "./api";
import type { CallController } from "./call";
import { CallPanel } from "./callpanel";
import { EventFeed } from "./feed";
import { InterviewClock } from "./timer";
import { closeWorkspaces, openWorkspace } from "./testing/workspaces";
import page from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";

afterEach(closeWorkspaces); // test files share a document: no workspace outlives its test

/** What a screen reader hears whatever pane shows: the text of live regions outside the panes, which hide on
 * narrow screens (and at 200 % zoom) while another pane is forward; a hidden live region says nothing. */
function heard(): string {
  const live = [
    ...document.querySelectorAll<HTMLElement>(
      '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]',
    ),
  ];
  return live
    .filter((el) => !el.closest(".pane, [hidden]"))
    .map((el) => el.textContent ?? "")
    .join(" | ");
}

function panel(): CallPanel {
  const p = new CallPanel({ onEvent: () => undefined, onAgentPresent: vi.fn(), onStatus: vi.fn() });
  const controller = { status: "connected", start: vi.fn(async () => undefined) };
  p.bind(async () => controller as unknown as CallController);
  byIdClick("call-start");
  return p;
}

function byIdClick(id: string): void {
  document.getElementById(id)?.click();
}

describe("what the candidate hears from any pane", () => {
  beforeEach(() => {
    document.body.innerHTML = body;
    Element.prototype.scrollIntoView ??= () => undefined; // jsdom lays nothing out
  });

  it("hears the call's status, the interviewer's state and the interviewer leaving", async () => {
    const p = panel();
    await Promise.resolve();
    await Promise.resolve();
    p.status("reconnecting");
    expect(heard()).toContain("Connection lost, reconnecting");
    p.status("connected");
    p.agentState("thinking");
    expect(heard()).toContain("The interviewer is thinking");
    p.say("The interviewer left the call. We are calling them back…");
    expect(heard()).toContain("The interviewer left the call.");
    p.microphone(false, "Your microphone was unplugged.");
    expect(heard()).toContain("Your microphone was unplugged.");
  });

  it("hears interview events and a run's one-line summary, not the whole report", () => {
    new EventFeed(document.getElementById("event-feed")!).add({ type: "time_warning", minutes_left: 5 });
    expect(heard()).toContain("5 minutes left.");
    const joined = {
      session: { id: "s1", language: "python", languages: ["python"] },
      organization: { allow_resubmission: false },
      question: { starter_code: { python: "" }, signature: { params: [] }, visible_tests: [] },
    } as unknown as JoinResponse;
    const workspace = openWorkspace({} as ApiClient, joined);
    const report = {
      verdict: "wrong_answer",
      language: "python",
      mode: "run",
      passed: 1,
      total: 2,
      tests: [
        { id: "t1", verdict: "accepted", hidden: false, stdout: "x".repeat(5000) },
        { id: "t2", verdict: "wrong_answer", hidden: false },
      ],
    } as RunReport;
    workspace.show(report);
    expect(heard()).toContain("1 of 2");
    expect(heard()).not.toContain("xxxxxxxx"); // the printed output is there to read, not read out
  });

  it("has no live region inside a pane: a hidden pane's would say nothing, a shown one's would say it twice", () => {
    const inPanes = [
      ...document.querySelectorAll<HTMLElement>(
        '.pane [aria-live]:not([aria-live="off"]), .pane [role="status"], .pane [role="alert"]',
      ),
    ];
    expect(inPanes.map((el) => el.id || el.className)).toEqual([]);
  });

  it("has no button inside a live region: a label that changes (Try again's countdown) would be read each second", () => {
    const live = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]';
    const inLive = [...document.querySelectorAll<HTMLElement>("button")].filter((b) => b.closest(live));
    expect(inLive.map((b) => b.id || b.textContent?.trim())).toEqual([]);
    // The notice itself is still said as it shows: its title and reason are in an alert.
    expect(document.getElementById("notice-title")?.closest('[role="alert"]')).not.toBeNull();
    expect(document.getElementById("notice-detail")?.closest('[role="alert"]')).not.toBeNull();
  });

  it("hears an autosave going wrong once and coming right, never the saving of every pause", async () => {
    let fail = true;
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => {
        if (fail) throw Object.assign(new Error("Could not reach the server."), { status: 0 });
        return { revision: 1 };
      },
    } as unknown as ApiClient;
    const joined = {
      session: { id: "s1", language: "python", languages: ["python"] },
      organization: { allow_resubmission: false },
      question: { starter_code: { python: "" }, signature: { params: [] }, visible_tests: [] },
    } as unknown as JoinResponse;
    const said = (text: string) => heard().split(text).length - 1;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const workspace = openWorkspace(api, joined);
      await workspace.resume();
      workspace.editor.setCode("def solve():\n    return 1\n");
      await vi.advanceTimersByTimeAsync(2000);
      expect(document.getElementById("save-status")?.dataset.state).toBe("retrying");
      expect(said("Not saved yet")).toBe(1);
      await vi.advanceTimersByTimeAsync(1500); // its countdown goes on: not read out again
      expect(said("Not saved yet")).toBe(1);
      fail = false;
      await vi.advanceTimersByTimeAsync(6000);
      expect(document.getElementById("save-status")?.dataset.state).toBe("saved");
      expect(said("Your code is saved again.")).toBe(1);
      workspace.editor.setCode("def solve():\n    return 2\n");
      await vi.advanceTimersByTimeAsync(2000);
      expect(document.getElementById("save-status")?.dataset.state).toBe("saved");
      expect(heard()).not.toContain("Saving");
      expect(said("Your code is saved again.")).toBe(1); // an ordinary save says nothing
    } finally {
      vi.useRealTimers();
    }
  });

  it("hears the time running low and running out, with no call to say it", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    try {
      vi.setSystemTime(Date.parse("2026-11-21T10:00:00Z"));
      const clock = new InterviewClock({ ends_at: null, duration_minutes: 45 }, document.getElementById("clock")!);
      clock.start();
      clock.setSession({ ends_at: "2026-11-21T10:05:02Z", duration_minutes: 45 });
      expect(heard()).not.toContain("left"); // plenty of time: nothing to say
      await vi.advanceTimersByTimeAsync(3000);
      expect(heard()).toContain("5 minutes left");
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(heard()).toContain("Time is up");
      const times = heard().split("Time is up").length - 1;
      await vi.advanceTimersByTimeAsync(5000);
      expect(heard().split("Time is up").length - 1).toBe(times); // said once, not every second
    } finally {
      vi.useRealTimers();
    }
  });
});
