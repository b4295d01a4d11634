import { describe, expect, it } from "vitest";
import { AgentWatch } from "./agentwatch";
import { ManualTimers } from "./testing/manualtimers";

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
    timers.fireDue(19_999);
    expect(calls).toEqual([]);
    timers.fireDue(1);
    expect(calls).toEqual(["late", "redispatch"]);
    expect(w.state).toBe("late");
    timers.fireDue(20_000);
    expect(calls).toEqual(["late", "redispatch", "gave_up"]);
    w.connected(false);
    timers.fireDue(60_000);
    expect(calls.filter((c) => c === "redispatch")).toHaveLength(1);
  });

  it("stands down as soon as the agent joins", () => {
    const { w, calls, timers } = watch();
    w.connected(false);
    timers.fireDue(10_000);
    w.agent(true);
    timers.fireDue(60_000);
    expect(calls).toEqual([]);
    expect(w.state).toBe("present");
  });

  it("never redispatches twice, even across reconnects", () => {
    const { w, calls, timers } = watch();
    w.connected(false);
    timers.fireDue(20_000);
    w.disconnected();
    w.connected(false);
    timers.fireDue(20_000);
    expect(calls).toEqual(["late", "redispatch", "gave_up"]);
  });

  it("calls the interviewer again when it leaves a connected call mid-interview", () => {
    const { w, calls, timers } = watch();
    w.connected(true);
    w.agent(false); // its worker crashed: the candidate is still in the call, alone
    timers.fireDue(20_000);
    expect(calls).toEqual(["late_after_leaving", "redispatch"]); // told it left, not that it never joined
    timers.fireDue(20_000);
    expect(calls).toEqual(["late_after_leaving", "redispatch", "gave_up"]);
  });

  it("does not wait for an interviewer whose call dropped or which left at the end", () => {
    const { w, calls, timers } = watch();
    w.connected(true);
    w.agent(false);
    w.disconnected(); // a drop reports the agent absent first, then the status
    timers.fireDue(60_000);
    w.connected(true);
    w.stop(); // the interview ended: its leaving is the goodbye
    w.agent(false);
    w.connected(false);
    timers.fireDue(60_000);
    expect(calls).toEqual([]);
  });
});
