// The results panel: a Run or Submit report, per test. Hidden tests show only pass or fail.
import type { RunReport, TestResult, Verdict } from "./api";
import { h, showValue } from "./dom";

export const VERDICT_LABELS: Record<Verdict, string> = {
  accepted: "Passed",
  wrong_answer: "Wrong answer",
  time_limit: "Time limit exceeded",
  memory_limit: "Memory limit exceeded",
  output_limit: "Too much output",
  runtime_error: "Runtime error",
  compile_error: "Compile error",
  internal_error: "Could not run (our side)",
};

export function verdictLabel(verdict: string): string {
  return VERDICT_LABELS[verdict as Verdict] ?? verdict;
}

/** One line summary: "Run: 2 of 3 tests passed". */
export function summary(report: RunReport, by: "you" | "interviewer" = "you"): string {
  const what = by === "interviewer" ? "Interviewer's run" : report.mode === "submit" ? "Submission" : "Run";
  if (report.verdict === "compile_error") return `${what}: compile error`;
  if (report.verdict === "internal_error")
    return `${what}: could not run your code (a problem on our side, not your code)`;
  return `${what}: ${report.passed} of ${report.total} tests passed`;
}

function field(label: string, value: string): HTMLElement[] {
  return [h("dt", {}, label), h("dd", {}, h("code", {}, value))];
}

/** Arguments shown with the function's parameter names, as in the statement: `nums = [2,7]`, `target = 9`. */
export function namedArgs(args: unknown[], params: string[]): string[] {
  return args.map((arg, i) => `${params[i] ?? `arg${i + 1}`} = ${showValue(arg)}`);
}

let paramNames: string[] = [];

/** The question's parameter names, for every report rendered afterwards. */
export function setParamNames(params: string[]): void {
  paramNames = params;
}

function visibleDetails(test: TestResult): HTMLElement | null {
  const rows: HTMLElement[] = [];
  if (test.args) rows.push(...field("input", namedArgs(test.args, paramNames).join(", ")));
  if (test.verdict !== "accepted") {
    if (test.expected !== undefined) rows.push(...field("expected", showValue(test.expected)));
    if (test.actual !== undefined && test.actual !== null) rows.push(...field("got", showValue(test.actual)));
  }
  const details = h("div", { class: "test-details" }, rows.length ? h("dl", {}, ...rows) : null);
  if (test.message) details.appendChild(h("pre", { class: "test-message" }, test.message));
  if (test.stdout) details.appendChild(h("pre", { class: "test-stdout", "aria-label": "Printed output" }, test.stdout));
  if (test.stderr) details.appendChild(h("pre", { class: "test-stderr", "aria-label": "Error output" }, test.stderr));
  return details;
}

/** A test's time as the judge reports it: exact in a Run; in a Submit a bucket's upper bound (docs/judge.md), and a
 * test over its limit reads as the limit. */
export function timeLabel(test: TestResult, mode: "run" | "submit"): string {
  if (typeof test.time_ms !== "number") return "";
  const ms = Math.round(test.time_ms);
  if (mode === "submit") return test.verdict === "time_limit" ? ` · over ${ms} ms` : ` · under ${ms} ms`;
  return ` · ${test.time_ms < 1 ? "<1" : ms} ms`;
}

function testItem(test: TestResult, mode: "run" | "submit"): HTMLElement {
  const passed = test.verdict === "accepted";
  const time = timeLabel(test, mode);
  return h(
    "li",
    { class: `test-result ${passed ? "pass" : "fail"}`, "data-test-id": test.id, "data-verdict": test.verdict },
    h(
      "div",
      { class: "test-head" },
      h("span", { class: "test-name" }, test.id),
      h("span", { class: "verdict" }, verdictLabel(test.verdict) + time),
    ),
    visibleDetails(test),
  );
}

/** Hidden tests are numbered chips: pass or fail only (their names and inputs are not the candidate's to see). */
function hiddenItem(test: TestResult, index: number): HTMLElement {
  const passed = test.verdict === "accepted";
  const label = passed ? "Passed" : "Failed";
  return h(
    "li",
    {
      class: `test-result hidden ${passed ? "pass" : "fail"}`,
      "data-test-id": test.id,
      "data-verdict": passed ? "pass" : "fail",
      title: `Hidden test ${index + 1}: ${label.toLowerCase()}`,
    },
    h("span", { class: "test-name" }, `#${index + 1}`),
    " ",
    h("span", { class: "verdict" }, label),
  );
}

export function renderReport(container: HTMLElement, report: RunReport, by: "you" | "interviewer" = "you"): void {
  if (report.custom) return renderCustom(container, report);
  const ok = report.verdict === "accepted";
  const parts: (HTMLElement | null)[] = [
    h("p", { class: `report-summary ${ok ? "pass" : "fail"}`, "data-verdict": report.verdict }, summary(report, by)),
  ];
  if (report.compile_output) parts.push(h("pre", { class: "compile-output" }, report.compile_output));
  if (report.message && report.verdict === "internal_error")
    parts.push(h("p", { class: "report-message" }, report.message));
  const visible = report.tests.filter((t) => !t.hidden);
  const hidden = report.tests.filter((t) => t.hidden);
  if (visible.length) parts.push(h("ol", { class: "test-results" }, ...visible.map((t) => testItem(t, report.mode))));
  if (hidden.length) {
    const passed = hidden.filter((t) => t.verdict === "accepted").length;
    parts.push(
      h("h3", { class: "hidden-summary" }, `Hidden tests: ${passed} of ${hidden.length} passed`),
      h("ol", { class: "hidden-results", "aria-label": "Hidden tests" }, ...hidden.map(hiddenItem)),
    );
  }
  container.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

export function renderPending(container: HTMLElement, what: "run" | "submit"): void {
  container.replaceChildren(
    h(
      "p",
      { class: "report-pending" },
      what === "submit" ? "Submitting: running every test…" : "Running the visible tests…",
    ),
  );
}

/** A Run, Submit or custom input still unanswered after a while (the judge's queue): said where its report will
 * show, and read out by the caller, so the wait is not taken for a hang (a second Run would only be refused as one in
 * progress). Returns what was said. */
export function renderStillRunning(): string {
  const text = "Still running: the code runner may be busy. This can take up to 3 minutes; your code is safe.";
  for (const pending of document.querySelectorAll("#results .report-pending, #custom-output .report-pending")) {
    pending.textContent = text;
  }
  return text;
}

/** What a final answer submitted means now: read-only code, or (`allowResubmission`) code to keep improving. */
export function renderFinalState(container: HTMLElement, allowResubmission: boolean): void {
  container.hidden = false;
  container.replaceChildren(
    h("strong", {}, "Your final answer is submitted."),
    " ",
    allowResubmission ? "You may keep improving it and submit again. " : "Your code is now read-only. ",
    "The interviewer may ask you about it. When the interview ends, the hiring team receives a report; they decide the next step and will contact you.",
  );
}

export function renderFailure(container: HTMLElement, message: string): void {
  container.replaceChildren(h("p", { class: "report-error", role: "alert" }, message));
}

/** A custom-input run: what the function returned (or how it failed) for each of the candidate's inputs. */
export function renderCustom(container: HTMLElement, report: RunReport): void {
  const parts: HTMLElement[] = [
    h(
      "p",
      { class: "report-summary custom", "data-verdict": report.verdict },
      report.verdict === "compile_error"
        ? "Custom input: compile error"
        : `Custom input: ${report.tests.length} call${report.tests.length === 1 ? "" : "s"}`,
    ),
  ];
  if (report.compile_output) parts.push(h("pre", { class: "compile-output" }, report.compile_output));
  for (const test of report.tests) {
    const returned = test.verdict === "accepted";
    // A value not in the report (too large to show, or not kept past the session's budget) has a null `actual` and
    // a message saying why: the message, never "returned null".
    const noted = returned && (test.actual === null || test.actual === undefined) && !!test.message;
    const input = test.args ? namedArgs(test.args, paramNames).join(", ") : report.values_omitted ? "not kept" : "";
    parts.push(
      h(
        "div",
        { class: `custom-result ${returned ? "pass" : "fail"}`, "data-test-id": test.id, "data-verdict": test.verdict },
        h(
          "dl",
          {},
          ...field("input", input),
          ...(noted
            ? []
            : returned
              ? field("returned", showValue(test.actual))
              : field("result", verdictLabel(test.verdict))),
        ),
        test.message && (!returned || noted) ? h("pre", { class: "test-message" }, test.message) : null,
        test.stdout ? h("pre", { class: "test-stdout", "aria-label": "Printed output" }, test.stdout) : null,
        test.stderr ? h("pre", { class: "test-stderr", "aria-label": "Error output" }, test.stderr) : null,
      ),
    );
  }
  container.replaceChildren(...parts);
}

/** A custom input's report as read out: what each call returned, or how it failed ("Custom input: returned [0,1]").
 * Its summary alone ("Custom input: 1 call") told a screen-reader user nothing of the result. */
export function customOutcome(report: RunReport): string {
  if (report.verdict === "compile_error") return "Custom input: compile error";
  const calls = report.tests.map((test) => {
    if (test.verdict !== "accepted") return verdictLabel(test.verdict);
    // A value not in the report (too large to show, or not kept): its message is in the pane, never "returned null".
    const kept = !(test.actual === null || test.actual === undefined) || !test.message;
    return kept ? `returned ${showValue(test.actual, 200)}` : "returned a value not shown here";
  });
  return `Custom input: ${calls.join("; ") || "no calls"}`;
}

/** The console: compiler messages, then what each visible test printed on stdout and stderr. */
export function renderConsole(container: HTMLElement, report: RunReport): void {
  const parts: HTMLElement[] = [];
  if (report.compile_output)
    parts.push(h("pre", { class: "console-compile", "aria-label": "Compiler output" }, report.compile_output));
  for (const test of report.tests) {
    if (test.hidden || (!test.stdout && !test.stderr)) continue;
    parts.push(h("h3", { class: "console-test" }, test.id));
    if (test.stdout)
      parts.push(h("pre", { class: "console-stdout", "aria-label": `stdout of ${test.id}` }, test.stdout));
    if (test.stderr)
      parts.push(h("pre", { class: "console-stderr", "aria-label": `stderr of ${test.id}` }, test.stderr));
  }
  if (!parts.length)
    parts.push(
      h(
        "p",
        { class: "muted" },
        report.values_omitted
          ? "What your code printed in the last run was not kept: this interview's saved results reached their limit."
          : "Your code printed nothing in the last run.",
      ),
    );
  container.replaceChildren(...parts);
}
