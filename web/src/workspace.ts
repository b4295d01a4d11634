// The coding workspace once the interview has started: the editor and its drafts, Run / Submit / custom input and
// their reports, and what stops it (the final answer in, another tab's newer code, the interview over elsewhere).
import {
  type ApiClient,
  ApiError,
  type DraftList,
  type JoinResponse,
  type Language,
  type LatestResults,
  type Question,
  retryAfterMs,
  type RunReport,
} from "./api";
import { announce } from "./announce";
import { reportMarks } from "./compileerrors";
import { readCustomArgs, renderCustomFields } from "./customfields";
import { confirmAction } from "./dialog";
import { byId, h } from "./dom";
import { DraftSaver } from "./drafts";
import { finalCodeWords } from "./ending";
import { CodeEditor } from "./editor";
import { LANGUAGE_NAMES } from "./languages";
import { LanguageSwitch } from "./languageswitch";
import { readLater, shownOnReload } from "./latestresults";
import { bindOutputTabs, selectOutput } from "./outputtabs";
import { dropLocal, keepLocal } from "./localcopy";
import { runNotice, tooLongToKeep } from "./messages";
import {
  followRunning,
  forgetRunning,
  keepRunning,
  type LostBy,
  type Running,
  type RunningMode,
  takeRunning,
  unanswered,
} from "./pendingrun";
import {
  customOutcome,
  renderConsole,
  renderFailure,
  renderFinalState,
  renderPending,
  renderReport,
  renderStillRunning,
  setParamNames,
} from "./results";
import { loadDrafts, restoreDrafts } from "./restoredrafts";
import { SaveStatus } from "./savestatus";
import { bindSaveTriggers } from "./savetriggers";
import { serverClock } from "./serverclock";
import { SavedCodeFollow, showStaleBanner } from "./staletab";
import { confirmFinalAnswer, landedSubmit, RunHold } from "./submitcheck";
import { bindPreferences } from "./toolbar";

/** How long a Run, Submit or custom input goes unanswered before the page says it is still running. */
export const STILL_RUNNING_MS = 15_000;

export class Workspace {
  readonly editor: CodeEditor;
  private readonly saver: DraftSaver;
  private readonly hold = new RunHold(() => this.setBusy(this.busy));
  /** Ends this workspace's listening to the window and the document (`close`). */
  private readonly listening = new AbortController();
  private readonly drafts = new Map<Language, string>();
  private readonly question: Question;
  private readonly sessionId: string;
  private readonly languages: Language[];
  private readonly languageSwitch: LanguageSwitch;
  private busy = false;
  /** Where the run out shows its report (marked busy for screen readers while it runs). */
  private busyPane: "results" | "custom-output" = "results";
  private ended = false;
  private locked = false; // the final answer is in and the org does not allow resubmission
  private submitted = false;
  /** Another tab or device saved newer code since this tab's was loaded: this tab's code is no longer the newest. */
  private stale = false;
  private readonly following: SavedCodeFollow;
  /** The interview ended elsewhere with code on screen that the server does not hold. */
  private unsavedAtEnd = false;
  private readonly saveStatus = new SaveStatus();
  private slow: ReturnType<typeof setTimeout> | null = null;
  /** Reports shown or runs started, per pane: a reload's results read late, or the report of a run followed across
   * it, never replace a newer one. */
  private readonly shown: Record<"results" | "custom", number> = { results: 0, custom: 0 };
  /** Runs started and reports shown as news (not a reload's, read late), per pane: a run followed there stops at one. */
  private readonly news: Record<"results" | "custom", number> = { results: 0, custom: 0 };
  /** The id of the last stored report shown of each kind (a custom input's apart from a Run's). */
  private readonly lastShown: Partial<Record<RunningMode, string>> = {};
  private readonly allowResubmission: boolean;
  /** Called before code runs (the call pushes the editor to the interviewer first). */
  beforeRun: () => void = () => undefined;

  constructor(
    private readonly api: ApiClient,
    joined: JoinResponse,
    onLanguage: (language: Language) => void = () => undefined,
  ) {
    if (!joined.question) throw new Error("the workspace needs a started session");
    this.question = joined.question;
    this.sessionId = joined.session.id;
    this.languages = joined.session.languages;
    this.allowResubmission = joined.organization.allow_resubmission;
    setParamNames(this.question.signature.params.map((p) => p.name));
    const language = joined.session.language;
    this.editor = new CodeEditor(byId("editor"), this.starter(language), language, () => void this.judge("run"));
    this.saver = new DraftSaver(
      {
        save: (lang, code, base, keepalive) => api.saveDraft(this.sessionId, lang, code, base, keepalive),
        latest: async (lang) => (await api.drafts(this.sessionId)).drafts[lang] ?? null,
      },
      (state, detail, code) => {
        this.saveStatus.show(state, detail, state === "refused" ? this.tooLong() : null);
        if (state === "stopped") this.refused(detail ?? "", code);
        if (state === "conflict") this.superseded();
      },
    );
    this.saver.known(language, this.editor.code);
    this.languageSwitch = new LanguageSwitch(this.editor, this.saver, this.drafts, (l) => this.starter(l), onLanguage);
    this.following = new SavedCodeFollow(
      async () => (await api.drafts(this.sessionId)).drafts[this.editor.currentLanguage]?.code ?? null,
      this.editor,
      () => this.ended || this.locked,
    );
    this.saver.local = {
      keep: (lang, code, base) => keepLocal(this.sessionId, lang, { code, base }),
      drop: (lang) => dropLocal(this.sessionId, lang),
    };
    this.editor.onChange((snapshot) => {
      this.drafts.set(snapshot.language, snapshot.code);
      this.saver.changed(snapshot.language, snapshot.code);
    });
    bindSaveTriggers(this.saver, () => this.unsavedAtEnd, this.listening.signal);
    this.languageSwitch.bind(this.languages);
    byId("run").addEventListener("click", () => void this.judge("run"));
    byId("submit").addEventListener("click", () => void this.confirmSubmit());
    byId("reset-code").addEventListener("click", () => void this.reset());
    bindPreferences(this.editor, () => void this.judge("run"), this.listening.signal);
    bindOutputTabs();
    renderCustomFields(this.question, this.sessionId);
    byId<HTMLFormElement>("custom-form").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.runCustom();
    });
  }

  private starter(language: Language): string {
    return this.question.starter_code[language] ?? "";
  }

  /** Resume the latest server draft of each language and the latest results (a reload, a new tab or device). */
  async resume(): Promise<void> {
    this.editor.setReadOnly(true); // until the server's drafts are in: nothing typed meanwhile is overwritten
    this.saveStatus.loading();
    try {
      await this.resumeFromServer();
    } finally {
      if (!this.ended && !this.locked) this.editor.setReadOnly(false);
      byId("editor").dataset.resumed = "true";
    }
  }

  private async resumeFromServer(): Promise<void> {
    const [drafts, results] = await Promise.allSettled([
      loadDrafts(() => this.api.drafts(this.sessionId), this.saveStatus),
      this.api.results(this.sessionId),
    ]);
    this.saveStatus.loaded();
    if (drafts.status === "fulfilled") {
      const final = drafts.value.submitted && !this.allowResubmission; // no more drafts: nothing to restore
      const { sessionId, languages, saver } = this;
      restoreDrafts(
        { sessionId, languages, saver, current: this.editor.currentLanguage, drafts: this.drafts },
        drafts.value,
        final,
      );
      const current = this.drafts.get(this.editor.currentLanguage);
      if (current !== undefined && current !== this.editor.code) this.editor.setCode(current);
      if (drafts.value.submitted) this.markSubmitted();
    }
    const running = takeRunning(this.sessionId);
    const customBefore = this.shown.custom;
    if (results.status === "fulfilled") this.showLatest(results.value);
    else
      readLater(
        {
          read: () => this.api.results(this.sessionId),
          // Never over a custom input run in its pane since.
          show: (latest) => this.showLatest(latest, this.shown.custom === customBefore),
          shown: () => this.shown.results, // the pane it writes in: a custom input's report does not stop it
          say: (text) => byId("results").replaceChildren(h("p", { class: "muted results-later" }, text)),
          over: () => this.ended || this.locked,
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
      read: () => this.api.results(this.sessionId),
      pane: byId(custom ? "custom-output" : "results"),
      show: (report: RunReport) => {
        forgetRunning(this.sessionId, running); // found: a reload has nothing left to follow of it
        this.show(report);
        if (running.mode === "submit") this.markSubmitted();
      },
      moved: () => this.news[custom ? "custom" : "results"],
      over: () => this.ended,
    };
    return followRunning(target, running, latest, lostBy);
  }

  /** A run refused or failed: why (`failed`). One sent while the browser was online whose request got no answer
   * (not the page's own 3-minute bound: the run's time is spent then) may still be stored, so it is followed as
   * after a reload; one sent while the browser knew it was offline never left, and "try again" is the truth. */
  private lost(running: Running, pane: HTMLElement, error: unknown, sentOnline: boolean): void {
    if (sentOnline && error instanceof ApiError && error.code === "network_error") {
      pane.replaceChildren(); // "Running…" goes: the follow says what is known
      if (this.followRunning(running, { run: null, submit: null }, "network")) return;
    }
    this.failed(pane, error);
  }

  /** The latest reports after a reload, each in its pane (`shownOnReload`). Quietly: shown again, not news. */
  private showLatest(results: LatestResults, customToo = true): void {
    for (const report of shownOnReload(results, customToo)) this.show(report, "you", { quiet: true });
  }

  get language(): Language {
    return this.editor.currentLanguage;
  }

  get code(): string {
    return this.editor.code;
  }

  /** The code End interview hands in as final: the editor's, or none (null) when another tab has saved newer code
   * since, so the server keeps the newest saved draft rather than this tab's older code. */
  get finalCode(): string | null {
    // Code longer than the API keeps would have End refused on every try: the newest saved draft is final instead.
    return this.stale || this.tooLong() ? null : this.editor.code;
  }

  /** What End interview's confirmation says of the code it keeps (web/src/ending.ts): true of this tab as it is now. */
  get finalWords(): string {
    return finalCodeWords({
      answered: this.locked,
      stale: this.stale,
      tooLong: this.tooLong() !== null,
      language: this.languages.length > 1 ? LANGUAGE_NAMES[this.editor.currentLanguage] : null,
    });
  }

  /** What to say when the editor's code is longer than the API keeps or runs; null when it is not. */
  private tooLong(): string | null {
    return tooLongToKeep(this.editor.code);
  }

  async flush(): Promise<void> {
    await this.saver.flush();
  }

  /** Before End interview hands in this tab's code: its unsaved code saved, then whether another tab or device has
   * saved newer code in its language since. Only a save of this tab is refused for that, so a tab that had not saved
   * since another did handed in its older code as the final code, over the newer work. Such a tab is superseded
   * as a refused save makes it (End hands in none: the code saved last is final), and one whose final answer was
   * submitted elsewhere is locked. Not reached (no network, a busy server), or its save failed: End goes on with
   * this tab's code. */
  async beforeEnd(): Promise<void> {
    await this.saver.flush();
    // A save that did not go through (no network, a failing server): the read would fail too, after its bound.
    if (this.stale || this.ended || this.locked || this.saver.unsaved) return;
    let list: DraftList;
    try {
      list = await this.api.drafts(this.sessionId);
    } catch {
      return;
    }
    if (this.stale || this.ended || this.locked) return;
    if (list.submitted && !this.allowResubmission) return this.markSubmitted();
    const language = this.editor.currentLanguage;
    const draft = list.drafts[language];
    const known = this.saver.revisionOf(language) ?? 0;
    if (draft && draft.revision > known && draft.code !== this.editor.code) this.superseded();
  }

  /** Each language keeps its own draft: save this one, then open the other's draft or its starter. Switches follow
   * one another in the order chosen; a Run, Submit or custom input pressed meanwhile waits for them. */
  switchLanguage(language: Language): Promise<void> {
    return this.languageSwitch.to(language);
  }

  private async reset(): Promise<void> {
    const ok = await confirmAction({
      title: "Reset to the starter code?",
      detail: `Your ${LANGUAGE_NAMES[this.language]} code is replaced by the starter code. This cannot be undone.`,
      confirm: "Reset",
    });
    if (ok) this.editor.setCode(this.starter(this.language));
  }

  private async confirmSubmit(): Promise<void> {
    if (this.busy || this.ended) return;
    if (await confirmFinalAnswer(this.allowResubmission)) await this.judge("submit");
  }

  async judge(mode: "run" | "submit"): Promise<void> {
    if (this.busy || this.hold.held || this.ended || this.stale || (this.submitted && !this.allowResubmission)) return;
    const results = byId("results");
    this.busyPane = "results";
    this.setBusy(true);
    // The run carries the language and code it was started with: a switch made while it waits for the judge changes
    // neither (one read after the save below had one language's name on the other's code).
    const { language, code } = await this.languageSwitch.chosenCode();
    const tooLong = this.tooLong();
    if (tooLong || this.ended || this.stale) {
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
    this.beforeRun();
    await this.saver.flush();
    const sentAt = serverClock.now();
    const running: Running = { mode, sentAt, before: this.lastShown[mode] };
    keepRunning(this.sessionId, running); // a reload follows it
    const sentOnline = navigator.onLine;
    let fate: "known" | "unknown" = "known";
    try {
      const report =
        mode === "run"
          ? await this.api.run(this.sessionId, language, code)
          : await this.api.submit(this.sessionId, language, code);
      this.show(report);
      if (mode === "submit") this.markSubmitted();
    } catch (error) {
      const landed =
        mode === "submit" ? await landedSubmit(this.api, this.sessionId, error, sentAt, running.before) : null;
      if (landed) this.show(landed);
      if (landed) this.markSubmitted();
      else this.lost(running, results, error, sentOnline);
      if (!landed && unanswered(error)) fate = "unknown";
    } finally {
      if (fate === "known") forgetRunning(this.sessionId, running);
      this.setBusy(false);
    }
  }

  /** A report from the candidate or the interviewer: results, console, and compile errors in the gutter. */
  show(report: RunReport, by: "you" | "interviewer" = "you", opts: { quiet?: boolean } = {}): void {
    const container = byId(report.custom ? "custom-output" : "results");
    this.shown[report.custom ? "custom" : "results"] += 1; // its notes go with the pane's content
    if (!opts.quiet) this.news[report.custom ? "custom" : "results"] += 1;
    if (report.submission_id) this.lastShown[report.custom ? "custom" : report.mode] = report.submission_id;
    renderReport(container, report, by);
    renderConsole(byId("console"), report);
    // Its compile errors mark the editor's lines only when the editor shows the language it ran (the candidate may
    // have switched while it ran): marks on another language's code would point at the wrong lines.
    const sameLanguage = !report.language || report.language === this.editor.currentLanguage;
    this.editor.mark(sameLanguage ? reportMarks(report) : []);
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

  private setBusy(busy: boolean): void {
    if (busy && !this.busy) this.slow = setTimeout(() => this.stillRunning(), STILL_RUNNING_MS);
    if (!busy && this.slow !== null) clearTimeout(this.slow);
    if (!busy) this.slow = null;
    this.busy = busy;
    const locked = busy || this.ended || this.stale || (this.submitted && !this.allowResubmission);
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

  private markSubmitted(): void {
    this.submitted = true;
    renderFinalState(byId("final-state"), this.allowResubmission);
    if (!this.allowResubmission) {
      this.locked = true;
      this.editor.setReadOnly(true);
      this.saver.stop();
    }
    this.setBusy(false);
  }

  /** A save was refused for good: the final answer is in (another tab's Submit), or the interview is over for the
   * server (its time and grace spent, ended elsewhere, the link no longer valid). Typing on would be into nothing,
   * so the editor stops and says why; what was saved before is what counts. */
  private refused(message: string, code: string | undefined): void {
    if (this.ended || this.locked) return;
    if (code === "already_submitted") {
      this.markSubmitted();
      return;
    }
    // The code whose save was refused is not on the server: it stays in the editor, and the banner says so.
    this.over(code === "session_time_up" ? "The interview's time is up." : message || "The interview has ended.", true);
  }

  /** Called once the interview is over for the server (a refused save, or the session watch): the page stops what
   * else still runs for it (the call, the clock, End interview). */
  onOver: () => void = () => undefined;

  /** The interview is over for the server (`why`: cancelled, ended elsewhere, its time and grace spent), learnt by a
   * refused save or by the session watch while the page sat idle. The editor stops and says so; its code stays on
   * screen, read-only, so what was typed and not saved yet can still be read and copied. */
  over(why: string, unsaved = this.saver.unsaved): void {
    if (this.ended) return;
    this.end();
    this.unsavedAtEnd = unsaved;
    this.saveStatus.stopped();
    const banner = byId("ended-banner");
    banner.textContent =
      `${why} Your code can no longer be changed; the code saved until now is kept.` +
      (unsaved ? " Changes not saved yet stay in the editor to read and copy." : "");
    announce(banner.textContent);
    this.onOver();
  }

  /** Another tab or device saved newer code since this tab's was loaded (409 `draft_conflict`): this tab stops
   * saving, so keystrokes typed on would go nowhere (and a reload would drop them without asking), and a Run or a
   * Submit would run or hand in code older than the candidate's newest. The editor stops with them, and says how
   * to carry on: a reload resumes the newest code. */
  private superseded(): void {
    if (this.ended || this.locked || this.stale) return;
    this.stale = true;
    this.editor.setReadOnly(true);
    this.setBusy(false);
    showStaleBanner();
    this.following.start(); // the read-only editor shows the newest code saved (the interviewer may read it here)
  }

  /** This workspace stops listening to the window and the document (its keys, the page's visibility and network,
   * the colour scheme): for a page that replaces its workspace, and for tests, whose document outlives each of
   * theirs (a Ctrl+Enter taken by a workspace left over from another test file never reached the next one's). */
  close(): void {
    this.listening.abort();
  }

  /** The interview is over: nothing more to edit or run. */
  end(): void {
    this.ended = true;
    this.following.stop();
    this.editor.setReadOnly(true);
    this.saver.stop();
    byId("ended-banner").hidden = false;
    this.setBusy(false);
  }

  private async runCustom(): Promise<void> {
    if (this.busy || this.hold.held || this.ended || this.stale) return;
    const args = readCustomArgs(this.question.signature.params);
    if (!args) return;
    this.busyPane = "custom-output";
    this.setBusy(true);
    const { language, code } = await this.languageSwitch.chosenCode(); // as a Run: the language chosen, with its own code
    const tooLong = this.tooLong();
    if (tooLong) {
      byId("custom-error").textContent = tooLong;
      announce(tooLong);
    }
    if (tooLong || this.ended || this.stale) return this.setBusy(false);
    this.beforeRun();
    const output = byId("custom-output");
    output.replaceChildren(h("p", { class: "report-pending" }, "Running your function…"));
    this.shown.custom += 1; // the pane is this run's now
    this.news.custom += 1;
    const running: Running = { mode: "custom", sentAt: serverClock.now(), before: this.lastShown.custom };
    keepRunning(this.sessionId, running); // a reload follows it
    const sentOnline = navigator.onLine;
    let fate: "known" | "unknown" = "known";
    try {
      this.show(await this.api.customRun(this.sessionId, language, code, [args]));
    } catch (err) {
      this.lost(running, output, err, sentOnline);
      if (unanswered(err)) fate = "unknown";
    } finally {
      if (fate === "known") forgetRunning(this.sessionId, running);
      this.setBusy(false);
    }
  }
}
