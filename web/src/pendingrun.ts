// A Run, Submit or custom input whose answer the page lost (a reload, or a network drop while it was out): kept in the
// tab's sessionStorage while it is out, and followed until the judge's report is stored (losing the request does not
// stop the run).
import { ApiError, type LatestResults, RUN_TIMEOUT_MS, type RunReport, type StoredReport } from "./api";
import { announce } from "./announce";
import { h } from "./dom";
import { latestByPane, newestReport, ownOnly } from "./latestresults";
import { monotonicNow } from "./monotonic";
import { serverClock } from "./serverclock";

/** How often a page reloaded while a Run, Submit or custom input was out reads the results, looking for its report. */
export const FOLLOW_RUN_MS = 5000;
/** A report stored this long before its request left (by the page's estimate of the server's clock) is still its. */
const LANDED_SLACK_MS = 5000;
const RUNNING = "shadows.running.";

/** What was out: a Run or a Submit (its report shows in the results pane), or a custom input (in its own pane). */
export type RunningMode = "run" | "submit" | "custom";

/** The ids the page gives runs: 16 random bytes in base64url, 22 characters (the API takes 16 to 64 of these). */
const RUN_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** A new id for a run this page sends (`ApiClient.run`'s `clientRunId`): stored with the run, so the page that lost
 * its answer reads exactly that run's report, never another tab's (`reportOf`). */
export function newRunId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** A Run, Submit or custom input this tab sent and has no answer to yet (`sentAt`: the server's time as it went). */
export interface Running {
  mode: RunningMode;
  sentAt: number;
  /** The id the page gave it (`newRunId`); absent from one kept by a page from before the ids. */
  id?: string;
  /** The id of the last stored report of its kind this page showed as it went: never taken for this run's (one
   * stored a moment before it, within the allowance for the page's clock, was). */
  before?: string;
  /** When the newest report of its kind this page showed was stored (known for one read back from the results, as
   * on a reload): no report stored by then is this run's. A reload shows the interviewer's run, not the candidate's
   * Run stored a moment before it, which is then no one's `before`; a follow reads the candidate's runs alone, where
   * that Run is the newest again. */
  beforeAt?: string;
}

function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: a reload shows the results before it, as it did
  }
}

/** Kept in the tab's sessionStorage while a run is out: a reload meanwhile cancels the request, not the judge's
 * run, whose report the API stores; the page opened again looks for it (`followRunning`). */
export function keepRunning(sessionId: string, running: Running | null): void {
  try {
    if (running) tabStorage()?.setItem(RUNNING + sessionId, JSON.stringify(running));
    else tabStorage()?.removeItem(RUNNING + sessionId);
  } catch {
    // storage full or disabled
  }
}

/** Forgets `running` once its fate is known, unless the tab has kept another run since (a Run started while a custom
 * input was followed): that one is still out, and the page opened after a reload follows it. */
export function forgetRunning(sessionId: string, running: Running): void {
  try {
    const kept = JSON.parse(tabStorage()?.getItem(RUNNING + sessionId) ?? "null") as Partial<Running> | null;
    if (kept?.mode === running.mode && kept.sentAt === running.sentAt && kept.id === running.id)
      tabStorage()?.removeItem(RUNNING + sessionId);
  } catch {
    // storage disabled, or not JSON: nothing this tab kept
  }
}

/** Statuses only a gateway in front of the API answers after the request may have reached it: 502 (bad gateway),
 * 504 (gateway time-out), Cloudflare's 520 (the origin answered with something it could not read: an empty reply, a
 * connection reset mid-answer, so the request may have been taken) and 524 (the origin took the request and did
 * not answer within its 100 s). Not Cloudflare's 521 to 523, which say the origin was never reached: trying again
 * is the truth there. */
const GATEWAY_LOST = new Set([502, 504, 520, 524]);

/** A 502, 504, 520 or 524 answering a request (a run, the start): a gateway in front of the API (a proxy, a load
 * balancer, a CDN) gave up on it, and it may have been carried out behind it. The API answers none of them itself
 * (api/error_codes.py). */
export function gatewayLost(error: unknown): boolean {
  return error instanceof ApiError && GATEWAY_LOST.has(error.status);
}

/** Whether a run's request failed without the API's answer (the network, a gateway's `gatewayLost`; or the page
 * going: a reload cancels the request, and the page may see it fail before it goes). Its run may still be stored, so
 * the tab keeps it (`keepRunning`) for the page opened next to follow, rather than forgetting it as the page went. */
export function unanswered(error: unknown): boolean {
  return !(error instanceof ApiError) || error.network || gatewayLost(error);
}

/** The run out when this tab last reloaded, once (it is forgotten as it is read); null when none. */
export function takeRunning(sessionId: string): Running | null {
  let kept: unknown;
  try {
    kept = JSON.parse(tabStorage()?.getItem(RUNNING + sessionId) ?? "null");
    tabStorage()?.removeItem(RUNNING + sessionId);
  } catch {
    return null;
  }
  const r = kept as Partial<Running> | null;
  if (!r || (r.mode !== "run" && r.mode !== "submit" && r.mode !== "custom") || typeof r.sentAt !== "number") {
    return null;
  }
  return {
    mode: r.mode,
    sentAt: r.sentAt,
    ...(typeof r.id === "string" && RUN_ID.test(r.id) ? { id: r.id } : {}),
    ...(typeof r.before === "string" ? { before: r.before } : {}),
    ...(typeof r.beforeAt === "string" ? { beforeAt: r.beforeAt } : {}),
  };
}

/** Whether `report` is the run this page gave `id`: known when the report carries the id its page gave it (true or
 * false), undefined when it does not (a run given none, an API replica from before the ids) or `id` is undefined (a
 * run kept by a page from before them): such a report is matched by time. */
export function isRun(report: StoredReport, id: string | undefined): boolean | undefined {
  if (id === undefined || typeof report.client_run_id !== "string") return undefined;
  return report.client_run_id === id;
}

/** Whether `report` is of `mode`'s kind: a Submit's, a Run's, or a custom input's (a Run marked `custom`). */
function ofKind(report: RunReport, mode: RunningMode): boolean {
  return mode === "custom" ? !!report.custom : !report.custom && report.mode === mode;
}

/** The report `running` is waiting for in `latest`, or undefined while it is not stored. The run the page gave
 * `running.id`, when the API found it (`client_run`) or a latest report carries that id; a report carrying another
 * id is another run's (another tab's, stored after this one: before the ids it was taken for this one's). Otherwise,
 * by time: the newest of its kind (a custom input is stored as a Run, marked `custom`, and one is never taken for
 * the other), run by the candidate (the interviewer's run stored a moment after it is never taken for it; one whose
 * `by` is not known, from an API from before it, is matched by time alone), newer than any report shown on the
 * reload (`newestShown`) and stored after it left. */
export function reportOf(
  running: Running,
  latest: LatestResults,
  newestShown: string | undefined,
): RunReport | undefined {
  const exact = latest.client_run;
  if (exact && isRun(exact, running.id) && ofKind(exact, running.mode)) return exact;
  const panes = latestByPane(ownOnly(latest));
  const report = running.mode === "submit" ? panes.submit : running.mode === "custom" ? panes.custom : panes.run;
  if (!report || !!report.custom !== (running.mode === "custom")) return undefined;
  const known = isRun(report, running.id);
  if (known !== undefined) return known ? report : undefined;
  if (running.before !== undefined && report.submission_id === running.before) return undefined;
  if (running.beforeAt !== undefined && report.created_at <= running.beforeAt) return undefined;
  if (newestShown !== undefined && report.created_at <= newestShown) return undefined;
  return Date.parse(report.created_at) >= running.sentAt - LANDED_SLACK_MS ? report : undefined;
}

/** What the workspace lends a follow: the results read, the pane its notes go in, how to show the report, a count
 * that moves when the pane is no longer the follow's (a report shown there, a run started), and whether the interview
 * is over. */
export interface FollowTarget {
  /** The candidate's own latest results (`ApiClient.results` with `own`). */
  read: () => Promise<LatestResults>;
  pane: HTMLElement;
  show: (report: RunReport) => void;
  moved: () => number;
  over: () => boolean;
}

/** How the page lost the run's answer: it reloaded (the request went with the page), or the request failed without
 * the API's answer while the page stayed (a network drop, or a gateway's 502, 504, 520 or 524: `gatewayLost`). */
export type LostBy = "reload" | "network" | "gateway";

/** A run whose answer this page lost, given the results read since (`latest`; none on a network drop): said in its
 * pane (and read out), and its report shown once it is stored (the results read every few seconds, up to the 3
 * minutes a run may take). Before, a reload showed the report before it, and a network drop only "Could not reach the
 * server", and the candidate ran the code again to see the result. Never over a report shown or a run started in
 * that pane since. Stored already (done before that read): shown, and nothing said of it still running. Returns
 * whether it is shown or followed (false: past the time a run may take, or the interview over). */
export function followRunning(
  target: FollowTarget,
  running: Running,
  latest: LatestResults,
  lostBy: LostBy = "reload",
): boolean {
  if (target.over()) return false;
  const done = reportOf(running, latest, undefined);
  if (done) {
    target.show(done);
    return true;
  }
  const left = running.sentAt + RUN_TIMEOUT_MS - serverClock.now();
  if (left <= 0) return false;
  // The candidate's own reports only: the interviewer's run stored after this one left must not make this one old.
  const newestShown = newestReport(ownOnly(latest))?.created_at;
  const what = running.mode === "submit" ? "submission" : running.mode === "custom" ? "custom input" : "Run";
  const again =
    running.mode === "custom" ? "Run it again to see what it returns." : "Run your code again to see its results.";
  const before = target.moved();
  const say = (text: string) => {
    target.pane.prepend(h("p", { class: "muted results-later" }, text));
    announce(text);
  };
  const final = running.mode === "submit" ? " (as your final answer)" : "";
  const lost = {
    reload: `Your ${what} from before the page reloaded is still running; its results show here when it is done.`,
    network: `The connection to the server dropped while your ${what} was out.`,
    gateway: `The server's answer to your ${what} was lost on the way (not a problem with your code).`,
  }[lostBy];
  say(lostBy === "reload" ? lost : `${lost} It may still be running: its results show here${final} when it is done.`);
  const deadline = monotonicNow() + left;
  const tick = async (): Promise<void> => {
    if (target.moved() !== before || target.over()) return;
    const read = await target.read().catch(() => null);
    if (target.moved() !== before || target.over()) return;
    const report = read ? reportOf(running, read, newestShown) : undefined;
    if (report) return target.show(report);
    if (monotonicNow() < deadline) setTimeout(() => void tick(), FOLLOW_RUN_MS);
    else {
      for (const note of target.pane.querySelectorAll(".results-later")) note.remove();
      say(
        lostBy === "reload"
          ? `Your ${what} from before the page reloaded did not finish. ${again}`
          : `No results came back for your ${what}. ${again}`,
      );
    }
  };
  setTimeout(() => void tick(), FOLLOW_RUN_MS);
  return true;
}
