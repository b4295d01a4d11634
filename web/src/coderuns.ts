// Run, Submit and custom input in the workspace: the code the language switch chose sent to the judge, the buttons and
// panes busy meanwhile, each report in its pane, a run whose answer was lost followed to its report, and the latest
// reports shown again on a reload.
import { type ApiClient, ApiError, type LatestResults, type Question, retryAfterMs, type RunReport } from "./api";
import { announce } from "./announce";
import { reportMarks } from "./compileerrors";
import { readCustomArgs, renderCustomFields } from "./customfields";
import { byId, h } from "./dom";
import type { DraftSaver } from "./drafts";
import type { CodeEditor } from "./editor";
import type { LanguageSwitch } from "./languageswitch";
import { interviewers, readLater, shownOnReload } from "./latestresults";
import { runNotice, tooLongToKeep } from "./messages";
import { bindOutputTabs, selectOutput } from "./outputtabs";
import {
  followRunning,
  forgetRunning,
  gatewayLost,
  keepRunning,
  type LostBy,
  newRunId,
  type Running,
  type RunningMode,
  takeRunning,
  unanswered,
} from "./pendingrun";
import {
  customOutcome,
  renderConsole,
  renderFailure,
  renderPending,
  renderReport,
  renderStillRunning,
  setParamNames,
} from "./results";
import { serverClock } from "./serverclock";
import { confirmFinalAnswer, landedSubmit, RunHold } from "./submitcheck";

/** How long a Run, Submit or custom input goes unanswered before the page says it is still running. */
export const STILL_RUNNING_MS = 15_000;

/** Where the interview stands for the workspace; the workspace writes it, the runs read it. */
export interface WorkspaceState {
  ended: boolean;
  /** The final answer is in and the organisation does not allow resubmission. */
  locked: boolean;
  submitted: boolean;
  /** Another tab or device saved newer code since this tab's was loaded: this tab's code is no longer the newest. */
  stale: boolean;
}

/** What the runs use of the workspace they run in. */
export interface RunsHost {
  api: ApiClient;
  sessionId: string;
  question: Question;
  allowResubmission: boolean;
  editor: CodeEditor;
  languageSwitch: LanguageSwitch;
  saver: DraftSaver;
  state: WorkspaceState;
  /** The final answer is in: its report shown, or found stored. */
  markSubmitted(): void;
  /** Called before code runs (the call pushes the editor to the interviewer first). */
  beforeRun(): void;
}

export class CodeRuns {
  private readonly hold = new RunHold(() => this.setBusy(this.busy));
  private busy = false;
  /** Where the run out shows its report (marked busy for screen readers while it runs). */
  private busyPane: "results" | "custom-output" = "results";
  private slow: ReturnType<typeof setTimeout> | null = null;
  /** Reports shown or runs started, per pane: a reload's results read late, or the report of a run followed across
   * it, never replace a newer one. */
  private readonly shown: Record<"results" | "custom", number> = { results: 0, custom: 0 };
  /** Runs started and reports shown as news (not a reload's, read late), per pane: a run followed there stops at one. */
  private readonly news: Record<"results" | "custom", number> = { results: 0, custom: 0 };
  /** The id of the last stored report shown of each kind (a custom input's apart from a Run's). */
  private readonly lastShown: Partial<Record<RunningMode, string>> = {};
  /** When the newest report of each kind shown was stored, known for those read back from the results
   * (`Running.beforeAt`). */
  private readonly lastShownAt: Partial<Record<RunningMode, string>> = {};

  constructor(private readonly host: RunsHost) {
    setParamNames(host.question.signature.params.map((p) => p.name));
  }

  /** Binds Run, Submit, the output tabs and the custom input's form. */
  bind(): void {
    byId("run").addEventListener("click", () => void this.judge("run"));
    byId("submit").addEventListener("click", () => void this.confirmSubmit());
    bindOutputTabs();
    renderCustomFields(this.host.question, this.host.sessionId);
    byId<HTMLFormElement>("custom-form").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.runCustom();
    });
  }

  /** What to say when the editor's code is longer than the API keeps or runs; null when it is not. */
  tooLong(): string | null {
    return tooLongToKeep(this.host.editor.code);
  }

  /** The latest results read on a reload (`results`), each in its pane, and a run that was out at the reload
   * followed to its report. Called once the drafts are restored. */
  resumed(results: PromiseSettledResult<LatestResults>): void {
    const { api, sessionId, state } = this.host;
    const running = takeRunning(sessionId);
    const customBefore = this.shown.custom;
    if (results.status === "fulfilled") this.showLatest(results.value);
    else
      readLater(
        {
          read: () => api.results(sessionId),
          // Never over a custom input run in its pane since.
          show: (latest) => this.showLatest(latest, this.shown.custom === customBefore),
          shown: () => this.shown.results, // the pane it writes in: a custom input's report does not stop it
          say: (text) => byId("results").replaceChildren(h("p", { class: "muted results-later" }, text)),
          over: () => state.ended || state.locked,
        },
        results.reason,
      );
    // A run out at the reload is followed even when the results could not be read yet (a failing network): none
    // known then, so the first report of its kind stored after it left is its.
    const read = results.status === "fulfilled" ? results.value : { run: null, submit: null };
    if (running) this.followRunning(running, read);
  }

  /** A Run, Submit or custom input whose answer this tab lost (it reloaded, or the network dropped while it was out),
   * followed to its report in its own pane (web/src/pendingrun.ts); a custom input's pane is brought forward, as it
   * was when the candidate pressed it. Returns whether it is followed (or its report shown). */
  private followRunning(running: Running, latest: LatestResults, lostBy: LostBy = "reload"): boolean {
    const custom = running.mode === "custom";
    if (custom) selectOutput("custom");
    const target = {
      read: () => this.host.api.results(this.host.sessionId, true, running.id),
      pane: byId(custom ? "custom-output" : "results"),
      show: (report: RunReport) => {
        forgetRunning(this.host.sessionId, running); // found: a reload has nothing left to follow of it
        this.show(report);
        if (running.mode === "submit") this.host.markSubmitted();
      },
      moved: () => this.news[custom ? "custom" : "results"],
      over: () => this.host.state.ended,
    };
    return followRunning(target, running, latest, lostBy);
  }

  /** A run refused or failed: why (`failed`). One sent while the browser was online whose request got no answer
   * (not the page's own 3-minute bound: the run's time is spent then), or answered by a gateway in front of the API
   * (`gatewayLost`: 502, 504, 520 or 524), may still be stored, so it is followed as after a reload; one sent while the
   * browser knew it was offline never left, and "try again" is the truth. */
  private lost(running: Running, pane: HTMLElement, error: unknown, sentOnline: boolean): void {
    const dropped = sentOnline && error instanceof ApiError && error.code === "network_error";
    if (dropped || gatewayLost(error)) {
      pane.replaceChildren(); // "Running…" goes: the follow says what is known
      if (this.followRunning(running, { run: null, submit: null }, dropped ? "network" : "gateway")) return;
    }
    this.failed(pane, error);
  }

  /** The latest reports after a reload, each in its pane (`shownOnReload`), the interviewer's labelled as theirs.
   * Quietly: shown again, not news. */
  private showLatest(results: LatestResults, customToo = true): void {
    for (const report of shownOnReload(results, customToo))
      this.show(report, interviewers(report) ? "interviewer" : "you", { quiet: true });
  }

  private async confirmSubmit(): Promise<void> {
    if (this.busy || this.host.state.ended) return;
    if (await confirmFinalAnswer(this.host.allowResubmission)) await this.judge("submit");
  }

  async judge(mode: "run" | "submit"): Promise<void> {
    const { api, sessionId, state, allowResubmission } = this.host;
    if (this.busy || this.hold.held || state.ended || state.stale || (state.submitted && !allowResubmission)) return;
    const results = byId("results");
    this.busyPane = "results";
    this.setBusy(true);
    // The run carries the language and code it was started with: a switch made while it waits for the judge changes
    // neither (one read after the save below had one language's name on the other's code).
    const { language, code } = await this.host.languageSwitch.chosenCode();
    const tooLong = this.tooLong();
    if (tooLong || state.ended || state.stale) {
      if (tooLong) {
        selectOutput("results");
        renderFailure(results, tooLong); // sending it would only be refused
        this.shown.results += 1;
        this.news.results += 1;
      }
      this.setBusy(false);
      return;
    }
    renderPending(results, mode);
    this.shown.results += 1; // the pane is this run's now
    this.news.results += 1;
    selectOutput("results");
    this.host.beforeRun();
    await this.host.saver.flush();
    const sentAt = serverClock.now();
    const id = newRunId(); // stored with the run: a follow finds exactly this one, never another tab's
    const running: Running = { mode, sentAt, id, before: this.lastShown[mode], beforeAt: this.lastShownAt[mode] };
    keepRunning(sessionId, running); // a reload follows it
    const sentOnline = navigator.onLine;
    let fate: "known" | "unknown" = "known";
    try {
      const report =
        mode === "run" ? await api.run(sessionId, language, code, id) : await api.submit(sessionId, language, code, id);
      this.show(report);
      if (mode === "submit") this.host.markSubmitted();
    } catch (error) {
      const landed =
        mode === "submit"
          ? await landedSubmit(api, sessionId, error, sentAt, running.before, running.beforeAt, id)
          : null;
      if (landed) this.show(landed);
      if (landed) this.host.markSubmitted();
      else this.lost(running, results, error, sentOnline);
      if (!landed && unanswered(error)) fate = "unknown";
    } finally {
      if (fate === "known") forgetRunning(sessionId, running);
      this.setBusy(false);
    }
  }

  /** A report from the candidate or the interviewer: results, console, and compile errors in the gutter. */
  show(report: RunReport, by: "you" | "interviewer" = "you", opts: { quiet?: boolean } = {}): void {
    const container = byId(report.custom ? "custom-output" : "results");
    this.shown[report.custom ? "custom" : "results"] += 1; // its notes go with the pane's content
    if (!opts.quiet) this.news[report.custom ? "custom" : "results"] += 1;
    const kind = report.custom ? "custom" : report.mode;
    if (report.submission_id) this.lastShown[kind] = report.submission_id;
    const storedAt = (report as { created_at?: string }).created_at; // read back from the results, not a run's answer
    if (storedAt !== undefined && storedAt > (this.lastShownAt[kind] ?? "")) this.lastShownAt[kind] = storedAt;
    renderReport(container, report, by);
    renderConsole(byId("console"), report);
    // Its compile errors mark the editor's lines only when the editor shows the language it ran (the candidate may
    // have switched while it ran): marks on another language's code would point at the wrong lines.
    const editor = this.host.editor;
    const sameLanguage = !report.language || report.language === editor.currentLanguage;
    editor.mark(sameLanguage ? reportMarks(report) : []);
    // Its one-line summary is read out (the interviewer's runs are, by the event feed); the tests and what they
    // printed stay in the pane to read.
    const line = report.custom ? customOutcome(report) : container.querySelector(".report-summary")?.textContent;
    if (line && by === "you" && !opts.quiet) announce(line);
  }

  /** A Run, Submit or custom input refused: why, and a busy server's wait is waited out (`RunHold`). */
  private failed(pane: HTMLElement, error: unknown): void {
    renderFailure(pane, runNotice(error));
    this.hold.hold(retryAfterMs(error));
  }

  /** The buttons and panes for `busy`, and for where the interview stands (the workspace calls it when that
   * changes: the final answer in, another tab's newer code, the interview over). */
  setBusy(busy: boolean): void {
    if (busy && !this.busy) this.slow = setTimeout(() => this.stillRunning(), STILL_RUNNING_MS);
    if (!busy && this.slow !== null) clearTimeout(this.slow);
    if (!busy) this.slow = null;
    this.busy = busy;
    const { state, allowResubmission } = this.host;
    const locked = busy || state.ended || state.stale || (state.submitted && !allowResubmission);
    for (const id of ["run", "submit", "custom-run"]) byId<HTMLButtonElement>(id).disabled = locked || this.hold.held;
    byId<HTMLButtonElement>("reset-code").disabled = locked; // a busy judge's wait holds nothing local
    for (const pane of ["results", "custom-output"])
      byId(pane).toggleAttribute("aria-busy", busy && pane === this.busyPane);
  }

  /** A run still unanswered after a while: said where its report will show, and read out (`renderStillRunning`). */
  private stillRunning(): void {
    this.slow = null;
    if (this.busy) announce(renderStillRunning());
  }

  private async runCustom(): Promise<void> {
    const { api, sessionId, state } = this.host;
    if (this.busy || this.hold.held || state.ended || state.stale) return;
    const args = readCustomArgs(this.host.question.signature.params);
    if (!args) return;
    this.busyPane = "custom-output";
    this.setBusy(true);
    // As a Run: the language chosen, with its own code.
    const { language, code } = await this.host.languageSwitch.chosenCode();
    const tooLong = this.tooLong();
    if (tooLong) {
      byId("custom-error").textContent = tooLong;
      announce(tooLong);
    }
    if (tooLong || state.ended || state.stale) return this.setBusy(false);
    this.host.beforeRun();
    const output = byId("custom-output");
    output.replaceChildren(h("p", { class: "report-pending" }, "Running your function…"));
    this.shown.custom += 1; // the pane is this run's now
    this.news.custom += 1;
    const id = newRunId();
    const running: Running = { mode: "custom", sentAt: serverClock.now(), id, before: this.lastShown.custom };
    keepRunning(sessionId, running); // a reload follows it
    const sentOnline = navigator.onLine;
    let fate: "known" | "unknown" = "known";
    try {
      this.show(await api.customRun(sessionId, language, code, [args], id));
    } catch (err) {
      this.lost(running, output, err, sentOnline);
      if (unanswered(err)) fate = "unknown";
    } finally {
      if (fate === "known") forgetRunning(sessionId, running);
      this.setBusy(false);
    }
  }
}
