// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import type { RunReport, TestResult } from "./api";
import { customOutcome, renderConsole, renderReport, setParamNames, summary, timeLabel } from "./results";

const base = { language: "python", mode: "run", compile_output: "", message: null } as const;

describe("run report rendering", () => {
  it("names each argument after the function's parameter", () => {
    setParamNames(["nums", "target"]);
    const div = document.createElement("div");
    renderReport(div, {
      ...base,
      verdict: "accepted",
      passed: 1,
      total: 1,
      tests: [{ id: "e", verdict: "accepted", hidden: false, args: [[2, 7], 9] }],
    });
    expect(div.textContent).toContain("nums = [2,7], target = 9");
    setParamNames([]);
  });

  it("shows what a custom input returned, without expected values", () => {
    setParamNames(["nums", "target"]);
    const div = document.createElement("div");
    renderReport(div, {
      ...base,
      custom: true,
      verdict: "runtime_error",
      passed: 1,
      total: 2,
      tests: [
        { id: "custom-1", verdict: "accepted", hidden: false, args: [[3, 3], 6], actual: [0, 1], stdout: "hi\n" },
        { id: "custom-2", verdict: "runtime_error", hidden: false, args: [[], 1], message: "IndexError" },
      ],
    });
    const items = [...div.querySelectorAll(".custom-result")].map((e) => e.textContent);
    expect(items[0]).toContain("nums = [3,3], target = 6");
    expect(items[0]).toContain("returned[0,1]");
    expect(items[0]).toContain("hi");
    expect(items[1]).toContain("Runtime error");
    expect(div.textContent).not.toContain("expected");
    setParamNames([]);
  });

  it("reads a custom run stored without its values back as not kept, never as inputs and returns of null", () => {
    // api/db/runs_repo.py `without_values`: past the session's run report budget, a reload's report has null
    // `actual`, `stdout` and `args`, each test's message saying why.
    const omitted =
      "what the code returned and printed was not kept: this session's stored run reports reached their budget";
    setParamNames(["nums", "target"]);
    const report: RunReport = {
      ...base,
      custom: true,
      values_omitted: true,
      verdict: "accepted",
      passed: 1,
      total: 1,
      tests: [
        {
          id: "custom-1",
          verdict: "accepted",
          hidden: false,
          args: null,
          actual: null,
          stdout: null,
          message: omitted,
        },
      ],
    };
    const div = document.createElement("div");
    renderReport(div, report);
    setParamNames([]);
    expect(div.querySelector(".custom-result dl")?.textContent).toBe("inputnot kept");
    expect(div.querySelector(".test-message")?.textContent).toBe(omitted);
    const console = document.createElement("div");
    renderConsole(console, report);
    expect(console.textContent).toContain("was not kept");
    expect(console.textContent).not.toContain("printed nothing");
  });

  it("says a returned value too large to show is too large, not that it returned null", () => {
    const note = "the returned value is too large to show (over 256 KiB as JSON)";
    const div = document.createElement("div");
    renderReport(div, {
      ...base,
      custom: true,
      verdict: "accepted",
      passed: 1,
      total: 1,
      tests: [{ id: "custom-1", verdict: "accepted", hidden: false, args: [[1], 1], actual: null, message: note }],
    });
    expect(div.querySelector(".custom-result dl")?.textContent).toBe("inputarg1 = [1], arg2 = 1");
    expect(div.querySelector(".test-message")?.textContent).toBe(note);
  });

  it("shows failing visible tests with input, expected and actual", () => {
    const report: RunReport = {
      ...base,
      verdict: "wrong_answer",
      passed: 0,
      total: 1,
      tests: [
        { id: "example-1", verdict: "wrong_answer", hidden: false, args: [[1, 2], 3], expected: [0, 1], actual: [] },
      ],
    };
    const div = document.createElement("div");
    renderReport(div, report);
    expect(div.querySelector(".report-summary")?.textContent).toBe("Run: 0 of 1 tests passed");
    const text = div.querySelector(".test-result")?.textContent ?? "";
    expect(text).toContain("Wrong answer");
    expect(text).toContain("arg1 = [1,2], arg2 = 3");
    expect(text).toContain("[0,1]");
  });

  it("shows compiler output for a compile error, as text", () => {
    const report: RunReport = {
      ...base,
      language: "java",
      verdict: "compile_error",
      passed: 0,
      total: 2,
      compile_output: "Solution.java:3: error: ';' expected <script>",
      tests: [],
    };
    const div = document.createElement("div");
    renderReport(div, report);
    expect(summary(report)).toBe("Run: compile error");
    expect(div.querySelector(".compile-output")?.textContent).toContain("';' expected <script>");
    expect(div.querySelector("script")).toBeNull();
  });

  it("never blames the candidate for an internal error", () => {
    expect(summary({ ...base, verdict: "internal_error", passed: 0, total: 0, tests: [] })).toMatch(/not your code/);
  });

  it("shows hidden tests only as numbered pass/fail, without their names", () => {
    const report: RunReport = {
      ...base,
      mode: "submit",
      verdict: "wrong_answer",
      passed: 1,
      total: 2,
      tests: [
        { id: "big-input", verdict: "accepted", hidden: true, time_ms: 3 },
        { id: "overflow-case", verdict: "wrong_answer", hidden: true, time_ms: 2 },
      ],
    };
    const div = document.createElement("div");
    renderReport(div, report);
    expect(div.querySelector(".hidden-summary")?.textContent).toBe("Hidden tests: 1 of 2 passed");
    const chips = [...div.querySelectorAll(".hidden-results li")].map((li) => li.textContent);
    expect(chips).toEqual(["#1 Passed", "#2 Failed"]);
    expect(div.textContent).not.toContain("overflow-case");
    expect(summary(report, "interviewer")).toBe("Interviewer's run: 1 of 2 tests passed");
  });

  it("shows a Submit's times as the judge's buckets and a Run's as measured", () => {
    const fast: TestResult = { id: "a", verdict: "accepted", hidden: false, time_ms: 10 };
    const slow: TestResult = { id: "b", verdict: "time_limit", hidden: false, time_ms: 2000 };
    expect(timeLabel(fast, "submit")).toBe(" · under 10 ms");
    expect(timeLabel(slow, "submit")).toBe(" · over 2000 ms");
    expect(timeLabel({ ...fast, time_ms: 3.4 }, "run")).toBe(" · 3 ms");
    expect(timeLabel({ ...fast, time_ms: 0.4 }, "run")).toBe(" · <1 ms");
    expect(timeLabel({ ...fast, time_ms: null }, "submit")).toBe("");
  });
});

describe("a custom input's report read out", () => {
  it("says what each call returned or how it failed, not only how many calls there were", () => {
    const report = (tests: TestResult[], verdict = "accepted") =>
      ({ ...base, custom: true, verdict, passed: 0, total: tests.length, tests }) as RunReport;
    expect(customOutcome(report([{ id: "c1", verdict: "accepted", hidden: false, actual: [0, 1] }]))).toBe(
      "Custom input: returned [0,1]",
    );
    expect(
      customOutcome(
        report([
          { id: "c1", verdict: "accepted", hidden: false, actual: 7 },
          { id: "c2", verdict: "runtime_error", hidden: false, message: "ZeroDivisionError" },
        ]),
      ),
    ).toBe("Custom input: returned 7; Runtime error");
    const notKept = { id: "c1", verdict: "accepted", hidden: false, actual: null, message: "Too large to show." };
    expect(customOutcome(report([notKept as TestResult]))).toBe("Custom input: returned a value not shown here");
    expect(customOutcome(report([], "compile_error"))).toBe("Custom input: compile error");
  });
});
