import { describe, expect, it } from "vitest";
import { type Channel, TabSignal } from "./tabsignal";

/** BroadcastChannel's rule, in one process: a message goes to every other channel of the same name, not its own. */
function bus() {
  const channels: { name: string; listeners: ((event: MessageEvent) => void)[]; closed: boolean }[] = [];
  return (name: string): Channel => {
    const self = { name, listeners: [] as ((event: MessageEvent) => void)[], closed: false };
    channels.push(self);
    return {
      postMessage(message) {
        for (const other of channels)
          if (other !== self && other.name === name && !other.closed)
            for (const listener of other.listeners) listener({ data: message } as MessageEvent);
      },
      addEventListener: (_type, listener) => void self.listeners.push(listener),
      close: () => void (self.closed = true),
    };
  };
}

describe("tabs of one interview", () => {
  it("tell the others of this session, and nobody else, that it started", () => {
    const open = bus();
    const heard: string[] = [];
    const first = new TabSignal("ses_a", () => heard.push("first"), open);
    new TabSignal("ses_a", () => heard.push("second"), open);
    new TabSignal("ses_b", () => heard.push("other session"), open);
    first.started();
    expect(heard).toEqual(["second"]);
  });

  it("believe no other message, and hear nothing once closed", () => {
    const open = bus();
    const heard: string[] = [];
    const tab = new TabSignal("ses_a", () => heard.push("tab"), open);
    const other = open("shadows:session:ses_a");
    other.postMessage({ started: true, ends_at: "2099-01-01T00:00:00Z" });
    other.postMessage("Started");
    expect(heard).toEqual([]);
    tab.close();
    other.postMessage("started");
    expect(heard).toEqual([]);
  });

  it("tell the others when one comes to the front or goes, and nothing else counts as either", () => {
    const open = bus();
    const news: string[] = [];
    const started: string[] = [];
    const first = new TabSignal("ses_a", () => started.push("second"), open);
    new TabSignal(
      "ses_a",
      () => started.push("second"),
      open,
      (n) => news.push(`second ${n}`),
    );
    new TabSignal(
      "ses_b",
      () => undefined,
      open,
      (n) => news.push(`other session ${n}`),
    );
    first.tell("front");
    first.tell("left");
    open("shadows:session:ses_a").postMessage("Front");
    open("shadows:session:ses_a").postMessage({ front: true });
    expect(news).toEqual(["second front", "second left"]);
    expect(started).toEqual([]);
  });

  it("work without a BroadcastChannel (each tab then learns at its own check)", () => {
    const tab = new TabSignal(
      "ses_a",
      () => undefined,
      () => null,
    );
    expect(() => tab.started()).not.toThrow();
    tab.close();
  });
});
