// The latest Run, custom input and submission reports read back after a reload, and what the page does when that read
// is refused (429: reads of large reports are limited per session, by size) or not reached (the network, a 5xx).
import { type LatestResults, retryAfterMs, type StoredReport, waitWords } from "./api";

/** Asked again after the server's Retry-After (within these bounds), this many times, unless a newer report is
 * shown meanwhile. */
export const RESULTS_RETRIES = 3;
const RESULTS_RETRY_MS = { least: 1000, most: 60_000, otherwise: 5000 };

type Stored = StoredReport;

/** Each pane's latest report: the newest plain Run and Submit (the results pane) and the newest custom input (its own
 * pane). An API replica from before `custom` returns the newest Run of either kind as `run`: one marked custom is the
 * custom input's then, and the Run before it is not known. */
export function latestByPane(results: LatestResults): Required<Omit<LatestResults, "client_run">> {
  if (results.custom !== undefined) return { run: results.run, submit: results.submit, custom: results.custom };
  const custom = results.run?.custom ? results.run : null;
  return { run: custom ? null : results.run, submit: results.submit, custom };
}

/** Whether the interviewer ran it (its `run_tests` or Submit): shown labelled so, never as the candidate's own. A report
 * whose `by` is not known (null; absent from an API replica from before it) is taken for the candidate's, as before. */
export function interviewers(report: StoredReport): boolean {
  return report.by === "agent";
}

/** The reports the candidate's own runs may have made: each known to be someone else's left out (null). */
export function ownOnly(results: LatestResults): LatestResults {
  const own = (r: StoredReport | null | undefined) => (r && r.by !== "agent" && r.by !== "grader" ? r : null);
  const out: LatestResults = { run: own(results.run), submit: own(results.submit) };
  if (results.custom !== undefined) out.custom = own(results.custom);
  return out;
}

/** The newest of the reports, or undefined when there is none. */
export function newestReport(results: LatestResults): Stored | undefined {
  return [results.run, results.submit, results.custom ?? null]
    .filter((r): r is Stored => r !== null)
    .sort((a, b) => a.created_at.localeCompare(b.created_at))
    .at(-1);
}

/** What a reload shows, oldest first (the console and the editor's marks are the newest's): the newer of the Run and
 * the Submit in the results pane, and the custom input in its own (unless `customToo` is false: a custom input run
 * in its pane since). Before `custom` came apart from `run`, a Run made before the newest custom input was lost. */
export function shownOnReload(results: LatestResults, customToo = true): Stored[] {
  const { run, submit, custom } = latestByPane(results);
  const reports = [customToo ? custom : null, newestReport({ run, submit })].filter((r): r is Stored => !!r);
  return reports.sort((x, y) => x.created_at.localeCompare(y.created_at));
}

/** What the workspace lends the retry: the read, how to show what it returns, how many reports it has shown or
 * runs started (a count that moves means the pane is no longer ours), where to say it, and whether the interview
 * is over (no "run your code again" then). */
export interface ResultsPane {
  read: () => Promise<LatestResults>;
  show: (results: LatestResults) => void;
  shown: () => number;
  say: (text: string) => void;
  over: () => boolean;
}

/** The latest results not read on a reload: said where they would be, and asked again after Retry-After; never
 * over a newer report. */
export function readLater(pane: ResultsPane, error: unknown, attempt = 0): void {
  const status = (error as { status?: number }).status ?? 0;
  const shownBefore = pane.shown();
  const note = (text: string): void => {
    if (pane.shown() === shownBefore) pane.say(text);
  };
  if ((status !== 0 && status !== 429 && status < 500) || attempt >= RESULTS_RETRIES) {
    note(`Your latest results could not be loaded.${pane.over() ? "" : " Run your code again to see them."}`);
    return;
  }
  const ms = retryAfterMs(error) ?? RESULTS_RETRY_MS.otherwise;
  const wait = Math.min(Math.max(ms, RESULTS_RETRY_MS.least), RESULTS_RETRY_MS.most);
  note(`Your latest results could not be loaded yet; trying again in ${waitWords(wait)}.`);
  window.setTimeout(() => {
    if (pane.shown() !== shownBefore) return; // a newer report is on screen
    pane.read().then(
      (results) => {
        if (pane.shown() !== shownBefore) return;
        pane.show(results);
        if (pane.shown() === shownBefore)
          note("Run checks your code against the examples; Submit also runs the hidden tests.");
      },
      (again: unknown) => readLater(pane, again, attempt + 1),
    );
  }, wait);
}
