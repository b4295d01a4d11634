// A tab another tab or device has saved newer code over: its banner (what happened, and a Reload to continue from
// the newest code), and its read-only editor following the newest code saved in its language.
import { announce } from "./announce";
import { byId } from "./dom";

/** How often a tab another tab has superseded reads the newest saved code again. */
export const STALE_FOLLOW_MS = 3000;

/** Shows the banner and reads it out. */
export function showStaleBanner(): void {
  const text =
    "Your code was changed in another tab or window of this interview, so this tab stopped to keep that work. " +
    "It shows the newest saved code. Reload to continue from it, and close the other tab or this one.";
  byId("stale-text").textContent = text;
  byId("stale-banner").hidden = false;
  byId("stale-reload").onclick = () => window.location.reload();
  announce(text);
}

/** The newest saved code of the editor's language, read every few seconds and put in the (read-only) editor while
 * the tab is superseded. The call may still be in this tab, and the interviewer reads the code from its editor: it
 * would otherwise go on seeing code the candidate has long since changed in the other tab. */
export class SavedCodeFollow {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** The newest saved code of the editor's language (null: none); throws when not reached. */
    private readonly read: () => Promise<string | null>,
    private readonly editor: { code: string; setCode(code: string): void },
    /** The interview is over or the answer final: nothing more to follow. */
    private readonly done: () => boolean,
  ) {}

  start(): void {
    const tick = async (): Promise<void> => {
      this.timer = null;
      if (this.done()) return;
      try {
        const code = await this.read();
        if (code !== null && code !== this.editor.code && !this.done()) this.editor.setCode(code);
      } catch {
        // not reached this time: read again at the next tick
      }
      if (!this.done()) this.timer = setTimeout(() => void tick(), STALE_FOLLOW_MS);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
