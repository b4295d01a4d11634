// @vitest-environment jsdom
/// <reference types="vite/client" />
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CallController } from "./call";
import { CallPanel } from "./callpanel";
import page from "../index.html?raw";

function panel() {
  const events: unknown[] = [];
  const hooks = { onEvent: (e: unknown) => events.push(e), onAgentPresent: vi.fn(), onStatus: vi.fn() };
  const p = new CallPanel(hooks);
  const controller = {
    status: "connected",
    start: vi.fn(async () => undefined),
    sendChat: vi.fn(async (): Promise<string> => "sent"),
  };
  p.bind(async () => controller as unknown as CallController);
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

  it("shows mute and typing only while connected, and the agent's state", async () => {
    const { p, hooks } = panel();
    $("call-start").click();
    await Promise.resolve();
    await Promise.resolve();
    p.status("connected");
    expect($("call-start").hidden).toBe(true);
    expect($("call-mute").hidden).toBe(false);
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
    p.event({ type: "ended", reason: "completed" });
    p.status("ended");
    expect($("call-start").hidden).toBe(true);
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
});
