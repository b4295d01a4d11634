// Where a compiler or interpreter points in the candidate's file: "solution.py, line 2", "Solution.java:4: error",
// "solution.cpp:6:13: error", a Python traceback's `File "solution.py", line 7`. Lines in other files (the judge's
// harness) are ignored.
import type { RunReport } from "./api";

export interface CodeMark {
  line: number;
  severity: "error" | "warning";
  message: string;
}

const PATTERNS: { re: RegExp; severity: CodeMark["severity"] }[] = [
  // Python and JavaScript syntax errors as the judge reports them: "SyntaxError: ... (solution.py, line 2)"
  { re: /^(?<msg>[A-Za-z]*Error: .*?) \(solution\.(?:py|js), line (?<line>\d+)\)$/gm, severity: "error" },
  // javac: "Solution.java:4: error: illegal start of expression"
  { re: /^Solution\.java:(?<line>\d+): error: (?<msg>.+)$/gm, severity: "error" },
  // g++: "solution.cpp:6:13: error: expected primary-expression before ';' token"
  { re: /^solution\.cpp:(?<line>\d+):\d+: (?:fatal )?error: (?<msg>.+)$/gm, severity: "error" },
  { re: /^solution\.cpp:(?<line>\d+):\d+: warning: (?<msg>.+)$/gm, severity: "warning" },
  // a Python traceback frame in the candidate's file (a runtime error)
  { re: /File "solution\.py", line (?<line>\d+)(?<msg>)/g, severity: "warning" },
  // a Node stack frame in the candidate's file
  { re: /solution\.js:(?<line>\d+):\d+(?<msg>)/g, severity: "warning" },
];

export function parseMarks(output: string): CodeMark[] {
  const marks = new Map<number, CodeMark>();
  for (const { re, severity } of PATTERNS) {
    for (const m of output.matchAll(re)) {
      const line = Number(m.groups?.line);
      if (!Number.isInteger(line) || line < 1) continue;
      const existing = marks.get(line);
      if (existing?.severity === "error") continue;
      const message = (m.groups?.msg ?? "").trim() || "The error points here.";
      marks.set(line, { line, severity, message: existing && severity !== "error" ? existing.message : message });
    }
  }
  return [...marks.values()].sort((a, b) => a.line - b.line);
}

/** Marks for a run report: compile errors, and the first runtime error's location in the candidate's file. */
export function reportMarks(report: RunReport): CodeMark[] {
  if (report.verdict === "compile_error") return parseMarks(report.compile_output ?? report.message ?? "");
  const failing = report.tests.find((t) => t.verdict === "runtime_error");
  return failing ? parseMarks([failing.message, failing.stderr].filter(Boolean).join("\n")) : [];
}
