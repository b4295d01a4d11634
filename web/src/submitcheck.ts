// Around a Submit: the candidate's confirmation, whether one that failed as far as the page knows was stored all the
// same, and a busy server's wait before the next.
import type { ApiClient, LatestResults, RunReport } from "./api";
import { confirmAction } from "./dialog";
import { isRun } from "./pendingrun";

/** "Submit your final answer?", saying what follows (`allowResubmission`: the candidate may submit again). */
export function confirmFinalAnswer(allowResubmission: boolean): Promise<boolean> {
  return confirmAction({
    title: "Submit your final answer?",
    detail: allowResubmission
      ? "Your code runs against every test, including hidden ones. You may submit again afterwards."
      : "Your code runs against every test, including hidden ones. After this your code is final and the editor becomes read-only.",
    confirm: "Submit final answer",
  });
}

/**
 * A Submit that failed as far as this page knows: its answer lost on the way back (a dropped connection, a proxy's
 * time-out) though the API stored it, or refused because the final answer is already in (that lost answer, or
 * another tab). Asks the server, and returns the stored final answer when it holds one (the page shows it as final),
 * so the candidate is neither told to try again nor left editing code that no longer counts; null otherwise.
 * Found by the id the page gave it (`id`, returned as `client_run`); a final answer carrying another id is another
 * tab's, never taken for it. Without ids (an API replica from before them, which ignores the question), by time:
 * stored after it left (`sentAt`), never the Submit the page showed before this one left (`before`: one submitted
 * again a moment after it was stored is within the allowance for the page's clock), nor one stored by `beforeAt`
 * (`Running.beforeAt`). Nor is the interviewer's Submit on the candidate's behalf (`by`), unless the final answer is
 * already in: then whichever is in is the final answer.
 */
export async function landedSubmit(
  api: Pick<ApiClient, "results">,
  sessionId: string,
  error: unknown,
  sentAt: number,
  before?: string,
  beforeAt?: string,
  id?: string,
): Promise<RunReport | null> {
  const status = (error as { status?: number }).status ?? 0;
  const already = (error as { code?: string }).code === "already_submitted";
  if (!already && status !== 0 && status < 500) return null; // refused: nothing was stored
  let read: LatestResults;
  try {
    read =
      already || id === undefined ? await api.results(sessionId, !already) : await api.results(sessionId, true, id);
  } catch {
    return null;
  }
  if (already) return read.submit; // any final answer is the one when it is refused as already in
  const exact = read.client_run;
  if (exact && exact.mode === "submit" && isRun(exact, id)) return exact;
  const latest = read.submit;
  if (!latest) return null;
  const known = isRun(latest, id);
  if (known !== undefined) return known ? latest : null;
  // Otherwise only one stored after this one left (a few seconds' allowance for the estimate of the server's clock).
  if (Date.parse(latest.created_at) < sentAt - 5000) return null;
  if (before !== undefined && latest.submission_id === before) return null;
  if (beforeAt !== undefined && latest.created_at <= beforeAt) return null;
  if (latest.by === "agent" || latest.by === "grader") return null; // an API that ignored `own`
  return latest;
}

/**
 * A busy server's wait (429 or 503 with `Retry-After`) after a Run, Submit or custom input: while it lasts the
 * three stay disabled, so nobody is invited to press Run again and again into a limit that only resets when they
 * stop. `onChange` is called as the hold starts and ends (to redraw the buttons).
 */
export class RunHold {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly onChange: () => void) {}

  get held(): boolean {
    return this.timer !== null;
  }

  /** Hold for `ms` (null or 0: no hold); a later wait replaces an earlier one. */
  hold(ms: number | null): void {
    if (!ms || ms <= 0) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, ms);
    this.onChange();
  }
}
