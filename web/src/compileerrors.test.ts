import { describe, expect, it } from "vitest";
import { parseMarks, reportMarks } from "./compileerrors";

describe("compile errors in the gutter", () => {
  it("reads each language's compiler output as the judge reports it", () => {
    expect(parseMarks("SyntaxError: '(' was never closed (solution.py, line 2)")).toEqual([
      { line: 2, severity: "error", message: "SyntaxError: '(' was never closed" },
    ]);
    expect(parseMarks("SyntaxError: Unexpected token ';' (solution.js, line 7)")[0]).toMatchObject({ line: 7 });
    expect(parseMarks("Solution.java:4: error: illegal start of expression\n  x\n  ^\n1 error\n")).toEqual([
      { line: 4, severity: "error", message: "illegal start of expression" },
    ]);
    const cpp =
      "In file included from main.cpp:2:\nsolution.cpp: In member function 'f':\n" +
      "solution.cpp:6:13: error: expected primary-expression before ';' token\n    6 |     int x = ;\n";
    expect(parseMarks(cpp)).toEqual([
      { line: 6, severity: "error", message: "expected primary-expression before ';' token" },
    ]);
  });

  it("ignores the judge's own files and keeps an error over a warning on one line", () => {
    expect(parseMarks("main.cpp:12:3: error: in the harness\nharness.py, line 3")).toEqual([]);
    const both = "solution.cpp:3:1: warning: unused\nsolution.cpp:3:5: error: broken";
    expect(parseMarks(both)).toEqual([{ line: 3, severity: "error", message: "broken" }]);
  });

  it("marks where a runtime error happened in the candidate's file", () => {
    const report = {
      verdict: "runtime_error" as const,
      language: "python" as const,
      mode: "run" as const,
      passed: 0,
      total: 1,
      tests: [
        {
          id: "t1",
          verdict: "runtime_error" as const,
          hidden: false,
          message: 'Traceback (most recent call last):\n  File "solution.py", line 5, in two_sum\nZeroDivisionError',
        },
      ],
    };
    expect(reportMarks(report)).toEqual([{ line: 5, severity: "warning", message: "The error points here." }]);
  });
});
