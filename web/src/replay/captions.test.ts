import { describe, expect, it } from "vitest";
import { describeRun, describeStep, RUN_CODE_NOT_KEPT } from "./captions";
import { ReplayModel, type RunEvent, type Timeline, type TimelineEvent } from "./model";

function ev(seq: number, t: number, rest: Record<string, unknown>): TimelineEvent {
  return { seq, t, ...rest } as unknown as TimelineEvent;
}

const session: Timeline["session"] = {
  id: "ses_1",
  status: "completed",
  language: "python",
  time_allowed_s: 2700,
  ended_s: 300,
  duration_s: 300,
};

describe("the run panel's line", () => {
  // Past the session's run code budget a run is judged and recorded without its code: the replay shows the code
  // recorded before it, edited since, beside the run's verdict, as if that code had passed.
  const model = new ReplayModel({
    session,
    events: [
      ev(1, 30, { type: "editor_snapshot", language: "python", code: "return []" }),
      ev(2, 41, {
        type: "test_run",
        kind: "run",
        by: "candidate",
        verdict: "accepted",
        passed: 3,
        total: 3,
        hidden: { passed: 0, total: 0 },
        language: "python",
        code: null,
        code_omitted: true,
        code_bytes: 18000,
      }),
      ev(3, 50, {
        type: "test_run",
        kind: "run",
        by: "candidate",
        verdict: "accepted",
        passed: 3,
        total: 3,
        hidden: { passed: 0, total: 0 },
        language: "python",
        code: "return [0, 1]",
      }),
      ev(4, 60, {
        type: "test_run",
        kind: "run",
        by: "candidate",
        custom: true,
        verdict: null,
        passed: null,
        total: null,
        calls: 5,
        returned: 5,
        language: "python",
        code: null,
        code_omitted: true,
      }),
    ],
  });

  it("says that a run's code was not kept, beside the code recorded before it", () => {
    const run = model.runAt(45) as RunEvent;
    expect(model.codeAt(45).current?.code).toBe("return []"); // what the code view shows then
    expect(describeRun(run)).toBe(`Run at 0:41: Accepted, 3/3 tests passed; ${RUN_CODE_NOT_KEPT}`);
    expect(describeRun(model.runAt(65) as RunEvent)).toBe(
      `Run of custom input (nothing checked) at 1:00: 5 of 5 calls returned; ${RUN_CODE_NOT_KEPT}`,
    );
  });

  it("says nothing of the kind for a run whose code is shown", () => {
    const run = model.runAt(55) as RunEvent;
    expect(model.codeAt(55).current?.code).toBe("return [0, 1]");
    expect(describeRun(run)).toBe("Run at 0:50: Accepted, 3/3 tests passed");
    const step = (t: number): string => {
      const shown = model.codeAt(t).current;
      return shown ? describeStep(shown.event, model.snapshots) : "";
    };
    expect(step(55)).toBe("Code judged at 0:50 by the run (in no snapshot)");
    expect(step(45)).toBe("Code at 0:30 (snapshot 1 of 1)");
  });

  it("gives the grader's Submit, made after the interview, no time of it", () => {
    // Shown at the interview's end (model.ts, `afterInterview`): "at 5:00" would be a moment it was not made at.
    const graded = new ReplayModel({
      session,
      events: [
        ev(1, 30, { type: "editor_snapshot", language: "python", code: "return []" }),
        ev(2, 9_000, {
          type: "submission",
          kind: "submit",
          by: "grader",
          verdict: "wrong_answer",
          passed: 1,
          total: 8,
          hidden: { passed: 0, total: 5 },
          language: "python",
          code: "return [0]",
        }),
      ],
    });
    const run = graded.runAt(300) as RunEvent;
    expect(describeRun(run)).toBe(
      "Submission by the grader, after the interview: Wrong answer, 1/8 tests passed (0/5 hidden)",
    );
    const shown = graded.codeAt(300).current;
    expect(shown ? describeStep(shown.event, graded.snapshots) : "").toBe(
      "Code judged by the submission by the grader, after the interview (in no snapshot)",
    );
  });
});
