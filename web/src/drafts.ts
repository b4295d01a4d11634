// Server-side drafts: the editor's code is saved through the API a moment after typing stops (and at least every
// few seconds while typing goes on), per session and language, so a reload, a new tab or another device resumes it.
import { type Language, retryAfterMs, waitWords } from "./api";
import { refusalReason, saveRefused, saveStopped } from "./messages";
import { SnapshotScheduler, type Timers } from "./snapshots";

const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
};

/** The longest pause between autosave retries of a failing network or server (without a `Retry-After`). */
export const MAX_RETRY_MS = 30_000;

export type SaveState = "saved" | "saving" | "pending" | "retrying" | "refused" | "stopped" | "conflict";

export interface DraftTarget {
  /** Save `code` as edited from draft `baseRevision` (0: none yet; undefined: not known, the latest save wins). The
   * server refuses with 409 `draft_conflict` when another tab or device saved since. */
  save(language: Language, code: string, baseRevision: number | undefined, keepalive?: boolean): Promise<unknown>;
  /** The server's draft now (null: none), to tell a save of ours whose answer was lost from another tab's. */
  latest?(language: Language): Promise<{ code: string; revision: number } | null>;
}

/** Where unsaved code is kept across a reload (web/src/localcopy.ts), with the revision it was edited from. */
export interface LocalCopies {
  keep(language: Language, code: string, base: number): void;
  drop(language: Language): void;
}

/** Codes sent whose answer never came, per language: one of them may be what the server holds now. */
const MAX_UNANSWERED = 20;

const SAVE_TEXT: Record<SaveState, string> = {
  saved: "Saved",
  saving: "Saving…",
  pending: "",
  retrying: "Not saved yet; retrying",
  refused: "Not saved: the server cannot store this code. Change it and it is saved again.",
  stopped: "",
  conflict: "Not saved: this code was changed in another tab or window. Reload to continue from the newest code.",
};

export function saveText(state: SaveState): string {
  return SAVE_TEXT[state];
}

export class DraftSaver {
  private readonly saved = new Map<Language, string>();
  /** The server's draft revision each language's code was loaded or last saved as (0: no draft yet). */
  private readonly revisions = new Map<Language, number>();
  private readonly unanswered = new Map<Language, string[]>();
  /** The newest code typed in each language: a language left behind by a switch while its save failed is still
   * saved later (and still counts as unsaved), not only the one in the editor now. */
  private readonly edited = new Map<Language, string>();
  /** Code the API refused as it is (over its size, characters it cannot store): not sent again until it changes. */
  private readonly refusedCode = new Map<Language, string>();
  private current: Language | null = null;
  private readonly scheduler: SnapshotScheduler;
  private inFlight: Promise<void> | null = null;
  private stopped = false;
  /** Failed saves in a row, and the pause after the last one: the autosave sends nothing before it is over (the
   * server's `Retry-After` when it gave one, otherwise doubling from the quiet time up to MAX_RETRY_MS), so a
   * rate-limited or failing server is not asked again every 800 ms while the candidate types. */
  private failures = 0;
  private hold: number | null = null;
  /** The pause is one the server asked for (`Retry-After`), not a backoff of our own on a failing network. */
  private serverAsked = false;
  private readonly timers: Timers;
  /** The page is going (pagehide came, no pageshow since): what could go went with `leaving`, nothing more is sent. */
  private gone = false;
  /** Unsaved code kept across a reload (a failed save, the page going); none in tests that do not ask. */
  local: LocalCopies | null = null;

  constructor(
    private readonly target: DraftTarget,
    /** `detail` and `code`: why it was refused, in the page's own words (web/src/messages.ts), and its error code
     * ("refused", "stopped", "conflict"). */
    private readonly onState: (state: SaveState, detail?: string, code?: string) => void,
    timers?: Timers,
    private readonly quietMs = 800,
    maxWaitMs = 5000,
  ) {
    this.timers = timers ?? browserTimers;
    // The autosave waits out a pause after a failure; a flush the candidate causes (a Run, a language switch, the
    // end, the page hidden) still sends at once.
    this.scheduler = new SnapshotScheduler(
      () => {
        if (this.hold === null) void this.flush();
      },
      quietMs,
      maxWaitMs,
      timers,
    );
  }

  /** After a failed save: no autosave until the pause is over, then one. Returns the pause in ms. */
  private holdOff(error: unknown): number {
    this.failures += 1;
    const backoff = Math.min(this.quietMs * 2 ** (this.failures - 1), MAX_RETRY_MS);
    const wait = Math.max(retryAfterMs(error) ?? 0, backoff);
    this.serverAsked = retryAfterMs(error) !== null;
    if (this.hold !== null) this.timers.clearTimeout(this.hold);
    this.hold = this.timers.setTimeout(() => {
      this.hold = null;
      if (!this.stopped && this.pending().length > 0) void this.flush();
    }, wait);
    return wait;
  }

  /** The browser is back online: a backoff of our own (not a server's Retry-After) is over at once, so the code is
   * saved as soon as the network returns rather than up to MAX_RETRY_MS later. */
  online(): void {
    if (this.hold === null || this.serverAsked || this.stopped) return;
    this.released();
    if (this.pending().length > 0) void this.flush();
  }

  private released(): void {
    this.failures = 0;
    if (this.hold !== null) this.timers.clearTimeout(this.hold);
    this.hold = null;
  }

  /** What the server already holds (from GET drafts or the starter), so it is not saved again; with the draft's
   * revision (0 when the server has none), so a save from here cannot replace what another tab saved since. */
  known(language: Language, code: string, revision?: number): void {
    this.saved.set(language, code);
    if (revision !== undefined) this.revisions.set(language, revision);
  }

  /** Code restored from the browser's storage (web/src/localcopy.ts), kept by the page before this one: that page
   * may have sent it without reading the answer (as it went, or a save cut off with it), and such a save may land
   * after this page read the drafts. A refusal whose newer draft is this code is then this candidate's own save, not
   * another tab's: the page carries on from it rather than stopping as in a conflict. */
  restored(language: Language, code: string): void {
    this.remember(language, code);
  }

  /** The server's draft revision this page's code in `language` was loaded or last saved as (undefined: unknown). */
  revisionOf(language: Language): number | undefined {
    return this.revisions.get(language);
  }

  /** The server's draft revision for a language whose code is not known here (0: the server has none). */
  revisionIs(language: Language, revision: number): void {
    this.revisions.set(language, revision);
  }

  changed(language: Language, code: string): void {
    if (this.stopped) return;
    this.current = language;
    this.edited.set(language, code);
    if (this.saved.get(language) === code && this.pending().length === 0) return;
    if (this.hold === null) this.onState("pending"); // during a pause, "not saved yet; trying again in …" stays
    this.scheduler.changed();
  }

  /** The languages whose newest code the server does not hold yet, the one in the editor first. */
  private pending(): Language[] {
    const out = this.unsavedLanguages().filter(
      (language) => this.refusedCode.get(language) !== this.edited.get(language),
    );
    return out.sort((a, b) => Number(b === this.current) - Number(a === this.current));
  }

  private unsavedLanguages(): Language[] {
    return [...this.edited].filter(([language, code]) => this.saved.get(language) !== code).map(([l]) => l);
  }

  /** Save now (before switching language, submitting or ending): every language with unsaved code. */
  async flush(): Promise<void> {
    this.scheduler.cancel();
    for (;;) {
      while (this.inFlight) await this.inFlight; // one save at a time: two with one base revision would conflict
      const language = this.stopped ? undefined : this.pending()[0];
      if (language === undefined) return;
      const saved = await this.saveOne(language);
      // A failure schedules a retry (or stops saving); a refusal of this code goes on to the other languages.
      if (!saved && this.refusedCode.get(language) !== this.edited.get(language)) return;
    }
  }

  /** One language's newest code; false when it failed (a retry is scheduled, or saving stopped). */
  private async saveOne(language: Language): Promise<boolean> {
    const code = this.edited.get(language) ?? "";
    let ok = false;
    this.onState("saving");
    this.inFlight = (async () => {
      try {
        const done = await this.target.save(language, code, this.revisions.get(language));
        const revision = (done as { revision?: unknown } | null)?.revision;
        if (typeof revision === "number") this.revisions.set(language, revision);
        this.saved.set(language, code);
        this.unanswered.delete(language);
        if (this.edited.get(language) === code)
          this.local?.drop(language); // the server holds the newest
        else this.keepLocal(language); // newer code came meanwhile: its copy moves on to this revision
        this.released();
        ok = true;
        this.onState(this.pending().length > 0 ? "pending" : "saved");
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0;
        if ((error as { code?: string }).code === "draft_conflict") {
          if (await this.ourOwnSave(language)) {
            // A save of ours landed though its answer was lost: carry on from it, saying "saved" when it holds the
            // newest code (nothing more would be sent to say so), and saving any newer code at once.
            ok = true;
            if (this.edited.get(language) === this.saved.get(language)) this.local?.drop(language);
            else this.keepLocal(language);
            this.onState(this.pending().length > 0 ? "pending" : "saved");
          } else {
            // Another tab or device saved newer code: saving this tab's older code over it would lose that work.
            this.stopped = true;
            this.local?.drop(language); // a reload resumes the newest code, not this tab's older one
            this.onState("conflict", refusalReason(error));
          }
        } else if (status === 413 || status === 422) {
          // This code as it is will never be stored (too large, a character Postgres cannot keep): sending it again
          // and again would say "retrying" for ever. Said once; the next change is tried.
          this.refusedCode.set(language, code);
          this.onState("refused", saveRefused(error), (error as { code?: string }).code);
        } else if (status === 409 || status === 410 || status === 401) {
          this.stopped = true; // the interview is over or the answer is final: nothing more to save
          for (const l of this.edited.keys()) this.local?.drop(l);
          this.onState("stopped", saveStopped(error), (error as { code?: string }).code);
        } else {
          if (status === 0 || status >= 500) this.remember(language, code); // it may have been stored
          for (const l of this.unsavedLanguages()) this.keepLocal(l); // a reload now would find it here
          const wait = this.holdOff(error);
          // A pause the server asked for, or a long one, is said: "retrying" for half a minute reads as stuck.
          const said = retryAfterMs(error) !== null || wait >= 5000;
          this.onState("retrying", said ? `Not saved yet; trying again in ${waitWords(wait)}` : undefined);
        }
      } finally {
        this.inFlight = null;
      }
    })();
    await this.inFlight;
    return ok;
  }

  private remember(language: Language, code: string): void {
    const codes = this.unanswered.get(language) ?? [];
    if (!codes.includes(code)) codes.push(code);
    this.unanswered.set(language, codes.slice(-MAX_UNANSWERED));
  }

  /** Whether the server's draft is one this page sent without hearing back; if so, continue from its revision. */
  private async ourOwnSave(language: Language): Promise<boolean> {
    const codes = this.unanswered.get(language);
    if (!codes?.length || !this.target.latest) return false;
    let server: { code: string; revision: number } | null;
    try {
      server = await this.target.latest(language);
    } catch {
      return false;
    }
    if (!server || !codes.includes(server.code)) return false;
    this.revisions.set(language, server.revision);
    this.saved.set(language, server.code);
    this.unanswered.delete(language);
    return true;
  }

  /** The page is going away (a reload, a closed tab, a mobile browser dropping it), perhaps inside the autosave's
   * quiet time: send what the server does not hold yet, every language of it, in requests that outlive the page.
   * Each is kept in the browser's storage first: one that does not fit in what is left of the page's 64 KiB for such
   * requests once the integrity observations went (web/src/leaving.ts) is not sent, and the page opened again
   * (reloaded, or the link opened in a new tab) restores it. */
  leaving(): void {
    this.gone = true;
    if (this.stopped) return;
    this.scheduler.cancel();
    for (const language of this.pending()) {
      const code = this.edited.get(language) ?? "";
      // It may land with this page never reading the answer; the page may yet come back (Back, the back/forward
      // cache) and save again from the revision it had: that refusal is then its own save, not another tab's.
      this.remember(language, code);
      this.keepLocal(language); // the keepalive save may not land (no network): a reload finds it here
      this.target.save(language, code, this.revisions.get(language), true).catch(() => undefined);
    }
  }

  /** The page was hidden: save at once (another tab, the app switcher; a phone may drop a hidden page unasked).
   * Not when the page is going (pagehide comes first): `leaving` sent what fits in requests that outlive the page and
   * kept the rest in the browser's storage; a plain request now is cancelled with the page at any point, landing or
   * not, and the page opened next, which restores the kept copy, could not tell which. */
  hidden(): void {
    if (!this.gone) void this.flush();
  }

  /** The page is shown again after it was left (Back, the back/forward cache): it saves as before, starting now with
   * what it sent as it went, whose answer it never read: else that code counts as unsaved (the leave prompt asks, its
   * copy stays in the browser's storage) and the status says nothing until the next keystroke. */
  shown(): void {
    if (!this.gone) return; // a first load's pageshow
    this.gone = false;
    if (!this.stopped && this.hold === null && this.pending().length > 0) void this.flush();
  }

  private keepLocal(language: Language): void {
    const code = this.edited.get(language);
    const base = this.revisions.get(language);
    if (code !== undefined && base !== undefined) this.local?.keep(language, code, base);
  }

  /** Code typed here, in any language, that the server does not hold yet and that a later save could still store. */
  get unsaved(): boolean {
    return !this.stopped && this.unsavedLanguages().length > 0;
  }

  /** The interview is over here: nothing more is saved, and no copy is kept for a reload that will not resume. */
  stop(): void {
    this.stopped = true;
    this.scheduler.cancel();
    this.released();
    for (const language of this.edited.keys()) this.local?.drop(language);
  }
}
