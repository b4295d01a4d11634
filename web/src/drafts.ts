// Server-side drafts: the editor's code is saved through the API a moment after typing stops (and at least every
// few seconds while typing goes on), per session and language, so a reload, a new tab or another device resumes it.
import type { Language } from "./api";
import { SnapshotScheduler, type Timers } from "./snapshots";

export type SaveState = "saved" | "saving" | "pending" | "retrying" | "stopped";

export interface DraftTarget {
  save(language: Language, code: string): Promise<unknown>;
}

const SAVE_TEXT: Record<SaveState, string> = {
  saved: "Saved",
  saving: "Saving…",
  pending: "",
  retrying: "Not saved yet; retrying",
  stopped: "",
};

export function saveText(state: SaveState): string {
  return SAVE_TEXT[state];
}

export class DraftSaver {
  private readonly saved = new Map<Language, string>();
  private current: { language: Language; code: string } | null = null;
  private readonly scheduler: SnapshotScheduler;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly target: DraftTarget,
    private readonly onState: (state: SaveState, detail?: string) => void,
    timers?: Timers,
    quietMs = 800,
    maxWaitMs = 5000,
  ) {
    this.scheduler = new SnapshotScheduler(() => void this.flush(), quietMs, maxWaitMs, timers);
  }

  /** What the server already holds (from GET drafts or the starter), so it is not saved again. */
  known(language: Language, code: string): void {
    this.saved.set(language, code);
  }

  changed(language: Language, code: string): void {
    if (this.stopped) return;
    this.current = { language, code };
    if (this.saved.get(language) === code) return;
    this.onState("pending");
    this.scheduler.changed();
  }

  /** Save now (before switching language, submitting or ending). */
  async flush(): Promise<void> {
    this.scheduler.cancel();
    if (this.inFlight) await this.inFlight;
    const item = this.current;
    if (!item || this.stopped || this.saved.get(item.language) === item.code) return;
    this.onState("saving");
    this.inFlight = (async () => {
      try {
        await this.target.save(item.language, item.code);
        this.saved.set(item.language, item.code);
        const latest = this.current;
        this.onState(latest && this.saved.get(latest.language) !== latest.code ? "pending" : "saved");
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0;
        if (status === 409 || status === 410 || status === 401) {
          this.stopped = true; // the interview is over or the answer is final: nothing more to save
          this.onState("stopped", (error as Error).message);
        } else {
          this.onState("retrying");
          this.scheduler.changed();
        }
      } finally {
        this.inFlight = null;
      }
    })();
    await this.inFlight;
    if (this.current && this.saved.get(this.current.language) !== this.current.code && !this.stopped) {
      this.scheduler.changed();
    }
  }

  stop(): void {
    this.stopped = true;
    this.scheduler.cancel();
  }
}
