// The coding workspace once the interview has started: the editor and each language's draft, what a reload resumes,
// and what stops it (the final answer in, another tab's newer code, the interview over elsewhere). Run, Submit and
// custom input with their reports are web/src/coderuns.ts's.
import type { ApiClient, DraftList, JoinResponse, Language, Question, RunReport } from "./api";
import { announce } from "./announce";
import { CodeRuns, type WorkspaceState } from "./coderuns";
import { confirmAction } from "./dialog";
import { byId } from "./dom";
import { DraftSaver } from "./drafts";
import { finalCodeWords } from "./ending";
import { CodeEditor } from "./editor";
import { LANGUAGE_NAMES } from "./languages";
import { LanguageSwitch } from "./languageswitch";
import { dropLocal, keepLocal } from "./localcopy";
import { renderFinalState } from "./results";
import { loadDrafts, restoreDrafts } from "./restoredrafts";
import { SaveStatus } from "./savestatus";
import { bindSaveTriggers } from "./savetriggers";
import { SavedCodeFollow, showStaleBanner } from "./staletab";
import { bindPreferences } from "./toolbar";

export class Workspace {
  readonly editor: CodeEditor;
  private readonly saver: DraftSaver;
  /** Ends this workspace's listening to the window and the document (`close`). */
  private readonly listening = new AbortController();
  private readonly drafts = new Map<Language, string>();
  private readonly question: Question;
  private readonly sessionId: string;
  private readonly languages: Language[];
  private readonly languageSwitch: LanguageSwitch;
  private readonly runs: CodeRuns;
  private readonly state: WorkspaceState = { ended: false, locked: false, submitted: false, stale: false };
  private readonly following: SavedCodeFollow;
  /** The interview ended elsewhere with code on screen that the server does not hold. */
  private unsavedAtEnd = false;
  private readonly saveStatus = new SaveStatus();
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
    const language = joined.session.language;
    this.editor = new CodeEditor(byId("editor"), this.starter(language), language, () => void this.judge("run"));
    this.saver = new DraftSaver(
      {
        save: (lang, code, base, keepalive) => api.saveDraft(this.sessionId, lang, code, base, keepalive),
        latest: async (lang) => (await api.drafts(this.sessionId)).drafts[lang] ?? null,
      },
      (state, detail, code) => {
        this.saveStatus.show(state, detail, state === "refused" ? this.runs.tooLong() : null);
        if (state === "stopped") this.refused(detail ?? "", code);
        if (state === "conflict") this.superseded();
      },
    );
    this.saver.known(language, this.editor.code);
    this.editor.onNotice = (text) => this.saveStatus.note(text);
    this.languageSwitch = new LanguageSwitch(this.editor, this.saver, this.drafts, (l) => this.starter(l), onLanguage);
    this.following = new SavedCodeFollow(
      async () => (await api.drafts(this.sessionId)).drafts[this.editor.currentLanguage]?.code ?? null,
      this.editor,
      () => this.state.ended || this.state.locked,
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
    this.runs = new CodeRuns({
      api,
      sessionId: this.sessionId,
      question: this.question,
      allowResubmission: this.allowResubmission,
      editor: this.editor,
      languageSwitch: this.languageSwitch,
      saver: this.saver,
      state: this.state,
      markSubmitted: () => this.markSubmitted(),
      beforeRun: () => this.beforeRun(),
    });
    this.runs.bind();
    byId("reset-code").addEventListener("click", () => void this.reset());
    bindPreferences(this.editor, () => void this.judge("run"), this.listening.signal);
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
      if (!this.state.ended && !this.state.locked) this.editor.setReadOnly(false);
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
    this.runs.resumed(results);
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
    return this.state.stale || this.runs.tooLong() ? null : this.editor.code;
  }

  /** What End interview's confirmation says of the code it keeps (web/src/ending.ts): true of this tab as it is now. */
  get finalWords(): string {
    return finalCodeWords({
      answered: this.state.locked,
      stale: this.state.stale,
      tooLong: this.runs.tooLong() !== null,
      language: this.languages.length > 1 ? LANGUAGE_NAMES[this.editor.currentLanguage] : null,
    });
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
    if (this.state.stale || this.state.ended || this.state.locked || this.saver.unsaved) return;
    let list: DraftList;
    try {
      list = await this.api.drafts(this.sessionId);
    } catch {
      return;
    }
    if (this.state.stale || this.state.ended || this.state.locked) return;
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

  /** Run or Submit the code in the language chosen (`CodeRuns.judge`). */
  judge(mode: "run" | "submit"): Promise<void> {
    return this.runs.judge(mode);
  }

  /** A report from the candidate or the interviewer, in its pane (`CodeRuns.show`). */
  show(report: RunReport, by: "you" | "interviewer" = "you", opts: { quiet?: boolean } = {}): void {
    this.runs.show(report, by, opts);
  }

  private markSubmitted(): void {
    this.state.submitted = true;
    renderFinalState(byId("final-state"), this.allowResubmission);
    if (!this.allowResubmission) {
      this.state.locked = true;
      this.editor.setReadOnly(true);
      this.saver.stop();
    }
    this.runs.setBusy(false);
  }

  /** A save was refused for good: the final answer is in (another tab's Submit), or the interview is over for the
   * server (its time and grace spent, ended elsewhere, the link no longer valid). Typing on would be into nothing,
   * so the editor stops and says why; what was saved before is what counts. */
  private refused(message: string, code: string | undefined): void {
    if (this.state.ended || this.state.locked) return;
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
    if (this.state.ended) return;
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
    if (this.state.ended || this.state.locked || this.state.stale) return;
    this.state.stale = true;
    this.editor.setReadOnly(true);
    this.runs.setBusy(false);
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
    this.state.ended = true;
    this.following.stop();
    this.editor.setReadOnly(true);
    this.saver.stop();
    byId("ended-banner").hidden = false;
    this.runs.setBusy(false);
  }
}
