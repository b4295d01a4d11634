// The coding workspace once the interview has started: the editor with its server drafts (one per language),
// Run / Submit / custom input, the results and console panes, reset to starter, font size and theme, and the
// final state after the answer is submitted.
import {
  type ApiClient,
  codeLength,
  type DraftList,
  type JoinResponse,
  type Language,
  type LatestResults,
  MAX_CODE_CHARS,
  type Question,
  RUN_TIMEOUT_MS,
  retryAfterMs,
  type RunReport,
} from "./api";
import { announce } from "./announce";
import { reportMarks } from "./compileerrors";
import { exampleArgs, loadCustomArgs, saveCustomArgs, typeExample } from "./customargs";
import { confirmAction } from "./dialog";
import { byId, h } from "./dom";
import { DraftSaver, type SaveState, saveText } from "./drafts";
import { finalCodeWords } from "./ending";
import { CodeEditor } from "./editor";
import { LANGUAGE_NAMES } from "./languages";
import { keepRunning, newestReport, readLater, type Running, takeRunning } from "./latestresults";
import { bindOutputTabs, selectOutput } from "./outputtabs";
import { onLeave } from "./leaving";
import { dropLocal, keepLocal, readLocal, sweepLocal } from "./localcopy";
import { codeTooLong, runNotice } from "./messages";
import { chooseTheme, effectiveTheme, loadFontSize, saveFontSize, type Theme } from "./prefs";
import { renderConsole, renderFailure, renderPending, renderReport, setParamNames } from "./results";
import { monotonicNow } from "./monotonic";
import { serverClock } from "./serverclock";
import { landedSubmit, RunHold } from "./submitcheck";

/** Save states a candidate is told of wherever they are: the code is not on the server (`web/src/drafts.ts`). */
const SAVE_PROBLEMS: ReadonlySet<SaveState> = new Set<SaveState>(["retrying", "refused"]); // conflict: its banner

/** Waits between attempts to load the saved drafts after a reload on a failing network. */
const DRAFT_RETRY_MS = [1000, 2000, 4000, 10_000];
/** How often a tab another tab has superseded reads the newest saved code again. */
export const STALE_FOLLOW_MS = 3000;
/** How often a page reloaded while a Run or Submit was out reads the results, looking for its report. */
export const FOLLOW_RUN_MS = 5000;
/** A report stored this long before its request left (by the page's estimate of the server's clock) is still its. */
const LANDED_SLACK_MS = 5000;
/** How long a Run, Submit or custom input goes unanswered before the page says it is still running. */
export const STILL_RUNNING_MS = 15_000;

/** Whether Ctrl+Enter (Cmd+Enter) pressed on `target` runs the code. Not while a dialog is open (the page behind it is
 * inert: a Run started under "Submit your final answer?" left the Submit confirmed next dropped as one in progress,
 * and one under the accommodation request ran code the candidate never asked to), nor in a field whose Enter is its
 * own (the message to the interviewer, custom input). The editor runs by its own keymap (web/src/editor.ts), first. */
export function runsOnCtrlEnter(target: EventTarget | null): boolean {
  if (document.querySelector("dialog[open]")) return false;
  return !(target instanceof Element && target.closest("dialog, input, textarea, select"));
}

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
  private busy = false;
  /** A language switch under way (its draft being saved first), or null. */
  private switching: Promise<void> | null = null;
  private ended = false;
  private locked = false; // the final answer is in and the org does not allow resubmission
  private submitted = false;
  /** Another tab or device saved newer code since this tab's was loaded: this tab's code is no longer the newest. */
  private stale = false;
  private following: ReturnType<typeof setTimeout> | null = null;
  /** The interview ended elsewhere with code on screen that the server does not hold. */
  private unsavedAtEnd = false;
  private saveProblem: SaveState | null = null; // what the candidate was last told of the autosave going wrong
  private slow: ReturnType<typeof setTimeout> | null = null;
  private shown = 0; // reports shown or runs started: a reload's results read late never replace a newer one
  private readonly allowResubmission: boolean;
  /** Called before code runs (the call pushes the editor to the interviewer first). */
  beforeRun: () => void = () => undefined;

  constructor(
    private readonly api: ApiClient,
    joined: JoinResponse,
    private readonly onLanguage: (language: Language) => void = () => undefined,
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
        byId("save-status").textContent =
          state === "stopped" && detail
            ? ""
            : state === "retrying" && detail
              ? detail // how long the autosave waits before it tries again
              : state === "refused" && this.tooLong()
                ? `Not saved. ${this.tooLong()}`
                : state === "refused" && detail
                  ? `Not saved: ${detail}. Change the code and it is saved again.`
                  : saveText(state);
        byId("save-status").dataset.state = state;
        // Read out from the page's one live region (the pane has none): a save going wrong, once as it starts (not
        // each second of its countdown), and its recovery; never the "Saving…", "Saved" of every pause in typing.
        if (SAVE_PROBLEMS.has(state)) {
          if (state !== this.saveProblem) announce(byId("save-status").textContent ?? "");
          this.saveProblem = state;
        } else if (state === "saved" && this.saveProblem !== null) {
          this.saveProblem = null;
          announce("Your code is saved again.");
        }
        if (state === "stopped") this.refused(detail ?? "", code);
        if (state === "conflict") this.superseded();
      },
    );
    this.saver.known(language, this.editor.code);
    this.saver.local = {
      keep: (lang, code, base) => keepLocal(this.sessionId, lang, { code, base }),
      drop: (lang) => dropLocal(this.sessionId, lang),
    };
    this.editor.onChange((snapshot) => {
      this.drafts.set(snapshot.language, snapshot.code);
      this.saver.changed(snapshot.language, snapshot.code);
    });
    const listening = { signal: this.listening.signal };
    window.addEventListener(
      "beforeunload",
      (e) => {
        // A reload or close now would lose what a failing save still holds, or, once the interview ended elsewhere,
        // the unsaved code left on screen to copy (a reload shows the notice, not the editor).
        if (this.saver.unsaved || this.unsavedAtEnd) e.preventDefault();
      },
      listening,
    );
    // Confirmed (or never asked: mobile browsers skip the prompt), the page goes: the last keystrokes go with a
    // request that outlives it. A page only hidden (another tab, a phone's app switcher) saves as usual now.
    // After the integrity observations (web/src/leaving.ts): a draft that does not fit in what is left of the
    // page's 64 KiB for such requests is not sent, and the page opened again restores it from the browser's storage.
    onLeave("bulk", () => this.saver.leaving());
    window.addEventListener("pageshow", () => this.saver.shown(), listening);
    // The network is back: save now, not after a backoff.
    window.addEventListener("online", () => this.saver.online(), listening);
    document.addEventListener(
      "visibilitychange",
      () => {
        if (document.visibilityState === "hidden") this.saver.hidden(); // not as the page goes: see DraftSaver.hidden
      },
      listening,
    );
    this.bindToolbar(joined.session.languages);
    bindOutputTabs();
    this.bindCustomInput();
    this.applyTheme(effectiveTheme());
    this.applyFontSize(loadFontSize());
    byId("editor-language").textContent = LANGUAGE_NAMES[language];
  }

  private starter(language: Language): string {
    return this.question.starter_code[language] ?? "";
  }

  /** Resume the latest server draft of each language and the latest results (a reload, a new tab or device). */
  async resume(): Promise<void> {
    this.editor.setReadOnly(true); // until the server's drafts are in: nothing typed meanwhile is overwritten
    try {
      await this.resumeFromServer();
    } finally {
      if (!this.ended && !this.locked) this.editor.setReadOnly(false);
      byId("editor").dataset.resumed = "true";
    }
  }

  /** The saved drafts, asked again while the network or the server fails: handing out the starter instead would let
   * the first keystroke save it over the candidate's work (a save whose revision is not known replaces the draft). */
  private async loadDrafts(): Promise<DraftList> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.api.drafts(this.sessionId);
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0;
        if (status !== 0 && status !== 429 && status < 500) throw error; // refused: saves will be refused too
        byId("save-status").textContent = "Could not load your saved code; retrying…";
        byId("save-status").dataset.state = "retrying";
        await new Promise((resolve) => window.setTimeout(resolve, DRAFT_RETRY_MS[Math.min(attempt, 3)]));
      }
    }
  }

  private async resumeFromServer(): Promise<void> {
    const [drafts, results] = await Promise.allSettled([this.loadDrafts(), this.api.results(this.sessionId)]);
    if (byId("save-status").dataset.state === "retrying") {
      byId("save-status").textContent = "";
      delete byId("save-status").dataset.state;
    }
    if (drafts.status === "fulfilled") {
      const final = drafts.value.submitted && !this.allowResubmission; // no more drafts: nothing to restore
      const restored: Language[] = [];
      sweepLocal(); // copies too old to give back, this interview's or an earlier one's
      for (const language of this.languages) {
        const draft = drafts.value.drafts[language];
        if (!draft) {
          this.saver.revisionIs(language, 0); // no draft yet: a first save must not replace another tab's
        } else {
          this.drafts.set(language, draft.code);
          this.saver.known(language, draft.code, draft.revision);
        }
        // Code this browser had not saved when the page last went (reloaded or closed; saves failing, or a draft too
        // large to send as it went): newer than the server's draft while that is still the one it was edited from;
        // otherwise another tab or device saved since, and the newest saved code wins as in any conflict.
        const local = readLocal(this.sessionId, language);
        if (!local) continue;
        if (final || local.base !== (draft?.revision ?? 0) || local.code === draft?.code) {
          dropLocal(this.sessionId, language);
          continue;
        }
        this.drafts.set(language, local.code);
        this.saver.restored(language, local.code);
        restored.push(language);
      }
      for (const language of restored) {
        if (language !== this.editor.currentLanguage) this.saver.changed(language, this.drafts.get(language) ?? "");
      }
      if (restored.length > 0)
        announce("Code not saved before the page last closed or reloaded was restored; saving it now.");
      const current = this.drafts.get(this.editor.currentLanguage);
      if (current !== undefined && current !== this.editor.code) this.editor.setCode(current);
      if (drafts.value.submitted) this.markSubmitted();
    }
    const running = takeRunning(this.sessionId);
    if (results.status === "fulfilled") {
      this.showLatest(results.value);
      if (running) this.followRunning(running, newestReport(results.value)?.created_at);
    } else
      readLater(
        {
          read: () => this.api.results(this.sessionId),
          show: (latest) => this.showLatest(latest),
          shown: () => this.shown,
          say: (text) => byId("results").replaceChildren(h("p", { class: "muted results-later" }, text)),
          over: () => this.ended || this.locked,
        },
        results.reason,
      );
  }

  /** A Run or Submit that was out when this tab reloaded: the reload cancelled the request, not the run, whose
   * report the API stores when the judge is done. Said in the pane, and its report shown once it is stored (the
   * results read every few seconds, up to the 3 minutes a Run may take). Before, the page showed the report before
   * it, and the candidate ran the code again to see the result. Never over a report shown or a run started since. */
  private followRunning(running: Running, newestShown: string | undefined): void {
    const left = running.sentAt + RUN_TIMEOUT_MS - serverClock.now();
    if (left <= 0 || this.ended) return;
    const what = running.mode === "submit" ? "submission" : "Run";
    const shownBefore = this.shown;
    const say = (text: string) => byId("results").prepend(h("p", { class: "muted results-later" }, text));
    say(`Your ${what} from before the page reloaded is still running; its results show here when it is done.`);
    const deadline = monotonicNow() + left;
    const tick = async (): Promise<void> => {
      if (this.shown !== shownBefore || this.ended) return;
      const latest = await this.api.results(this.sessionId).catch(() => null);
      if (this.shown !== shownBefore || this.ended) return;
      const report = latest?.[running.mode];
      const newer = report && (newestShown === undefined || report.created_at > newestShown);
      if (report && newer && Date.parse(report.created_at) >= running.sentAt - LANDED_SLACK_MS) {
        this.show(report);
        if (running.mode === "submit") this.markSubmitted();
        return;
      }
      if (monotonicNow() < deadline) setTimeout(() => void tick(), FOLLOW_RUN_MS);
      else {
        for (const note of document.querySelectorAll("#results .results-later")) note.remove();
        say(`Your ${what} from before the page reloaded did not finish. Run your code again to see its results.`);
      }
    };
    setTimeout(() => void tick(), FOLLOW_RUN_MS);
  }

  private showLatest(results: LatestResults): void {
    const latest = newestReport(results);
    if (latest) this.show(latest, "you", { quiet: true }); // shown again after a reload, not news
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
    const code = this.editor.code;
    if (code.length <= MAX_CODE_CHARS) return null; // never more code points than UTF-16 units
    const length = codeLength(code);
    return length > MAX_CODE_CHARS ? codeTooLong(length) : null;
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

  private bindToolbar(languages: Language[]): void {
    const select = byId<HTMLSelectElement>("language-select");
    if (languages.length > 1) {
      select.replaceChildren(
        ...languages.map((l) => h("option", { value: l, selected: l === this.language }, LANGUAGE_NAMES[l])),
      );
      select.hidden = false;
      byId("editor-language").hidden = true;
      select.addEventListener("change", () => void this.switchLanguage(select.value as Language));
    }
    byId("run").addEventListener("click", () => void this.judge("run"));
    byId("submit").addEventListener("click", () => void this.confirmSubmit());
    byId("reset-code").addEventListener("click", () => void this.reset());
    const font = byId<HTMLSelectElement>("font-size");
    font.addEventListener("change", () => {
      const px = Number(font.value);
      saveFontSize(px);
      this.applyFontSize(px);
    });
    byId("theme-toggle").addEventListener("click", () => {
      const next: Theme = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
      chooseTheme(next);
      this.applyTheme(next);
    });
    window
      .matchMedia?.("(prefers-color-scheme: dark)")
      .addEventListener("change", () => this.applyTheme(effectiveTheme()), { signal: this.listening.signal });
    document.addEventListener(
      "keydown",
      (e) => {
        if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || e.defaultPrevented) return;
        if (!runsOnCtrlEnter(e.target)) return;
        e.preventDefault();
        void this.judge("run");
      },
      { signal: this.listening.signal },
    );
  }

  applyTheme(theme: Theme): void {
    document.documentElement.dataset.theme = theme;
    const toggle = byId("theme-toggle");
    toggle.setAttribute("aria-pressed", String(theme === "dark"));
    this.editor.setDark(theme === "dark");
  }

  private applyFontSize(px: number): void {
    byId<HTMLSelectElement>("font-size").value = String(px);
    this.editor.setFontSize(px);
  }

  /** Each language keeps its own draft: save this one, then open the other's draft or its starter. Switches follow
   * one another in the order chosen; a Run, Submit or custom input pressed meanwhile waits for them (`switching`). */
  switchLanguage(language: Language): Promise<void> {
    const done = (this.switching ?? Promise.resolve()).then(() => this.switchNow(language));
    const mine: Promise<void> = done.finally(() => {
      if (this.switching === mine) this.switching = null;
    });
    this.switching = mine;
    return mine;
  }

  private async switchNow(language: Language): Promise<void> {
    if (language === this.language) return;
    this.drafts.set(this.language, this.editor.code);
    await this.saver.flush();
    const code = this.drafts.get(language) ?? this.starter(language);
    if (!this.drafts.has(language)) this.saver.known(language, code);
    // The language and its code in one step: nothing reads or types into the one under the other's name.
    void this.editor.switchTo(language, code);
    byId("editor-language").textContent = LANGUAGE_NAMES[language];
    byId<HTMLSelectElement>("language-select").value = language;
    this.onLanguage(language);
  }

  /** The language the code to run is in, and that code, once a switch chosen before has taken place: a Run pressed
   * with JavaScript chosen runs JavaScript, not the Python still in the editor while its draft was being saved. */
  private async chosenCode(): Promise<{ language: Language; code: string }> {
    while (this.switching) await this.switching.catch(() => undefined); // a failed switch leaves the editor as is
    return { language: this.editor.currentLanguage, code: this.editor.code };
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
    const ok = await confirmAction({
      title: "Submit your final answer?",
      detail: this.allowResubmission
        ? "Your code runs against every test, including hidden ones. You may submit again afterwards."
        : "Your code runs against every test, including hidden ones. After this your code is final and the editor becomes read-only.",
      confirm: "Submit final answer",
    });
    if (ok) await this.judge("submit");
  }

  async judge(mode: "run" | "submit"): Promise<void> {
    if (this.busy || this.hold.held || this.ended || this.stale || (this.submitted && !this.allowResubmission)) return;
    const results = byId("results");
    this.setBusy(true);
    // The run carries the language and code it was started with: a switch made while it waits for the judge changes
    // neither (one read after the save below had one language's name on the other's code).
    const { language, code } = await this.chosenCode();
    const tooLong = this.tooLong();
    if (tooLong || this.ended || this.stale) {
      if (tooLong) {
        selectOutput("results");
        renderFailure(results, tooLong); // sending it would only be refused
        this.shown += 1;
      }
      this.setBusy(false);
      return;
    }
    renderPending(results, mode);
    this.shown += 1; // the pane is this run's now
    selectOutput("results");
    this.beforeRun();
    await this.saver.flush();
    const sentAt = serverClock.now();
    keepRunning(this.sessionId, { mode, sentAt }); // a reload meanwhile looks for its report (followRunning)
    try {
      const report =
        mode === "run"
          ? await this.api.run(this.sessionId, language, code)
          : await this.api.submit(this.sessionId, language, code);
      this.show(report);
      if (mode === "submit") this.markSubmitted();
    } catch (error) {
      const landed = mode === "submit" ? await landedSubmit(this.api, this.sessionId, error, sentAt) : null;
      if (landed) this.show(landed);
      if (landed) this.markSubmitted();
      else this.failed(results, error);
    } finally {
      keepRunning(this.sessionId, null);
      this.setBusy(false);
    }
  }

  /** A report from the candidate or the interviewer: results, console, and compile errors in the gutter. */
  show(report: RunReport, by: "you" | "interviewer" = "you", opts: { quiet?: boolean } = {}): void {
    const container = byId(report.custom ? "custom-output" : "results");
    this.shown += 1;
    for (const later of document.querySelectorAll("#results .results-later")) later.remove();
    renderReport(container, report, by);
    renderConsole(byId("console"), report);
    // Its compile errors mark the editor's lines only when the editor shows the language it ran (the candidate may
    // have switched while it ran): marks on another language's code would point at the wrong lines.
    const sameLanguage = !report.language || report.language === this.editor.currentLanguage;
    this.editor.mark(sameLanguage ? reportMarks(report) : []);
    // Its one-line summary is read out (the interviewer's runs are, by the event feed); the tests and what they
    // printed stay in the pane to read.
    const line = container.querySelector(".report-summary")?.textContent;
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
    byId("results").toggleAttribute("aria-busy", busy);
  }

  /** A Run, Submit or custom input still unanswered after a while (the judge's queue): said, and read out, so the
   * wait is not taken for a hang (a second Run would only be refused as one in progress). */
  private stillRunning(): void {
    this.slow = null;
    if (!this.busy) return;
    const text = "Still running: the code runner may be busy. This can take up to 3 minutes; your code is safe.";
    for (const pending of document.querySelectorAll<HTMLElement>(
      "#results .report-pending, #custom-output .report-pending",
    )) {
      pending.textContent = text;
    }
    announce(text);
  }

  private markSubmitted(): void {
    this.submitted = true;
    const final = byId("final-state");
    final.hidden = false;
    final.replaceChildren(
      h("strong", {}, "Your final answer is submitted."),
      " ",
      this.allowResubmission ? "You may keep improving it and submit again. " : "Your code is now read-only. ",
      "The interviewer may ask you about it. When the interview ends, the hiring team receives a report; they decide the next step and will contact you.",
    );
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
    byId("save-status").textContent = ""; // no "trying again in …": nothing is saved any more, the banner says why
    byId("save-status").dataset.state = "stopped";
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
    const text =
      "Your code was changed in another tab or window of this interview, so this tab stopped to keep that work. " +
      "It shows the newest saved code. Reload to continue from it, and close the other tab or this one.";
    byId("stale-text").textContent = text;
    byId("stale-banner").hidden = false;
    byId("stale-reload").onclick = () => window.location.reload();
    announce(text);
    this.followSaved();
  }

  /** While this tab is superseded, its (read-only) editor shows the newest code saved in its language, read again
   * every few seconds. The call may still be in this tab, and the interviewer reads the code from its editor: it
   * would otherwise go on seeing code the candidate has long since changed in the other tab. */
  private followSaved(): void {
    const tick = async (): Promise<void> => {
      this.following = null;
      if (this.ended || this.locked) return;
      try {
        const draft = (await this.api.drafts(this.sessionId)).drafts[this.editor.currentLanguage];
        if (draft && draft.code !== this.editor.code && !this.ended && !this.locked) this.editor.setCode(draft.code);
      } catch {
        // not reached this time: read again at the next tick
      }
      if (!this.ended && !this.locked) this.following = setTimeout(() => void tick(), STALE_FOLLOW_MS);
    };
    this.following = setTimeout(() => void tick(), 0);
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
    if (this.following !== null) clearTimeout(this.following);
    this.following = null;
    this.editor.setReadOnly(true);
    this.saver.stop();
    byId("ended-banner").hidden = false;
    this.setBusy(false);
  }

  private bindCustomInput(): void {
    const params = this.question.signature.params;
    // An example copied whole, as JSON, or none: one cut short to fit a field is not JSON, and its Run only failed.
    const example = exampleArgs(this.question.visible_tests, params.length);
    const typed = loadCustomArgs(this.sessionId, params.length); // given back after a reload
    byId("custom-fields").replaceChildren(
      ...(example
        ? []
        : [h("p", { class: "muted small" }, "The examples are too large to copy here: type your own arguments.")]),
      ...params.map((p, i) =>
        h(
          "div",
          { class: "custom-field" },
          h("label", { for: `custom-arg-${i}` }, `${p.name} `, h("span", { class: "muted" }, `(${p.type})`)),
          h("input", {
            id: `custom-arg-${i}`,
            type: "text",
            spellcheck: "false",
            autocomplete: "off",
            value: typed[i] ?? example?.[i] ?? "",
            placeholder: example ? null : typeExample(p.type) && `for example ${typeExample(p.type)}`,
          }),
        ),
      ),
    );
    byId("custom-fields").addEventListener("input", (e) => {
      const i = params.findIndex((_, n) => (e.target as HTMLElement | null)?.id === `custom-arg-${n}`);
      if (i < 0) return;
      typed[i] = (e.target as HTMLInputElement).value;
      saveCustomArgs(this.sessionId, typed);
    });
    byId<HTMLFormElement>("custom-form").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.runCustom();
    });
  }

  private async runCustom(): Promise<void> {
    if (this.busy || this.hold.held || this.ended || this.stale) return;
    const error = byId("custom-error");
    const args: unknown[] = [];
    const params = this.question.signature.params;
    for (let i = 0; i < params.length; i++) {
      const input = byId<HTMLInputElement>(`custom-arg-${i}`);
      try {
        args.push(JSON.parse(input.value));
      } catch {
        const example = typeExample(params[i].type) ?? '[1, 2, 3], 7 or "text"';
        error.textContent = input.value.trim()
          ? `${params[i].name} is not valid JSON (for example ${example}).`
          : `${params[i].name} is empty: type its value as JSON (for example ${example}).`;
        announce(error.textContent);
        input.focus();
        return;
      }
    }
    this.setBusy(true);
    const { language, code } = await this.chosenCode(); // as a Run: the language chosen, with its own code
    const tooLong = this.tooLong();
    if (tooLong) {
      error.textContent = tooLong;
      announce(tooLong);
    }
    if (tooLong || this.ended || this.stale) return this.setBusy(false);
    error.textContent = "";
    this.beforeRun();
    const output = byId("custom-output");
    output.replaceChildren(h("p", { class: "report-pending" }, "Running your function…"));
    try {
      this.show(await this.api.customRun(this.sessionId, language, code, [args]));
    } catch (err) {
      this.failed(output, err);
    } finally {
      this.setBusy(false);
    }
  }
}
