// The save status beside the editor: what it says of the autosave (web/src/drafts.ts) and of loading the saved code
// after a reload, and which of it is read out.
import { announce } from "./announce";
import { byId } from "./dom";
import { type SaveState, saveText } from "./drafts";

/** Save states a candidate is told of wherever they are: the code is not on the server. */
const SAVE_PROBLEMS: ReadonlySet<SaveState> = new Set<SaveState>(["retrying", "refused"]); // conflict: its banner

/** What the status says while the saved drafts are asked again after a reload on a failing network. */
const LOADING_AGAIN = "Could not load your saved code; retrying…";

export class SaveStatus {
  private problem: SaveState | null = null; // what the candidate was last told of the autosave going wrong

  private set(text: string, state: string | null): void {
    const el = byId("save-status");
    el.textContent = text;
    if (state === null) delete el.dataset.state;
    else el.dataset.state = state;
  }

  /** The autosave's `state`; `detail`: why it was refused (the page's own sentence), or how long a retry waits; `tooLong`: what to say of
   * code longer than the API keeps (null when it is not). Read out from the page's one live region (the pane has
   * none): a save going wrong, once as it starts (not each second of its countdown), and its recovery; never the
   * "Saving…", "Saved" of every pause in typing. */
  show(state: SaveState, detail: string | undefined, tooLong: string | null): void {
    this.set(
      state === "stopped" && detail
        ? ""
        : state === "retrying" && detail
          ? detail // how long the autosave waits before it tries again
          : state === "refused" && tooLong
            ? `Not saved. ${tooLong}`
            : state === "refused" && detail
              ? `Not saved. ${detail} Change the code and it is saved again.`
              : saveText(state),
      state,
    );
    if (SAVE_PROBLEMS.has(state)) {
      if (state !== this.problem) announce(byId("save-status").textContent ?? "");
      this.problem = state;
    } else if (state === "saved" && this.problem !== null) {
      this.problem = null;
      announce("Your code is saved again.");
    }
  }

  /** The saved drafts are being loaded (a reload, a new tab or device): on a slow network the editor shows the
   * starter, read-only, for a while, and nothing said the candidate's own code was on its way. */
  loading(): void {
    this.set("Loading your saved code…", "loading");
  }

  /** The saved drafts could not be loaded after a reload, and are asked again. */
  loadingAgain(): void {
    if (byId("save-status").textContent !== LOADING_AGAIN) announce(LOADING_AGAIN); // once, not at each attempt
    this.set(LOADING_AGAIN, "retrying");
  }

  /** Something the candidate did to the editor that was not done (a file too large to drop): shown until the next
   * change, and read out. */
  note(text: string): void {
    this.set(text, "refused");
    announce(text);
  }

  /** The saved drafts are in (or refused for good): nothing more to say of loading them. */
  loaded(): void {
    const state = byId("save-status").dataset.state;
    if (state === "loading" || state === "retrying") this.set("", null);
  }

  /** Nothing is saved any more (the interview is over): no "trying again in …"; the banner says why. */
  stopped(): void {
    this.set("", "stopped");
  }
}
