import { describe, expect, it } from "vitest";
import { describeEvent, phaseName } from "./feed";

describe("event feed lines", () => {
  it("describes the agent's events and ignores unknown ones", () => {
    expect(describeEvent({ type: "phase", phase: "coding", previous: "approach" })).toBe("Now: Coding");
    expect(describeEvent({ type: "hint", index: 2, total: 4 })).toBe("Hint 2 of 4 given.");
    expect(describeEvent({ type: "time_warning", minutes_left: 1 })).toBe("1 minute left.");
    expect(describeEvent({ type: "time_warning", minutes_left: 5 })).toBe("5 minutes left.");
    expect(
      describeEvent({
        type: "test_report",
        report: { verdict: "wrong_answer", language: "python", mode: "run", tests: [], passed: 1, total: 3 },
      }),
    ).toBe("The interviewer ran the tests: 1 of 3 passed.");
    expect(describeEvent({ type: "something_new" })).toBeNull();
    // The agent's `error` before it leaves: said, never silent (a failed start leaves the interview open).
    expect(describeEvent({ type: "error", code: "start_failed", retry: true })).toMatch(/could not start/);
    expect(describeEvent({ type: "error", code: "session_unavailable" })).toMatch(/cannot run/);
  });

  it("names unknown phases readably", () => {
    expect(phaseName("wrap_up")).toBe("Wrap-up");
    expect(phaseName("deep_dive")).toBe("Deep dive");
  });
});
