// The replay's words for what it shows: the run panel's line for a run or submission, and the code view's heading.
import { at, clock, type RunEvent, type SnapshotEvent } from "./model";

const VERDICTS: Record<string, string> = {
  accepted: "Accepted",
  wrong_answer: "Wrong answer",
  time_limit: "Time limit",
  memory_limit: "Memory limit",
  output_limit: "Output limit",
  runtime_error: "Runtime error",
  compile_error: "Compile error",
  internal_error: "Judge error (not the candidate's)",
};

/** What a run's line adds when the API did not keep the code it judged (the session's run code budget): the code
 * view shows the code recorded before or after it, which the candidate may have changed in between. */
export const RUN_CODE_NOT_KEPT =
  "the code it judged was not kept (this session exceeded its recording budget), so the code shown may not be what it judged";

/** Who made a run or submission, when it was not the candidate. */
function madeBy(run: RunEvent): string {
  // The grader submits the last code of a candidate who never submitted, after the interview: not theirs.
  return run.by === "agent" ? " by the interviewer" : run.by === "grader" ? " by the grader, after the interview" : "";
}

/** When a run was made on the interview's clock (" at 3:30"); none for the grader's, made after the interview (the
 * replay shows it at the end: `afterInterview`, model.ts). */
function when(run: RunEvent): string {
  return run.by === "grader" ? "" : ` at ${clock(at(run))}`;
}

/** The run panel's line for `run`: what it was, who made it, when, its verdict and counts. */
export function describeRun(run: RunEvent): string {
  const what = run.kind === "submit" ? "Submission" : run.custom ? "Run of custom input (nothing checked)" : "Run";
  const head = `${what}${madeBy(run)}${when(run)}: `;
  // Its verdict beside code it never judged reads as that code's verdict: said, whenever its code was not kept.
  const unkept = run.code_omitted === true ? `; ${RUN_CODE_NOT_KEPT}` : "";
  if (run.custom) {
    // Its calls returning says nothing of correctness: what failed is said, and how many calls returned.
    const failed = run.verdict ? `${VERDICTS[run.verdict] ?? run.verdict}, ` : "";
    const calls = `${run.returned ?? "–"} of ${run.calls ?? "–"} calls returned`;
    return `${head}${failed}${calls}${unkept}`;
  }
  const verdict = VERDICTS[run.verdict ?? ""] ?? run.verdict ?? "no verdict";
  const counts = run.passed !== null && run.total !== null ? `, ${run.passed}/${run.total} tests passed` : "";
  const hidden = run.hidden && run.hidden.total ? ` (${run.hidden.passed}/${run.hidden.total} hidden)` : "";
  return `${head}${verdict}${counts}${hidden}${unkept}`;
}

/** The code view's heading for what it shows: a snapshot, or the code a run or submission judged. */
export function describeStep(event: SnapshotEvent | RunEvent, snapshots: readonly SnapshotEvent[]): string {
  if (event.type === "editor_snapshot")
    return `Code at ${clock(at(event))} (snapshot ${snapshots.indexOf(event) + 1} of ${snapshots.length})`;
  const what = event.kind === "submit" ? "submission" : "run";
  return `Code judged${when(event)} by the ${what}${madeBy(event)} (in no snapshot)`;
}
