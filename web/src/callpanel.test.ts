// @vitest-environment jsdom
/// <reference types="vite/client" />
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CallController } from "./call";
import { CallPanel } from "./callpanel";
import { CHAT_MAX_CHARS } from "./fieldbound";
import { pasteInto } from "./testing/clipboard";
import page from "../index.html?raw";

function panel(sessionId?: string) {
  const events: unknown[] = [];
  const hooks = { onEvent: (e: unknown) => events.push(e), onAgentPresent: vi.fn(), onStatus: vi.fn() };
  const p = new CallPanel(hooks);
  const controller = {
    status: "connected",
    start: vi.fn(async () => undefined),
    sendChat: vi.fn(async (): Promise<string> => "sent"),
  };
  p.bind(async () => controller as unknown as CallController, sessionId);
  return { p, hooks, events, controller };
}

const $ = (id: string) => document.getElementById(id)!;

describe("call panel", () => {
  beforeEach(() => {
    document.documentElement.innerHTML = page; // the real page's markup (a trusted file)
  });

  it("offers Start, then Retry after a failure, and keeps the page usable", () => {
    const { p } = panel();
    expect($("call-start").textContent).toBe("Start the call");
    p.status("failed", "We could not reach the voice server.");
    expect($("call-status").textContent).toBe("Voice connection failed.");
    expect($("call-detail").textContent).toMatch(/keep reading, editing and running your code/);
    expect($("call-start").hidden).toBe(false);
    expect($("call-start").textContent).toBe("Retry");
    expect($("chat-form").hidden).toBe(true);
  });

  it("shows mute while connected, typing until the call ends (through its drops), and the agent's state", async () => {
    const { p, hooks } = panel();
    $("call-start").click();
    await Promise.resolve();
    await Promise.resolve();
    p.status("connected");
    expect($("call-start").hidden).toBe(true);
    expect($("call-mute").hidden).toBe(false);
    expect($("chat-form").hidden).toBe(false);
    // A drop and the rejoins after it: the field (and what is typed in it, and the focus) stays throughout.
    for (const status of ["reconnecting", "connecting", "failed", "connected"] as const) {
      p.status(status);
      expect($("chat-form").hidden).toBe(false);
    }
    p.status("ended"); // left (to continue without voice), or the room closed: nobody to type to
    expect($("chat-form").hidden).toBe(true);
    p.status("connecting"); // Rejoin the call
    expect($("chat-form").hidden).toBe(true);
    p.status("connected");
    expect($("chat-form").hidden).toBe(false);
    p.agentState("thinking");
    expect($("agent-state").textContent).toBe("The interviewer is thinking…");
    expect(hooks.onAgentPresent).toHaveBeenCalled();
    p.phase("wrap_up");
    expect($("interview-phase").textContent).toBe("Wrap-up");
  });

  it("updates a caption line in place by segment id", () => {
    const { p } = panel();
    p.transcript({ id: "s1", speaker: "interviewer", text: "Hello", final: false });
    p.transcript({ id: "s1", speaker: "interviewer", text: "Hello, welcome", final: true });
    p.transcript({ id: "s2", speaker: "you", text: "Hi", final: true });
    const lines = [...$("captions").children].map((el) => el.textContent);
    expect(lines).toEqual(["Interviewer Hello, welcome", "You Hi"]);
  });

  it("offers no Rejoin once the interview has ended", () => {
    const { p, events } = panel();
    p.status("connected");
    p.event({ type: "ended", reason: "completed" });
    p.status("ended");
    expect($("call-start").hidden).toBe(true);
    expect($("chat-form").hidden).toBe(true); // nobody to type to any more
    expect(events).toEqual([{ type: "ended", reason: "completed" }]);
  });

  it("says when a typed message did not reach the interviewer, and keeps it to send again", async () => {
    const { p, controller } = panel();
    $("call-start").click();
    await Promise.resolve();
    await Promise.resolve();
    p.status("connected");
    const input = $("chat-input") as HTMLInputElement;
    const send = async (outcome: string) => {
      controller.sendChat.mockImplementationOnce(async () => outcome);
      input.value = "Can I use a hash map?";
      $("chat-form").dispatchEvent(new Event("submit", { cancelable: true }));
      await vi.waitFor(() => expect(controller.sendChat).toHaveBeenCalled());
      await Promise.resolve();
      await Promise.resolve();
      controller.sendChat.mockClear();
    };
    await send("failed");
    expect($("chat-status").textContent).toMatch(/not sent/);
    expect(input.value).toBe("Can I use a hash map?");
    expect($("captions").textContent).not.toContain("hash map");
    expect($("announcer").textContent).toMatch(/not sent/);
    await send("no_interviewer");
    expect($("chat-status").textContent).toMatch(/interviewer is not in the call/);
    expect(input.value).toBe("Can I use a hash map?");
    await send("sent");
    expect($("chat-status").textContent).toBe("");
    expect(input.value).toBe("");
    expect($("captions").textContent).toContain("You Can I use a hash map?");
  });

  it("sends a typed message once, and keeps what was typed while it was on its way", async () => {
    const { p, controller } = panel();
    $("call-start").click();
    await Promise.resolve();
    await Promise.resolve();
    p.status("connected");
    const input = $("chat-input") as HTMLInputElement;
    let land: (outcome: string) => void = () => undefined;
    controller.sendChat.mockImplementationOnce(() => new Promise<string>((resolve) => (land = resolve)));
    input.value = "Can I use a hash map?";
    $("chat-form").dispatchEvent(new Event("submit", { cancelable: true }));
    $("chat-form").dispatchEvent(new Event("submit", { cancelable: true })); // Enter pressed again meanwhile
    await vi.waitFor(() => expect(controller.sendChat).toHaveBeenCalledTimes(1));
    input.value = "Can I use a hash map? And is O(n) space fine";
    land("sent");
    await vi.waitFor(() => expect($("captions").textContent).toContain("You Can I use a hash map?"));
    expect(controller.sendChat).toHaveBeenCalledTimes(1);
    expect(input.value).toBe("And is O(n) space fine");
  });
  it("sends a pasted function with its lines on Enter, and a new line on Shift+Enter", async () => {
    const { p, controller } = panel();
    $("call-start").click();
    await Promise.resolve();
    await Promise.resolve();
    p.status("connected");
    const input = $("chat-input") as HTMLTextAreaElement;
    const key = (init: KeyboardEventInit) => {
      const event = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true, ...init });
      input.dispatchEvent(event);
      return event.defaultPrevented;
    };
    input.value = "def two_sum(nums):\n    return []";
    expect(key({ shiftKey: true })).toBe(false); // the field's own new line
    expect(key({ isComposing: true })).toBe(false); // committing an IME composition
    expect(controller.sendChat).not.toHaveBeenCalled();
    expect(key({})).toBe(true);
    await vi.waitFor(() => expect(controller.sendChat).toHaveBeenCalledWith("def two_sum(nums):\n    return []"));
    await vi.waitFor(() => expect(input.value).toBe(""));
  });

  it("refuses, with a word, a paste longer than the interviewer keeps of one message", () => {
    const { p } = panel();
    p.status("connected");
    const input = $("chat-input") as HTMLTextAreaElement;
    expect(input.maxLength).toBe(2 * CHAT_MAX_CHARS); // a backstop in UTF-16 units; the bound is in characters
    expect(pasteInto(input, "x".repeat(3_000_000))).toBe(true); // not cut at the bound by the browser
    expect(input.value).toBe("");
    expect($("chat-status").textContent).toMatch(/^Not added: that text is 3,000,000 characters.*at most 4,000/);
    expect($("announcer").textContent).toMatch(/Not added/);
    expect(pasteInto(input, "x".repeat(CHAT_MAX_CHARS))).toBe(false); // a paste that fits goes in whole
    expect(pasteInto(input, "😀".repeat(CHAT_MAX_CHARS))).toBe(false); // as the agent counts: 4,000, not 8,000
  });

  it("gives back the unsent message after a reload of the tab, and forgets it once sent", async () => {
    sessionStorage.clear();
    const first = panel("ses_1");
    const input = () => $("chat-input") as HTMLTextAreaElement;
    input().value = "Is the input\nalways sorted?";
    input().dispatchEvent(new Event("input", { bubbles: true }));
    document.documentElement.innerHTML = page; // the reload
    expect(input().value).toBe("");
    panel("ses_1");
    expect(input().value).toBe("Is the input\nalways sorted?");
    expect(first.controller.sendChat).not.toHaveBeenCalled();
    panel("ses_2"); // another interview's page in this tab: not its message
    expect(input().value).toBe("Is the input\nalways sorted?"); // (the field was not empty: left as it is)
    document.documentElement.innerHTML = page;
    panel("ses_2");
    expect(input().value).toBe("");
    document.documentElement.innerHTML = page;
    const { p, controller } = panel("ses_1");
    $("call-start").click();
    await Promise.resolve();
    await Promise.resolve();
    p.status("connected");
    $("chat-form").dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(controller.sendChat).toHaveBeenCalledTimes(1));
    await vi.waitFor(() => expect(input().value).toBe(""));
    document.documentElement.innerHTML = page;
    panel("ses_1");
    expect(input().value).toBe("");
  });

  it("forgets the unsent message once the interview is over, but not when the call merely drops", () => {
    sessionStorage.clear();
    const input = () => $("chat-input") as HTMLTextAreaElement;
    const type = (text: string) => {
      input().value = text;
      input().dispatchEvent(new Event("input", { bubbles: true }));
    };
    const { p } = panel("ses_1");
    p.status("connected");
    type("Is the input always sorted?");
    p.status("reconnecting"); // a drop: the message is still to be sent
    p.status("ended");
    expect(sessionStorage.getItem("shadows.chatDraft.ses_1")).toBe("Is the input always sorted?");
    p.event({ type: "ended", reason: "completed" });
    expect(sessionStorage.getItem("shadows.chatDraft.ses_1")).toBeNull();
    expect(input().value).toBe("");
    document.documentElement.innerHTML = page; // a reload after the end gives nothing back
    panel("ses_1");
    expect(input().value).toBe("");
    // Ended elsewhere (the session watch, a refused save): the same.
    const other = panel("ses_2");
    type("One more question");
    expect(sessionStorage.getItem("shadows.chatDraft.ses_2")).toBe("One more question");
    other.p.close();
    expect(sessionStorage.getItem("shadows.chatDraft.ses_2")).toBeNull();
    expect(input().value).toBe("");
  });
});
