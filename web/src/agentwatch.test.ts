import { describe, expect, it } from "vitest";
import { AgentWatch } from "./agentwatch";
import type { Timers } from "./snapshots";

class ManualTimers implements Timers {
  private next = 1;
  pending = new Map<number, { fn: () => void; at: number }>();
  now = 0;
  setTimeout(fn: () => void, ms: number): number {
    const id = this.next++;
    this.pending.set(id, { fn, at: this.now + ms });
    return id;
  }
  clearTimeout(id: number): void {
    this.pending.delete(id);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.pending]) {
      if (t.at <= this.now) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
}

function watch() {
  const calls: string[] = [];
  const timers = new ManualTimers();
  const w = new AgentWatch(
    20_000,
    {
      late: (left) => calls.push(left ? "late_after_leaving" : "late"),
      redispatch: async () => {
        calls.push("redispatch");
      },
      gaveUp: () => calls.push("gave_up"),
    },
    timers,
  );
  return { w, calls, timers };
}

describe("waiting for the interviewer", () => {
  it("redispatches once after the timeout, then gives up after another", () => {
    const { w, calls, timers } = watch();
    w.connected(false);
    timers.advance(19_999);
    expect(calls).toEqual([]);
    timers.advance(1);
    expect(calls).toEqual(["late", "redispatch"]);
    expect(w.state).toBe("late");
    timers.advance(20_000);
    expect(calls).toEqual(["late", "redispatch", "gave_up"]);
    w.connected(false);
    timers.advance(60_000);
    expect(calls.filter((c) => c === "redispatch")).toHaveLength(1);
  });

  it("stands down as soon as the agent joins", () => {
    const { w, calls, timers } = watch();
    w.connected(false);
    timers.advance(10_000);
    w.agent(true);
    timers.advance(60_000);
    expect(calls).toEqual([]);
    expect(w.state).toBe("present");
  });

  it("never redispatches twice, even across reconnects", () => {
    const { w, calls, timers } = watch();
    w.connected(false);
    timers.advance(20_000);
    w.disconnected();
    w.connected(false);
    timers.advance(20_000);
    expect(calls).toEqual(["late", "redispatch", "gave_up"]);
  });

  it("calls the interviewer again when it leaves a connected call mid-interview", () => {
    const { w, calls, timers } = watch();
    w.connected(true);
    w.agent(false); // its worker crashed: the candidate is still in the call, alone
    timers.advance(20_000);
    expect(calls).toEqual(["late_after_leaving", "redispatch"]); // told it left, not that it never joined
    timers.advance(20_000);
    expect(calls).toEqual(["late_after_leaving", "redispatch", "gave_up"]);
  });

  it("does not wait for an interviewer whose call dropped or which left at the end", () => {
    const { w, calls, timers } = watch();
    w.connected(true);
    w.agent(false);
    w.disconnected(); // a drop reports the agent absent first, then the status
    timers.advance(60_000);
    w.connected(true);
    w.stop(); // the interview ended: its leaving is the goodbye
    w.agent(false);
    w.connected(false);
    timers.advance(60_000);
    expect(calls).toEqual([]);
  });
});
